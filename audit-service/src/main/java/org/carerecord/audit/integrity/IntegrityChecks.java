package org.carerecord.audit.integrity;

import java.time.Instant;
import java.util.Optional;
import org.carerecord.audit.ledger.ChainVerifier;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Runs chain verification on request and remembers each run (when, by whom, what it found, how long it took, how
 * far it got). A run picks up after the last intact run's last record, so it reads only what arrived since; a
 * whole-chain run (genesis or the retention anchor to the newest record) is there for a full re-check.
 */
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
            long millis,
            boolean wholeChain,
            Long verifiedThroughSeq) {}

    private record Position(long seq, String hash) {}

    /** A run under way: who started it, what kind, and how far it has got. */
    public record Running(String by, boolean wholeChain, long checked, long of) {}

    private final java.util.concurrent.ExecutorService runner =
            java.util.concurrent.Executors.newSingleThreadExecutor(r -> new Thread(r, "chain-verification"));
    private final java.util.concurrent.atomic.AtomicReference<Running> running =
            new java.util.concurrent.atomic.AtomicReference<>();

    private final ChainVerifier verifier;
    private final JdbcClient jdbc;

    public IntegrityChecks(ChainVerifier verifier, JdbcClient jdbc) {
        this.verifier = verifier;
        this.jdbc = jdbc;
    }

    /**
     * Starts a run in the background (the console shows its progress); false if one is under way already, which the
     * caller shows instead of starting another.
     */
    public boolean start(String by, boolean wholeChain) {
        if (!running.compareAndSet(null, new Running(by, wholeChain, 0, 0))) {
            return false;
        }
        runner.execute(() -> {
            try {
                run(by, wholeChain);
            } finally {
                running.set(null);
            }
        });
        return true;
    }

    /** The run under way, if any. */
    public Optional<Running> running() {
        return Optional.ofNullable(running.get());
    }

    /** Verifies what arrived since the last intact run (the whole chain if there is none, or if asked). */
    public Run run(String by, boolean wholeChain) {
        long started = System.nanoTime();
        Optional<Position> from = wholeChain ? Optional.empty() : lastVerified();
        ChainVerifier.Progress progress = (checked, of) ->
                running.updateAndGet(r -> r == null ? null : new Running(r.by(), from.isEmpty(), checked, of));
        ChainVerifier.Result result = from.map(p -> verifier.verifyAfter(p.seq(), p.hash(), progress))
                .orElseGet(() -> verifier.verify(progress));
        long millis = (System.nanoTime() - started) / 1_000_000;
        jdbc.sql("""
                insert into chain_verification (run_by, intact, records_checked, first_broken_seq, first_broken_id,
                                                anchored_after, millis, whole_chain, verified_through_seq,
                                                verified_through_hash)
                values (:by, :intact, :checked, :seq, :id, :anchor, :millis, :whole, :through, :throughHash)""")
                .param("by", by)
                .param("intact", result.intact())
                .param("checked", result.recordsChecked())
                .param("seq", result.firstBrokenSeq())
                .param("id", result.firstBrokenEventId())
                .param("anchor", result.anchoredAfterSeq())
                .param("millis", millis)
                .param("whole", from.isEmpty())
                .param("through", result.throughSeq())
                .param("throughHash", result.throughHash())
                .update();
        return last().orElseThrow();
    }

    /** Where the newest intact run stopped; none after a broken run (the next one checks the whole chain). */
    private Optional<Position> lastVerified() {
        return jdbc.sql("""
                        select intact, verified_through_seq, verified_through_hash from chain_verification
                        order by id desc limit 1""")
                .query((rs, n) -> rs.getBoolean(1) && rs.getObject(2) != null
                        ? Optional.of(new Position(rs.getLong(2), rs.getString(3)))
                        : Optional.<Position>empty())
                .optional()
                .flatMap(p -> p);
    }

    /** Records received after the newest intact run (all of them if none). */
    public long unverified() {
        return jdbc.sql("""
                        select coalesce((select max(seq) from audit_event), 0)
                             - coalesce((select verified_through_seq from chain_verification
                                         where intact order by id desc limit 1), 0)""").query(Long.class).single();
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
                        rs.getLong("millis"),
                        rs.getBoolean("whole_chain"),
                        (Long) rs.getObject("verified_through_seq")))
                .optional();
    }
}
