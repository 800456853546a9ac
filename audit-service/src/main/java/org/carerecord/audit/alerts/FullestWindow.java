package org.carerecord.audit.alerts;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The counting rules' window: slid over one user's records (oldest first) around what just arrived, the fullest
 * window of the threshold's length that holds at least one newly arrived record. Records may arrive late (a relay
 * catching up after an outage), so windows are not just the one ending at the newest record. One alert per user
 * per window-sized period ({@link #dedupeKey}): a long spree stays one alert that grows.
 */
final class FullestWindow {

    private FullestWindow() {}

    /** What just arrived for one user: the span it covers and its records' ids. */
    record Arrivals(Instant first, Instant last, Set<String> eventIds) {

        static Arrivals of(List<TrailRecord> fresh) {
            Set<String> ids = new HashSet<>();
            fresh.forEach(r -> ids.add(r.eventId()));
            return new Arrivals(
                    fresh.stream()
                            .map(TrailRecord::recorded)
                            .min(Instant::compareTo)
                            .orElseThrow(),
                    fresh.stream()
                            .map(TrailRecord::recorded)
                            .max(Instant::compareTo)
                            .orElseThrow(),
                    ids);
        }

        /** Where windows holding an arrival can lie. */
        Instant from(Duration length) {
            return first.minus(length);
        }

        Instant to(Duration length) {
            return last.plus(length);
        }
    }

    /**
     * @param sorted the records, oldest first
     * @param weight how full a window is (its records, or the distinct things they name)
     * @param fresh  whether a record just arrived
     * @return the fullest such window (the earliest of equals), empty when no window holds a fresh record
     */
    static <T> List<T> of(
            List<T> sorted,
            Function<T, Instant> at,
            Duration length,
            ToIntFunction<List<T>> weight,
            Predicate<T> fresh) {
        List<T> best = List.of();
        int bestWeight = 0;
        int end = 0;
        for (int start = 0; start < sorted.size(); start++) {
            Instant limit = at.apply(sorted.get(start)).plus(length);
            end = Math.max(end, start);
            while (end < sorted.size() && !at.apply(sorted.get(end)).isAfter(limit)) {
                end++;
            }
            List<T> window = sorted.subList(start, end);
            int full = weight.applyAsInt(window);
            if (full > bestWeight && window.stream().anyMatch(fresh)) {
                best = window;
                bestWeight = full;
            }
        }
        return best;
    }

    /** The alert a window belongs to: one per rule, user and window-sized period, from the window's first record. */
    static String dedupeKey(String rule, String user, Instant first, Duration length) {
        return rule + ":" + user + ":" + first.toEpochMilli() / Math.max(1, length.toMillis());
    }
}
