package org.carerecord.audit.alerts;

import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A view outside the working day that is also unusual for this user: night staff who always work at 3 am
 * are not flagged, a day-time clerk browsing at 3 am is. With too little history to know a user's habits,
 * the working day alone decides. One alert per user per local day.
 */
final class OutOfHoursRule implements AlertRule {

    /** A user's latest hour is left out of their "habits", so a burst cannot make itself usual. */
    private static final Duration RECENT = Duration.ofHours(1);

    /** A user's habits change slowly: judged once per user, day and hour, not per batch. */
    private record Habit(String user, LocalDate day, int hour) {}

    private final java.util.Map<Habit, Boolean> usual = new java.util.concurrent.ConcurrentHashMap<>();
    private final AlertRulesProperties.OutOfHours policy;
    private final ZoneId zone;
    private final TrailWindow trail;

    OutOfHoursRule(AlertRulesProperties.OutOfHours policy, ZoneId zone, TrailWindow trail) {
        this.policy = policy;
        this.zone = zone;
        this.trail = trail;
    }

    @Override
    public List<Alert> judge(List<TrailRecord> arrived) {
        if (policy == null || !policy.enabled()) {
            return List.of();
        }
        Map<String, List<TrailRecord>> byUserDay = new LinkedHashMap<>();
        for (TrailRecord r : arrived) {
            if (r.byUser() && !r.refused() && !r.patientIds().isEmpty() && outsideWorkingDay(r)) {
                LocalDate day = r.recorded().atZone(zone).toLocalDate();
                byUserDay
                        .computeIfAbsent(r.userId() + ":" + day, k -> new ArrayList<>())
                        .add(r);
            }
        }
        List<Alert> alerts = new ArrayList<>();
        for (var entry : byUserDay.entrySet()) {
            List<TrailRecord> views = entry.getValue();
            TrailRecord first = views.get(0);
            if (usualFor(first)) {
                continue;
            }
            TrailRecord last = views.get(views.size() - 1);
            String hour = first.recorded()
                    .atZone(zone)
                    .toLocalTime()
                    .withSecond(0)
                    .withNano(0)
                    .toString();
            alerts.add(new Alert(
                    "out-of-hours",
                    "out-of-hours:" + entry.getKey(),
                    first.userId(),
                    first.userRole(),
                    first.organisation(),
                    views.stream()
                                            .flatMap(r -> r.patientIds().stream())
                                            .distinct()
                                            .count()
                                    == 1
                            ? first.patientIds().get(0)
                            : null,
                    "Viewed records at " + hour + ", outside working hours (" + policy.start() + "–" + policy.end()
                            + ") and unlike this user's usual pattern",
                    views.stream().map(TrailRecord::eventId).toList(),
                    first.recorded(),
                    last.recorded()));
        }
        return alerts;
    }

    private boolean outsideWorkingDay(TrailRecord r) {
        LocalTime time = r.recorded().atZone(zone).toLocalTime();
        return time.isBefore(policy.start()) || !time.isBefore(policy.end());
    }

    private boolean usualFor(TrailRecord r) {
        ZonedDateTime at = r.recorded().atZone(zone);
        if (usual.size() > 100_000) {
            usual.clear();
        }
        return usual.computeIfAbsent(new Habit(r.userId(), at.toLocalDate(), at.getHour()), h -> judge(r, at));
    }

    private boolean judge(TrailRecord r, ZonedDateTime at) {
        long[] hours = trail.hoursOfDay(
                r.userId(), r.recorded().minus(policy.history()), r.recorded().minus(RECENT), zone.getId());
        long total = 0;
        for (long h : hours) {
            total += h;
        }
        if (total < policy.minHistory()) {
            return false;
        }
        return hours[at.getHour()] >= policy.usualShare() * total;
    }
}
