package org.carerecord.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import org.carerecord.launcher.service.CareRecordStack;

/**
 * A region in miniature: Synthea patients (generated once, cached) imported through {@code $import} slice by
 * slice, and at each checkpoint of resources loaded the same clinician reads and searches, {@code $summary},
 * {@code $everything} and a feed of new admissions (transaction bundles) measured for a fixed time. Prints the
 * import rate per slice (the cost of writing as the database grows) and each request's p50/p95 per
 * checkpoint, then p95 at the last checkpoint against the first; at each checkpoint a GP with no care relationship
 * is refused sampled patients, and the audit trail (every view measured, recorded before it was answered)
 * verifies. Reads go to the same patients at every checkpoint (those visible at the first), so the curve shows what
 * the size of the database costs, not a changing mix of histories; {@code $everything} is measured over every loaded
 * patient too.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar region [patients] [seed]</pre>
 * Defaults: 2,000 patients (about 2 M resources in Synthea's full histories), checkpoints at 100,000 and
 * 2,000,000 resources. Knobs: {@code -Dbench.checkpoints=20000,100000} (resources loaded), {@code -Dbench.slice}
 * (at most this many resources per import, default 100,000), {@code -Dbench.clients} (4),
 * {@code -Dbench.seconds} (15 per request kind and checkpoint), {@code -Dbench.warmup} (seconds per request kind
 * before timing, default 5, so the first checkpoint is not measured on a cold JIT), {@code -Dbench.synthea}.
 *
 * <p>With {@code -Dbench.data=<directory>} (kept, {@link BenchStack}) a run can stop and a later one carry on: a slice
 * whose patients are already there is not imported again, and a checkpoint the database has already grown past is
 * not measured (its patients are still the ones read later). Run it with the same checkpoints and slice size, so the
 * slices are the same.
 */
