package org.carerecord.audit.alerts;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The rules that count one user's records of one kind in a sliding window: repeated refusals, frequent
 * break-glass. Each user seen in the arrivals is judged once per batch, reading only the records of that kind
 * (rare), so a user's ordinary views cost nothing here. Many different patients: {@link ManyPatientsRule}.
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
                     TrailWindow.Counted kind, Predicate<TrailRecord> counted, Function<TrailRecord, List<String>> countKeys,
                     Function<Integer, String> summary) implements AlertRule {

        @Override
        public List<Alert> judge(List<TrailRecord> arrived) {
            if (threshold == null || !threshold.enabled()) {
                return List.of();
            }
            Map<String, List<TrailRecord>> byUser = new LinkedHashMap<>();
            arrived.stream().filter(TrailRecord::byUser).filter(counted)
                    .forEach(r -> byUser.computeIfAbsent(r.userId(), k -> new ArrayList<>()).add(r));
            List<Alert> alerts = new ArrayList<>();
            byUser.forEach((user, fresh) -> busiestWindow(user, fresh).ifPresent(alerts::add));
            return alerts;
        }

        /**
         * The fullest window that holds at least one newly arrived record. Records may arrive late (a relay
         * catching up after an outage), so windows are slid over the user's records around the arrivals,
         * not just ending at the newest one.
         */
        private Optional<Alert> busiestWindow(String user, List<TrailRecord> fresh) {
            Instant first = fresh.stream().map(TrailRecord::recorded).min(Instant::compareTo).orElseThrow();
            Instant last = fresh.stream().map(TrailRecord::recorded).max(Instant::compareTo).orElseThrow();
            Set<String> freshIds = new HashSet<>();
            fresh.forEach(r -> freshIds.add(r.eventId()));
            List<TrailRecord> around = trail.ofUser(user, kind, first.minus(threshold.window()),
                    last.plus(threshold.window()));
            List<TrailRecord> best = List.of();
            int bestCount = 0;
            int end = 0;
            for (int start = 0; start < around.size(); start++) {
                Instant limit = around.get(start).recorded().plus(threshold.window());
                end = Math.max(end, start);
                while (end < around.size() && !around.get(end).recorded().isAfter(limit)) {
                    end++;
                }
                List<TrailRecord> window = around.subList(start, end);
                Set<String> keys = new LinkedHashSet<>();
                window.forEach(r -> keys.addAll(countKeys.apply(r)));
                if (keys.size() > bestCount && window.stream().anyMatch(r -> freshIds.contains(r.eventId()))) {
                    best = window;
                    bestCount = keys.size();
                }
            }
            if (bestCount < threshold.count()) {
                return Optional.empty();
            }
            TrailRecord latest = best.get(best.size() - 1);
            // one alert per user per window-sized period: a long spree stays one alert that grows
            long period = best.get(0).recorded().toEpochMilli() / Math.max(1, threshold.window().toMillis());
            return Optional.of(new Alert(name, name + ":" + user + ":" + period, user, latest.userRole(),
                    latest.organisation(), null, summary.apply(bestCount),
                    best.stream().map(TrailRecord::eventId).limit(500).toList(), best.get(0).recorded(),
                    latest.recorded()));
        }
    }

    static AlertRule repeatedDenials(AlertRulesProperties.Threshold t, TrailWindow trail) {
        return new CountRule("repeated-denials", t, trail, TrailWindow.Counted.REFUSALS, TrailRecord::refused, r -> List.of(r.eventId()),
                n -> "Refused " + n + " times within " + Durations.words(t.window()));
    }

    static AlertRule frequentBreakGlass(AlertRulesProperties.Threshold t, TrailWindow trail) {
        return new CountRule("frequent-break-glass", t, trail, TrailWindow.Counted.BREAK_GLASS, TrailRecord::brokeGlass,
                r -> List.of(r.eventId()),
                n -> "Used emergency access (break-glass) " + n + " times within " + Durations.words(t.window()));
    }
}
