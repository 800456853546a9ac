package org.carerecord.consent.decision;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import org.carerecord.security.decision.AccessRequest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Repository;

/**
 * Every decision with its request and steps, for explaining it later. Written in the background in
 * batches so a decision costs no database write on the request path; the audit record already holds the
 * decision id, outcome, reason and policy durably, so a crash loses at most the last moment's step
 * detail, never the fact of a decision.
 */
@Repository
class DecisionLog {

    private record Entry(Instant at, AccessRequest request, AccessDecider.Decided decided) {}

    private final LinkedBlockingQueue<Entry> pending = new LinkedBlockingQueue<>(100_000);
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public DecisionLog(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void record(AccessRequest request, AccessDecider.Decided decided) {
        if (!pending.offer(new Entry(Instant.now(), request, decided))) {
            flush(); // full: write on the caller's time rather than drop
            pending.offer(new Entry(Instant.now(), request, decided));
        }
    }

    @Scheduled(fixedDelayString = "${care.consent.decision-log.flush-interval:200ms}")
    public synchronized void flush() {
        List<Entry> batch = new ArrayList<>();
        pending.drainTo(batch, 1_000);
        if (batch.isEmpty()) {
            return;
        }
        jdbc.batchUpdate("""
                insert into decision_log (decision_id, decided_at, subject, patient_id, decision, policy, request, answer, steps)
                values (?, ?, ?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb), cast(? as jsonb))
                on conflict do nothing""", batch, batch.size(), (ps, e) -> {
            ps.setString(1, e.decided().decision().decisionId());
            ps.setTimestamp(2, Timestamp.from(e.at()));
            ps.setString(3, e.request().subject());
            ps.setString(4, e.request().patientId());
            ps.setString(5, e.decided().decision().decision().name());
            ps.setString(6, e.decided().decision().policy());
            ps.setString(7, write(e.request()));
            ps.setString(8, write(e.decided().decision()));
            ps.setString(9, write(e.decided().steps()));
        });
    }

    /** A past decision as a governance officer reads it: who asked, what was decided, and the steps. */
    public Optional<Map<String, Object>> explain(String decisionId) {
        flush();
        return jdbc.query(
                """
                select decided_at, request::text, answer::text, steps::text from decision_log where decision_id = ?""",
                rs -> rs.next()
                        ? Optional.of(Map.<String, Object>of(
                                "decisionId", decisionId,
                                "decidedAt", rs.getTimestamp(1).toInstant().toString(),
                                "request", read(rs.getString(2)),
                                "decision", read(rs.getString(3)),
                                "steps", read(rs.getString(4))))
                        : Optional.empty(),
                decisionId);
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object read(String value) {
        try {
            return json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
