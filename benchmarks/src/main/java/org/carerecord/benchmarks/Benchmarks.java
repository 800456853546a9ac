package org.carerecord.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/** {@code java -jar benchmarks/target/benchmarks.jar [audit|consent|ingest|import|clinician|region]} — which benchmark to run (default audit). */
public final class Benchmarks {

    private Benchmarks() {}

    public static void main(String[] args) throws Exception {
        Locale.setDefault(Locale.ROOT); // every printed figure with a decimal point, whatever the machine's locale
        String which = args.length == 0 ? "audit" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (which) {
            case "audit" -> AuditBenchmark.main(rest);
            case "consent" -> ConsentBenchmark.main(rest);
            case "ingest" -> IngestBenchmark.main(rest);
            case "import" -> ImportBenchmark.main(rest);
            case "clinician" -> ClinicianBenchmark.main(rest);
            case "region" -> RegionBenchmark.main(rest);
            default ->
                throw new IllegalArgumentException(
                        "unknown benchmark " + which + "; use audit, consent, ingest, import, clinician or region");
        }
    }
}
