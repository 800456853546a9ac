package org.carerecord.fhir.audit;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * {@code care.audit_outbox}: audit records written in the request, before the response leaves;
 * the relay drains it. Rows are claimed with {@code SKIP LOCKED} so several fhir-server instances can
 * share one database without delivering a row twice at once.
 */
@Repository
class AuditOutbox {

    public record Row(UUID id, String payload) {}

    private final JdbcClient jdbc;

    public AuditOutbox(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void add(UUID id, String payload) {
        // PostgreSQL's jsonb cannot hold NUL (\u0000); a refused request naming one in its query (found by generated
        // requests) must still be recorded, so NUL is kept visible as U+FFFD rather than losing the record
        jdbc.sql("insert into care.audit_outbox (id, payload) values (:id, cast(:payload as jsonb))")
                .param("id", id)
                .param("payload", payload.replace("\\u0000", "\\uFFFD"))
                .update();
    }

    /** Claims up to {@code limit} undelivered rows; call inside a transaction that deletes them on success. */
    public List<Row> claim(int limit) {
        return jdbc.sql("""
                select id, payload::text from care.audit_outbox
                where delivered_at is null order by created_at
                limit :limit for update skip locked""")
                .param("limit", limit)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getString(2)))
                .list();
    }

    public void delivered(List<UUID> ids) {
        jdbc.sql("delete from care.audit_outbox where id in (:ids)")
                .param("ids", ids)
                .update();
    }

    /** Seconds since the oldest undelivered record was written; 0 when the outbox is empty. */
    public double lagSeconds() {
        return jdbc.sql("""
                select coalesce(extract(epoch from now() - min(created_at)), 0) from care.audit_outbox
                where delivered_at is null""").query(Double.class).single();
    }

    public long backlog() {
        return jdbc.sql("select count(*) from care.audit_outbox where delivered_at is null")
                .query(Long.class)
                .single();
    }
}
