package org.carerecord.audit.integrity;

import java.time.Instant;
import java.util.Optional;
import org.carerecord.audit.ledger.ChainVerifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/** Runs chain verification on request and remembers each run (when, by whom, what it found, how long it took). */
@Service
public class IntegrityChecks {

    public record Run(
            Instant at,
            String by,
            boolean intact,
            long recordsChecked,
            Long firstBrokenSeq,
            String firstBrokenEventId,
            Long anchoredAfterSeq,
            long millis) {}

    private final ChainVerifier verifier;
    private final JdbcClient jdbc;

    public IntegrityChecks(ChainVerifier verifier, JdbcClient jdbc) {
        this.verifier = verifier;
        this.jdbc = jdbc;
    }

    public Run run(String by) {
        long started = System.nanoTime();
        ChainVerifier.Result result = verifier.verify();
        long millis = (System.nanoTime() - started) / 1_000_000;
        jdbc.sql("""
                insert into chain_verification (run_by, intact, records_checked, first_broken_seq, first_broken_id,
                                                anchored_after, millis)
                values (:by, :intact, :checked, :seq, :id, :anchor, :millis)""")
                .param("by", by)
                .param("intact", result.intact())
                .param("checked", result.recordsChecked())
                .param("seq", result.firstBrokenSeq())
                .param("id", result.firstBrokenEventId())
                .param("anchor", result.anchoredAfterSeq())
                .param("millis", millis)
                .update();
        return last().orElseThrow();
    }

    public Optional<Run> last() {
        return jdbc.sql("select * from chain_verification order by id desc limit 1")
                .query((rs, row) -> new Run(
                        rs.getTimestamp("run_at").toInstant(),
                        rs.getString("run_by"),
                        rs.getBoolean("intact"),
                        rs.getLong("records_checked"),
                        (Long) rs.getObject("first_broken_seq"),
                        rs.getString("first_broken_id"),
                        (Long) rs.getObject("anchored_after"),
                        rs.getLong("millis")))
                .optional();
    }
}
