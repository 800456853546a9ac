package org.carerecord.audit.alerts;

import java.time.Duration;

/** A threshold's window in words ("60 minutes", "7 days") for alert summaries. */
final class Durations {

    private Durations() {}

    static String words(Duration d) {
        if (d.toDays() >= 1 && d.toHours() % 24 == 0) {
            return plural(d.toDays(), "day");
        }
        if (d.toHours() >= 2 && d.toMinutes() % 60 == 0) {
            return plural(d.toHours(), "hour");
        }
        return plural(d.toMinutes(), "minute");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }
}
