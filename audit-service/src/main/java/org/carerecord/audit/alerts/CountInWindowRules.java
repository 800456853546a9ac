package org.carerecord.audit.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The rules that count one user's records in a sliding window: many distinct patients, repeated refusals,
 * frequent break-glass. Each user seen in the arrivals is judged once per batch, at their latest record.
 */
public final class CountInWindowRules {

    private CountInWindowRules() {
    }

    /**
     * @param counted   which of the user's records count
     * @param countKeys what one counted record contributes (its patients, or itself)
     * @param summary   the alert's sentence, given the count
     */
    record CountRule(String name, AlertRulesProperties.Threshold threshold, TrailWindow trail,
                     Predicate<TrailRecord> counted, Function<TrailRecord, List<String>> countKeys,
                     Function<Integer, String> summary) implements AlertRule {

        @Override
        public List<Alert> judge(List<TrailRecord> arrived) {
            if (threshold == null || !threshold.enabled()) {
                return List.of();
            }
            Map<String, TrailRecord> latestByUser = new LinkedHashMap<>();
            arrived.stream().filter(TrailRecord::byUser).filter(counted)
                    .forEach(r -> latestByUser.merge(r.userId(), r, (a, b) -> b.recorded().isAfter(a.recorded()) ? b : a));
            List<Alert> alerts = new ArrayList<>();
            for (TrailRecord latest : latestByUser.values()) {
                Instant to = latest.recorded();
                List<TrailRecord> window = trail.ofUser(latest.userId(), to.minus(threshold.window()), to).stream()
                        .filter(counted).toList();
                Set<String> keys = new LinkedHashSet<>();
                window.forEach(r -> keys.addAll(countKeys.apply(r)));
                if (keys.size() >= threshold.count()) {
                    // one alert per user per window-sized period: a long spree stays one alert that grows
                    long period = to.toEpochMilli() / Math.max(1, threshold.window().toMillis());
                    alerts.add(new Alert(name, name + ":" + latest.userId() + ":" + period, latest.userId(),
                            latest.userRole(), latest.organisation(), null, summary.apply(keys.size()),
                            window.stream().map(TrailRecord::eventId).limit(500).toList(),
                            window.get(0).recorded(), to));
                }
            }
            return alerts;
        }
    }

    static AlertRule manyPatients(AlertRulesProperties.Threshold t, TrailWindow trail) {
        return new CountRule("many-patients", t, trail, r -> !r.refused() && !r.patientIds().isEmpty(),
                TrailRecord::patientIds,
                n -> "Viewed " + n + " different patients' records within " + Durations.words(t.window()));
    }

    static AlertRule repeatedDenials(AlertRulesProperties.Threshold t, TrailWindow trail) {
        return new CountRule("repeated-denials", t, trail, TrailRecord::refused, r -> List.of(r.eventId()),
                n -> "Refused " + n + " times within " + Durations.words(t.window()));
    }

    static AlertRule frequentBreakGlass(AlertRulesProperties.Threshold t, TrailWindow trail) {
        return new CountRule("frequent-break-glass", t, trail, TrailRecord::brokeGlass,
                r -> List.of(r.eventId()),
                n -> "Used emergency access (break-glass) " + n + " times within " + Durations.words(t.window()));
    }
}
