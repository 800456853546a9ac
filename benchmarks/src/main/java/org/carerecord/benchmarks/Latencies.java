package org.carerecord.benchmarks;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Collected latencies in microseconds and their percentiles. */
final class Latencies {

    private final List<Long> micros = new ArrayList<>();

    synchronized void add(long nanos) {
        micros.add(nanos / 1_000);
    }

    double percentileMillis(double p) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1))) / 1_000.0;
    }

    String summary() {
        // Locale.ROOT: the figures are read back by scripts and tests, so a decimal point whatever the machine's locale
        return String.format(
                Locale.ROOT,
                "p50 %.2f ms  p95 %.2f ms  p99 %.2f ms  (n=%d)",
                percentileMillis(50),
                percentileMillis(95),
                percentileMillis(99),
                micros.size());
    }
}
