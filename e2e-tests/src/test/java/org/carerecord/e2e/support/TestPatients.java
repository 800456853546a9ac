package org.carerecord.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;

/**
 * A test class's own patients, so that no test depends on what another changed: copies of a demo patient's
 * record (demographics, diagnoses, medications, allergies, care team, admissions) under a new id, NHS number,
 * surname and record identifiers, pushed by the systems that push the demo (the GP practice's, the hospital's),
 * so the copy has the same care relationships as the demo patient.
 */
public final class TestPatients {

    private static final Set<String> ISSUED = ConcurrentHashMap.newKeySet();

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The demo bundles, in the order the demo pushes them, and the system that pushes each. */
    private static final List<Map.Entry<String, String>> DEMO = List.of(
            Map.entry("/demo/gp-system-bundle.json", "gp-system"), Map.entry("/demo/rtd-pas-bundle.json", "rtd-pas"));

    /** A patient made from a demo patient's record. */
    public record TestPatient(String id, String nhsNumber, String family, String birthDate) {}

    private TestPatients() {}

    /**
     * Like david-robson: registered with A81001, on the council's (NENC-LA1) care team, no hospital
     * relationship; a depression (35489007, labelled PSY), low back pain (279039007) and sertraline
     * (39695211000001102, labelled PSY).
     */
    public static TestPatient davidLike(CareRecordStack stack) {
        return copyOf(stack, "david-robson");
    }

    /** A copy of the demo patient {@code demoId} (amelia-hartley, david-robson, susan-armstrong) and their records. */
    public static TestPatient copyOf(CareRecordStack stack, String demoId) {
        String suffix = Long.toString(Math.abs(RANDOM.nextLong()), 36).substring(0, 6);
        JsonNode demoPatient = demoPatient(demoId);
        String demoNhs = demoPatient.at("/identifier/0/value").asText();
        String demoFamily = demoPatient.at("/name/0/family").asText();
        TestPatient patient = new TestPatient(
                "rt-" + suffix,
                nhsNumber(),
                demoFamily + letters(suffix),
                demoPatient.path("birthDate").asText());
        for (Map.Entry<String, String> demo : DEMO) {
            ArrayNode entries = entriesAbout(demo.getKey(), demoId, suffix);
            if (entries.isEmpty()) {
                continue;
            }
            ObjectNode bundle =
                    JSON.createObjectNode().put("resourceType", "Bundle").put("type", "transaction");
            bundle.set("entry", entries);
            String copy = DemoData.withDates(
                            bundle.toPrettyString().replace("\" : ", "\": "), LocalDate.now(ZoneOffset.UTC))
                    .replace(demoId, patient.id())
                    .replace("\"" + demoNhs + "\"", "\"" + patient.nhsNumber() + "\"")
                    .replace("\"" + demoFamily + "\"", "\"" + patient.family() + "\"")
                    .replaceAll("\"value\": \"([a-z]+)-(\\d+)\"", "\"value\": \"$1-$2-" + suffix + "\"")
                    .replaceAll("\\|([a-z]+)-(\\d+)\"", "|$1-$2-" + suffix + "\"");
            Matcher urns = Pattern.compile("urn:uuid:[0-9a-f-]{36}").matcher(copy);
            StringBuilder fresh = new StringBuilder();
            while (urns.find()) {
                urns.appendReplacement(fresh, "urn:uuid:" + UUID.nameUUIDFromBytes((urns.group() + suffix).getBytes()));
            }
            urns.appendTail(fresh);
            Fhir.Response pushed =
                    Fhir.post(stack.fhirBaseUrl(), stack.tokens().token(demo.getValue()), fresh.toString());
            assertThat(pushed.status()).as(pushed.body().toString()).isEqualTo(200);
        }
        return patient;
    }

    private static JsonNode demoPatient(String demoId) {
        for (JsonNode entry : demoBundle(DEMO.get(0).getKey()).path("entry")) {
            JsonNode resource = entry.path("resource");
            if ("Patient".equals(resource.path("resourceType").asText())
                    && demoId.equals(resource.path("id").asText())) {
                return resource;
            }
        }
        throw new IllegalArgumentException("no demo patient " + demoId);
    }

    /**
     * The bundle's shared entries (organisations, practitioners) and those about the patient, or none if no
     * entry is about them; a record the demo writes by id ({@code PUT Encounter/rtd-e-2}) gets an id of its own.
     */
    private static ArrayNode entriesAbout(String bundle, String demoId, String suffix) {
        ArrayNode entries = JSON.createArrayNode();
        boolean aboutThePatient = false;
        for (JsonNode entry : demoBundle(bundle).path("entry")) {
            String type = entry.path("resource").path("resourceType").asText();
            if (type.equals("Organization") || type.equals("Practitioner")) {
                entries.add(entry);
            } else if (entry.toString().contains(demoId)) {
                aboutThePatient = true;
                ObjectNode copy = entry.deepCopy();
                String id = copy.path("resource").path("id").asText();
                if (!type.equals("Patient") && !id.isEmpty()) {
                    ((ObjectNode) copy.path("resource")).put("id", id + "-" + suffix);
                    ((ObjectNode) copy.path("request")).put("url", type + "/" + id + "-" + suffix);
                    copy.put("fullUrl", copy.path("fullUrl").asText().replace(id, id + "-" + suffix));
                }
                entries.add(copy);
            }
        }
        return aboutThePatient ? entries : JSON.createArrayNode();
    }

    private static JsonNode demoBundle(String resource) {
        try (InputStream in = TestPatients.class.getResourceAsStream(resource)) {
            return JSON.readTree(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A valid NHS number (mod 11 check digit) in the 999 range, which no real patient holds, never handed out twice
     * in a run: the range holds under a million, and two patients of the shared stack with one number both matched
     * PatientMatchIT's search by number (a CI run, a copy of amelia-hartley and a generated patient).
     */
    public static String nhsNumber() {
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
            String number = digits.append(check == 11 ? 0 : check).toString();
            if (ISSUED.add(number)) {
                return number;
            }
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
