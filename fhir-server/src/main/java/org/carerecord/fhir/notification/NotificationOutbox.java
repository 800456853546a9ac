package org.carerecord.fhir.notification;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code care.notification_outbox}: notifications matched and not yet delivered. A relay leases the rows due (so
 * replicas sharing the database never send one twice at once), deletes each it delivered, and puts each that failed
 * off by a back-off; a row left by a restart is leased again when its lease runs out.
 */
@Repository
class NotificationOutbox {

    /** How long a relay may take over one batch before another may lease its rows again. */
    static final Duration LEASE = Duration.ofMinutes(2);

    record Due(
            UUID id,
            long seq,
            String subscriptionId,
            String focus,
            String endpoint,
            List<String> headers,
            int attempts,
            Instant created) {}

    private final JdbcClient jdbc;

    NotificationOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void add(String subscriptionId, String focus, String endpoint, List<String> headers) {
        jdbc.sql("""
                        insert into care.notification_outbox (id, subscription_id, focus, endpoint, headers)
                        values (:id, :subscription, :focus, :endpoint, :headers)""")
                .param("id", UUID.randomUUID())
                .param("subscription", subscriptionId)
                .param("focus", focus)
                .param("endpoint", endpoint)
                .param("headers", headers.toArray(String[]::new))
                .update();
    }

    /** Up to {@code limit} rows due now, leased to the caller for {@link #LEASE}. */
    List<Due> lease(int limit) {
        return jdbc.sql("""
                        update care.notification_outbox set next_attempt = now() + cast(:lease as interval)
                        where id in (select id from care.notification_outbox where next_attempt <= now()
                                     order by seq limit :limit for update skip locked)
                        returning id, seq, subscription_id, focus, endpoint, headers, attempts, created""")
                .param("lease", LEASE.toSeconds() + " seconds")
                .param("limit", limit)
                .query((rs, n) -> new Due(
                        rs.getObject(1, UUID.class),
                        rs.getLong(2),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5),
                        List.of((String[]) rs.getArray(6).getArray()),
                        rs.getInt(7),
                        rs.getTimestamp(8).toInstant()))
                .list();
    }

    /** Delivered, or nothing to deliver (withheld, its Subscription gone): the row goes. */
    void done(UUID id) {
        jdbc.sql("delete from care.notification_outbox where id = :id")
                .param("id", id)
                .update();
    }

    /** Not delivered: tried again after {@code wait}. */
    void retryLater(UUID id, Duration wait, String error) {
        jdbc.sql("""
                        update care.notification_outbox
                        set attempts = attempts + 1, next_attempt = now() + cast(:wait as interval), last_error = :error
                        where id = :id""")
                .param("id", id)
                .param("wait", wait.toSeconds() + " seconds")
                .param("error", error.length() > 500 ? error.substring(0, 500) : error)
                .update();
    }

    /** Rows not yet delivered: the backlog an operator watches. */
    long backlog() {
        return jdbc.sql("select count(*) from care.notification_outbox")
                .query(Long.class)
                .single();
    }
}
