package org.carerecord.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.carerecord.launcher.service.CareRecordStack;

/**
 * {@code $import} alone (the last phase of {@code ingest}, without the bundle comparison before it), side by side:
 * the full stack and a second whole stack with the {@code -Dbench.off} switches (default consent and audit off; add
 * {@code CARE_FHIR_VALIDATE_BASE_PROFILE=false} for every layer of ours off), on the same PostgreSQL in databases of
 * their own. Synthea patients as NDJSON sources imported as the hospital's system, in the order full, off, off, full
 * (each stack's first copy into an empty database, its second into one holding the first), so both see the same
 * machine noise and database sizes; the second copy is then imported again on each, which should change nothing and
 * cost a fraction of the first.
 *
 * <pre>java -Dbench.off=CARE_CONSENT_ENABLED=false,CARE_AUDIT_ENABLED=false,CARE_FHIR_VALIDATE_BASE_PROFILE=false \
 *   -jar benchmarks/target/benchmarks.jar import [patients] [seed]</pre>
 */
final class ImportBenchmark {

    private ImportBenchmark() {}

    static void main(String[] args) throws Exception {
        SyntheaData data = SyntheaData.fromArgs(args);
        Map<String, String> switchedOff = SideBySide.switchedOff();
        try (BenchStack.Running full = BenchStack.open();
                CareRecordStack off = full.another("off", switchedOff)) {
            run(full.stack(), off, switchedOff, data);
        }
    }

    private static void run(
            CareRecordStack full, CareRecordStack off, Map<String, String> switchedOff, SyntheaData data)
            throws Exception {
        Supplier<String> fullToken = new FreshToken(full, "rtd-pas");
        Supplier<String> offToken = new FreshToken(off, "rtd-pas");
        data.loadDirectory(full.fhirBaseUrl(), fullToken.get());
        data.loadDirectory(off.fhirBaseUrl(), offToken.get());
        List<String> bundles = new ArrayList<>();
        long resources = 0;
        for (Path person : data.patients()) {
            String bundle = Files.readString(person);
            bundles.add(bundle);
            resources += SyntheaData.entries(bundle);
        }
        String firstCopy = SyntheaNdjson.of(bundles, "d");
        String secondCopy = SyntheaNdjson.of(bundles, "e");
        System.out.println("full stack, first copy:");
        double fullFirst = BulkImportRun.once(full.fhirBaseUrl(), fullToken, firstCopy, "first import");
        System.out.println("second stack, first copy:");
        double offFirst = BulkImportRun.once(off.fhirBaseUrl(), offToken, firstCopy, "first import");
        System.out.println("second stack, second copy:");
        double[] offSecond = BulkImportRun.firstAndAgain(off.fhirBaseUrl(), offToken, secondCopy);
        System.out.println("full stack, second copy:");
        double[] fullSecond = BulkImportRun.firstAndAgain(full.fhirBaseUrl(), fullToken, secondCopy);

        System.out.printf(
                "%nbulk import ($import, %d resources per copy, as new records), two stacks on one PostgreSQL,"
                        + " run full, off, off, full:%n",
                resources);
        System.out.printf("  second stack's switches: %s%n", switchedOff);
        printStack("full stack:  ", fullFirst, fullSecond[0], resources);
        printStack("second stack:", offFirst, offSecond[0], resources);
        System.out.printf(
                "  ratio full / off: %.2f (first copies %.2f, second copies %.2f)%n",
                (offFirst + offSecond[0]) / (fullFirst + fullSecond[0]),
                offFirst / fullFirst,
                offSecond[0] / fullSecond[0]);
        System.out.printf(
                "  the second copy again (nothing changes): full %.1f s (%.1fx faster than its first import),"
                        + " off %.1f s (%.1fx)%n",
                fullSecond[1], fullSecond[0] / fullSecond[1], offSecond[1], offSecond[0] / offSecond[1]);
    }

    private static void printStack(String label, double firstCopy, double secondCopy, long resources) {
        System.out.printf(
                "  %s %.1f s and %.1f s, %.0f and %.0f resources/s (mean %.0f/s)%n",
                label,
                firstCopy,
                secondCopy,
                resources / firstCopy,
                resources / secondCopy,
                resources * 2 / (firstCopy + secondCopy));
    }
}
