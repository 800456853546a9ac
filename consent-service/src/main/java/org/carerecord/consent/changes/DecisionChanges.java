package org.carerecord.consent.changes;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import org.carerecord.security.decision.DecisionFeed;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * A feed of "decisions about this patient may have changed" for the caches in front of consent-service:
 * a directive was written, or a break-glass was granted. fhir-server long-polls it and drops what it
 * cached; while it cannot follow the feed it does not use its cache at all. The feed lives in memory:
 * the epoch changes when consent-service restarts, and a follower that sees a new epoch, or asks for
 * changes older than the feed still holds, starts again from an empty cache.
 *
 * <p>A follower's next poll acknowledges what it was last given (it evicts before it asks again), so a
 * write can wait until every live follower has dropped the patient's decisions: when a Consent write
 * returns, the next request anywhere is decided afresh.
 */
@Component
public class DecisionChanges {

    private static final int KEPT = 10_000;

    /** Changes after {@code since}; {@code complete} false: the follower missed some and must drop everything. */
    public record Page(String epoch, long latest, boolean complete, List<String> patients) {}

    /**
     * A follower is live while one of its long polls is open, and for this long after one returns (it evicts
     * and asks again within milliseconds). A follower that died mid-poll is released when the next change
     * ends that poll, so a write waits about this long for a dead follower, not the whole eviction wait
     * ({@link DecisionFeed#EVICTION_WAIT}).
     */
    private static final Duration BETWEEN_POLLS = Duration.ofMillis(750);

    private static final long RECHECK_MILLIS = 50;
    private static final Duration FORGOTTEN = Duration.ofMinutes(10);
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DecisionChanges.class);

    private String epoch = UUID.randomUUID().toString();
    private final Deque<Change> changes = new ArrayDeque<>();
    private final java.util.Map<String, Ack> acks = new java.util.HashMap<>();
    private long latest;

    private record Ack(long seq, long seenAt, boolean polling) {

        boolean live(long now) {
            return polling || now - seenAt < BETWEEN_POLLS.toNanos();
        }
    }

    private record Change(long seq, String patientId) {}

    /** Publishes once the current transaction commits (at once if there is none). */
    public void patientChanged(String patientId) {
        afterCommit(() -> publish(patientId));
    }

    /** Runs {@code publish} once the current transaction commits (at once if there is none). */
    private static void afterCommit(Runnable publish) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    publish.run();
                }
            });
        } else {
            publish.run();
        }
    }

    private synchronized void publish(String patientId) {
        latest++;
        changes.addLast(new Change(latest, patientId));
        while (changes.size() > KEPT) {
            changes.removeFirst();
        }
        notifyAll();
    }

    /**
     * Every decision may have changed (the role policy was replaced): a new epoch, so each follower drops its
     * whole cache at its next poll (an open poll returns at once). Published once the transaction commits.
     */
    public void everythingChanged() {
        afterCommit(this::newEpoch);
    }

    private synchronized void newEpoch() {
        epoch = UUID.randomUUID().toString();
        latest++;
        changes.clear();
        notifyAll();
    }

    /** The sequence number of the latest change published so far. */
    public synchronized long latest() {
        return latest;
    }

    /**
     * Waits (at most {@code timeout}) until every follower seen in the last minute has acknowledged change
     * {@code seq}; false if one has not, which the caller logs — that follower drops its cache when it
     * next fails to poll, or evicts when it next succeeds.
     */
    public synchronized boolean awaitAcknowledged(long seq, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long now = System.nanoTime();
            boolean all = acks.values().stream().allMatch(a -> a.seq() >= seq || !a.live(now));
            if (all) {
                return true;
            }
            long left = deadline - now;
            if (left <= 0) {
                return false;
            }
            // wakes on every acknowledgement, and often enough to notice a follower stop being live
            wait(Math.max(1, Math.min(RECHECK_MILLIS, left / 1_000_000)));
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
                log.warn(
                        "a decision cache has not acknowledged change {} within {}; it stops caching if it has lost the feed",
                        seq,
                        wait);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code wait} for changes after {@code since} in {@code followerEpoch}. */
    public synchronized Page after(String follower, String followerEpoch, long since, Duration wait)
            throws InterruptedException {
        if (!epoch.equals(followerEpoch) || since > latest) {
            // it starts again from an empty cache, acknowledged once it asks again in this epoch (sequence numbers
            // go on across a policy change's new epoch, so what it had is not taken for what it has dropped)
            acknowledge(follower, Math.min(since, latest), false);
            return new Page(epoch, latest, false, List.of());
        }
        acknowledge(follower, since, true);
        long deadline = System.nanoTime() + wait.toNanos();
        while (latest == since) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        acknowledge(follower, since, false); // answered: live only if it asks again soon
        boolean complete =
                changes.isEmpty() ? since == latest : changes.peekFirst().seq() <= since + 1;
        List<String> patients = new ArrayList<>();
        for (Change change : changes) {
            if (change.seq() > since) {
                patients.add(change.patientId());
            }
        }
        return new Page(epoch, latest, complete, patients);
    }

    /** Whether {@code follower} has a long poll open now. */
    synchronized boolean polling(String follower) {
        Ack ack = acks.get(follower);
        return ack != null && ack.polling();
    }

    private void acknowledge(String follower, long seq, boolean polling) {
        if (follower != null && !follower.isBlank()) {
            long now = System.nanoTime();
            acks.values().removeIf(a -> !a.polling() && now - a.seenAt() > FORGOTTEN.toNanos()); // restarted instances
            acks.put(follower, new Ack(seq, now, polling));
            notifyAll();
        }
    }
}
