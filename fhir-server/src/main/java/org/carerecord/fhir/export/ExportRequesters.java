package org.carerecord.fhir.export;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.carerecord.fhir.access.KeptClaims;
import org.carerecord.fhir.access.Requester;
import org.carerecord.security.token.CareClaims;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** {@code care.bulk_export}: the system that asked for each export, kept for as long as the export's job. */
@Repository
class ExportRequesters {

    private final JdbcClient jdbc;
    /** An export's requester is read for every record it exports: once from the table per export. */
    private final Cache<UUID, Optional<Requester>> requesters = Caffeine.newBuilder()
            .maximumSize(1_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();

    ExportRequesters(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Keeps the requester of the request being served; the new export's id. */
    UUID register(CareClaims claims) {
        UUID id = UUID.randomUUID();
        jdbc.sql(
                        "insert into care.bulk_export (export_id, client_id, claims) values (:id, :client, cast(:claims as jsonb))")
                .param("id", id)
                .param("client", claims.clientId())
                .param("claims", KeptClaims.ofThisRequestAsJson())
                .update();
        return id;
    }

    /** The system that asked for this export, as it asked. */
    Optional<Requester> requesterOf(UUID exportId) {
        return requesters.get(exportId, this::read);
    }

    /** The client that asked for this export, if it is one. */
    Optional<String> clientOf(UUID exportId) {
        return requesterOf(exportId).map(r -> r.claims().clientId());
    }

    /** Rows of exports whose job HAPI has purged with its files. */
    int forgetBefore(java.time.Instant cutoff) {
        return jdbc.sql("delete from care.bulk_export where requested < :cutoff")
                .param("cutoff", java.sql.Timestamp.from(cutoff))
                .update();
    }

    private Optional<Requester> read(UUID exportId) {
        return jdbc.sql("select claims::text from care.bulk_export where export_id = :id")
                .param("id", exportId)
                .query(String.class)
                .optional()
                .map(json -> KeptClaims.requesterOf(json, "bulk-export"));
    }
}
