package org.carerecord.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.StackPorts;

/**
 * What the clinician load runs against, shared by the plain-Java benchmark and the Gatling simulation: the
 * Synthea patients loaded by the hospital's system, those a hospital nurse may see, the median-sized one
 * (for {@code $summary}), the full server and a second fhir-server on the same database with the
 * {@code -Dbench.off} switches (default consent and audit off).
 */
record ClinicianSetup(
        String full, String off, String nurseToken, String writerToken, List<String> visible, String median) {

    /**
     * A clinician's request for a patient id, the Cache-Control it is sent with (null: none), and whether the
     * hospital's system keeps writing to the median patient's record meanwhile.
     */
    record Scenario(String name, Function<String, String> path, String cacheControl, boolean recordChanging) {
        Scenario(String name, Function<String, String> path, String cacheControl) {
            this(name, path, cacheControl, false);
        }
    }

    /**
     * The scenarios both load programs run, in order. {@code fresh}: the Cache-Control sent with each (null
     * lets HAPI answer a repeated search from its cache). An assembled summary is reused while the record
     * stands still (validated on every request); {@code no-store} makes the server assemble it afresh.
     */
    List<Scenario> scenarios(String fresh) {
        String since = LocalDate.now().minusYears(1).toString();
        return List.of(
                new Scenario("patient read", id -> "/Patient/" + id, fresh),
                new Scenario("conditions", id -> "/Condition?patient=" + id, fresh),
                new Scenario("active medications", id -> "/MedicationRequest?patient=" + id + "&status=active", fresh),
                new Scenario(
                        "recent admissions",
                        id -> "/Encounter?patient=" + id + "&date=ge" + since + "&_sort=-date&_count=20",
                        fresh),
                new Scenario("$summary (median patient)", id -> "/Patient/" + median + "/$summary", fresh),
                new Scenario("$summary, assembled afresh", id -> "/Patient/" + median + "/$summary", "no-store"),
                new Scenario("$summary, record changing", id -> "/Patient/" + median + "/$summary", fresh, true),
                new Scenario("$everything, first page", id -> "/Patient/" + id + "/$everything?_count=50", fresh));
    }

    static ClinicianSetup prepare(CareRecordStack stack, SyntheaData data) throws IOException {
        String pas = stack.tokens().token("rtd-pas");
        data.loadDirectory(stack.fhirBaseUrl(), pas);
        Map<String, Integer> sizes = new LinkedHashMap<>();
        for (Path p : data.patients()) {
            String bundle = Files.readString(p);
            sizes.put(
                    SyntheaData.patientId(Http.post(stack.fhirBaseUrl(), pas, bundle, null)),
                    SyntheaData.entries(bundle));
        }
        String nurse = stack.tokens().token("hospital.nurse");
        List<String> visible = sizes.keySet().stream()
                .filter(id -> Http.status(stack.fhirBaseUrl() + "/Patient/" + id, nurse) == 200)
                .toList();
        if (visible.isEmpty()) {
            throw new IllegalStateException("the nurse may see none of the loaded patients");
        }
        String median = visible.stream()
                .sorted(Comparator.comparing(sizes::get))
                .toList()
                .get(visible.size() / 2);
        System.out.printf(
                "%d Synthea patients loaded (%d resources); the nurse may see %d; $summary patient %s (%d resources)%n",
                sizes.size(),
                sizes.values().stream().mapToInt(Integer::intValue).sum(),
                visible.size(),
                median,
                sizes.get(median));
        describeSummary(stack.fhirBaseUrl(), nurse, median);
        if (stack.replicas("fhir-server").size() > 1) {
            // replicas: one fhir-server (the first, read directly) beside all of them behind the load balancer
            return new ClinicianSetup(
                    stack.replicas("fhir-server").get(0).baseUrl() + "/fhir",
                    stack.fhirBaseUrl(),
                    nurse,
                    pas,
                    visible,
                    median);
        }
        int offPort = StackPorts.free().fhirServer();
        stack.startAnother("fhir-server", offPort, "1536m", SideBySide.switchedOff());
        return new ClinicianSetup(
                stack.fhirBaseUrl(), "http://localhost:" + offPort + "/fhir", nurse, pas, visible, median);
    }

    /** What the measured document holds: its size and entries by type (what encoding and auditing it cost). */
    private static void describeSummary(String base, String token, String patient) throws IOException {
        String document = Http.get(base + "/Patient/" + patient + "/$summary", token, null);
        Map<String, Integer> types = new java.util.TreeMap<>();
        for (com.fasterxml.jackson.databind.JsonNode entry : new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(document)
                .path("entry")) {
            types.merge(entry.path("resource").path("resourceType").asText(), 1, Integer::sum);
        }
        System.out.printf(
                "$summary document: %,d bytes, %d entries %s%n",
                document.length(),
                types.values().stream().mapToInt(Integer::intValue).sum(),
                types);
    }
}
