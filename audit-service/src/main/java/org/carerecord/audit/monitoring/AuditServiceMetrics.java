package org.carerecord.audit.monitoring;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.carerecord.audit.alerts.AccessAlerts;
import org.carerecord.audit.integrity.IntegrityChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The audit trail's state as metrics: {@code care.audit.chain.intact} (1, or 0 once a verification found a record
 * altered or removed), {@code care.audit.chain.verified.age} (seconds since the newest run: a stalled verifier),
 * {@code care.audit.chain.unverified} (records that arrived since the newest intact run) and
 * {@code care.audit.alerts.open}. Read from the database every 15 s, never during a scrape: a slow or unreachable
 * database must not take the service's other metrics down with it. NaN until read, or when it cannot be.
 */
@Component
class AuditServiceMetrics {

    private static final Logger log = LoggerFactory.getLogger(AuditServiceMetrics.class);

    private final IntegrityChecks checks;
    private final AccessAlerts alerts;
    private volatile double intact = Double.NaN;
    private volatile Instant verifiedAt;
    private volatile double unverified = Double.NaN;
    private volatile double openAlerts = Double.NaN;

    AuditServiceMetrics(IntegrityChecks checks, AccessAlerts alerts, MeterRegistry meters) {
        this.checks = checks;
        this.alerts = alerts;
        Gauge.builder("care.audit.chain.intact", this, m -> m.intact)
                .description("1 if the newest verification found the chain intact, 0 if broken")
                .register(meters);
        Gauge.builder(
                        "care.audit.chain.verified.age",
                        this,
                        m -> m.verifiedAt == null
                                ? Double.NaN
                                : Duration.between(m.verifiedAt, Instant.now()).toSeconds())
                .description("seconds since the newest chain verification")
                .baseUnit("seconds")
                .register(meters);
        Gauge.builder("care.audit.chain.unverified", this, m -> m.unverified)
                .description("records received after the newest intact verification")
                .register(meters);
        Gauge.builder("care.audit.alerts.open", this, m -> m.openAlerts)
                .description("alerts raised and not yet closed by a governance officer")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${care.audit.metrics-refresh:15s}")
    void refresh() {
        try {
            var last = checks.last();
            intact = last.map(run -> run.intact() ? 1.0 : 0.0).orElse(Double.NaN);
            verifiedAt = last.map(IntegrityChecks.Run::at).orElse(null);
            unverified = checks.unverified();
            openAlerts = alerts.countOpen();
        } catch (RuntimeException e) {
            log.warn("audit metrics not refreshed: {}", e.toString());
            intact = unverified = openAlerts = Double.NaN;
        }
    }
}
