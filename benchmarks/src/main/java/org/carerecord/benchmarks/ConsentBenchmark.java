package org.carerecord.benchmarks;

import java.util.Map;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;

/**
 * What the access decision costs: consent-service's answer timed on its own (the call fhir-server makes,
 * directives cached), and FHIR reads through a fhir-server that checks against one that does not, side
 * by side.
 *
 * <p>{@code java -jar benchmarks/target/benchmarks.jar consent}
 */
public final class ConsentBenchmark {

    private static final int DECISIONS = Integer.getInteger("bench.decisions", 3_000);
    private static final int READS = Integer.getInteger("bench.reads", 500);

    private ConsentBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchStack.run(stack -> {
            DemoData.load(stack);
            decisions(stack);
            Map<String, String> off = Map.of("CARE_CONSENT_ENABLED", "false");
            SideBySide.compare(stack, "consent check", off, "Patient/amelia-hartley", "gp.clinician", READS);
            SideBySide.compare(stack, "consent check", off, "Condition?patient=amelia-hartley", "gp.clinician", READS);
            checkCost(stack);
        });
    }

    /** fhir-server's own timing of the check in each request above (metric care.consent.check, last 2 minutes). */
    private static void checkCost(CareRecordStack stack) {
        String metrics = stack.fhirBaseUrl().replaceFirst("/fhir$", "")
                + "/actuator/metrics/care.consent.check.percentile?tag=phi:";
        String token = stack.tokens().token("gp.clinician");
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
