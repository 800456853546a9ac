package org.carerecord.consent.changes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The decision feed on a real PostgreSQL, served by two consent-service replicas ({@code one}, {@code two}) as a
 * load balancer would spread a fhir-server's polls and the writes over them. A write waits for live followers to
 * evict, whichever replica they poll, and not for dead ones: a fhir-server killed in the middle of its long poll
 * must not hold every later break-glass grant (which fhir-server waits for, with a 2 s timeout) for the rest of a
 * minute.
 */
class DecisionChangesTest {

    private static EmbeddedPostgres postgres;
    private static DataSource database;

    private final List<Boolean> twoWasTold = new ArrayList<>();
    private DecisionChanges one;
    private DecisionChanges two;

    @BeforeAll
    static void start() throws IOException {
        postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").start();
        database = postgres.getPostgresDatabase();
        Flyway.configure().dataSource(database).load().migrate();
    }

    @AfterAll
    static void stop() throws IOException {
        postgres.close();
    }

    @BeforeEach
    void replicas() {
        JdbcClient jdbc = JdbcClient.create(database);
        jdbc.sql("delete from decision_follower").update();
        StaticListableBeanFactory none = new StaticListableBeanFactory();
        StaticListableBeanFactory listening = new StaticListableBeanFactory();
        listening.addBean("directives", (FeedListener) twoWasTold::add);
        one = new DecisionChanges(jdbc, none.getBeanProvider(FeedListener.class));
        two = new DecisionChanges(jdbc, listening.getBeanProvider(FeedListener.class));
    }

    @Test
    void aLiveFollowerAcknowledgesOnItsNextPoll() throws Exception {
        DecisionChanges.Page first = one.after("live", "", 0, Duration.ZERO); // learns the epoch
        CompletableFuture<DecisionChanges.Page> polling =
                CompletableFuture.supplyAsync(() -> poll(one, "live", first.epoch(), first.latest()));
        await().atMost(Duration.ofSeconds(5)).until(() -> one.polling("live"));
        one.patientChanged("p1");
        DecisionChanges.Page page = polling.get();
        assertThat(page.patients()).containsExactly("p1");
        assertThat(page.complete()).isTrue();
        CompletableFuture.runAsync(() -> poll(one, "live", page.epoch(), page.latest())); // evicted; asks again
        assertThat(one.awaitAcknowledged(one.latest(), Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void aChangeWrittenThroughOneReplicaReachesAFollowerPollingTheOtherAndTheWriterWaitsForIt() throws Exception {
        DecisionChanges.Page first = two.after("on-two", "", 0, Duration.ZERO);
        CompletableFuture<DecisionChanges.Page> polling =
                CompletableFuture.supplyAsync(() -> poll(two, "on-two", first.epoch(), first.latest()));
        await().atMost(Duration.ofSeconds(5)).until(() -> one.polling("on-two"));
        one.patientChanged("p2");
        DecisionChanges.Page page = polling.get();
        assertThat(page.patients()).containsExactly("p2");
        assertThat(one.awaitAcknowledged(one.latest(), Duration.ofMillis(300)))
                .as("not evicted yet: the writer's replica knows the other's follower is behind")
                .isFalse();
        CompletableFuture.runAsync(
                () -> poll(one, "on-two", page.epoch(), page.latest())); // its next poll: replica one
        assertThat(one.awaitAcknowledged(one.latest(), Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void whatAReplicaHoldsInMemoryIsToldOfAChangeThroughAnotherBeforeItsNextDecision() {
        two.catchUp();
        twoWasTold.clear();
        two.catchUp();
        assertThat(twoWasTold).as("nothing changed").isEmpty();
        one.patientChanged("p3");
        two.catchUp();
        assertThat(twoWasTold).containsExactly(false);
        one.everythingChanged();
        two.catchUp();
        assertThat(twoWasTold).containsExactly(false, true);
    }

    @Test
    void aFollowerThatDiedMidPollIsWaitedForBrieflyNotForTheWholeTimeout() throws Exception {
        DecisionChanges.Page first = one.after("dead", "", 0, Duration.ZERO);
        CompletableFuture<DecisionChanges.Page> polling =
                CompletableFuture.supplyAsync(() -> poll(one, "dead", first.epoch(), first.latest()));
        await().atMost(Duration.ofSeconds(5)).until(() -> one.polling("dead"));
        two.patientChanged("p1"); // ends the poll; the follower never asks again
        polling.get();
        long started = System.nanoTime();
        assertThat(two.awaitAcknowledged(two.latest(), Duration.ofSeconds(2))).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1_500));
    }

    @Test
    void aFollowerJustAnsweredIsStillWaitedForWhileItEvicts() throws Exception {
        DecisionChanges.Page first = one.after("busy", "", 0, Duration.ZERO);
        CompletableFuture<DecisionChanges.Page> polling =
                CompletableFuture.supplyAsync(() -> poll(one, "busy", first.epoch(), first.latest()));
        await().atMost(Duration.ofSeconds(5)).until(() -> one.polling("busy"));
        one.patientChanged("p1");
        polling.get();
        // it has the change but has not asked again (evicting): a write must not return yet
        assertThat(one.awaitAcknowledged(one.latest(), Duration.ofMillis(300))).isFalse();
    }

    @Test
    void whenEverythingChangesAnOpenPollEndsAtOnceAndTheFollowerStartsAgainInTheNewEpoch() throws Exception {
        DecisionChanges.Page first = one.after("live", "", 0, Duration.ZERO);
        CompletableFuture<DecisionChanges.Page> polling =
                CompletableFuture.supplyAsync(() -> poll(one, "live", first.epoch(), first.latest()));
        await().atMost(Duration.ofSeconds(5)).until(() -> one.polling("live"));
        two.everythingChanged();
        DecisionChanges.Page page = polling.get();
        assertThat(page.complete()).as("drop everything").isFalse();
        assertThat(page.epoch()).isNotEqualTo(first.epoch());
        assertThat(one.awaitAcknowledged(one.latest(), Duration.ofMillis(200)))
                .as("not acknowledged until it asks again in the new epoch")
                .isFalse();
        CompletableFuture.runAsync(() -> poll(two, "live", page.epoch(), page.latest()));
        assertThat(one.awaitAcknowledged(one.latest(), Duration.ofSeconds(2))).isTrue();
    }

    @Test
    void aFollowerBehindWhatTheFeedKeepsStartsAgain() throws Exception {
        DecisionChanges.Page first = one.after("slow", "", 0, Duration.ZERO);
        one.patientChanged("p4");
        JdbcClient.create(database)
                .sql("delete from decision_change where seq = :seq")
                .param("seq", one.latest())
                .update(); // forgotten, as the oldest changes are
        one.patientChanged("p5");
        DecisionChanges.Page page = two.after("slow", first.epoch(), first.latest(), Duration.ZERO);
        assertThat(page.complete()).isFalse();
        assertThat(page.patients()).containsExactly("p5");
    }

    private static DecisionChanges.Page poll(DecisionChanges replica, String follower, String epoch, long since) {
        try {
            return replica.after(follower, epoch, since, Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
