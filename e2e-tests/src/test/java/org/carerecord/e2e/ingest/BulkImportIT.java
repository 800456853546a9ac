package org.carerecord.e2e.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.Metrics;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.SyntheaPatients;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.e2e.support.TestPatients.TestPatient;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.ServiceProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * FHIR Bulk Data import ({@code $import}) as an integrator uses it: Parameters naming NDJSON sources,
 * {@code Prefer: respond-async}, 202 and a status url polled until a manifest, the rejected lines as
 * OperationOutcomes; every record written as the importing system's (organisation tag, ownership, validation).
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkImportIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SOURCE_TAG = "https://care-record.example.org/CodeSystem/source-organisation";

    private CareRecordStack stack;
    private Path sources;

    @BeforeAll
    void demoData(CareRecordStack stack) {
        this.stack = stack;
        DemoData.load(stack);
        sources = RunningStack.Started.importSources(Path.of(System.getProperty("care.record.home", ".."))
                .toAbsolutePath()
                .normalize());
    }

    @Test
    void aProvidersFilesImportInTheBackgroundWithAManifestTheRejectedLinesNamedAndImportingAgainChangesNothing()
            throws Exception {
        String id = "import-" + UUID.randomUUID();
        String patients = write(id, "Patient", """
                {"resourceType":"Patient","id":"%1$s","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000432"}],"name":[{"family":"Imported","given":["Test"]}]}
                """.formatted(id));
        String encounters = write(id, "Encounter", """
                {"resourceType":"Encounter","id":"%1$s-e","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},"subject":{"reference":"Patient/%1$s"},"serviceProvider":{"reference":"Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|RTD"}}
                """.formatted(id));
        String conditions = write(id, "Condition", """
                {"resourceType":"Condition","id":"%1$s-c","code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006","display":"Type 2 diabetes"}]},"subject":{"reference":"Patient/%1$s"},"encounter":{"reference":"Encounter/%1$s-e"}}
                {"resourceType":"Condition","id":"%1$s-uncoded","code":{"text":"something"},"subject":{"reference":"Patient/%1$s"}}

                not json
                {"resourceType":"Condition","id":"%1$s-abated","clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},"code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006"}]},"subject":{"reference":"Patient/%1$s"},"abatementDateTime":"2020-01-01"}
                {"resourceType":"Condition","id":"%1$s-misspelt","code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006"}]},"subject":{"reference":"Patient/%1$s"},"onsetDatetime":"2020-01-01"}
                """.formatted(id));
        // sources named out of order: the server imports what is referred to first
        String parameters = parameters(conditions, "Condition", encounters, "Encounter", patients, "Patient");

        HttpResponse<String> started = post("rtd-pas", parameters, true);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String status = started.headers().firstValue("Content-Location").orElseThrow();
        assertThat(status).contains("/$import-poll-status?_jobId=");

        JsonNode manifest = JSON.readTree(awaitManifest("rtd-pas", status).body());
        assertThat(manifest.path("requiresAccessToken").asBoolean()).isTrue();
        String errors = get("rtd-pas", manifest.path("error").get(0).path("url").asText())
                .body();
        assertThat(count(manifest, "Patient", "count"))
                .as("%s%n%s", manifest, errors)
                .isEqualTo(1);
        assertThat(count(manifest, "Encounter", "count"))
                .as("%s%n%s", manifest, errors)
                .isEqualTo(1);
        assertThat(count(manifest, "Condition", "count"))
                .as("%s%n%s", manifest, errors)
                .isEqualTo(1);
        assertThat(count(manifest, "Condition", "rejected"))
                .as("%s%n%s", manifest, errors)
                .isEqualTo(4);
        assertThat(errors.strip().split("\n"))
                .hasSize(4)
                .allMatch(line -> line.contains("\"resourceType\":\"OperationOutcome\""));
        assertThat(errors)
                .contains(
                        "line 2 of " + conditions,
                        id + "-uncoded",
                        "Condition.code",
                        "line 4 of " + conditions,
                        "not a FHIR resource",
                        // the R4 base profile holds in a bulk import as in a transaction (an abated condition still
                        // active)
                        "line 5 of " + conditions,
                        id + "-abated",
                        "con-4",
                        // an element R4 does not define is refused, not dropped by the parser and the rest stored
                        "line 6 of " + conditions,
                        "onsetDatetime");

        String token = stack.tokens().token("rtd-pas");
        Fhir.Response condition = Fhir.get(stack.fhirBaseUrl() + "/Condition/" + id + "-c", token);
        assertThat(condition.status()).isEqualTo(200);
        assertThat(condition.body().path("meta").path("tag").toString()).contains(SOURCE_TAG, "RTD");
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Condition/" + id + "-uncoded", token)
                        .status())
                .isEqualTo(404);

        JsonNode again = manifestOfImport("rtd-pas", parameters);
        assertThat(count(again, "Condition", "unchanged")).as(again.toString()).isEqualTo(1);
        assertThat(count(again, "Condition", "created") + count(again, "Condition", "updated"))
                .isZero();
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Condition/" + id + "-c", token)
                        .body()
                        .path("meta")
                        .path("versionId")
                        .asText())
                .as("importing the same files again writes no new version")
                .isEqualTo("1");
    }

    @Test
    void aReferenceByCriteriaInAnImportedLineFindsOnlyTheImportersOwnRecordsSoItConfirmsNoOneElses() throws Exception {
        TestPatient patient = TestPatients.davidLike(stack); // the practice recorded depression (35489007)
        String id = "import-" + UUID.randomUUID();
        String conditions = write(id, "Condition", """
                {"resourceType":"Condition","id":"%1$s-own","code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006"}]},"subject":{"reference":"Patient/%2$s"}}
                """.formatted(id, patient.id()));
        String procedure = """
                {"resourceType":"Procedure","id":"%1$s-%3$s","status":"completed","code":{"coding":[{"system":"http://snomed.info/sct","code":"71388002"}]},"subject":{"reference":"Patient/%2$s"},"reasonReference":[{"reference":"Condition?patient=Patient/%2$s&code=http://snomed.info/sct|%3$s"}]}
                """;
        String procedures = write(
                id,
                "Procedure",
                procedure.formatted(id, patient.id(), "35489007") // the practice's
                        + procedure.formatted(id, patient.id(), "22298006") // no one's
                        + procedure.formatted(id, patient.id(), "44054006")); // the hospital's own, above

        JsonNode manifest = manifestOfImport("rtd-pas", parameters(procedures, "Procedure", conditions, "Condition"));
        String errors = get("rtd-pas", manifest.path("error").get(0).path("url").asText())
                .body();
        assertThat(count(manifest, "Procedure", "count"))
                .as("%s%n%s", manifest, errors)
                .isEqualTo(1);
        assertThat(count(manifest, "Procedure", "rejected")).isEqualTo(2);
        String[] rejected = errors.strip().split("\n");
        assertThat(rejected).hasSize(2);
        assertThat(rejected[0].replace("35489007", "*").replaceAll("line \\d", "line *"))
                .as("the practice's diagnosis is refused exactly as one no one recorded")
                .isEqualTo(rejected[1].replace("22298006", "*").replaceAll("line \\d", "line *"));
        assertThat(errors).doesNotContain("A81001");
        // alone in its chunk, the practice's line must still be refused (above, its chunk's other refused line sent it
        // HAPI's way): the one-pass write is given the confined record too, and unconfined it would create it
        JsonNode alone = importAndWait(parameters(
                write(id + "-alone", "Procedure", procedure.formatted(id + "-alone", patient.id(), "35489007")),
                "Procedure"));
        assertThat(count(alone, "Procedure", "rejected")).as(alone.toString()).isEqualTo(1);
        assertThat(count(alone, "Procedure", "created")).isZero();
        assertThat(read("rtd-pas", "Procedure/" + id + "-44054006").status()).isEqualTo(200);
    }

    @Test
    void aLineImportedAgainIsLeftOutOnlyWhileItsRecordIsAsThatImportLeftIt() throws Exception {
        String id = "reimport-" + UUID.randomUUID();
        String patients = write(id, "Patient", """
                {"resourceType":"Patient","id":"%1$s","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000440"}],"name":[{"family":"Reimported","given":["Test"]}]}
                """.formatted(id));
        String conditionLines = """
                {"resourceType":"Condition","id":"%1$s-edited","code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006","display":"Type 2 diabetes"}]},"subject":{"reference":"Patient/%1$s"}}
                {"resourceType":"Condition","id":"%1$s-deleted","code":{"coding":[{"system":"http://snomed.info/sct","code":"38341003","display":"Hypertension"}]},"subject":{"reference":"Patient/%1$s"}}
                {"resourceType":"Condition","id":"%1$s-kept","code":{"coding":[{"system":"http://snomed.info/sct","code":"195967001","display":"Asthma"}]},"subject":{"reference":"Patient/%1$s"}}
                """.formatted(id);
        String conditions = write(id, "Condition", conditionLines);
        String parameters = parameters(patients, "Patient", conditions, "Condition");
        JsonNode first = importAndWait(parameters);
        assertThat(count(first, "Condition", "count")).as(first.toString()).isEqualTo(3);

        // written another way since: one changed through the API, one deleted
        String token = stack.tokens().token("rtd-pas");
        String edited = stack.fhirBaseUrl() + "/Condition/" + id + "-edited";
        Fhir.Response read = Fhir.get(edited, token);
        String changed = read.body()
                .toString()
                .replace("Type 2 diabetes", "Type 1 diabetes")
                .replace("44054006", "46635009");
        assertThat(Fhir.put(edited, token, changed).status()).isEqualTo(200);
        assertThat(Fhir.delete(stack.fhirBaseUrl() + "/Condition/" + id + "-deleted", token)
                        .status())
                .isIn(200, 204);

        JsonNode again = importAndWait(parameters);
        assertThat(count(again, "Patient", "unchanged")).as(again.toString()).isEqualTo(1);
        assertThat(count(again, "Condition", "unchanged")).as(again.toString()).isEqualTo(1);
        assertThat(count(again, "Condition", "updated") + count(again, "Condition", "created"))
                .as("the edited and the deleted record are written again from the file: " + again)
                .isEqualTo(2);
        assertThat(Fhir.get(edited, token).body().toString())
                .as("the file's version is back")
                .contains("44054006")
                .doesNotContain("46635009");
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Condition/" + id + "-deleted", token)
                        .status())
                .isEqualTo(200);
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Condition/" + id + "-kept", token)
                        .body()
                        .path("meta")
                        .path("versionId")
                        .asText())
                .isEqualTo("1");

        // a line that changed in the file is written, not left out
        String conditionsChanged = write(id + "-2", "Condition", conditionLines.replace("Asthma", "Asthma (mild)"));
        JsonNode third = importAndWait(parameters(patients, "Patient", conditionsChanged, "Condition"));
        assertThat(count(third, "Condition", "updated")).as(third.toString()).isEqualTo(1);
        assertThat(count(third, "Condition", "unchanged")).as(third.toString()).isEqualTo(2);
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Condition/" + id + "-kept", token)
                        .body()
                        .toString())
                .contains("Asthma (mild)");
    }

    /**
     * Differential: a real Synthea patient imported (each chunk written in one pass, {@code OnePassChunkWrite}) is
     * stored exactly as the same patient pushed in a transaction (HAPI's transaction, two passes): every record reads
     * back the same, and every search the hospital's system and its nurse make finds the same records of each, by
     * patient, encounter, code, date and value (HAPI's indexes and the care relationship index).
     */
    @Test
    void aSyntheaPatientImportedIsStoredAndFoundAsTheSamePatientPushedInATransaction() throws Exception {
        SyntheaPatients synthea = SyntheaPatients.generated("7", 1);
        String token = stack.tokens().token("rtd-pas");
        for (Path directory : synthea.directories()) {
            assertThat(Fhir.post(stack.fhirBaseUrl(), token, Files.readString(directory))
                            .status())
                    .isEqualTo(200);
        }
        String run = UUID.randomUUID().toString().substring(0, 8);
        String pushed = "p" + run + "-";
        String imported = "i" + run + "-";
        JsonNode bundle = JSON.readTree(Files.readString(synthea.patients().get(0)));
        Map<String, String> typeOf = new LinkedHashMap<>(); // Synthea's id of each record, and its type
        bundle.path("entry")
                .forEach(e -> typeOf.put(
                        e.path("resource").path("id").asText(),
                        e.path("resource").path("resourceType").asText()));
        String patient = typeOf.entrySet().stream()
                .filter(e -> e.getValue().equals("Patient"))
                .findFirst()
                .orElseThrow()
                .getKey();

        Fhir.Response transaction = Fhir.post(stack.fhirBaseUrl(), token, renamed(bundle.toString(), typeOf, pushed));
        assertThat(transaction.status()).as(transaction.diagnostics()).isEqualTo(200);

        Map<String, StringBuilder> lines = new TreeMap<>();
        for (JsonNode entry :
                JSON.readTree(renamed(bundle.toString(), typeOf, imported)).path("entry")) {
            String line = entry.path("resource").toString();
            for (Map.Entry<String, String> record : typeOf.entrySet()) {
                line = line.replace( // references only: an identifier may hold the same urn:uuid
                        "\"reference\":\"urn:uuid:" + imported + record.getKey() + "\"",
                        "\"reference\":\"" + record.getValue() + "/" + imported + record.getKey() + "\"");
            }
            lines.computeIfAbsent(entry.path("resource").path("resourceType").asText(), t -> new StringBuilder())
                    .append(line)
                    .append('\n');
        }
        List<String> urlThenType = new ArrayList<>();
        for (Map.Entry<String, StringBuilder> type : lines.entrySet()) {
            urlThenType.add(
                    write(imported + "synthea", type.getKey(), type.getValue().toString()));
            urlThenType.add(type.getKey());
        }
        String before = Metrics.scrape(stack, "fhir-server");
        JsonNode manifest = importAndWait(parameters(urlThenType.toArray(String[]::new)));
        String after = Metrics.scrape(stack, "fhir-server");
        String errors = manifest.path("error").isEmpty()
                ? ""
                : get("rtd-pas", manifest.path("error").get(0).path("url").asText())
                        .body();
        for (String type : lines.keySet()) {
            assertThat(count(manifest, type, "rejected")).as(errors).isZero();
            assertThat(count(manifest, type, "created"))
                    .as(manifest.toString())
                    .isEqualTo(Collections.frequency(typeOf.values(), type));
        }

        // the import was written in one pass, a chunk per type (HAPI's way would store the same records: compared, it
        // would prove nothing)
        assertThat(Metrics.sum(after, "care_bulk_chunks_total{written=\"in-one-pass\"}")
                        - Metrics.sum(before, "care_bulk_chunks_total{written=\"in-one-pass\"}"))
                .isGreaterThanOrEqualTo(lines.size());

        // every record reads back the same, but for its id, version, time and the request that wrote it
        for (String type : lines.keySet()) {
            List<String> ids = typeOf.entrySet().stream()
                    .filter(e -> e.getValue().equals(type))
                    .map(Map.Entry::getKey)
                    .toList();
            for (int from = 0; from < ids.size(); from += 40) {
                List<String> some = ids.subList(from, Math.min(ids.size(), from + 40));
                assertThat(recordsAsStored(type, some, imported, token))
                        .as("%s as imported and as pushed", type)
                        .isEqualTo(recordsAsStored(type, some, pushed, token));
            }
        }

        // and is found by the same searches
        List<String> searches = new ArrayList<>();
        for (String type : lines.keySet()) {
            if (!List.of("Medication", "Provenance", "Patient").contains(type)) {
                searches.add(type + "?patient=Patient/{p}" + patient);
            }
        }
        searches.add("Encounter?patient=Patient/{p}" + patient + "&_revinclude=Observation:encounter"
                + "&_revinclude=Condition:encounter&_revinclude=Procedure:encounter"
                + "&_revinclude=DiagnosticReport:encounter");
        searches.add("Provenance?target=Patient/{p}" + patient);
        searches.add("DiagnosticReport?patient=Patient/{p}" + patient + "&_include=DiagnosticReport:result");
        for (JsonNode entry : bundle.path("entry")) {
            JsonNode record = entry.path("resource");
            String type = record.path("resourceType").asText();
            if (List.of("Observation", "Condition", "Procedure", "Immunization").contains(type)) {
                JsonNode coding = type.equals("Immunization")
                        ? record.path("vaccineCode").path("coding").path(0)
                        : record.path("code").path("coding").path(0);
                String byCode = type + "?patient=Patient/{p}" + patient
                        + (type.equals("Immunization") ? "&vaccine-code=" : "&code=")
                        + coding.path("system").asText() + "|"
                        + coding.path("code").asText();
                if (!searches.contains(byCode)) {
                    searches.add(byCode);
                }
            }
        }
        for (String date : List.of("2000-01-01", "2015-06-01", "2022-01-01")) {
            searches.add("Observation?patient=Patient/{p}" + patient + "&date=ge" + date);
            searches.add("Encounter?patient=Patient/{p}" + patient + "&date=lt" + date);
            searches.add("Condition?patient=Patient/{p}" + patient + "&onset-date=ge" + date);
        }
        searches.add("Observation?patient=Patient/{p}" + patient + "&value-quantity=gt50");
        searches.add("Condition?patient=Patient/{p}" + patient + "&clinical-status=active");
        searches.add("Encounter?patient=Patient/{p}" + patient + "&class=AMB");
        String nurse = stack.tokens().token("hospital.nurse");
        int nurseFound = 0;
        for (String search : searches) {
            for (String persona : List.of(token, nurse)) {
                Found ofImported = found(search.replace("{p}", imported), imported, persona);
                Found ofPushed = found(search.replace("{p}", pushed), pushed, persona);
                assertThat(ofImported).as(search).isEqualTo(ofPushed);
                if (persona.equals(token)) {
                    assertThat(ofPushed.status()).as(search).isEqualTo(200);
                } else {
                    nurseFound += ofPushed.records().size();
                }
            }
        }
        assertThat(searches).hasSizeGreaterThan(40);
        assertThat(nurseFound).as("what the nurse was shown of both").isPositive();
    }

    /** What a search answered, its ids with the copy's prefix taken off, in order. */
    private record Found(int status, List<String> records) {}

    private Found found(String search, String prefix, String token) {
        Fhir.Response response = Fhir.get(stack.fhirBaseUrl() + "/" + search + "&_count=1000", token);
        List<String> records = new ArrayList<>();
        response.body()
                .path("entry")
                .forEach(
                        e -> records.add(e.path("resource").path("resourceType").asText() + "/"
                                + e.path("resource").path("id").asText().replace(prefix, "")
                                + " " + e.path("search").path("mode").asText()));
        Collections.sort(records);
        return new Found(response.status(), records);
    }

    /** The records of one copy as stored, each without its id prefix, version, time and request. */
    private List<String> recordsAsStored(String type, List<String> ids, String prefix, String token) {
        String query = String.join(",", ids.stream().map(id -> prefix + id).toList());
        Fhir.Response response = Fhir.get(stack.fhirBaseUrl() + "/" + type + "?_id=" + query + "&_count=100", token);
        assertThat(response.status()).as(response.diagnostics()).isEqualTo(200);
        List<String> records = new ArrayList<>();
        for (JsonNode entry : response.body().path("entry")) {
            ObjectNode record = (ObjectNode) entry.path("resource");
            ObjectNode meta = (ObjectNode) record.path("meta");
            meta.remove("versionId");
            meta.remove("lastUpdated");
            meta.remove("source"); // the request's id: an HTTP request has one, an import's write none
            records.add(record.toString().replace(prefix, ""));
        }
        Collections.sort(records);
        assertThat(records).hasSize(ids.size());
        return records;
    }

    /** The bundle's text with each of its records' Synthea ids (and references to them) prefixed. */
    private static String renamed(String bundle, Map<String, String> typeOf, String prefix) {
        for (String id : typeOf.keySet()) {
            bundle = bundle.replace(id, prefix + id);
        }
        return bundle;
    }

    private JsonNode importAndWait(String parameters) throws Exception {
        HttpResponse<String> started = post("rtd-pas", parameters, true);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        return JSON.readTree(awaitManifest(
                        "rtd-pas",
                        started.headers().firstValue("Content-Location").orElseThrow())
                .body());
    }

    @Test
    void onlyProviderSystemsImportOnlyFromAllowedSourcesAndOnlyTheirOwnJobsAreVisibleToThem() throws Exception {
        String id = "import-" + UUID.randomUUID();
        String patients = write(id, "Patient", """
                {"resourceType":"Patient","id":"%1$s","name":[{"family":"Imported"}]}
                """.formatted(id));
        String parameters = parameters(patients, "Patient");

        assertThat(post("gp.clinician", parameters, true).statusCode())
                .as("a user")
                .isEqualTo(403);
        assertThat(post("rtd-pas", parameters, false).statusCode())
                .as("no Prefer: respond-async")
                .isEqualTo(400);
        for (String outside : new String[] {
            "file:///etc/passwd",
            sources.toUri() + "../../pom.xml",
            "http://169.254.169.254/latest/meta-data/",
            "http://localhost:5432/",
            "http://127.0.0.1:" + RunningStack.Started.IMPORT_HTTP_PORT + "/ndjson/%2e%2e/admin"
        }) {
            HttpResponse<String> refused = post("rtd-pas", parameters(outside, "Patient"), true);
            assertThat(refused.statusCode()).as(outside).isEqualTo(400);
            assertThat(refused.body()).contains("OperationOutcome").doesNotContain("root:");
        }
        assertThat(post("rtd-pas", parameters.replace("application/fhir+ndjson", "text/csv"), true)
                        .statusCode())
                .as("not NDJSON")
                .isEqualTo(400);
        assertThat(post("rtd-pas", parameters.replace("\"Patient\"", "\"AuditEvent\""), true)
                        .statusCode())
                .as("a type this record does not hold")
                .isEqualTo(400);

        String status = statusOfImport("rtd-pas", parameters);
        assertThat(get("gp-system", status).statusCode())
                .as("another system's job")
                .isEqualTo(404);
        assertThat(get("rtd-pas", status.replaceFirst("_jobId=.*", "_jobId=" + UUID.randomUUID()))
                        .statusCode())
                .as("no such job")
                .isEqualTo(404);
        assertThat(get("gp.clinician", status).statusCode()).as("a user").isEqualTo(403);
        awaitManifest("rtd-pas", status);
        assertThat(read("rtd-pas", "Patient/" + id).status()).isEqualTo(200);
        // found from outside: cancelling a finished job answered 202 "cancelled", as if records might be missing
        HttpResponse<String> tooLate = delete("rtd-pas", status);
        assertThat(tooLate.statusCode()).as(tooLate.body()).isEqualTo(409);
        assertThat(tooLate.body()).contains("already completed");
        assertThat(get("rtd-pas", status).statusCode()).as("the manifest stays").isEqualTo(200);
    }

    @Test
    void aLineWithANulBadUtf8OrALoneCarriageReturnIsOneLineRefusedOrReadAndTheRestImported() throws Exception {
        // found from outside: PostgreSQL keeps no NUL in text, so the chunk holding such a line could not be kept
        // and the whole job failed (500); and a lone \r split a line in two, shifting every later line's number
        String id = "import-" + UUID.randomUUID();
        String patient = "{\"resourceType\":\"Patient\",\"id\":\"%s\",\"name\":[{\"family\":\"%s\"}]}";
        String patients = write(
                id,
                "Patient",
                patient.formatted(id + "-1", "One") + "\n"
                        + patient.formatted(id + "-nul", "N\u0000ul") + "\n"
                        + patient.formatted(id + "-cr", "Carriage\rReturn") + "\n"
                        + patient.formatted(id + "-4", "Four") + "\n"
                        // and one escaped, which JSON allows and a record cannot hold (the database refused it)
                        + patient.formatted(id + "-escaped", "N\\u0000ul") + "\n");
        // and bytes that are not UTF-8 (0xC3 0x28), which were read as U+FFFD and stored changed
        Files.write(
                Path.of(URI.create(patients)),
                // written as Latin-1: the bytes C3 28, which begin a two-byte UTF-8 sequence and do not end it
                patient.formatted(id + "-latin", "Bad\u00c3(").getBytes(StandardCharsets.ISO_8859_1),
                java.nio.file.StandardOpenOption.APPEND);
        JsonNode manifest = manifestOfImport("rtd-pas", parameters(patients, "Patient"));
        String errors = get("rtd-pas", manifest.path("error").get(0).path("url").asText())
                .body();
        assertThat(count(manifest, "Patient", "rejected"))
                .as("%s%n%s", manifest, errors)
                .isEqualTo(4);
        assertThat(count(manifest, "Patient", "created"))
                .as("%s%n%s", manifest, errors)
                .isEqualTo(2);
        assertThat(errors)
                .contains("line 2 of " + patients, "NUL", "line 3 of " + patients, "line 5 of " + patients)
                .contains("line 6 of " + patients, "not UTF-8");
        assertThat(errors).doesNotContain("line 7 of").doesNotContainIgnoringCase("insert into");
        for (String imported : new String[] {id + "-1", id + "-4"}) {
            assertThat(read("rtd-pas", "Patient/" + imported).status()).isEqualTo(200);
        }
    }

    @Test
    void aRecordOnTwoLinesOfOneImportIsWrittenFromItsFirstLineAndTheLaterRefusedSoImportingAgainChangesNothing()
            throws Exception {
        // found from outside: both lines were written, in whichever order their chunks ran, and every import of the
        // same files again flipped the record between the two versions
        String id = "import-" + UUID.randomUUID();
        String patient = "{\"resourceType\":\"Patient\",\"id\":\"%s\",\"name\":[{\"family\":\"%s\"}]}\n";
        String first = write(
                id + "-a",
                "Patient",
                patient.formatted(id + "-1", "First")
                        + patient.formatted(id + "-2", "Two")
                        + patient.formatted(id + "-1", "Second"));
        String second = write(
                id + "-b", "Patient", patient.formatted(id + "-2", "Again") + patient.formatted(id + "-3", "Three"));
        String parameters = parameters(first, "Patient", second, "Patient");
        for (String run : new String[] {"first import", "the same files again"}) {
            JsonNode manifest = manifestOfImport("rtd-pas", parameters);
            String errors = get(
                            "rtd-pas", manifest.path("error").get(0).path("url").asText())
                    .body();
            Map<String, Integer> rejected = new TreeMap<>();
            int written = 0;
            for (JsonNode output : manifest.path("output")) {
                rejected.put(
                        output.path("inputUrl").asText(),
                        output.path("rejected").asInt());
                written +=
                        output.path("created").asInt() + output.path("updated").asInt();
            }
            assertThat(rejected).as("%s: %s", run, manifest).isEqualTo(new TreeMap<>(Map.of(first, 1, second, 1)));
            assertThat(written).as("%s: %s", run, manifest).isEqualTo(run.equals("first import") ? 3 : 0);
            assertThat(errors)
                    .as(run)
                    .contains(
                            "line 3 of " + first,
                            "Patient/" + id + "-1 is on line 1 of " + first + " too",
                            "line 1 of " + second,
                            "Patient/" + id + "-2 is on line 2 of " + first + " too");
            assertThat(read("rtd-pas", "Patient/" + id + "-1")
                            .body()
                            .path("name")
                            .toString())
                    .as(run)
                    .contains("First");
            assertThat(read("rtd-pas", "Patient/" + id + "-2")
                            .body()
                            .path("name")
                            .toString())
                    .as(run)
                    .contains("Two");
        }
    }

    @Test
    void aLineReferringToARecordThatIsNowhereIsRefusedWithoutHoldingAWorkerForTheWholeWait() throws Exception {
        // found from outside: every chunk with such a line was sent again for 30 s (WAIT_FOR_REFERENCES), holding
        // one of the workers every import shares, though no chunk still being written could hold what was missing
        String id = "import-" + UUID.randomUUID();
        String patients = write(id, "Patient", """
                {"resourceType":"Patient","id":"%s","name":[{"family":"Referred"}]}
                """.formatted(id));
        String condition = """
                {"resourceType":"Condition","id":"%s","code":{"coding":[{"system":"http://snomed.info/sct","code":"38341003"}]},"subject":{"reference":"Patient/%s"}}
                """;
        String conditions = write(
                id,
                "Condition",
                condition.formatted(id + "-known", id) + condition.formatted(id + "-nowhere", id + "-nowhere"));
        // and a record referring to one on a later line of its own chunk, the only chunk of its step: it is there
        // once that line is written, so it is waited for (found by review: refused at once by the first version)
        String encounter = """
                {"resourceType":"Encounter","id":"%s","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},"subject":{"reference":"Patient/%s"}%s}
                """;
        String encounters = write(
                id,
                "Encounter",
                encounter.formatted(id + "-part", id, ",\"partOf\":{\"reference\":\"Encounter/" + id + "-whole\"}")
                        + encounter.formatted(id + "-whole", id, ""));
        Instant started = Instant.now();
        JsonNode manifest = manifestOfImport(
                "rtd-pas", parameters(patients, "Patient", conditions, "Condition", encounters, "Encounter"));
        Duration took = Duration.between(started, Instant.now());
        String errors = get("rtd-pas", manifest.path("error").get(0).path("url").asText())
                .body();
        assertThat(count(manifest, "Condition", "created"))
                .as("%s%n%s", manifest, errors)
                .isEqualTo(1);
        assertThat(count(manifest, "Encounter", "created"))
                .as("%s%n%s", manifest, errors)
                .isEqualTo(2);
        assertThat(errors).contains("line 2 of " + conditions, "Patient/" + id + "-nowhere");
        assertThat(took).as("the whole import, %s", took).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aProviderImportsOnlyItsOwnFilesNotAnotherProvidersNorTheSharedFolders() throws Exception {
        String id = "import-" + UUID.randomUUID();
        String line = "{\"resourceType\":\"Patient\",\"id\":\"" + id + "\",\"name\":[{\"family\":\"Practice\"}]}\n";
        String practicesFile = write("A81001", id, "Patient", line);
        Path shared = sources.resolve(id + "-shared-Patient.ndjson");
        Files.writeString(shared, line);
        HttpResponse<String> missing =
                post("rtd-pas", parameters(practicesFile.replace("/A81001/", "/RTD/"), "Patient"), true);
        assertThat(missing.statusCode()).as("a file the hospital does not have").isEqualTo(400);
        assertThat(missing.body()).contains("names no file");
        for (String notItsOwn : new String[] {practicesFile, shared.toUri().toString()}) {
            HttpResponse<String> refused = post("rtd-pas", parameters(notItsOwn, "Patient"), true);
            assertThat(refused.statusCode())
                    .as("the hospital's system importing %s", notItsOwn)
                    .isEqualTo(400);
            assertThat(refused.body()).contains("OperationOutcome", "RTD/");
        }
        assertThat(read("rtd-pas", "Patient/" + id).status())
                .as("nothing of the practice's file was written")
                .isEqualTo(404);

        // the practice imports its own file, and the record is the practice's
        JsonNode manifest = manifestOfImport("gp-system", parameters(practicesFile, "Patient"));
        assertThat(count(manifest, "Patient", "created")).as("%s", manifest).isEqualTo(1);
        assertThat(read("gp-system", "Patient/" + id)
                        .body()
                        .path("meta")
                        .path("tag")
                        .toString())
                .contains("A81001");
    }

    @Test
    void aProvidersOwnHttpServerOnTheAllowListIsReadWithoutFollowingItsRedirects() throws Exception {
        // found from outside: a source that redirected or answered 404 was a 202, then a job failing with a 500
        String id = "import-" + UUID.randomUUID();
        HttpServer provider =
                HttpServer.create(new InetSocketAddress("127.0.0.1", RunningStack.Started.IMPORT_HTTP_PORT), 0);
        provider.createContext("/ndjson/patients", exchange -> {
            byte[] body = """
                    {"resourceType":"Patient","id":"%s","name":[{"family":"Served"}]}
                    """.formatted(id).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/fhir+ndjson");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        provider.createContext("/ndjson/elsewhere", exchange -> {
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:5432/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        provider.createContext("/ndjson/missing", exchange -> {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
        });
        AtomicInteger asked = new AtomicInteger();
        provider.createContext("/ndjson/withdrawn", exchange -> {
            // there when the job is asked for, gone when it runs
            exchange.sendResponseHeaders(asked.incrementAndGet() == 1 ? 200 : 404, -1);
            exchange.close();
        });
        provider.start();
        try {
            String base = "http://127.0.0.1:" + RunningStack.Started.IMPORT_HTTP_PORT + "/ndjson/";
            JsonNode manifest = manifestOfImport("rtd-pas", parameters(base + "patients", "Patient"));
            assertThat(count(manifest, "Patient", "created")).as("%s", manifest).isEqualTo(1);
            assertThat(read("rtd-pas", "Patient/" + id).status()).isEqualTo(200);

            for (String[] refused : new String[][] {{"elsewhere", "302"}, {"missing", "404"}}) {
                HttpResponse<String> answer = post("rtd-pas", parameters(base + refused[0], "Patient"), true);
                assertThat(answer.statusCode())
                        .as("a source that answers %s is the client's to mend: no job starts", refused[1])
                        .isEqualTo(400);
                assertThat(answer.body()).contains("answered HTTP " + refused[1], "OperationOutcome");
            }

            String withdrawn = statusOfImport("rtd-pas", parameters(base + "withdrawn", "Patient"));
            Instant deadline = Instant.now().plusSeconds(60);
            HttpResponse<String> status = get("rtd-pas", withdrawn);
            while (status.statusCode() == 202 && Instant.now().isBefore(deadline)) {
                Thread.sleep(500);
                status = get("rtd-pas", withdrawn);
            }
            assertThat(status.statusCode())
                    .as("a source gone by the time the job reads it: the job fails, saying why")
                    .isEqualTo(500);
            assertThat(status.body()).contains("answered HTTP 404");
        } finally {
            provider.stop(0);
        }
    }

    @Test
    void theCapabilityStatementListsImportAndItsStatusForProviderSystems() {
        JsonNode operations = Fhir.get(stack.fhirBaseUrl() + "/metadata", null)
                .body()
                .path("rest")
                .path(0)
                .path("operation");
        assertThat(operations.findValuesAsText("name").stream().map(name -> name.replaceFirst("^\\$", "")))
                .contains("import", "import-poll-status", "load");
        assertThat(operations.toString()).contains("respond-async", "allow-listed", "DELETE cancels");
    }

    @Test
    void aJobCanBeCancelledByItsOwnerOnly() throws Exception {
        String id = "import-" + UUID.randomUUID();
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            many.append("{\"resourceType\":\"Patient\",\"id\":\"%s-%d\",\"name\":[{\"family\":\"Cancelled\"}]}\n"
                    .formatted(id, i));
        }
        String status = statusOfImport("rtd-pas", parameters(write(id, "Patient", many.toString()), "Patient"));

        assertThat(delete("gp-system", status).statusCode())
                .as("another system")
                .isEqualTo(404);
        HttpResponse<String> cancelled = delete("rtd-pas", status);
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
        Instant deadline = Instant.now().plusSeconds(60);
        HttpResponse<String> after = get("rtd-pas", status);
        while (after.statusCode() == 202 && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
            after = get("rtd-pas", status);
        }
        assertThat(after.statusCode()).as(after.body()).isEqualTo(404);
        assertThat(after.body()).contains("cancelled");
        assertThat(delete("rtd-pas", status).statusCode()).as("cancelled again").isEqualTo(404);
        // the lines read from its sources (patient data) are not kept for a job that will never write them
        String job = jobOf(status);
        String held = "select count(*) from care.import_chunk where instance_id = '" + job + "'";
        deadline = Instant.now().plusSeconds(60);
        while (Audit.count(stack, "fhir", held) > 0 && Instant.now().isBefore(deadline)) {
            Thread.sleep(500);
        }
        assertThat(Audit.count(stack, "fhir", held))
                .as("lines held for the cancelled job")
                .isZero();
    }

    @Test
    void aJobInterruptedByAFhirServerKillCarriesOnAfterTheRestartAndImportsEveryLineOnce() throws Exception {
        // found from outside: a region import whose server was killed mid-job stayed "in progress" for good
        // (HAPI's batch2 queues chunks in memory; those queued or running at the kill were never sent again)
        String family = "Resumed" + UUID.randomUUID().toString().replace("-", "");
        int lines = 6_000; // a dozen 500-line chunks: the kill lands with some written and some not
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            ndjson.append("{\"resourceType\":\"Patient\",\"id\":\"%s-%d\",\"name\":[{\"family\":\"%s\"}]}\n"
                    .formatted(family.toLowerCase(java.util.Locale.ROOT), i, family));
        }
        String status = statusOfImport("rtd-pas", parameters(write(family, "Patient", ndjson.toString()), "Patient"));
        String job = jobOf(status);
        // Patients are written by the third tier's step: kill once it has written some chunks and not all
        String chunks = "select count(*) from bt2_work_chunk where instance_id = '" + job
                + "' and tgt_step_id = 'write-tier-3' and stat in ";
        Instant deadline = Instant.now().plusSeconds(120);
        while (Audit.count(stack, "fhir", chunks + "('COMPLETED')") == 0
                || Audit.count(stack, "fhir", chunks + "('READY', 'QUEUED', 'IN_PROGRESS')") == 0) {
            assertThat(Instant.now())
                    .as("no moment with some chunks written and some not")
                    .isBefore(deadline);
            Thread.sleep(100);
        }

        ServiceProcess fhirServer = stack.service("fhir-server");
        fhirServer.kill(); // SIGKILL: chunks queued in memory and the one being written are lost with it
        fhirServer.restart();
        fhirServer.awaitHealthy(Duration.ofMinutes(5));

        // a minute without any import moving, then the dozen chunks written again on two busy cores
        JsonNode manifest = JSON.readTree(
                awaitManifest("rtd-pas", status, Duration.ofMinutes(6)).body());
        assertThat(count(manifest, "Patient", "count")).as("%s", manifest).isEqualTo(lines);
        assertThat(count(manifest, "Patient", "rejected")).as("%s", manifest).isZero();
        String imported = "select count(*) from hfj_resource where res_type = 'Patient' and res_deleted_at is null"
                + " and fhir_id like '" + family.toLowerCase(java.util.Locale.ROOT) + "-%'";
        assertThat(Audit.count(stack, "fhir", imported)).isEqualTo(lines);
        assertThat(Audit.count(stack, "fhir", imported + " and res_ver > 1"))
                .as("a chunk written again changed nothing: every record at its first version")
                .isZero();
        assertThat(Audit.count(
                        stack, "fhir", "select count(*) from care.import_chunk where instance_id = '" + job + "'"))
                .as("the lines read from the sources are let go once the job has its report")
                .isZero();
    }

    @Test
    void aJobWhoseServerWasKilledWhileReadingItsSourcesReadsThemAgainAfterTheRestart() throws Exception {
        // found from outside: only the write steps were sent again; a job lost while reading stayed "in progress"
        String family = "Reread" + UUID.randomUUID().toString().replace("-", "");
        int lines = 3_000;
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            ndjson.append("{\"resourceType\":\"Patient\",\"id\":\"%s-%d\",\"name\":[{\"family\":\"%s\"}]}\n"
                    .formatted(family.toLowerCase(java.util.Locale.ROOT), i, family));
        }
        byte[] whole = ndjson.toString().getBytes(StandardCharsets.UTF_8);
        int part = ndjson.indexOf("\n", ndjson.length() / 3) + 1; // a third: two chunks' worth read before the kill
        AtomicInteger asked = new AtomicInteger();
        CountDownLatch killed = new CountDownLatch(1);
        HttpServer provider =
                HttpServer.create(new InetSocketAddress("127.0.0.1", RunningStack.Started.IMPORT_HTTP_PORT), 0);
        provider.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        provider.createContext("/ndjson/slow", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (var body = exchange.getResponseBody()) {
                if (asked.incrementAndGet() == 2) { // the job's first reading: a third, then nothing until the kill
                    body.write(whole, 0, part);
                    body.flush();
                    killed.await(5, java.util.concurrent.TimeUnit.MINUTES);
                } else {
                    body.write(whole);
                }
            } catch (IOException | InterruptedException gone) {
                // the server reading it was killed
            }
        });
        provider.start();
        try {
            String url = "http://127.0.0.1:" + RunningStack.Started.IMPORT_HTTP_PORT + "/ndjson/slow";
            String status = statusOfImport("rtd-pas", parameters(url, "Patient"));
            String job = jobOf(status);
            String made = "select count(*) from bt2_work_chunk where instance_id = '" + job
                    + "' and tgt_step_id like 'write-%'";
            Instant deadline = Instant.now().plusSeconds(120);
            while (Audit.count(stack, "fhir", made) == 0) {
                assertThat(Instant.now()).as("the first third read into chunks").isBefore(deadline);
                Thread.sleep(100);
            }

            ServiceProcess fhirServer = stack.service("fhir-server");
            fhirServer.kill();
            killed.countDown();
            fhirServer.restart();
            fhirServer.awaitHealthy(Duration.ofMinutes(5));

            JsonNode manifest = JSON.readTree(
                    awaitManifest("rtd-pas", status, Duration.ofMinutes(6)).body());
            assertThat(count(manifest, "Patient", "created")).as("%s", manifest).isEqualTo(lines);
            assertThat(count(manifest, "Patient", "rejected"))
                    .as("%s", manifest)
                    .isZero();
            assertThat(asked.get())
                    .as("the source read again after the restart")
                    .isEqualTo(3);
            String imported = "select count(*) from hfj_resource where res_type = 'Patient' and res_deleted_at is null"
                    + " and fhir_id like '" + family.toLowerCase(java.util.Locale.ROOT) + "-%'";
            assertThat(Audit.count(stack, "fhir", imported)).isEqualTo(lines);
        } finally {
            killed.countDown();
            provider.stop(0);
        }
    }

    private static int count(JsonNode manifest, String type, String field) {
        for (JsonNode output : manifest.path("output")) {
            if (output.path("type").asText().equals(type)) {
                return output.path(field).asInt();
            }
        }
        throw new AssertionError("no output of type " + type + " in " + manifest);
    }

    /** A file in the hospital's own folder of the shared source (every import here is the hospital's system's). */
    private String write(String id, String type, String ndjson) throws Exception {
        return write("RTD", id, type, ndjson);
    }

    private String write(String organisation, String id, String type, String ndjson) throws Exception {
        Path file = Files.createDirectories(sources.resolve(organisation)).resolve(id + "-" + type + ".ndjson");
        Files.writeString(file, ndjson);
        return file.toUri().toString();
    }

    private static String parameters(String... urlThenType) {
        StringBuilder inputs = new StringBuilder();
        for (int i = 0; i < urlThenType.length; i += 2) {
            inputs.append(i == 0 ? "" : ",").append("""
                    {"name":"input","part":[{"name":"type","valueCode":"%s"},{"name":"url","valueUri":"%s"}]}""".formatted(urlThenType[i + 1], urlThenType[i]));
        }
        return """
                {"resourceType":"Parameters","parameter":[{"name":"inputFormat","valueCode":"application/fhir+ndjson"},%s]}""".formatted(inputs);
    }

    /** The status URL of an import this persona starts with these parameters (its Content-Location). */
    private String statusOfImport(String persona, String parameters) throws Exception {
        return post(persona, parameters, true)
                .headers()
                .firstValue("Content-Location")
                .orElseThrow();
    }

    /** The job id a status URL names. */
    private static String jobOf(String status) {
        return status.substring(status.indexOf("_jobId=") + "_jobId=".length());
    }

    /** The manifest of an import this persona starts with these parameters, once the job ends. */
    private JsonNode manifestOfImport(String persona, String parameters) throws Exception {
        String status = statusOfImport(persona, parameters);
        return JSON.readTree(awaitManifest(persona, status).body());
    }

    private HttpResponse<String> awaitManifest(String persona, String status) throws Exception {
        return awaitManifest(persona, status, Duration.ofMinutes(3));
    }

    private HttpResponse<String> awaitManifest(String persona, String status, Duration within) throws Exception {
        Instant deadline = Instant.now().plus(within);
        HttpResponse<String> response = get(persona, status);
        while (response.statusCode() == 202 && Instant.now().isBefore(deadline)) {
            assertThat(response.headers().firstValue("X-Progress")).isPresent();
            Thread.sleep(500);
            response = get(persona, status);
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response;
    }

    private HttpResponse<String> post(String persona, String parameters, boolean async) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.fhirBaseUrl() + "/$import"))
                .header("Authorization", "Bearer " + stack.tokens().token(persona))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(parameters));
        if (async) {
            request.header("Prefer", "respond-async");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A record read through the FHIR API as this persona ({@code Type/id}). */
    private Fhir.Response read(String persona, String typeAndId) {
        return Fhir.get(stack.fhirBaseUrl() + "/" + typeAndId, stack.tokens().token(persona));
    }

    private HttpResponse<String> get(String persona, String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + stack.tokens().token(persona))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(String persona, String url) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + stack.tokens().token(persona))
                        .DELETE()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
