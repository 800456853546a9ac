package org.carerecord.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ingest and clinician benchmarks run end to end in the build, on a tiny data set (3 Synthea patients,
 * 1-second phases), so they cannot rot between the runs that produce the figures. Their figures are
 * printed, not judged: on a shared 2-core machine a speed assertion would only measure the neighbours.
 * What is checked is that every scenario and path ran and answered (the programs throw on any non-200).
 */
class BenchmarksSmokeIT {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private PrintStream console;

    @BeforeEach
    void capture() {
        console = System.out;
        System.setOut(new PrintStream(new TeeStream(console, printed), true, StandardCharsets.UTF_8));
        System.setProperty("bench.seconds", "1");
        System.setProperty("bench.rounds", "1");
        System.setProperty("bench.clients", "2");
        System.setProperty("bench.warmup", "3");
    }

    @AfterEach
    void restore() {
        System.setOut(console);
    }

    @Test
    void ingestPushesTransactionBundlesAndLoadsTheSamePatientsInBulk() throws Exception {
        IngestBenchmark.main(new String[] {"3", "42"});

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains(
                        "ingest through transaction bundles, 3 Synthea patients",
                        "ratio full / off",
                        "second server's switches",
                        "the same bundle again, unchanged",
                        "bulk path ($load",
                        "\"outcome\":\"complete\"");
        java.util.regex.Matcher rates = java.util.regex.Pattern.compile("full server: +([0-9.]+) resources/s overall")
                .matcher(printed.toString(StandardCharsets.UTF_8));
        assertThat(rates.find()).isTrue();
        assertThat(Double.parseDouble(rates.group(1))).isPositive();
    }

    @Test
    void clinicianRunsEveryScenarioOnBothServers() throws Exception {
        ClinicianBenchmark.main(new String[] {"3", "42"});

        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains(
                        "patient read",
                        "conditions",
                        "active medications",
                        "recent admissions",
                        "$summary (median patient)",
                        "$summary, assembled afresh",
                        "$everything, first page");
        assertFiguresAreMeasured();
    }

    /** Every latency line printed holds numbers from at least one request. */
    private void assertFiguresAreMeasured() {
        java.util.regex.Matcher figures = LatenciesTest.FIGURES.matcher(printed.toString(StandardCharsets.UTF_8));
        int lines = 0;
        while (figures.find()) {
            lines++;
            assertThat(Double.parseDouble(figures.group(1))).isPositive();
            assertThat(Integer.parseInt(figures.group(4))).isPositive();
        }
        assertThat(lines).isPositive();
    }

    /** Prints as usual and keeps a copy. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
