package org.carerecord.audit.alerts;

import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Follows the trail as it arrives (by chain position) and runs every rule over each batch. Alerts and
 * the new position are stored in one transaction, so a batch is judged once; a failure (the record
 * server unreachable for a family check, say) leaves the position where it was and the batch is judged
 * again on the next tick — late, never skipped.
 */
class UnusualAccessDetector {

    private static final Logger log = LoggerFactory.getLogger(UnusualAccessDetector.class);
    private static final int BATCH = 500;

    private final TrailWindow trail;
    private final List<AlertRule> rules;
    private final AccessAlerts alerts;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;

    public UnusualAccessDetector(
            TrailWindow trail,
            List<AlertRule> rules,
            AccessAlerts alerts,
            JdbcClient jdbc,
            TransactionTemplate transaction) {
        this.trail = trail;
        this.rules = rules;
        this.alerts = alerts;
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    /** Judges everything that arrived since the last call; returns how many records were judged. */
    public int catchUp() {
        int judged = 0;
        try {
            int batch;
            do {
                batch = judgeNextBatch();
                judged += batch;
            } while (batch == BATCH);
        } catch (RuntimeException e) {
            log.warn("Unusual-access rules could not judge the latest records; retrying shortly: {}", e.toString());
        }
        return judged;
    }

    private int judgeNextBatch() {
        long position = jdbc.sql("select last_seq from access_alert_cursor where id = 1")
                .query(Long.class)
                .single();
        List<TrailRecord> arrived = trail.after(position, BATCH);
        if (arrived.isEmpty()) {
            return 0;
        }
        List<Alert> found =
                rules.stream().flatMap(rule -> rule.judge(arrived).stream()).toList();
        long last = arrived.get(arrived.size() - 1).seq();
        transaction.executeWithoutResult(status -> {
            found.forEach(alerts::raise);
            jdbc.sql("update access_alert_cursor set last_seq = :seq where id = 1")
                    .param("seq", last)
                    .update();
        });
        if (!found.isEmpty()) {
            log.info(
                    "Unusual access: {} alert(s) raised or extended ({})",
                    found.size(),
                    found.stream().map(Alert::rule).distinct().toList());
        }
        return arrived.size();
    }
}
