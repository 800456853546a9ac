package org.carerecord.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Synthea patients made by the generator module (fixed seed and reference date), generated once per seed and
 * count into {@code e2e-tests/target} and kept: the bundles Synthea writes, its hospitals' and practitioners'
 * first.
 */
public final class SyntheaPatients {

    private final Path bundles;

    private SyntheaPatients(Path bundles) {
        this.bundles = bundles;
    }

    /** {@code patients} patients of {@code seed}, generated now if no earlier test did. */
    public static SyntheaPatients generated(String seed, int patients) throws IOException, InterruptedException {
        Path home = Path.of(System.getProperty("care.record.home", ".."))
                .toAbsolutePath()
                .normalize();
        Path out = home.resolve("e2e-tests/target/synthea-" + seed + (patients == 1 ? "" : "x" + patients));
        if (!Files.exists(out.resolve("fhir"))) {
            Process generator = new ProcessBuilder(
                            "java",
                            "-jar",
                            home.resolve("benchmarks/synthea/target/synthea-generator.jar")
                                    .toString(),
                            String.valueOf(patients),
                            out.toString(),
                            seed)
                    .redirectErrorStream(true)
                    .redirectOutput(home.resolve("e2e-tests/target/synthea.log").toFile())
                    .start();
            assertThat(generator.waitFor()).as("Synthea generator exit code").isZero();
        }
        return new SyntheaPatients(out.resolve("fhir"));
    }

    /** The hospitals' and practitioners' bundles, to be pushed before any patient's. */
    public List<Path> directories() throws IOException {
        return files("hospitalInformation", "practitionerInformation");
    }

    /** One bundle per patient. */
    public List<Path> patients() throws IOException {
        return files("").stream()
                .filter(p -> !p.getFileName().toString().contains("Information"))
                .toList();
    }

    private List<Path> files(String... prefixes) throws IOException {
        try (var list = Files.list(bundles)) {
            return list.filter(p -> p.toString().endsWith(".json"))
                    .filter(p -> Arrays.stream(prefixes)
                            .anyMatch(x -> p.getFileName().toString().startsWith(x)))
                    .sorted()
                    .toList();
        }
    }
}
