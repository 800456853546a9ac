package org.carerecord.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.carerecord.launcher.service.CareRecordStack;

/**
 * {@code $import} alone (the last phase of {@code ingest}, without the bundle comparison before it): Synthea
 * patients as NDJSON sources imported as the hospital's system, then the same files again, which should change
 * nothing and cost a fraction of the first (lines left out before HAPI when the organisation imported them
 * exactly so and their records are untouched since).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar import [patients] [seed]</pre>
 */
final class ImportBenchmark {

    private ImportBenchmark() {}

    static void main(String[] args) throws Exception {
        SyntheaData data = SyntheaData.fromArgs(args);
        BenchStack.run(stack -> run(stack, data));
    }

    private static void run(CareRecordStack stack, SyntheaData data) throws Exception {
        String full = stack.fhirBaseUrl();
        String token = stack.tokens().token("rtd-pas");
        data.loadDirectory(full, token);
        List<String> bundles = new ArrayList<>();
        long resources = 0;
        for (Path person : data.patients()) {
            String bundle = Files.readString(person);
            bundles.add(bundle);
            resources += SyntheaData.entries(bundle);
        }
        BulkImportRun.measure(full, token, SyntheaNdjson.of(bundles, "d"), resources);
    }
}