final class RegionBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private RegionBenchmark() {}

    static void main(String[] args) throws Exception {
        SyntheaData data = SyntheaData.fromArgs(args.length > 0 ? args : new String[] {"2000", "42"});
        BenchStack.run(stack -> run(stack, data));
    }

    private static void run(CareRecordStack stack, SyntheaData data) throws Exception {
        long[] checkpoints = Arrays.stream(System.getProperty("bench.checkpoints", "100000,2000000")
                        .split(","))
                .mapToLong(c -> Long.parseLong(c.trim()))
                .toArray();
        long sliceLimit = Long.getLong("bench.slice", 100_000);
        String full = stack.fhirBaseUrl();
        Supplier<String> pas = new FreshToken(stack, "rtd-pas");
        Supplier<String> nurse = new FreshToken(stack, "hospital.nurse");
        Supplier<String> gp = new FreshToken(stack, "gp.clinician");
        Supplier<String> privacy = new FreshToken(stack, "privacy.officer");
        data.loadDirectory(full, pas.get());

        List<String> visible = new ArrayList<>();
        List<String> fixed = null;
        Map<Long, Map<String, Latencies>> measured = new LinkedHashMap<>();
        String summaryPatient = null;
        String feedPatient = null;
        List<Path> people = data.patients();
        int next = 0;
        long loaded = 0;
        System.out.printf(
                "%d Synthea patients available; checkpoints %s resources; import slices of at most %,d%n",
                people.size(), Arrays.toString(checkpoints), sliceLimit);
        for (long checkpoint : checkpoints) {
            while (loaded < checkpoint && next < people.size()) {
                List<String> slice = new ArrayList<>();
                long resources = 0;
                while (next < people.size() && resources < sliceLimit && loaded + resources < checkpoint) {
                    String bundle = Files.readString(people.get(next++));
                    slice.add(bundle);
                    resources += SyntheaData.entries(bundle);
                }
                if (loadedBefore(full, pas, slice.get(slice.size() - 1))) {
                    System.out.printf(
                            "  %,d resources (%d patients) onto %,d: there already%n", resources, slice.size(), loaded);
                } else {
                    double seconds = BulkImportRun.once(
                            full,
                            pas,
                            SyntheaNdjson.of(slice, "r"),
                            "import of %,d resources (%d patients) onto %,d"
                                    .formatted(resources, slice.size(), loaded));
                    System.out.printf(
                            "    %,.0f resources/s with %,d resources loaded before%n", resources / seconds, loaded);
                }
                loaded += resources;
                for (String bundle : slice) {
                    String id = "r" + patientUuid(bundle);
                    if (Http.status(full + "/Patient/" + id, nurse.get()) == 200) {
                        visible.add(id);
                    }
                }
            }
            if (visible.isEmpty()) {
                throw new IllegalStateException("the nurse may see none of the imported patients");
            }
            if (fixed == null) {
                // the feed's admissions go to one patient, whom no read picks, so what the reads find at each
                // checkpoint is what was imported; the summary is the same other record's at every checkpoint
                feedPatient = visible.get(0);
                summaryPatient = visible.get(visible.size() / 2);
                String fed = feedPatient;
                fixed = visible.stream().filter(id -> !id.equals(fed)).toList();
                fixed = fixed.isEmpty() ? List.copyOf(visible) : fixed;
            }
            System.out.printf(
                    "%ncheckpoint: %,d resources imported, %d patients, the nurse may see %d%n",
                    loaded, next, visible.size());
            if (next < people.size() && loadedBefore(full, pas, Files.readString(people.get(next)))) {
                System.out.println("  the database holds more than this already (an earlier run's): not measured");
                continue;
            }
            System.out.printf(
                    "  gp.clinician (no care relationship) reads %d of 20 sampled patients (expected 0)%n",
                    sampledReadable(full, gp.get(), visible));
            measured.put(loaded, measure(full, nurse, pas, fixed, visible, summaryPatient, feedPatient));
            // every view above was recorded before it was answered: the whole trail, chained, still verifies
            long verifyStart = System.nanoTime();
            String verified = Http.get(stack.auditUrl() + "/audit/verify", privacy.get(), null);
            System.out.printf(
                    "  audit trail verified in %.1f s: %s%n", (System.nanoTime() - verifyStart) / 1e9, verified);
            if (!JSON.readTree(verified).path("intact").asBoolean()) {
                throw new IllegalStateException("the audit trail does not verify: " + verified);
            }
            if (next == people.size()) {
                break;
            }
        }
        printCurve(measured);
    }

    /**
     * Each request kind for a fixed time by several clients, over random patients among the fixed set; {@code
     * $everything} also over every visible patient loaded so far.
     */
    private static Map<String, Latencies> measure(
            String full,
            Supplier<String> nurse,
            Supplier<String> pas,
            List<String> fixed,
            List<String> visible,
            String summaryPatient,
            String feedPatient)
            throws InterruptedException {
        String since = OffsetDateTime.now().minusYears(1).toLocalDate().toString();
        Map<String, Function<String, String>> reads = new LinkedHashMap<>();
        reads.put("patient read", id -> "/Patient/" + id);
        reads.put("conditions", id -> "/Condition?patient=" + id);
        reads.put("active medications", id -> "/MedicationRequest?patient=" + id + "&status=active");
        reads.put("recent admissions", id -> "/Encounter?patient=" + id + "&date=ge" + since + "&_sort=-date");
        reads.put("$summary (one patient)", id -> "/Patient/" + summaryPatient + "/$summary");
        reads.put("$everything, first page", id -> "/Patient/" + id + "/$everything?_count=50");
        reads.put("$everything, any loaded", id -> "/Patient/" + id + "/$everything?_count=50");
        Map<String, Latencies> results = new LinkedHashMap<>();
        for (Map.Entry<String, Function<String, String>> read : reads.entrySet()) {
            List<String> patients = read.getKey().endsWith("any loaded") ? visible : fixed;
            results.put(read.getKey(), timed(patients, id -> {
                int status = Http.status(full + read.getValue().apply(id), "no-cache", nurse.get());
                if (status != 200) {
                    throw new IllegalStateException(read.getKey() + " for " + id + " answered " + status);
                }
            }));
        }
        results.put(
                "admission feed (transaction)",
                timed(List.of(feedPatient), id -> Http.post(full, pas.get(), admission(id), null)));
        results.forEach((name, latencies) -> System.out.printf("  %-30s %s%n", name, latencies.summary()));
        return results;
    }

    private interface Request {
        void send(String patientId);
    }

    private static Latencies timed(List<String> patients, Request request) throws InterruptedException {
        int clients = Integer.getInteger("bench.clients", 4);
        int seconds = Integer.getInteger("bench.seconds", 15);
        Latencies latencies = new Latencies();
        ClosedLoop.run(
                clients,
                Integer.getInteger("bench.warmup", 5),
                () -> // warm-up, not counted
                request.send(patients.get(ThreadLocalRandom.current().nextInt(patients.size()))));
        ClosedLoop.Outcome outcome = ClosedLoop.run(clients, seconds, () -> {
            long start = System.nanoTime();
            request.send(patients.get(ThreadLocalRandom.current().nextInt(patients.size())));
            latencies.add(System.nanoTime() - start);
        });
        if (outcome.failed() > 0) {
            throw new IllegalStateException(outcome.failed() + " requests failed");
        }
        return latencies;
    }

    /** An inpatient admission and its reason, as a hospital's PAS sends one. */
    private static String admission(String patient) {
        String now = OffsetDateTime.now().toString();
        return """
                {"resourceType":"Bundle","type":"transaction","entry":[
                 {"fullUrl":"urn:uuid:%1$s","request":{"method":"POST","url":"Encounter"},
                  "resource":{"resourceType":"Encounter","status":"in-progress",
                   "class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},
                   "type":[{"coding":[{"system":"http://snomed.info/sct","code":"32485007","display":"Hospital admission"}]}],
                   "subject":{"reference":"Patient/%2$s"},"period":{"start":"%3$s"}}},
                 {"request":{"method":"POST","url":"Condition"},
                  "resource":{"resourceType":"Condition",
                   "code":{"coding":[{"system":"http://snomed.info/sct","code":"233604007","display":"Pneumonia"}]},
                   "subject":{"reference":"Patient/%2$s"},"encounter":{"reference":"urn:uuid:%1$s"},"recordedDate":"%3$s"}}]}""".formatted(java.util.UUID.randomUUID(), patient, now);
    }

    private static int sampledReadable(String full, String token, List<String> patients) {
        int readable = 0;
        for (int i = 0; i < 20; i++) {
            String id = patients.get(ThreadLocalRandom.current().nextInt(patients.size()));
            if (Http.status(full + "/Patient/" + id, token) == 200) {
                readable++;
            }
        }
        return readable;
    }

    /** Whether an earlier run on the same database imported this patient (its slice was imported whole). */
    private static boolean loadedBefore(String full, Supplier<String> pas, String bundle) throws java.io.IOException {
        return Http.status(full + "/Patient/r" + patientUuid(bundle), pas.get()) == 200;
    }

    private static String patientUuid(String bundle) throws java.io.IOException {
        for (JsonNode entry : JSON.readTree(bundle).path("entry")) {
            if ("Patient".equals(entry.path("resource").path("resourceType").asText())) {
                return entry.path("fullUrl").asText().substring("urn:uuid:".length());
            }
        }
        throw new IllegalStateException("a Synthea bundle without a Patient");
    }

    private static void printCurve(Map<Long, Map<String, Latencies>> measured) {
        List<Long> points = new ArrayList<>(measured.keySet());
        System.out.printf("%np95 in ms by resources loaded%n%-30s", "request");
        points.forEach(p -> System.out.printf(" %12s", "%,d".formatted(p)));
        System.out.printf(" %s%n", points.size() > 1 ? "last / first" : "");
        for (String name : measured.get(points.get(0)).keySet()) {
            System.out.printf("%-30s", name);
            for (Long p : points) {
                System.out.printf(" %12.1f", measured.get(p).get(name).percentileMillis(95));
            }
            if (points.size() > 1) {
                System.out.printf(
                        " %.2f",
                        measured.get(points.get(points.size() - 1)).get(name).percentileMillis(95)
                                / measured.get(points.get(0)).get(name).percentileMillis(95));
            }
            System.out.println();
        }
    }
}
