package org.carerecord.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Synthea patients for a benchmark: generated once by {@code benchmarks/synthea} (fixed seed and reference
 * date) into {@code benchmarks/target/synthea-<patients>-<seed>/}, or taken from {@code -Dbench.synthea}.
 */
record SyntheaData(List<Path> directory, List<Path> patients) {

    private static final Pattern ENTRY = Pattern.compile("\"request\"\\s*:");
    private static final Pattern PATIENT_LOCATION = Pattern.compile("\"location\"\\s*:\\s*\"Patient/([^/\"]+)");

    /** {@code [patients] [seed]} from a benchmark's arguments: default 10 patients, seed 42. */
    static SyntheaData fromArgs(String[] args) throws IOException, InterruptedException {
        return generate(
                args.length > 0 ? Integer.parseInt(args[0]) : 10, args.length > 1 ? Long.parseLong(args[1]) : 42);
    }

    static SyntheaData generate(int patients, long seed) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("care.record.home", "."))
                .toAbsolutePath()
                .normalize();
        Path bundles;
        if (System.getProperty("bench.synthea") != null) {
            bundles = Path.of(System.getProperty("bench.synthea"));
        } else {
            Path jar = home.resolve("benchmarks/synthea/target/synthea-generator.jar");
            Path out = home.resolve("benchmarks/target/synthea-" + patients + "-" + seed);
            if (!Files.exists(out.resolve("fhir"))) {
                Process generator = new ProcessBuilder(
                                "java",
                                "-jar",
                                jar.toString(),
                                String.valueOf(patients),
                                out.toString(),
                                String.valueOf(seed))
                        .inheritIO()
                        .start();
                if (generator.waitFor() != 0) {
                    throw new IllegalStateException(
                            "Synthea failed (is " + jar + " built? ./mvnw -DskipTests package)");
                }
            }
            bundles = out.resolve("fhir");
        }
        try (var files = Files.list(bundles)) {
            List<Path> all =
                    files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
            List<Path> directory = all.stream()
                    .filter(p -> p.getFileName().toString().startsWith("hospitalInformation")
                            || p.getFileName().toString().startsWith("practitionerInformation"))
                    .toList();
            return new SyntheaData(
                    directory, all.stream().filter(p -> !directory.contains(p)).toList());
        }
    }

    /** Pushes the hospitals and practitioners (shared records, once). */
    void loadDirectory(String fhirBase, String token) throws IOException {
        for (Path p : directory) {
            Http.post(fhirBase, token, Files.readString(p), null);
        }
    }

    static int entries(String bundle) {
        Matcher m = ENTRY.matcher(bundle);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** The Patient id a transaction response created or updated. */
    static String patientId(String transactionResponse) {
        Matcher m = PATIENT_LOCATION.matcher(transactionResponse);
        if (!m.find()) {
            throw new IllegalStateException("no Patient in the transaction response");
        }
        return m.group(1);
    }
}
