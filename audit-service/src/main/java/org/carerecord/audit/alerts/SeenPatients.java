package org.carerecord.audit.alerts;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code alert_user_patient}: each user's patients with the newest view of each, kept as records are judged.
 * The "many different patients" rule reads it by user and time, so its cost is the number of patients a user
 * saw in the window, not the number of views (a ward nurse reopening the same ten summaries all day reads ten
 * rows). A working set derived from the trail: rows older than every window are pruned.
 */
@Repository
class SeenPatients {

    /** A user's newest view of one patient. */
    record Seen(String userId, String patientId, Instant at, String eventId) {}

    private final JdbcClient jdbc;

    SeenPatients(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records views, one per user and patient (the newest of each), keeping whichever is newer. */
    void saw(List<Seen> views) {
        if (views.isEmpty()) {
            return;
        }
        jdbc.sql("""
                insert into alert_user_patient (user_id, patient_id, last_seen, last_event)
                select * from unnest(:users::text[], :patients::text[], :times::timestamptz[], :events::text[])
                on conflict (user_id, patient_id) do update
                    set last_seen = excluded.last_seen, last_event = excluded.last_event
                    where excluded.last_seen > alert_user_patient.last_seen""")
                .param("users", views.stream().map(Seen::userId).toArray(String[]::new))
                .param("patients", views.stream().map(Seen::patientId).toArray(String[]::new))
                .param("times", views.stream().map(v -> Timestamp.from(v.at())).toArray(Timestamp[]::new))
                .param("events", views.stream().map(Seen::eventId).toArray(String[]::new))
                .update();
    }

    /** The user's patients whose newest view fell in {@code (from, to]}, oldest view first. */
    List<Seen> of(String userId, Instant from, Instant to) {
        return jdbc.sql("""
                select patient_id, last_seen, last_event from alert_user_patient
                where user_id = :user and last_seen > :from and last_seen <= :to order by last_seen, patient_id""")
                .param("user", userId)
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .query((rs, n) ->
                        new Seen(userId, rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3)))
                .list();
    }

    /** Forgets views older than {@code before}. */
    void forgetBefore(Instant before) {
        jdbc.sql("delete from alert_user_patient where last_seen < :before")
                .param("before", Timestamp.from(before))
                .update();
    }
}
