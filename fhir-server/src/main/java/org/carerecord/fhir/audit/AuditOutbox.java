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
        jdbc.sql("insert into care.audit_outbox (id, payload) values (:id, cast(:payload as jsonb))")
                .param("id", id)
                .param("payload", storable(payload))
                .update();
    }

    /**
     * Adds the record unless one was added under this key before (in the same statement, so a key is never
     * taken without its record); whether it was added now.
     */
    public boolean addOnce(String onceKey, UUID id, String payload) {
        return jdbc.sql("""
                        with first as (
                            insert into care.audit_once (once_key) values (:key) on conflict do nothing returning 1)
                        insert into care.audit_outbox (id, payload) select :id, cast(:payload as jsonb) from first""")
                        .param("key", onceKey)
                        .param("id", id)
                        .param("payload", storable(payload))
                        .update()
                == 1;
    }

    /**
     * PostgreSQL's jsonb cannot hold NUL (\u0000); a refused request naming one in its query (found by generated
     * requests) must still be recorded, so NUL is kept visible as U+FFFD rather than losing the record.
     */
    private static String storable(String payload) {
        return payload.replace("\\u0000", "\\uFFFD");
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
