package org.carerecord.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.entity.StorageSettings;
import ca.uhn.fhir.jpa.searchparam.extractor.SearchParamExtractorR4;
import ca.uhn.fhir.rest.server.util.FhirContextSearchParamRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The CPU a record costs in this JVM before any database work, on Synthea records: the R4 base-profile check as
 * the server runs it ({@link BaseProfileValidator}, first sight of each record), and what HAPI does to store one
 * (parse, search-parameter index extraction, encode and hash). One thread, warmed up; a floor under any write
 * path built on HAPI's model. Not in the default suite (it needs generated patients and a quiet machine):
 *
 * <pre>./mvnw -o -q test -pl fhir-server -Dtest=IngestCpuFloorBenchmark -Dbench.synthea=&lt;dir of bundles&gt;
 * [-Dbench.patients=15]</pre>
 */
@EnabledIfSystemProperty(named = "bench.synthea", matches = ".+")
class IngestCpuFloorBenchmark {

    private static final FhirContext FHIR = FhirContext.forR4Cached();

    @Test
    void pricesEachStageOfARecordsWrite() throws Exception {
        List<String> records = records(Path.of(System.getProperty("bench.synthea")));

        double hl7Only = firstSight(new BaseProfileValidator(FHIR, true, false, 1, new SimpleMeterRegistry()), records);
        double validation = firstSight(new BaseProfileValidator(FHIR, true), records);
        StructuralCheck structure = new StructuralCheck(FHIR);
        long shown = records.stream().filter(structure::provesValid).count();

        SearchParamExtractorR4 extractor = new SearchParamExtractorR4(
                new StorageSettings(), new PartitionSettings(), FHIR, new FhirContextSearchParamRegistry(FHIR));
        extractor.start();
        double[] stages = null;
        for (int pass = 0; pass < 4; pass++) { // the last pass counts; the others warm up
            stages = storeStages(records, extractor);
        }
        double store = stages[0] + stages[1] + stages[2];
        System.out.printf(
                Locale.ROOT,
                "%d Synthea records, one thread, microseconds per record:%n"
                        + "  base-profile validation (first sight) %8.0f  (HL7's validator alone %.0f; %.1f %% of"
                        + " records shown valid by the structural check)%n"
                        + "  parse                                 %8.0f%n"
                        + "  search-parameter extraction           %8.0f  (%.1f index rows)%n"
                        + "  encode and hash                       %8.0f%n"
                        + "  ceiling on %d cores, nothing else:  %,.0f records/s with validation, %,.0f without%n",
                records.size(),
                validation,
                hl7Only,
                100.0 * shown / records.size(),
                stages[0],
                stages[1],
                stages[3],
                stages[2],
                Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().availableProcessors() * 1e6 / (validation + store),
                Runtime.getRuntime().availableProcessors() * 1e6 / store);
    }

    /**
     * Microseconds per record of the second half, each record seen for the first time (the first half warms up and
     * loads the definitions); every record must pass.
     */
    private static double firstSight(BaseProfileValidator validator, List<String> records) {
        int half = records.size() / 2;
        records.subList(0, half).forEach(validator::errorsInJson);
        long start = System.nanoTime();
        int errors = 0;
        for (String json : records.subList(half, records.size())) {
            errors += validator.errorsInJson(json).size();
        }
        assertThat(errors).as("Synthea's records hold to the R4 base profile").isZero();
        return (System.nanoTime() - start) / 1e3 / (records.size() - half);
    }

    /** Parse, extraction and encoding in microseconds per record, and index rows per record. */
    private static double[] storeStages(List<String> records, SearchParamExtractorR4 extractor) throws Exception {
        long parse = 0;
        long extract = 0;
        long encode = 0;
        long rows = 0;
        for (String json : records) {
            long t0 = System.nanoTime();
            IBaseResource resource = FHIR.newJsonParser().parseResource(json);
            long t1 = System.nanoTime();
            rows += extractor.extractSearchParamStrings(resource).size()
                    + extractor.extractSearchParamTokens(resource).size()
                    + extractor.extractSearchParamDates(resource).size()
                    + extractor.extractSearchParamNumber(resource).size()
                    + extractor.extractSearchParamQuantity(resource).size()
                    + extractor.extractSearchParamUri(resource).size()
                    + extractor.extractResourceLinks(resource, false).size();
            long t2 = System.nanoTime();
            byte[] stored =
                    FHIR.newJsonParser().encodeResourceToString(resource).getBytes(StandardCharsets.UTF_8);
            MessageDigest.getInstance("SHA-256").digest(stored);
            long t3 = System.nanoTime();
            parse += t1 - t0;
            extract += t2 - t1;
            encode += t3 - t2;
        }
        int n = records.size();
        return new double[] {parse / 1e3 / n, extract / 1e3 / n, encode / 1e3 / n, (double) rows / n};
    }

    /** Every entry of the first patients' bundles, as the JSON a provider sends. */
    private static List<String> records(Path bundles) throws IOException {
        int patients = Integer.getInteger("bench.patients", 15);
        List<String> records = new ArrayList<>();
        try (var files = Files.list(bundles)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")
                            && !p.getFileName().toString().startsWith("hospitalInformation")
                            && !p.getFileName().toString().startsWith("practitionerInformation"))
                    .sorted()
                    .limit(patients)
                    .toList()) {
                Bundle bundle = FHIR.newJsonParser().parseResource(Bundle.class, Files.readString(file));
                bundle.getEntry()
                        .forEach(e -> records.add(FHIR.newJsonParser().encodeResourceToString(e.getResource())));
            }
        }
        return records;
    }
}
