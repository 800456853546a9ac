package org.carerecord.audit.integrity;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The chain is verified on a schedule as well as on a governance officer's request (each run reads only what
 * arrived since the last intact one), and what the newest run found is a metric an alert can watch:
 * {@code care.audit.chain.intact} (1, or 0 once a record was altered or removed), {@code care.audit.chain.verified.age}
 * (seconds since that run: a stalled verifier) and {@code care.audit.chain.unverified} (records not yet checked).
 */
@Component
class ScheduledChainVerification {

    static final String BY = "scheduled verification";

    private final IntegrityChecks checks;

    ScheduledChainVerification(IntegrityChecks checks, JdbcClient jdbc, MeterRegistry meters) {
        this.checks = checks;
        Gauge.builder(
                        "care.audit.chain.intact",
                        checks,
                        c -> c.last().map(run -> run.intact() ? 1.0 : 0.0).orElse(Double.NaN))
                .description("1 if the newest verification found the chain intact, 0 if broken")
                .register(meters);
        Gauge.builder(
                        "care.audit.chain.verified.age",
                        checks,
                        c -> c.last()
                                .map(run -> (double) Duration.between(run.at(), Instant.now())
                                        .toSeconds())
                                .orElse(Double.NaN))
                .description("seconds since the newest chain verification")
                .baseUnit("seconds")
                .register(meters);
        Gauge.builder(
                        "care.audit.chain.unverified",
                        jdbc,
                        db -> db.sql("""
                                select coalesce((select max(seq) from audit_event), 0)
                                     - coalesce((select verified_through_seq from chain_verification
                                                 where intact order by id desc limit 1), 0)""").query(Long.class).single())
                .description("records received after the newest intact verification")
                .register(meters);
    }

    @Scheduled(
            initialDelayString = "${care.audit.integrity.first-run:1m}",
            fixedDelayString = "${care.audit.integrity.interval:10m}")
    void verify() {
        checks.start(BY, false); // skipped while an officer's run is under way
    }
}
