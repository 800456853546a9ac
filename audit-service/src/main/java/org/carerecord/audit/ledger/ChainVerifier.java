package org.carerecord.audit.ledger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Checks the chain and names the first record whose hash or link does not hold. When retention has
 * dropped old months, the chain starts from the last anchored hash instead of genesis. A check can also start
 * after a record an earlier run verified ({@link #verifyAfter}): only what arrived since is read, and the earlier
 * run's last record must still hold the hash it had.
 *
 * <p>Every check is local — a record's hash against its own text and stored link, its link against its
 * predecessor's stored hash — so the records present when verification starts are split into seq ranges
 * checked in parallel, one per core; the first break in seq order is the answer.
 */
@Service
public class ChainVerifier {

    /** @param throughSeq the last record verified (with its {@code throughHash}); null if there was none */
    public record Result(
            boolean intact,
            long recordsChecked,
            Long firstBrokenSeq,
            String firstBrokenEventId,
            Long anchoredAfterSeq,
            Long throughSeq,
            String throughHash) {}

    private record Anchor(long lastSeq, String lastHash) {}

    private record Segment(long checked, Long brokenSeq, String brokenId, Long lastSeq, String lastHash) {}

    private final JdbcTemplate jdbc;
    private final TransactionTemplate readOnly;

    public ChainVerifier(DataSource dataSource, PlatformTransactionManager transactions) {
        // Its own template: streaming the chain wants a fetch size the rest of the service does not.
        this.jdbc = new JdbcTemplate(dataSource);
        this.jdbc.setFetchSize(5_000);
        this.readOnly = new TransactionTemplate(transactions);
        this.readOnly.setReadOnly(true); // and PostgreSQL streams with a fetch size only inside a transaction
    }

    /** Told how far a run has got: records checked so far, of about how many. */
    public interface Progress {
        Progress NONE = (checked, of) -> {};

        void at(long checked, long of);
    }

    /** The whole chain, from genesis or the retention anchor. */
    public Result verify() {
        return verify(Progress.NONE);
    }

    /** The whole chain, telling {@code progress} as it goes. */
    public Result verify(Progress progress) {
        Anchor anchor = jdbc.query(
                "select last_seq, last_hash from audit_chain_anchor order by last_seq desc limit 1",
                rs -> rs.next() ? new Anchor(rs.getLong(1), rs.getString(2)) : null);
        String start = anchor == null ? ChainHash.GENESIS : anchor.lastHash();
        Long anchoredAfter = anchor == null ? null : anchor.lastSeq();
        long[] bounds =
                jdbc.queryForObject("select coalesce(min(seq), 0), coalesce(max(seq), -1) from audit_event", (rs, n) ->
                        new long[] {rs.getLong(1), rs.getLong(2)});
        return verify(bounds, start, anchoredAfter, progress);
    }

    /**
     * The records after {@code seq}, which an earlier run verified ending with {@code hash}: that record must still
     * hold it (else the chain is reported broken there), and each later record must link on from it.
     */
    public Result verifyAfter(long seq, String hash, Progress progress) {
        // the record itself: still the hash remembered, and still the hash of its own text and link
        String[] record = jdbc.query(
                "select event_id, prev_hash, resource, hash from audit_event where seq = ?",
                rs -> rs.next()
                        ? new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)}
                        : null,
                seq);
        if (record == null
                || !hash.equals(record[3])
                || !ChainHash.next(record[1], record[2]).equals(record[3])) {
            return new Result(false, 0, seq, record == null ? null : record[0], null, null, null);
        }
        long last = jdbc.queryForObject("select coalesce(max(seq), ?) from audit_event", Long.class, seq);
        if (last == seq) {
            return new Result(true, 0, null, null, null, seq, hash);
        }
        return verify(new long[] {seq + 1, last}, hash, null, progress);
    }

    private Result verify(long[] bounds, String start, Long anchoredAfter, Progress progress) {
        long of = Math.max(0, bounds[1] - bounds[0] + 1);
        java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
        progress.at(0, of);
        int parts = Runtime.getRuntime().availableProcessors();
        long width = Math.max(1, (bounds[1] - bounds[0] + parts) / parts);
        ExecutorService workers = Executors.newFixedThreadPool(parts);
        try {
            List<Future<Segment>> segments = new ArrayList<>();
            for (long from = bounds[0]; from <= bounds[1]; from += width) {
                long lo = from;
                long hi = Math.min(bounds[1], from + width - 1);
                segments.add(workers.submit(() -> readOnly.execute(status ->
                        check(lo, hi, lo == bounds[0] ? start : null, n -> progress.at(done.addAndGet(n), of)))));
            }
            long checked = 0;
            Long throughSeq = null;
            String throughHash = null;
            for (Future<Segment> future : segments) {
                Segment segment = future.get();
                checked += segment.checked();
                if (segment.brokenSeq() != null) {
                    return new Result(
                            false, checked, segment.brokenSeq(), segment.brokenId(), anchoredAfter, null, null);
                }
                if (segment.lastSeq() != null) {
                    throughSeq = segment.lastSeq();
                    throughHash = segment.lastHash();
                }
            }
            return new Result(true, checked, null, null, anchoredAfter, throughSeq, throughHash);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("chain verification interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("chain verification failed", e.getCause());
        } finally {
            workers.shutdownNow();
        }
    }

    /** Records lo..hi in order; {@code previous} is the hash the first must link to (null: its predecessor's). */
    private Segment check(long lo, long hi, String previousHash, java.util.function.LongConsumer checkedMore) {
        var state = new Object() {
            String previous = previousHash != null
                    ? previousHash
                    : jdbc.query(
                            "select hash from audit_event where seq < ? order by seq desc limit 1",
                            rs -> rs.next() ? rs.getString(1) : ChainHash.GENESIS,
                            lo);
            long checked;
            Long brokenSeq;
            String brokenId;
            Long lastSeq;
        };
        jdbc.query(
                "select seq, event_id, resource, prev_hash, hash from audit_event where seq between ? and ? order by seq",
                rs -> {
                    if (state.brokenSeq != null) {
                        return;
                    }
                    String prevHash = rs.getString(4);
                    String hash = rs.getString(5);
                    if (!state.previous.equals(prevHash)
                            || !ChainHash.next(prevHash, rs.getString(3)).equals(hash)) {
                        state.brokenSeq = rs.getLong(1);
                        state.brokenId = rs.getString(2);
                        return;
                    }
                    state.previous = hash;
                    state.lastSeq = rs.getLong(1);
                    if (++state.checked % 5_000 == 0) {
                        checkedMore.accept(5_000);
                    }
                },
                lo,
                hi);
        return new Segment(state.checked, state.brokenSeq, state.brokenId, state.lastSeq, state.previous);
    }
}
