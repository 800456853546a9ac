package org.carerecord.audit.alerts;

import io.micrometer.core.instrument.MeterRegistry;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The alerts raised so far: stored (a repeat joins its alert), listed for the console, closed with a note. */
@Repository
public class AccessAlerts {

    public record Stored(
            long id,
            String rule,
            String userId,
            String userRole,
            String organisation,
            String patientId,
            String summary,
            List<String> eventIds,
            Instant firstSeen,
            Instant lastSeen,
            String status,
            String closedBy,
            String closedNote) {}

    private final JdbcClient jdbc;
    private final MeterRegistry meters;

    public AccessAlerts(JdbcClient jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.meters = meters;
    }

    void raise(Alert alert) {
        // a repeat that joins an open alert counts too: the rate of suspicious access, by rule
        meters.counter("care.audit.alerts.raised", "rule", alert.rule()).increment();
        jdbc.sql("""
                insert into access_alert (rule, dedupe_key, user_id, user_role, organisation, patient_id, summary,
                                          event_ids, first_seen, last_seen)
                values (:rule, :key, :user, :role, :org, :patient, :summary, :events, :first, :last)
                on conflict (dedupe_key) do update set
                    summary = excluded.summary,
                    -- an alert names at most the first 500 records behind it: a long spree stays one cheap row
                    event_ids = case when cardinality(access_alert.event_ids) >= 500 then access_alert.event_ids
                                else (select array_agg(e) from (select distinct e from unnest(access_alert.event_ids
                                      || excluded.event_ids) e limit 500) kept) end,
                    first_seen = least(access_alert.first_seen, excluded.first_seen),
                    last_seen = greatest(access_alert.last_seen, excluded.last_seen)""")
                .param("rule", alert.rule())
                .param("key", alert.dedupeKey())
                .param("user", alert.userId())
                .param("role", alert.userRole())
                .param("org", alert.organisation())
                .param("patient", alert.patientId())
                .param("summary", alert.summary())
                .param("events", alert.eventIds().toArray(String[]::new))
                .param("first", Timestamp.from(alert.firstSeen()))
                .param("last", Timestamp.from(alert.lastSeen()))
                .update();
    }

    public List<Stored> list(boolean openOnly, String rule, int limit) {
        return jdbc.sql(
                        "select * from access_alert where (:all or status = 'open') and (:rule::text is null or rule = :rule)"
                                + " order by last_seen desc limit :limit")
                .param("all", !openOnly)
                .param("rule", rule)
                .param("limit", limit)
                .query(AccessAlerts::stored)
                .list();
    }

    public Optional<Stored> find(long id) {
        return jdbc.sql("select * from access_alert where id = :id")
                .param("id", id)
                .query(AccessAlerts::stored)
                .optional();
    }

    /** @return false when there is no such open alert */
    public boolean close(long id, String by, String note) {
        return jdbc.sql("update access_alert set status = 'closed', closed_by = :by, closed_note = :note"
                                + " where id = :id and status = 'open'")
                        .param("id", id)
                        .param("by", by)
                        .param("note", note)
                        .update()
                == 1;
    }

    public long countOpen() {
        return jdbc.sql("select count(*) from access_alert where status = 'open'")
                .query(Long.class)
                .single();
    }

    private static Stored stored(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Stored(
                rs.getLong("id"),
                rs.getString("rule"),
                rs.getString("user_id"),
                rs.getString("user_role"),
                rs.getString("organisation"),
                rs.getString("patient_id"),
                rs.getString("summary"),
                List.of((String[]) rs.getArray("event_ids").getArray()),
                rs.getTimestamp("first_seen").toInstant(),
                rs.getTimestamp("last_seen").toInstant(),
                rs.getString("status"),
                rs.getString("closed_by"),
                rs.getString("closed_note"));
    }
}
