package org.carerecord.audit.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

/**
 * The thresholds of the counting rules as governance last approved them: consent-service holds them with the role
 * policy ({@code GET /policy/alerts}: proposed, replayed over the trail, approved by a Caldicott Guardian,
 * restorable), and this follows them. Until they are first read — and whenever consent-service cannot be reached —
 * the last known thresholds hold (at start-up, this service's configuration). Whether a rule is on stays with this
 * service's configuration.
 */
public class PolicyAlertThresholds {

    private static final Logger log = LoggerFactory.getLogger(PolicyAlertThresholds.class);

    private record Thresholds(
            String version,
            AlertRulesProperties.Threshold repeatedDenials,
            AlertRulesProperties.Threshold manyPatients,
            AlertRulesProperties.Threshold breakGlass) {}

    private final RestClient consent;
    private final AtomicReference<Thresholds> current;

    PolicyAlertThresholds(RestClient consent, AlertRulesProperties configured) {
        this.consent = consent;
        this.current = new AtomicReference<>(new Thresholds(
                "configuration", configured.repeatedDenials(), configured.manyPatients(), configured.breakGlass()));
    }

    Supplier<AlertRulesProperties.Threshold> repeatedDenials() {
        return () -> current.get().repeatedDenials();
    }

    Supplier<AlertRulesProperties.Threshold> manyPatients() {
        return () -> current.get().manyPatients();
    }

    Supplier<AlertRulesProperties.Threshold> breakGlass() {
        return () -> current.get().breakGlass();
    }

    /** The policy version the thresholds came from ("configuration" until the policy's are read). */
    public String version() {
        return current.get().version();
    }

    /** Reads the thresholds in force; keeps the last known when consent-service cannot answer. */
    void refresh() {
        try {
            JsonNode answer = consent.get().uri("/policy/alerts").retrieve().body(JsonNode.class);
            if (answer == null) {
                return;
            }
            Thresholds before = current.get();
            JsonNode alerts = answer.path("alerts");
            Thresholds now = new Thresholds(
                    answer.path("version").asText(),
                    merged(before.repeatedDenials(), alerts.path("repeatedRefusals")),
                    merged(before.manyPatients(), alerts.path("manyPatients")),
                    merged(before.breakGlass(), alerts.path("breakGlass")));
            if (!now.equals(before)) {
                log.info("alert thresholds of policy {} in force: {}", now.version(), now);
            }
            current.set(now);
        } catch (RestClientException e) {
            log.warn(
                    "alert thresholds not read from consent-service ({}); those of {} hold", e.getMessage(), version());
        }
    }

    private static AlertRulesProperties.Threshold merged(AlertRulesProperties.Threshold before, JsonNode policy) {
        if (!policy.path("count").canConvertToInt()
                || !policy.path("windowMinutes").canConvertToInt()) {
            return before;
        }
        return new AlertRulesProperties.Threshold(
                before != null && before.enabled(),
                policy.path("count").asInt(),
                Duration.ofMinutes(policy.path("windowMinutes").asInt()));
    }
}
