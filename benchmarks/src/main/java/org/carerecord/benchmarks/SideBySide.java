package org.carerecord.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.StackPorts;

/**
 * The cost of one part of the request path: a second fhir-server on the same database with that part
 * switched off, the same read sent to each in turn (so both see the same machine noise), and the medians
 * compared.
 */
final class SideBySide {

    private SideBySide() {}

    /**
     * @param switchOff environment that switches the part off in the second fhir-server
     * @param path      FHIR path read, e.g. Patient/amelia-hartley
     */
    static void compare(
            CareRecordStack stack, String part, Map<String, String> switchOff, String path, String persona, int reads) {
        int offPort = StackPorts.free().fhirServer();
        stack.startAnother("fhir-server", offPort, "1536m", switchOff);
        String on = stack.fhirBaseUrl() + "/" + path;
        String off = "http://localhost:" + offPort + "/fhir/" + path;
        String token = stack.tokens().token(persona);
        for (int i = 0; i < 200; i++) {
            Http.get(on, token, null);
            Http.get(off, token, null);
        }
        Latencies with = new Latencies();
        Latencies without = new Latencies();
        for (int i = 0; i < reads; i++) {
            Http.get(on, token, with);
            Http.get(off, token, without);
        }
        System.out.printf(
                "read %s, %s on:  %s%nread %s, %s off: %s%n",
                path, part, with.summary(), path, part, without.summary());
        System.out.printf(
                "%s adds %.2f ms to the median read, %.2f ms at p99 (median ratio %.2f)%n",
                part,
                with.percentileMillis(50) - without.percentileMillis(50),
                with.percentileMillis(99) - without.percentileMillis(99),
                with.percentileMillis(50) / without.percentileMillis(50));
    }

    /** The second server's switches: {@code -Dbench.off=CARE_AUDIT_ENABLED=false,...}; default consent and audit off. */
    static Map<String, String> switchedOff() {
        String off = System.getProperty("bench.off", "CARE_CONSENT_ENABLED=false,CARE_AUDIT_ENABLED=false");
        Map<String, String> env = new LinkedHashMap<>();
        for (String assignment : off.split(",")) {
            String[] kv = assignment.split("=", 2);
            env.put(kv[0].trim(), kv[1].trim());
        }
        return env;
    }
}
