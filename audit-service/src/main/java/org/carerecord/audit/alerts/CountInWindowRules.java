package org.carerecord.audit.alerts;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The rules that count one user's records of one kind in a sliding window: repeated refusals, frequent
 * break-glass. Each user seen in the arrivals is judged once per batch, reading only the records of that kind
 * (rare), so a user's ordinary views cost nothing here. Many different patients: {@link ManyPatientsRule}.
 */
final class CountInWindowRules {

    private CountInWindowRules() {}

    /**
     * @param counted   which of the user's records count
     * @param countKeys what one counted record contributes (its patients, or itself)
     * @param thresholds the threshold in force (read for each batch: governance may change it)
     * @param summary   the alert's sentence, given the count and the threshold
     */
    record CountRule(
            String name,
            Supplier<AlertRulesProperties.Threshold> thresholds,
            TrailWindow trail,
            TrailWindow.Counted kind,
            Predicate<TrailRecord> counted,
            Function<TrailRecord, List<String>> countKeys,
            BiFunction<Integer, AlertRulesProperties.Threshold, String> summary)
            implements AlertRule {

        @Override
        public List<Alert> judge(List<TrailRecord> arrived) {
            AlertRulesProperties.Threshold threshold = thresholds.get();
            if (threshold == null || !threshold.enabled()) {
                return List.of();
            }
            Map<String, List<TrailRecord>> byUser = new LinkedHashMap<>();
            arrived.stream()
                    .filter(TrailRecord::byUser)
                    .filter(counted)
                    .forEach(r -> byUser.computeIfAbsent(r.userId(), k -> new ArrayList<>())
                            .add(r));
            List<Alert> alerts = new ArrayList<>();
            byUser.forEach(
                    (user, fresh) -> busiestWindow(user, fresh, threshold).ifPresent(alerts::add));
            return alerts;
        }

        /** The fullest window around the user's arrivals that holds one of them ({@link FullestWindow}). */
        private Optional<Alert> busiestWindow(
                String user, List<TrailRecord> fresh, AlertRulesProperties.Threshold threshold) {
            FullestWindow.Arrivals arrivals = FullestWindow.Arrivals.of(fresh);
            List<TrailRecord> around =
                    trail.ofUser(user, kind, arrivals.from(threshold.window()), arrivals.to(threshold.window()));
            List<TrailRecord> best = FullestWindow.of(
                    around,
                    TrailRecord::recorded,
                    threshold.window(),
                    window -> keysOf(window).size(),
                    r -> arrivals.eventIds().contains(r.eventId()));
            int bestCount = keysOf(best).size();
            if (bestCount < threshold.count()) {
                return Optional.empty();
            }
            TrailRecord latest = best.get(best.size() - 1);
            return Optional.of(new Alert(
                    name,
                    FullestWindow.dedupeKey(name, user, best.get(0).recorded(), threshold.window()),
                    user,
                    latest.userRole(),
                    latest.organisation(),
                    null,
                    summary.apply(bestCount, threshold),
                    best.stream().map(TrailRecord::eventId).limit(500).toList(),
                    best.get(0).recorded(),
                    latest.recorded()));
        }

        /** The distinct things a window's records count (their patients, or themselves). */
        private Set<String> keysOf(List<TrailRecord> window) {
            Set<String> keys = new LinkedHashSet<>();
            window.forEach(r -> keys.addAll(countKeys.apply(r)));
            return keys;
        }
    }

    static AlertRule repeatedDenials(Supplier<AlertRulesProperties.Threshold> thresholds, TrailWindow trail) {
        return new CountRule(
                "repeated-denials",
                thresholds,
                trail,
                TrailWindow.Counted.REFUSALS,
                TrailRecord::refused,
                r -> List.of(r.eventId()),
                (n, t) -> "Refused " + n + " times within " + Durations.words(t.window()));
    }

    static AlertRule frequentBreakGlass(Supplier<AlertRulesProperties.Threshold> thresholds, TrailWindow trail) {
        return new CountRule(
                "frequent-break-glass",
                thresholds,
                trail,
                TrailWindow.Counted.BREAK_GLASS,
                TrailRecord::brokeGlass,
                r -> List.of(r.eventId()),
                (n, t) -> "Used emergency access (break-glass) " + n + " times within " + Durations.words(t.window()));
    }
}
