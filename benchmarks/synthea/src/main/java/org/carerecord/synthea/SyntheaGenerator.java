package org.carerecord.synthea;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes Synthea patients as FHIR R4 transaction bundles, repeatably: the same seed, population and
 * reference date give the same patients (Synthea's own determinism). Also writes the hospitals and
 * practitioners they refer to ({@code hospitalInformation*.json}, {@code practitionerInformation*.json}),
 * which a loader sends first so that references like {@code Practitioner?identifier=...} resolve.
 *
 * <pre>java -jar benchmarks/synthea/target/synthea-generator.jar [patients] [output dir] [seed] [reference date]</pre>
 * Defaults: 10 patients, {@code target/synthea}, seed 42, reference date 2026-11-01. Runs offline.
 */
public final class SyntheaGenerator {

    private SyntheaGenerator() {}

    public static void main(String[] args) throws Exception {
        int patients = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Path out = Path.of(args.length > 1 ? args[1] : "target/synthea").toAbsolutePath();
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42L;
        LocalDate reference = args.length > 3 ? LocalDate.parse(args[3]) : LocalDate.of(2026, 11, 1);
        Files.createDirectories(out);
        List<String> synthea = new ArrayList<>(List.of(
                "-p",
                String.valueOf(patients),
                "-s",
                String.valueOf(seed),
                "-cs",
                String.valueOf(seed),
                "-r",
                reference.toString().replace("-", ""),
                "--exporter.baseDirectory=" + out,
                "--exporter.fhir.export=true",
                "--exporter.fhir.transaction_bundle=true",
                "--exporter.hospital.fhir.export=true",
                "--exporter.practitioner.fhir.export=true",
                "--exporter.ccda.export=false",
                "--exporter.csv.export=false",
                "--exporter.text.export=false",
                "--generate.only_alive_patients=true"));
        // Synthea's command line is class App in the unnamed package, which Java source cannot name
        Class.forName("App").getMethod("main", String[].class).invoke(null, (Object) synthea.toArray(String[]::new));
        System.out.println("Synthea bundles in " + out.resolve("fhir"));
    }
}
