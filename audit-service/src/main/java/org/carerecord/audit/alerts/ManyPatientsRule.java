package org.carerecord.audit.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Many different patients' records viewed by one user within a window (the threshold). Each view served is
 * noted once, as its user's newest view of that patient ({@link SeenPatients}); a user's windows are then slid
 * over their patients, not over their views, so the rule costs the same for a user who opens ten summaries a
 * minute as for one who opens ten a day. The fullest window holding a newly arrived view is the alert, one
 * per user per window-sized period, growing as the spree goes on. A patient viewed again counts once, at its
 * newest view, and the alert names that view.
 */
final class ManyPatientsRule implements AlertRule {

    static final String NAME = "many-patients";
    /** How late a view may arrive (a relay catching up after an outage) and still be judged with its neighbours. */
    private static final Duration LATE_BY = Duration.ofHours(24);

    /** The threshold in force, read for each batch: governance may change it. */
    private final Supplier<AlertRulesProperties.Threshold> thresholds;

    private final SeenPatients seen;

    ManyPatientsRule(Supplier<AlertRulesProperties.Threshold> thresholds, SeenPatients seen) {
        this.thresholds = thresholds;
        this.seen = seen;
    }

    @Override
    public List<Alert> judge(List<TrailRecord> arrived) {
        AlertRulesProperties.Threshold threshold = thresholds.get();
        if (threshold == null || !threshold.enabled()) {
            return List.of();
        }
        Map<String, SeenPatients.Seen> newest = new LinkedHashMap<>();
        Map<String, List<TrailRecord>> byUser = new LinkedHashMap<>();
        for (TrailRecord r : arrived) {
            if (!r.byUser() || r.refused() || r.patientIds().isEmpty()) {
                continue;
            }
            byUser.computeIfAbsent(r.userId(), k -> new ArrayList<>()).add(r);
            for (String patient : r.patientIds()) {
                newest.merge(
                        r.userId() + "\n" + patient,
                        new SeenPatients.Seen(r.userId(), patient, r.recorded(), r.eventId()),
                        (a, b) -> b.at().isAfter(a.at()) ? b : a);
            }
        }
        seen.saw(List.copyOf(newest.values()));
        // views that can no longer share a window with anything arriving, even a day late, are forgotten
        arrived.stream()
                .map(TrailRecord::recorded)
                .min(Instant::compareTo)
                .ifPresent(earliest ->
                        seen.forgetBefore(earliest.minus(threshold.window()).minus(LATE_BY)));
        List<Alert> alerts = new ArrayList<>();
        byUser.forEach((user, fresh) -> fullestWindow(user, fresh, threshold).ifPresent(alerts::add));
        return alerts;
    }

    private Optional<Alert> fullestWindow(
            String user, List<TrailRecord> fresh, AlertRulesProperties.Threshold threshold) {
        FullestWindow.Arrivals arrivals = FullestWindow.Arrivals.of(fresh);
        List<SeenPatients.Seen> around =
                seen.of(user, arrivals.from(threshold.window()), arrivals.to(threshold.window()));
        List<SeenPatients.Seen> best = FullestWindow.of(
                around,
                SeenPatients.Seen::at,
                threshold.window(),
                List::size,
                s -> arrivals.eventIds().contains(s.eventId()));
        if (best.size() < threshold.count()) {
            return Optional.empty();
        }
        TrailRecord latest = fresh.get(fresh.size() - 1);
        Instant firstSeen = best.get(0).at();
        return Optional.of(new Alert(
                NAME,
                FullestWindow.dedupeKey(NAME, user, firstSeen, threshold.window()),
                user,
                latest.userRole(),
                latest.organisation(),
                null,
                "Viewed " + best.size() + " different patients' records within " + Durations.words(threshold.window()),
                best.stream()
                        .map(SeenPatients.Seen::eventId)
                        .distinct()
                        .limit(500)
                        .toList(),
                firstSeen,
                best.get(best.size() - 1).at()));
    }
}
