package org.carerecord.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carerecord.launcher.service.CareRecordStack;

/**
 * A test class's own patients, so that no test depends on what another changed: copies of a demo patient's
 * record (demographics, diagnoses, medications, care team) under a new id, NHS number, surname and record
 * identifiers, pushed by the GP practice's system as the demo is.
 */
final class TestPatients {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A patient made from a demo patient's record. */
    record TestPatient(String id, String nhsNumber, String family, String birthDate) {
    }

    private TestPatients() {
    }

    /**
     * Like david-robson: registered with A81001, on the council's (NENC-LA1) care team, no hospital
     * relationship; a depression (35489007, labelled PSY), low back pain (279039007) and sertraline
     * (39695211000001102, labelled PSY).
     */
    static TestPatient davidLike(CareRecordStack stack) {
        String suffix = Long.toString(Math.abs(RANDOM.nextLong()), 36).substring(0, 6);
        TestPatient patient = new TestPatient("rt-" + suffix, nhsNumber(), "Robson" + letters(suffix), "1981-09-02");
        String bundle = davidsEntries()
                .replace("david-robson", patient.id())
                .replace("9000000017", patient.nhsNumber())
                .replace("\"Robson\"", "\"" + patient.family() + "\"")
                .replaceAll("\"value\": \"(c|m|ct)-(\\d+)\"", "\"value\": \"$1-$2-" + suffix + "\"")
                .replaceAll("\\|(c|m|ct)-(\\d+)\"", "|$1-$2-" + suffix + "\"");
        Matcher urns = Pattern.compile("urn:uuid:[0-9a-f-]{36}").matcher(bundle);
        StringBuilder fresh = new StringBuilder();
        while (urns.find()) {
            urns.appendReplacement(fresh, "urn:uuid:" + UUID.nameUUIDFromBytes((urns.group() + suffix).getBytes()));
        }
        urns.appendTail(fresh);
        Fhir.Response pushed = Fhir.post(stack.fhirBaseUrl(), stack.tokens().token("gp-system"), fresh.toString());
        assertThat(pushed.status()).as(pushed.body().toString()).isEqualTo(200);
        return patient;
    }

    /** The demo GP bundle's organisations, practitioner and david-robson's entries. */
    private static String davidsEntries() {
        try (InputStream in = TestPatients.class.getResourceAsStream("/demo/gp-system-bundle.json")) {
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in.readAllBytes());
            var entries = new com.fasterxml.jackson.databind.ObjectMapper().createArrayNode();
            for (var entry : json.path("entry")) {
                String type = entry.path("resource").path("resourceType").asText();
                if (type.equals("Organization") || type.equals("Practitioner") || entry.toString().contains("david-robson")) {
                    entries.add(entry);
                }
            }
            var bundle = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                    .put("resourceType", "Bundle").put("type", "transaction");
            bundle.set("entry", entries);
            return bundle.toPrettyString().replace("\" : ", "\": ");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A valid NHS number (mod 11 check digit) in the 999 range, which no real patient holds. */
    static String nhsNumber() {
        while (true) {
            StringBuilder digits = new StringBuilder("999");
            for (int i = 0; i < 6; i++) {
                digits.append(RANDOM.nextInt(10));
            }
            int sum = 0;
            for (int i = 0; i < 9; i++) {
                sum += (digits.charAt(i) - '0') * (10 - i);
            }
            int check = 11 - sum % 11;
            if (check == 10) {
                continue;
            }
            return digits.append(check == 11 ? 0 : check).toString();
        }
    }

    private static String letters(String suffix) {
        StringBuilder out = new StringBuilder();
        for (char c : suffix.toCharArray()) {
            out.append((char) ('a' + (Character.isDigit(c) ? c - '0' : c - 'a' + 10) % 26));
        }
        return out.toString();
    }
}
