package org.carerecord.consent.changes;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.carerecord.security.decision.DecisionFeed;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A feed of "decisions about this patient may have changed" for the caches in front of consent-service:
 * a directive was written, a break-glass was granted, or (a new epoch) the role policy was replaced.
 * fhir-server long-polls it and drops what it cached; while it cannot follow the feed it does not use its
 * cache at all. The feed lives in consent-service's database, so every replica serves the same one: a change
 * written through one replica is seen by a follower polling another, numbered in commit order (under the feed
 * row's lock, in the writer's transaction), and a follower that sees a new epoch, or asks for changes older
 * than the feed still holds, starts again from an empty cache.
 *
 * <p>A follower's next poll acknowledges what it was last given (it evicts before it asks again), and the
 * acknowledgements are kept here too, so a write can wait — on whichever replica took it — until every live
 * follower has dropped the patient's decisions: when a Consent write returns, the next request anywhere is
 * decided afresh. What a replica holds in memory itself (the policy in force, directives it read) is brought up
 * to date by {@link #catchUp()} before each decision ({@link FeedListener}).
 */
@Component
public class DecisionChanges {

    /** Changes after {@code since}; {@code complete} false: the follower missed some and must drop everything. */
    public record Page(String epoch, long latest, boolean complete, List<String> patients) {}

    /** Where the feed is: its epoch and the number of its latest change. */
    public record Position(String epoch, long latest) {}

    /**
     * A follower is live while one of its long polls is open (refreshed every {@link #HEARTBEAT} by the replica
     * holding it, so a poll held by a replica that died stops counting), and for this long after one returns (it
     * evicts and asks again within milliseconds). A follower that died mid-poll is released when the next change
     * ends that poll, so a write waits about this long for a dead follower, not the whole eviction wait
     * ({@link DecisionFeed#EVICTION_WAIT}).
     */
    private static final Duration BETWEEN_POLLS = Duration.ofMillis(750);

    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    private static final long RECHECK_MILLIS = 50;
    private static final int KEPT = 10_000;
    private static final Duration FORGOTTEN = Duration.ofMinutes(10);

    private static final String LIVE = "(polling and seen_at > now() - make_interval(secs => :polling))"
            + " or seen_at > now() - make_interval(secs => :between)";

    private final JdbcClient jdbc;
    private final ObjectProvider<FeedListener> listeners;
    private final AtomicReference<Position> seen = new AtomicReference<>();

    public DecisionChanges(JdbcClient jdbc, ObjectProvider<FeedListener> listeners) {
        this.jdbc = jdbc;
        this.listeners = listeners;
    }

    /**
     * The patient's decisions may have changed: numbered and stored in the caller's transaction (at once if there
     * is none), so followers see it when, and only when, the write that caused it is committed.
     */
    public void patientChanged(String patientId) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            // numbered as the writer's transaction commits, so the feed row's lock is held only for the commit
            // (not across the rest of the writer's work, an audit call among it)
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void beforeCommit(boolean readOnly) {
                    publish(patientId);
                }
            });
        } else {
            publish(patientId);
        }
    }

    private void publish(String patientId) {
        jdbc.sql("""
                        with next as (update decision_feed set latest = latest + 1 returning latest)
                        insert into decision_change (seq, patient_id) select latest, :patient from next""").param("patient", patientId).update();
    }

    /**
     * Every decision may have changed (the role policy was replaced): a new epoch, so each follower drops its
     * whole cache at its next poll (an open poll returns at once), and every replica reloads the policy.
     */
    public void everythingChanged() {
        jdbc.sql("update decision_feed set epoch = :epoch, latest = latest + 1")
                .param("epoch", UUID.randomUUID().toString())
                .update();
    }

    /** Where the feed is now. */
    public Position position() {
        return jdbc.sql("select epoch, latest from decision_feed")
                .query((rs, n) -> new Position(rs.getString(1), rs.getLong(2)))
                .single();
    }

    /** The sequence number of the latest change published so far. */
    public long latest() {
        return position().latest();
    }

    /**
     * Brings what this replica holds in memory up to the feed: a new epoch since it last looked (another replica
     * put a policy in force) and any change (a directive or break-glass written anywhere) are passed to the
     * {@link FeedListener}s. One primary-key read; called before each decision.
     */
    public void catchUp() {
        Position now = position();
        Position before = seen.get();
        if (now.equals(before)) {
            return;
        }
        // told before the position is recorded, so a decision racing this one cannot take the feed for caught up
        // while a listener has yet to act (listeners are idempotent: two threads may both tell them); at the first
        // look nothing is known of what changed while this replica started
        boolean newEpoch = before == null || !now.epoch().equals(before.epoch());
        listeners.orderedStream().forEach(listener -> listener.changed(newEpoch));
        seen.compareAndSet(before, now);
    }

    /**
     * Waits (at most {@code timeout}) until every live follower, whichever replica it polls, has acknowledged
     * change {@code seq}; false if one has not, which the caller logs — that follower drops its cache when it
     * next fails to poll, or evicts when it next succeeds.
     */
    public boolean awaitAcknowledged(long seq, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long behind = jdbc.sql("select count(*) from decision_follower where acked_seq < :seq and (" + LIVE + ")")
                    .param("seq", seq)
                    .param("polling", seconds(HEARTBEAT.multipliedBy(3)))
                    .param("between", seconds(BETWEEN_POLLS))
                    .query(Long.class)
                    .single();
            if (behind == 0) {
                return true;
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            Thread.sleep(RECHECK_MILLIS);
        }
    }

    /**
     * After a change: waits up to {@code wait} (see {@link DecisionFeed}: short inside a decision, longer for a
     * directive) until the followers have evicted it; says so if one has not.
     */
    public void awaitEvicted(Duration wait) {
        long seq = latest();
        try {
            if (!awaitAcknowledged(seq, wait)) {
                org.slf4j.LoggerFactory.getLogger(DecisionChanges.class)
                        .warn(
                                "a decision cache has not acknowledged change {} within {}; it stops caching if it has lost the feed",
                                seq,
                                wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code wait} for changes after {@code since} in {@code followerEpoch}. */
    public Page after(String follower, String followerEpoch, long since, Duration wait) throws InterruptedException {
        Position feed = position();
        if (!feed.epoch().equals(followerEpoch) || since > feed.latest()) {
            // it starts again from an empty cache, acknowledged once it asks again in this epoch (sequence numbers
            // go on across a policy change's new epoch, so what it had is not taken for what it has dropped)
            acknowledge(follower, Math.min(since, feed.latest()), false);
            return new Page(feed.epoch(), feed.latest(), false, List.of());
        }
        acknowledge(follower, since, true);
        long deadline = System.nanoTime() + wait.toNanos();
        long heartbeat = System.nanoTime() + HEARTBEAT.toNanos();
        while (feed.latest() == since && System.nanoTime() < deadline) {
            Thread.sleep(Math.max(1, Math.min(RECHECK_MILLIS, (deadline - System.nanoTime()) / 1_000_000)));
            feed = position();
            if (System.nanoTime() >= heartbeat) {
                acknowledge(follower, since, true); // still polling, on a replica that is alive
                heartbeat = System.nanoTime() + HEARTBEAT.toNanos();
            }
        }
        acknowledge(follower, since, false); // answered: live only if it asks again soon
        if (!feed.epoch().equals(followerEpoch)) {
            return new Page(feed.epoch(), feed.latest(), false, List.of());
        }
        List<String> patients = jdbc.sql(
                        "select patient_id from decision_change where seq > :since and seq <= :latest order by seq")
                .param("since", since)
                .param("latest", feed.latest())
                .query(String.class)
                .list();
        return new Page(feed.epoch(), feed.latest(), patients.size() == feed.latest() - since, patients);
    }

    /** Whether {@code follower} has a long poll open now. */
    boolean polling(String follower) {
        return jdbc.sql("select polling from decision_follower where follower = :follower")
                .param("follower", follower)
                .query(Boolean.class)
                .optional()
                .orElse(false);
    }

    private void acknowledge(String follower, long seq, boolean polling) {
        if (follower != null && !follower.isBlank()) {
            jdbc.sql("""
                            insert into decision_follower (follower, acked_seq, polling, seen_at)
                            values (:follower, :seq, :polling, now())
                            on conflict (follower) do update
                            set acked_seq = excluded.acked_seq, polling = excluded.polling, seen_at = now()""")
                    .param("follower", follower)
                    .param("seq", seq)
                    .param("polling", polling)
                    .update();
        }
    }

    /** Keeps the newest changes and forgets followers not seen for a while (restarted fhir-servers). */
    @Scheduled(fixedDelay = 60_000)
    void forgetOld() {
        jdbc.sql("delete from decision_change where seq <= (select latest from decision_feed) - :kept")
                .param("kept", KEPT)
                .update();
        jdbc.sql("delete from decision_follower where seen_at < now() - make_interval(secs => :secs)")
                .param("secs", seconds(FORGOTTEN))
                .update();
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
