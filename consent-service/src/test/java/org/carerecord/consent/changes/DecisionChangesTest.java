package org.carerecord.consent.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A write waits for live followers to evict, and not for dead ones: a fhir-server killed in the middle of
 * its long poll must not hold every later break-glass grant (which fhir-server waits for, with a 2 s
 * timeout) for the rest of a minute.
 */
class DecisionChangesTest {

    private final DecisionChanges changes = new DecisionChanges();

    @Test
    void aLiveFollowerAcknowledgesOnItsNextPoll() throws Exception {
        DecisionChanges.Page first = changes.after("live", "", 0, Duration.ZERO); // learns the epoch
        CompletableFuture<DecisionChanges.Page> polling =
                CompletableFuture.supplyAsync(() -> poll("live", first.epoch(), first.latest()));
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.polling("live"));
        changes.patientChanged("p1");
        DecisionChanges.Page page = polling.get();
        assertThat(page.patients()).containsExactly("p1");
        CompletableFuture.runAsync(() -> poll("live", page.epoch(), page.latest())); // evicted; asks again
        assertThat(changes.awaitAcknowledged(changes.latest(), Duration.ofSeconds(2)))
                .isTrue();
    }

    @Test
    void aFollowerThatDiedMidPollIsWaitedForBrieflyNotForTheWholeTimeout() throws Exception {
        DecisionChanges.Page first = changes.after("dead", "", 0, Duration.ZERO);
        CompletableFuture<DecisionChanges.Page> polling =
                CompletableFuture.supplyAsync(() -> poll("dead", first.epoch(), first.latest()));
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.polling("dead"));
        changes.patientChanged("p1"); // ends the poll; the follower never asks again
        polling.get();
        long started = System.nanoTime();
        assertThat(changes.awaitAcknowledged(changes.latest(), Duration.ofSeconds(2)))
                .isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1_500));
    }

    @Test
    void aFollowerJustAnsweredIsStillWaitedForWhileItEvicts() throws Exception {
        DecisionChanges.Page first = changes.after("busy", "", 0, Duration.ZERO);
        CompletableFuture<DecisionChanges.Page> polling =
                CompletableFuture.supplyAsync(() -> poll("busy", first.epoch(), first.latest()));
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.polling("busy"));
        changes.patientChanged("p1");
        polling.get();
        // it has the change but has not asked again (evicting): a write must not return yet
        assertThat(changes.awaitAcknowledged(changes.latest(), Duration.ofMillis(300)))
                .isFalse();
    }

    @Test
    void whenEverythingChangesAnOpenPollEndsAtOnceAndTheFollowerStartsAgainInTheNewEpoch() throws Exception {
        DecisionChanges.Page first = changes.after("live", "", 0, Duration.ZERO);
        CompletableFuture<DecisionChanges.Page> polling =
                CompletableFuture.supplyAsync(() -> poll("live", first.epoch(), first.latest()));
        await().atMost(Duration.ofSeconds(5)).until(() -> changes.polling("live"));
        changes.everythingChanged();
        DecisionChanges.Page page = polling.get();
        assertThat(page.complete()).as("drop everything").isFalse();
        assertThat(page.epoch()).isNotEqualTo(first.epoch());
        assertThat(changes.awaitAcknowledged(changes.latest(), Duration.ofMillis(200)))
                .as("not acknowledged until it asks again in the new epoch")
                .isFalse();
        CompletableFuture.runAsync(() -> poll("live", page.epoch(), page.latest()));
        assertThat(changes.awaitAcknowledged(changes.latest(), Duration.ofSeconds(2)))
                .isTrue();
    }

    private DecisionChanges.Page poll(String follower, String epoch, long since) {
        try {
            return changes.after(follower, epoch, since, Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
