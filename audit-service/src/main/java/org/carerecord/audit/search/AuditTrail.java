package org.carerecord.audit.search;

import ca.uhn.fhir.context.FhirContext;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads the trail back for governance search, newest first. */
@Repository
public class AuditTrail {

    /** A governance question; null fields are not filtered on. Newest first unless {@code oldestFirst}. */
    public record Query(
            String patientId,
            String userId,
            String organisation,
            String outcome,
            String purpose,
            String action,
            java.time.Instant from,
            java.time.Instant to,
            int limit,
            int offset,
            boolean oldestFirst) {

        public static Query forPatient(String patientId, int limit) {
            return new Query(patientId, null, null, null, null, null, null, null, limit, 0, false);
        }
    }

    private final JdbcClient jdbc;
    private final FhirContext fhir;

    public AuditTrail(JdbcClient jdbc, FhirContext fhir) {
        this.jdbc = jdbc;
        this.fhir = fhir;
    }

    public List<AuditEvent> search(Query query) {
        var params = new java.util.HashMap<String, Object>();
        String sql = "select resource from audit_event" + where(query, params)
                + (query.oldestFirst() ? " order by recorded, seq" : " order by recorded desc, seq desc")
                + " limit :limit offset :offset";
        params.put("limit", query.limit());
        params.put("offset", query.offset());
        return jdbc.sql(sql).params(params).query(String.class).list().stream()
                .map(json -> fhir.newJsonParser().parseResource(AuditEvent.class, json))
                .toList();
    }

    /** How many records the query matches, whatever its page. */
    public long count(Query query) {
        var params = new java.util.HashMap<String, Object>();
        return jdbc.sql("select count(*) from audit_event" + where(query, params))
                .params(params)
                .query(Long.class)
                .single();
    }

    private static String where(Query query, java.util.Map<String, Object> params) {
        List<String> where = new ArrayList<>();
        if (query.patientId() != null) {
            where.add("patient_ids @> array[:patient]::text[]");
            params.put("patient", query.patientId());
        }
        addEquals(where, params, "user_id", query.userId());
        addEquals(where, params, "organisation", query.organisation());
        addEquals(where, params, "outcome", query.outcome());
        addEquals(where, params, "purpose", query.purpose());
        addEquals(where, params, "action", query.action());
        if (query.from() != null) {
            where.add("recorded >= :from");
            params.put("from", Timestamp.from(query.from()));
        }
        if (query.to() != null) {
            where.add("recorded < :to");
            params.put("to", Timestamp.from(query.to()));
        }
        return where.isEmpty() ? "" : " where " + String.join(" and ", where);
    }

    /** One record by its event id. */
    public java.util.Optional<AuditEvent> find(String eventId) {
        return jdbc.sql("select resource from audit_event where event_id = :id")
                .param("id", eventId)
                .query(String.class)
                .optional()
                .map(json -> fhir.newJsonParser().parseResource(AuditEvent.class, json));
    }

    /** Several records by event id, newest first (the records behind an alert). */
    public List<AuditEvent> findAll(List<String> eventIds) {
        return jdbc
                .sql("select resource from audit_event where event_id = any(:ids) order by recorded desc, seq desc")
                .param("ids", eventIds.toArray(String[]::new))
                .query(String.class)
                .list()
                .stream()
                .map(json -> fhir.newJsonParser().parseResource(AuditEvent.class, json))
                .toList();
    }

    private static void addEquals(
            List<String> where, java.util.Map<String, Object> params, String column, String value) {
        if (value != null) {
            where.add(column + " = :" + column);
            params.put(column, value);
        }
    }
}
