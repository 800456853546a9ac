package org.carerecord.fhir.relationship;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.carerecord.fhir.jpa.TransactionScoped;
import org.carerecord.security.cache.InvalidatingCache;
import org.carerecord.security.decision.CareRelationship;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The care relationship index: written with the records it is derived from, read for every decision —
 * through a cache evicted when this server writes a patient's relationships (after commit too). Another
 * fhir-server replica's writes would reach this one's cache only within its time to live, so with replicas the
 * cache is off ({@code care.fhir.relationship-cache-ttl=0}, as {@code ./care-record up --replicas} and the
 * Kubernetes manifests set it): every decision reads the index (one indexed query), and a relationship ended
 * through one replica counts on none. Alone (the default, 30 s) a write here evicts at once.
 */
@Repository
public class CareRelationships {

    /** One row of the index: this organisation's relationship to this patient, shown by one record. */
    public record Row(String organisation, String patientId, CareRelationship relationship) {}

    private record Pair(String patientId, String organisation) {}

    private final JdbcTemplate jdbc;
    private final InvalidatingCache<Pair, List<CareRelationship>> cache;

    public CareRelationships(
            JdbcTemplate jdbc, @Value("${care.fhir.relationship-cache-ttl:30s}") Duration cacheTimeToLive) {
        this.jdbc = jdbc;
        this.cache = new InvalidatingCache<>(cacheTimeToLive, 100_000);
    }

    /** The evidence that the organisation cares for the patient. */
    public List<CareRelationship> between(String patientId, String organisation) {
        return cache.get(new Pair(patientId, organisation), pair -> load(pair.patientId(), pair.organisation()));
    }

    private List<CareRelationship> load(String patientId, String organisation) {
        return jdbc.query(
                """
                select basis, resource, status, period_start, period_end from care.care_relationship
                where patient_id = ? and organisation = ?""",
                (rs, n) -> new CareRelationship(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getString(3),
                        instant(rs.getTimestamp(4)),
                        instant(rs.getTimestamp(5))),
                patientId,
                organisation);
    }

    /** Replaces what one record shows (an empty list: it shows nothing any more, e.g. it was deleted). */
    public void replace(String resource, Collection<Row> rows) {
        Set<String> patients = new HashSet<>(jdbc.queryForList(
                "delete from care.care_relationship where resource = ? returning patient_id", String.class, resource));
        rows.forEach(row -> patients.add(row.patientId()));
        evictAfterCommit(patients);
        jdbc.batchUpdate("""
                insert into care.care_relationship (resource, organisation, patient_id, basis, status, period_start, period_end)
                values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing""", List.copyOf(rows), rows.size(), (ps, row) -> {
            ps.setString(1, resource);
            ps.setString(2, row.organisation());
            ps.setString(3, row.patientId());
            ps.setString(4, row.relationship().basis());
            ps.setString(5, row.relationship().status());
            ps.setTimestamp(6, timestamp(row.relationship().start()));
            ps.setTimestamp(7, timestamp(row.relationship().end()));
        });
    }

    private void evictAfterCommit(Set<String> patients) {
        cache.invalidate(pair -> patients.contains(pair.patientId()));
        TransactionScoped.afterCompletion(() -> cache.invalidate(pair -> patients.contains(pair.patientId())));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static Timestamp timestamp(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }
}
