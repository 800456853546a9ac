package org.carerecord.benchmarks;

import java.util.Map;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;

/**
 * What the access decision costs: consent-service's answer timed on its own (the call fhir-server makes,
 * directives cached), and FHIR reads through a fhir-server that checks against one that does not, side
 * by side.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar consent}; {@code -Dbench.phases=whatif
 * -Dbench.trail=1000000}: a policy what-if replayed over that many logged decisions of the last day.
 */
public final class ConsentBenchmark {

    private static final int DECISIONS = Integer.getInteger("bench.decisions", 3_000);
    private static final int READS = Integer.getInteger("bench.reads", 500);
    private static final int TRAIL = Integer.getInteger("bench.trail", 1_000_000);
    private static final java.util.List<String> PHASES =
            java.util.List.of(System.getProperty("bench.phases", "decide,read").split(","));

    private ConsentBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchStack.run(stack -> {
            DemoData.load(stack);
            if (PHASES.contains("decide")) {
                decisions(stack);
            }
            if (PHASES.contains("read")) {
                Map<String, String> off = Map.of("CARE_CONSENT_ENABLED", "false");
                SideBySide.compare(stack, "consent check", off, "Patient/amelia-hartley", "gp.clinician", READS);
                SideBySide.compare(
                        stack, "consent check", off, "Condition?patient=amelia-hartley", "gp.clinician", READS);
                checkCost(stack);
            }
            if (PHASES.contains("whatif")) {
                whatIf(stack);
            }
        });
    }

    /** fhir-server's own timing of the check in each request above (metric care.consent.check, last 2 minutes). */
    private static void checkCost(CareRecordStack stack) {
        String metrics = stack.service("fhir-server").managementUrl()
                + "/actuator/metrics/care.consent.check.percentile?tag=phi:";
        String token = stack.tokens().token("prometheus");
        StringBuilder line = new StringBuilder(
                "check:   access check per request inside fhir-server (reads and searches above, cached decisions)");
        for (String phi : new String[] {"0.5", "0.95", "0.99"}) {
            String json = Http.get(metrics + phi, token, null);
            double seconds = Double.parseDouble(json.replaceAll(".*\"value\":([0-9.Ee-]+).*", "$1"));
            line.append(String.format(
                    "  p%s %.3f ms",
                    phi.substring(2).length() == 1 ? phi.substring(2) + "0" : phi.substring(2), seconds * 1_000));
        }
        System.out.println(line);
    }

    /**
     * A policy what-if over {@code bench.trail} logged decisions of the last day (500 users in four roles and three
     * organisations, 20,000 patients, five record types, two in three with a registered-GP relationship), written
     * straight into consent-service's decision log; the proposal lets clerks read Condition and shortens the
     * break-glass window. Three replays; consent-service's own timing of each and the wall time of the call.
     */
    private static void whatIf(CareRecordStack stack) throws Exception {
        try (var db = stack.connect("consent");
                var insert = db.createStatement()) {
            insert.execute("""
                    insert into decision_log (decision_id, decided_at, subject, patient_id, decision, policy, request,
                                              answer, steps)
                    select 'bench-' || g, now() - (g % 86000) * interval '1 second', 'user-' || (g % 500),
                           'p-' || (g % 20000),
                           case when (g % 3 = 0) or ((g % 4) = 2 and (g % 5) in (1, 3, 4)) then 'DENY' else 'PERMIT' end,
                           'bench',
                           jsonb_build_object('subject', 'user-' || (g % 500),
                               'nhsRole', (array['R8000', 'R8001', 'R8010', 'R0243'])[1 + g % 4],
                               'organisation', (array['RTD', 'A81001', 'NENC-LA1'])[1 + g % 3],
                               'fhirUser', 'Practitioner/p' || (g % 500), 'purposeOfUse', 'TREAT',
                               'patientId', 'p-' || (g % 20000),
                               'resourceTypes', jsonb_build_array(
                                   (array['Patient', 'Condition', 'Encounter', 'Observation', 'MedicationRequest'])[1 + g % 5]),
                               'interaction', 'search-type',
                               'relationships', case when g % 3 = 0 then '[]'::jsonb else jsonb_build_array(
                                   jsonb_build_object('basis', 'registered-gp', 'resource', 'Patient/p-' || (g % 20000),
                                                      'status', 'active')) end),
                           '{}'::jsonb, '[]'::jsonb
                    from generate_series(1, {trail}) g""".replace("{trail}", Integer.toString(TRAIL)));
            insert.execute("analyze decision_log");
        }
        String officer = stack.tokens().token("privacy.officer");
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var policy = (com.fasterxml.jackson.databind.node.ObjectNode)
                json.readTree(Http.get(stack.consentUrl() + "/policy", officer, null))
                        .path("policy");
        ((com.fasterxml.jackson.databind.node.ArrayNode) policy.at("/roles/R8010/resourceTypes")).add("Condition");
        ((com.fasterxml.jackson.databind.node.ObjectNode) policy.path("breakGlass")).put("windowMinutes", 60);
        String id = json.readTree(Http.postJson(
                        stack.consentUrl() + "/policy/proposals",
                        officer,
                        "{\"title\":\"bench\",\"policy\":" + policy + "}",
                        null))
                .path("id")
                .asText();
        java.util.List<Long> server = new java.util.ArrayList<>();
        java.util.List<Long> wall = new java.util.ArrayList<>();
        com.fasterxml.jackson.databind.JsonNode report = null;
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            report = json.readTree(Http.postJson(
                    stack.consentUrl() + "/policy/proposals/" + id + "/simulate?days=1", officer, "", null));
            wall.add((System.nanoTime() - start) / 1_000_000);
            server.add(report.path("elapsedMillis").asLong());
        }
        java.util.Collections.sort(server);
        java.util.Collections.sort(wall);
        System.out.printf(
                "whatif:  replayed %,d logged decisions through the proposal and the policy in force: median %,d ms"
                        + " in consent-service (runs %s), %,d ms wall; %,d permit→deny, %,d deny→permit, %,d scope changed%n",
                report.path("replayed").asLong(),
                server.get(1),
                server,
                wall.get(1),
                report.path("permitToDeny").asLong(),
                report.path("denyToPermit").asLong(),
                report.path("scopeChanged").asLong());
    }

    /** The decision fhir-server asks for a GP reading a registered patient's conditions, as it sends it. */
    private static void decisions(CareRecordStack stack) {
        String token = stack.tokens().token("fhir-server");
        String url = stack.consentUrl() + "/decisions";
        String request = """
                {"subject":"gp.clinician","nhsRole":"R8000","organisation":"A81001","fhirUser":"Practitioner/pr-1001",
                 "purposeOfUse":"TREAT","patientId":"amelia-hartley","resourceTypes":["Condition"],"interaction":"search-type",
                 "relationships":[{"basis":"registered-gp","resource":"Patient/amelia-hartley"}]}""";
        for (int i = 0; i < 500; i++) {
            Http.postJson(url, token, request, null);
        }
        Latencies latencies = new Latencies();
        for (int i = 0; i < DECISIONS; i++) {
            Http.postJson(url, token, request, latencies);
        }
        System.out.printf("decision: POST /decisions (HTTP on loopback, directives cached) %s%n", latencies.summary());
    }
}
