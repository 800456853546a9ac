package org.carerecord.audit.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ScheduledChainVerificationTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final Duration INTERVAL = Duration.ofMinutes(10);

    @Test
    void aRunIsDueWhenNoneWasEverMadeOrTheNewestIntactOneIsOlderThanMostOfTheInterval() {
        assertThat(ScheduledChainVerification.due(Optional.empty(), NOW, INTERVAL))
                .isTrue();
        assertThat(ScheduledChainVerification.due(run(true, NOW.minusSeconds(600)), NOW, INTERVAL))
                .isTrue();
    }

    @Test
    void noRunIsDueSoonAfterAnotherReplicasOrAnOfficersRun() {
        assertThat(ScheduledChainVerification.due(run(true, NOW.minusSeconds(60)), NOW, INTERVAL))
                .isFalse();
        assertThat(ScheduledChainVerification.due(run(true, NOW.minusSeconds(530)), NOW, INTERVAL))
                .isFalse();
    }

    @Test
    void afterABrokenRunTheScheduleStartsNothing() {
        assertThat(ScheduledChainVerification.due(run(false, NOW.minus(Duration.ofDays(1))), NOW, INTERVAL))
                .as("the next run would re-read the whole chain every time: the officers decide")
                .isFalse();
    }

    private static Optional<IntegrityChecks.Run> run(boolean intact, Instant at) {
        return Optional.of(new IntegrityChecks.Run(
                at, "someone", intact, 10, intact ? null : 5L, null, null, 12, false, intact ? 10L : null));
    }
}
