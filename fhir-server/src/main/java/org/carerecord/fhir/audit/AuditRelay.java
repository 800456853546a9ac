package org.carerecord.fhir.audit;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClient;

/**
 * Delivers the outbox to audit-service in batches, at least once: rows are deleted only after
 * audit-service has stored them (it de-duplicates by event id). Failures back off exponentially.
 */
@Component
class AuditRelay {

    private static final Logger log = LoggerFactory.getLogger(AuditRelay.class);

    private final AuditOutbox outbox;
    private final RestClient auditService;
    private final TransactionTemplate transaction;
    private final AuditRelayProperties properties;
    private Duration backoff = Duration.ZERO;
    private Instant nextAttempt = Instant.MIN;

    public AuditRelay(
            AuditOutbox outbox,
            RestClient auditServiceClient,
            TransactionTemplate transaction,
            AuditRelayProperties properties,
            MeterRegistry meters) {
        this.outbox = outbox;
        this.auditService = auditServiceClient;
        this.transaction = transaction;
        this.properties = properties;
        Gauge.builder("care.audit.outbox.backlog", outbox, AuditOutbox::backlog)
                .description("audit records written but not yet delivered to audit-service")
                .register(meters);
        Gauge.builder("care.audit.outbox.lag", outbox, AuditOutbox::lagSeconds)
                .baseUnit("seconds")
                .description("age of the oldest undelivered audit record")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${care.audit.relay-interval:500ms}")
    public void relay() {
        if (Instant.now().isBefore(nextAttempt)) {
            return;
        }
        try {
            int delivered;
            do {
                delivered = deliverBatch();
            } while (delivered == properties.batchSize());
            backoff = Duration.ZERO;
        } catch (RuntimeException e) {
            backoff = backoff.isZero() ? Duration.ofSeconds(1) : min(backoff.multipliedBy(2), properties.maxBackoff());
            nextAttempt = Instant.now().plus(backoff);
            log.warn("audit relay failed ({}); retrying in {}", e.toString(), backoff);
        }
    }

    /** One batch in one transaction: claim, deliver, delete. A failed delivery rolls the claim back. */
    int deliverBatch() {
        Integer count = transaction.execute(status -> {
            List<AuditOutbox.Row> rows = outbox.claim(properties.batchSize());
            if (rows.isEmpty()) {
                return 0;
            }
            String bundle = rows.stream()
                    .map(r -> "{\"resource\":" + r.payload() + "}")
                    .collect(Collectors.joining(
                            ",", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[", "]}"));
            auditService
                    .post()
                    .uri("/audit/events")
                    .contentType(MediaType.valueOf("application/fhir+json"))
                    .body(bundle)
                    .retrieve()
                    .toBodilessEntity();
            outbox.delivered(rows.stream().map(AuditOutbox.Row::id).toList());
            return rows.size();
        });
        return count == null ? 0 : count;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }
}
