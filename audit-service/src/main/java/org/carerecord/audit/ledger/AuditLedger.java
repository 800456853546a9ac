package org.carerecord.audit.ledger;

import ca.uhn.fhir.context.FhirContext;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Appends audit events to the hash chain. Delivery is at-least-once, so an event id already stored is
 * skipped; one advisory lock serialises writers (across instances too) so the chain stays linear.
 */
@Repository
public class AuditLedger {

    private static final long CHAIN_LOCK = 0x6175646974L; // "audit"

    private final JdbcTemplate jdbc;
    private final FhirContext fhir;

    public AuditLedger(JdbcTemplate jdbc, FhirContext fhir) {
        this.jdbc = jdbc;
        this.fhir = fhir;
    }

    /** Returns how many of the events were new. */
    @Transactional
    public int append(List<AuditEvent> events) {
        if (events.isEmpty()) {
            return 0;
        }
        jdbc.queryForObject("select pg_advisory_xact_lock(?)", Object.class, CHAIN_LOCK);
        Set<String> seen = new HashSet<>(jdbc.queryForList(
                "select event_id from audit_event where event_id = any(?)", String.class,
                (Object) events.stream().map(e -> e.getIdElement().getIdPart()).toArray(String[]::new)));
        String previous = jdbc.query("select hash from audit_event order by seq desc limit 1",
                rs -> rs.next() ? rs.getString(1) : ChainHash.GENESIS);
        List<Object[]> rows = new ArrayList<>();
        for (AuditEvent event : events) {
            AuditEntry entry = AuditEntry.of(event);
            if (!seen.add(entry.eventId())) {
                continue;
            }
            String canonical = fhir.newJsonParser().setPrettyPrint(false).encodeResourceToString(event);
            String hash = ChainHash.next(previous, canonical);
            rows.add(new Object[] {entry, canonical, previous, hash});
            previous = hash;
        }
        jdbc.batchUpdate("""
                insert into audit_event (event_id, recorded, action, outcome, user_id, user_role, organisation,
                                         purpose, patient_ids, resource, prev_hash, hash)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows, rows.size(), (PreparedStatement ps, Object[] row) -> {
            AuditEntry e = (AuditEntry) row[0];
            ps.setString(1, e.eventId());
            ps.setTimestamp(2, Timestamp.from(e.recorded()));
            ps.setString(3, e.action());
            ps.setString(4, e.outcome());
            ps.setString(5, e.userId());
            ps.setString(6, e.userRole());
            ps.setString(7, e.organisation());
            ps.setString(8, e.purpose());
            Array patients = ps.getConnection().createArrayOf("text", e.patientIds().toArray());
            ps.setArray(9, patients);
            ps.setString(10, (String) row[1]);
            ps.setString(11, (String) row[2]);
            ps.setString(12, (String) row[3]);
        });
        return rows.size();
    }
}
