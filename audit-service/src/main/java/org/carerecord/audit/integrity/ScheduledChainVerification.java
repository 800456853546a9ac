package org.carerecord.audit.integrity;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The chain is verified on a schedule as well as on a governance officer's request, each run reading only what
 * arrived since the last intact one. With several audit-service replicas each has the schedule; a replica runs only
 * when no run (any replica's, any officer's) is more recent than most of the interval, so they seldom both run (and
 * if they do, both runs are correct, one is merely redundant). After a run that found the chain broken nothing is
 * started by the schedule: the next run would re-read the whole chain every time, and what to do is the officers'
 * call (the {@code care.audit.chain.intact} metric stays 0 and alerts).
 */
@Component
class ScheduledChainVerification {

    static final String BY = "scheduled verification";

    private final IntegrityChecks checks;
    private final Duration interval;

    ScheduledChainVerification(
            IntegrityChecks checks, @Value("${care.audit.integrity.interval:10m}") Duration interval) {
        this.checks = checks;
        this.interval = interval;
    }

    @Scheduled(
            initialDelayString = "${care.audit.integrity.first-run:1m}",
            fixedDelayString = "${care.audit.integrity.interval:10m}")
    void verify() {
        if (due(checks.last(), Instant.now(), interval)) {
            checks.start(BY, false); // skipped while another run is under way here
        }
    }

    static boolean due(Optional<IntegrityChecks.Run> last, Instant now, Duration interval) {
        return last.map(run -> run.intact()
                        && run.at().isBefore(now.minus(interval.multipliedBy(9).dividedBy(10))))
                .orElse(true);
    }
}
