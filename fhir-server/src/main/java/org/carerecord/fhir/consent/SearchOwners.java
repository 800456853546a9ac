package org.carerecord.fhir.consent;

import java.time.Duration;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/**
 * Who ran each stored search, in the database so that every fhir-server instance (and this one after a
 * restart) answers a paging link the same way. A search with no row here has no owner and is answered to
 * no one.
 */
@Repository
class SearchOwners {

    /** The identity that ran a search, and the one patient and type it was aimed at (either may be null). */
    record SearchOwner(String digest, String patientId, String resourceType) {}

    /** Longer than HAPI keeps a search's results (an hour by default), so no live link loses its owner. */
    private static final Duration KEPT = Duration.ofHours(2);

    private final JdbcTemplate jdbc;

    SearchOwners(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    void record(String searchUuid, SearchOwner owner) {
        jdbc.update("""
                insert into care.search_owner (search_uuid, owner_digest, patient_id, resource_type)
                values (?, ?, ?, ?) on conflict (search_uuid) do nothing""", searchUuid, owner.digest(), owner.patientId(), owner.resourceType());
    }

    Optional<SearchOwner> of(String searchUuid) {
        return jdbc
                .query(
                        "select owner_digest, patient_id, resource_type from care.search_owner where search_uuid = ?",
                        (rs, n) -> new SearchOwner(rs.getString(1), rs.getString(2), rs.getString(3)),
                        searchUuid)
                .stream()
                .findFirst();
    }

    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    void forgetExpired() {
        jdbc.update("delete from care.search_owner where created < now() - make_interval(secs => ?)", KEPT.toSeconds());
    }
}
