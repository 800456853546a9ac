package org.carerecord.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.StackPorts;

/**
 * Care-provider ingest of Synthea patients through transaction bundles, side by side: the full server and
 * a second fhir-server on the same database with consent and audit switched off (authentication stays:
 * there is deliberately no switch for it). Each patient is pushed once to each, alternating which goes
 * first; the copy sent to the second server has its {@code urn:uuid}s renamed, so both do the same work
 * and neither finds the other's records. Then one bundle is pushed again, unchanged (the idempotent path),
 * and the same patients go to the full server once more as new records through the bulk path
 * ({@code $load}, one NDJSON body; see SyntheaNdjson), and once more through {@code $import} (BulkImportRun).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar ingest [patients] [seed]</pre>
 * Generates the patients with {@code benchmarks/synthea/target/synthea-generator.jar} unless
 * {@code -Dbench.synthea=<dir of bundles>} names existing ones.
 */
final class IngestBenchmark {

    private IngestBenchmark() {}

    static void main(String[] args) throws Exception {
        SyntheaData data = SyntheaData.fromArgs(args);
        BenchStack.run(stack -> compare(stack, data));
    }

    private static void compare(CareRecordStack stack, SyntheaData data) throws IOException {
        List<Path> people = data.patients();
        int offPort = StackPorts.free().fhirServer();
        stack.startAnother("fhir-server", offPort, "1536m", SideBySide.switchedOff());
        String full = stack.fhirBaseUrl();
        String off = "http://localhost:" + offPort + "/fhir";
        String token = stack.tokens().token("rtd-pas");
        data.loadDirectory(full, token); // organisations, locations, practitioners: once, shared
        Rate withLayers = new Rate();
        Rate without = new Rate();
        for (int i = 0; i < people.size(); i++) {
            String bundle = Files.readString(people.get(i));
            String renamed = bundle.replace("urn:uuid:", "urn:uuid:b");
            int resources = SyntheaData.entries(bundle);
            if (i % 2 == 0) {
                withLayers.push(full, token, bundle, resources);
                without.push(off, token, renamed, resources);
            } else {
                without.push(off, token, renamed, resources);
                withLayers.push(full, token, bundle, resources);
            }
            System.out.printf(
                    "  %-60s %6d resources  full %6.0f/s  second %6.0f/s%n",
                    people.get(i).getFileName(), resources, withLayers.last(), without.last());
        }
        Path first = people.get(0);
        Rate again = new Rate();
        again.push(full, token, Files.readString(first), SyntheaData.entries(Files.readString(first)));
        System.out.printf(
                "%ningest through transaction bundles, %d Synthea patients, %d resources:%n",
                people.size(), withLayers.resources);
        System.out.printf("  second server's switches: %s%n", SideBySide.switchedOff());
        System.out.printf(
                "  full server:                      %7.0f resources/s overall, median bundle %5.0f/s%n",
                withLayers.overall(), withLayers.medianRate());
        System.out.printf(
                "  second server:                    %7.0f resources/s overall, median bundle %5.0f/s%n",
                without.overall(), without.medianRate());
        System.out.printf(
                "  ratio full / off: %.2f (overall), %.2f (median bundle)%n",
                withLayers.overall() / without.overall(), withLayers.medianRate() / without.medianRate());
        System.out.printf(
                "  the same bundle again, unchanged (%d resources): %.2f s, %.0f resources/s%n",
                again.resources, again.seconds, again.overall());

        // The bulk path on the full server: the same patients again as new records, one NDJSON body.
        List<String> bundles = new ArrayList<>();
        for (Path person : people) {
            bundles.add(Files.readString(person));
        }
        String ndjson = SyntheaNdjson.of(bundles, "c");
        long start = System.nanoTime();
        String progress = Http.postNdjson(full + "/$load", token, ndjson);
        double seconds = (System.nanoTime() - start) / 1e9;
        String[] lines = progress.strip().split("\n");
        if (!lines[lines.length - 1].contains("\"complete\"")) {
            throw new IllegalStateException("bulk load did not complete: " + lines[lines.length - 1]);
        }
        System.out.printf(
                "%nbulk path ($load, NDJSON, full server), the same %d resources as new records:%n",
                withLayers.resources);
        System.out.printf(
                "  %.1f s including upload and checking, %.0f resources/s overall; %d progress lines, last: %s%n",
                seconds, withLayers.resources / seconds, lines.length, lines[lines.length - 1]);
        System.out.printf(
                "  ratio bulk / transaction bundles (full server, overall): %.2f%n",
                withLayers.resources / seconds / withLayers.overall());

        // The standard bulk path: the same patients once more as new records, through $import
        BulkImportRun.measureUnchecked(full, token, SyntheaNdjson.of(bundles, "d"), withLayers.resources);
    }

    /** Resources pushed and time taken, per bundle and overall. */
    private static final class Rate {
        private long resources;
        private double seconds;
        private final List<Double> rates = new ArrayList<>();

        void push(String url, String token, String bundle, int count) {
            long start = System.nanoTime();
            Http.post(url, token, bundle, null);
            double s = (System.nanoTime() - start) / 1e9;
            resources += count;
            seconds += s;
            rates.add(count / s);
        }

        double last() {
            return rates.get(rates.size() - 1);
        }

        double overall() {
            return resources / seconds;
        }

        double medianRate() {
            List<Double> sorted = rates.stream().sorted().toList();
            return sorted.get(sorted.size() / 2);
        }
    }
}
