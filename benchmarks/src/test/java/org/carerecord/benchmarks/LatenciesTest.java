package org.carerecord.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The figures every benchmark prints come from here: the default suite checks they are nearest-rank
 * percentiles and print as numbers (the programs themselves run under {@code -Pbench-smoke}).
 */
class LatenciesTest {

    static final Pattern FIGURES =
            Pattern.compile("p50 ([0-9.]+) ms  p95 ([0-9.]+) ms  p99 ([0-9.]+) ms  \\(n=(\\d+)\\)");

    @Test
    void percentilesAreNearestRankInMilliseconds() {
        Latencies latencies = new Latencies();
        for (int ms = 100; ms >= 1; ms--) { // arrival order must not matter
            latencies.add(ms * 1_000_000L);
        }
        assertThat(latencies.percentileMillis(50)).isEqualTo(50.0);
        assertThat(latencies.percentileMillis(95)).isEqualTo(95.0);
        assertThat(latencies.percentileMillis(99)).isEqualTo(99.0);
        assertThat(latencies.percentileMillis(100)).isEqualTo(100.0);
    }

    @Property(tries = 200)
    void theSummaryPrintsOrderedNumbersWhateverTheLocale(
            @ForAll @Size(min = 1, max = 300) java.util.List<@LongRange(min = 1, max = 60_000_000_000L) Long> nanos,
            @ForAll @IntRange(min = 0, max = 2) int localeIndex) {
        Locale before = Locale.getDefault();
        Locale.setDefault(new Locale[] {Locale.UK, Locale.GERMANY, Locale.FRANCE}[localeIndex]);
        try {
            Latencies latencies = new Latencies();
            nanos.forEach(latencies::add);
            Matcher figures = FIGURES.matcher(latencies.summary());
            assertThat(figures.matches()).as(latencies.summary()).isTrue();
            double p50 = Double.parseDouble(figures.group(1));
            double p95 = Double.parseDouble(figures.group(2));
            double p99 = Double.parseDouble(figures.group(3));
            assertThat(p50).isLessThanOrEqualTo(p95).isGreaterThanOrEqualTo(0);
            assertThat(p95).isLessThanOrEqualTo(p99);
            assertThat(Integer.parseInt(figures.group(4))).isEqualTo(nanos.size());
        } finally {
            Locale.setDefault(before);
        }
    }
}
