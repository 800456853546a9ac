package org.carerecord.e2e.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.e2e.support.TestPatients.TestPatient;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The bulk path ($load, FHIR NDJSON): checked whole before anything is written, then written with progress. */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkLoadIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SOURCE = "https://care-record.example.org/CodeSystem/source-organisation";

    private CareRecordStack stack;

    @BeforeAll
    void demoData(CareRecordStack stack) {
        this.stack = stack;
        DemoData.load(stack);
    }

    @Test
    void aRawCarriageReturnBetweenTokensIsJsonWhitespaceAndTheLineLoadsWhole() throws Exception {
        // found by review (helper-21): the check read such a line whole, the write read it split in two
        String id = "bulk-cr-" + UUID.randomUUID();
        String line = "{\"resourceType\":\"Patient\",\r\"id\":\"" + id + "\",\r\"name\":[{\"family\":\"Return\"}]}\r\n";
        HttpResponse<String> loaded = load("rtd-pas", line);
        assertThat(loaded.statusCode()).as(loaded.body()).isEqualTo(200);
        assertThat(loaded.body()).contains("\"outcome\":\"complete\"", "\"written\":1");
        assertThat(Fhir.get(
                                stack.fhirBaseUrl() + "/Patient/" + id,
                                stack.tokens().token("rtd-pas"))
                        .status())
                .isEqualTo(200);
    }

    @Test
    void aProvidersRecordsLoadWithProgressAndLoadingAgainChangesNothing() throws Exception {
        String id = "bulk-" + UUID.randomUUID();
        String ndjson = records(id, "9000000416");

        HttpResponse<String> first = load("rtd-pas", ndjson);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
        String[] lines = first.body().strip().split("\n");
        assertThat(lines[0]).contains("\"phase\":\"checked\"", "\"resources\":4");
        assertThat(lines).anyMatch(line -> line.contains("\"phase\":\"writing\""));
        assertThat(lines[lines.length - 1]).contains("\"outcome\":\"complete\"", "\"written\":4");

        String system = stack.tokens().token("rtd-pas");
        Fhir.Response condition = Fhir.get(stack.fhirBaseUrl() + "/Condition/" + id + "-c", system);
        assertThat(condition.status()).isEqualTo(200);
        assertThat(condition.body().path("meta").path("tag").toString()).contains(SOURCE, "RTD");
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Encounter/" + id + "-e", system)
                        .body()
                        .path("serviceProvider")
                        .path("reference")
                        .asText())
                .as("the conditional reference was resolved")
                .startsWith("Organization/");

        HttpResponse<String> again = load("rtd-pas", ndjson);
        assertThat(again.body()).contains("\"outcome\":\"complete\"");
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Condition/" + id + "-c", system)
                        .body()
                        .path("meta")
                        .path("versionId")
                        .asText())
                .as("loading the same file again writes no new version")
                .isEqualTo("1");
    }

    @Test
    void anyBadLineRejectsTheWholeFileNamingTheLinesAndNothingIsWritten() throws Exception {
        String id = "bulk-" + UUID.randomUUID();
        String ndjson = records(id, "9000000410") // a wrong check digit
                + "{\"resourceType\":\"Condition\",\"id\":\"" + id
                + "-x\",\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"44054006\"}]},"
                + "\"subject\":{\"reference\":\"urn:uuid:0c5f2d3e-1111-4a4a-9b9b-000000000001\"}}\n"
                + "not json\n";

        HttpResponse<String> refused = load("rtd-pas", ndjson);

        assertThat(refused.statusCode()).isEqualTo(422);
        assertThat(refused.body())
                .contains("OperationOutcome", "line 1:", "NHS number", "line 5:", "urn:uuid", "line 6:")
                .doesNotContain("line 2:", "Exception\\n\\tat");
        String system = stack.tokens().token("rtd-pas");
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Condition/" + id + "-c", system)
                        .status())
                .as("nothing of the refused file was written")
                .isEqualTo(404);
    }

    @Test
    void onlyProviderSystemsLoadAndOnlyTheOwnerMayChangeWhatItLoaded() throws Exception {
        String id = "bulk-" + UUID.randomUUID();
        String ndjson = records(id, "9000000424");
        assertThat(load("gp.clinician", ndjson).statusCode()).isEqualTo(403);

        assertThat(load("rtd-pas", ndjson).body()).contains("\"outcome\":\"complete\"");
        HttpResponse<String> byAnother = load("gp-system", ndjson.replace("Type 2 diabetes", "Diabetes (revised)"));
        assertThat(byAnother.body()).contains("\"outcome\":\"failed\"", "only RTD");
        assertThat(Fhir.get(
                                stack.fhirBaseUrl() + "/Condition/" + id + "-c",
                                stack.tokens().token("rtd-pas"))
                        .body()
                        .toString())
                .doesNotContain("revised");
    }

    /**
     * A reference by criteria in a loaded line is confined to the loader's own records, as in a transaction and an
     * {@code $import}: resolved against the practice's diagnosis it would be written where one no one recorded is
     * refused, confirming the diagnosis to the hospital's system. The lines are checked (and confined) whole before
     * anything is written, then read again to be written: they were written unconfined until the rules were applied
     * there too (found 2026-12-04).
     */
    @Test
    void aReferenceByCriteriaInALoadedLineFindsOnlyTheLoadersOwnRecordsSoItConfirmsNoOneElses() throws Exception {
        TestPatient patient = TestPatients.davidLike(stack); // the practice recorded depression (35489007)
        String procedure = """
                {"resourceType":"Procedure","id":"%1$s","status":"completed","code":{"coding":[{"system":"http://snomed.info/sct","code":"71388002"}]},"subject":{"reference":"Patient/%2$s"},"reasonReference":[{"reference":"Condition?patient=Patient/%2$s&code=http://snomed.info/sct|%3$s"}]}
                """;
        String practices = "load-" + UUID.randomUUID();
        String nobodys = "load-" + UUID.randomUUID();
        HttpResponse<String> ofThePractices = load("rtd-pas", procedure.formatted(practices, patient.id(), "35489007"));
        HttpResponse<String> ofNoOne = load("rtd-pas", procedure.formatted(nobodys, patient.id(), "22298006"));

        assertThat(ofNoOne.body()).contains("\"outcome\":\"failed\"");
        assertThat(ofThePractices.body())
                .as("the practice's diagnosis must not decide the answer")
                .contains("\"outcome\":\"failed\"");
        String token = stack.tokens().token("rtd-pas");
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Procedure/" + practices, token)
                        .status())
                .isEqualTo(Fhir.get(stack.fhirBaseUrl() + "/Procedure/" + nobodys, token)
                        .status())
                .isEqualTo(404);
        String last = ofThePractices
                .body()
                .strip()
                .substring(ofThePractices.body().strip().lastIndexOf('\n') + 1);
        String lastOfNoOne =
                ofNoOne.body().strip().substring(ofNoOne.body().strip().lastIndexOf('\n') + 1);
        assertThat(last.replace("35489007", "*"))
                .as("refused exactly as a diagnosis no one recorded")
                .isEqualTo(lastOfNoOne.replace("22298006", "*"));
        assertThat(ofThePractices.body()).doesNotContain("A81001");

        // the hospital's own diagnosis is still found by the same criteria
        String own = "load-" + UUID.randomUUID();
        HttpResponse<String> ofItsOwn =
                load("rtd-pas", """
                {"resourceType":"Condition","id":"%1$s-c","code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006"}]},"subject":{"reference":"Patient/%2$s"}}
                """.formatted(own, patient.id()) + procedure.formatted(own, patient.id(), "44054006"));
        assertThat(ofItsOwn.body()).contains("\"outcome\":\"complete\"");
        assertThat(Fhir.get(stack.fhirBaseUrl() + "/Procedure/" + own, token)
                        .body()
                        .path("reasonReference")
                        .path(0)
                        .path("reference")
                        .asText())
                .isEqualTo("Condition/" + own + "-c");
    }

    /** A patient, an admission (conditional reference to the hospital), a diagnosis and an observation. */
    private static String records(String id, String nhsNumber) {
        return String.join("\n", """
                {"resourceType":"Patient","id":"%1$s","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"%2$s"}],"name":[{"family":"Bulkload","given":["Test"]}]}""", """
                {"resourceType":"Encounter","id":"%1$s-e","status":"finished","class":{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"IMP"},"subject":{"reference":"Patient/%1$s"},"serviceProvider":{"reference":"Organization?identifier=https://fhir.nhs.uk/Id/ods-organization-code|RTD"}}""", """
                {"resourceType":"Condition","id":"%1$s-c","code":{"coding":[{"system":"http://snomed.info/sct","code":"44054006","display":"Type 2 diabetes"}]},"subject":{"reference":"Patient/%1$s"},"encounter":{"reference":"Encounter/%1$s-e"}}""", """
                {"resourceType":"Observation","id":"%1$s-o","status":"final","code":{"coding":[{"system":"http://loinc.org","code":"4548-4","display":"HbA1c"}]},"subject":{"reference":"Patient/%1$s"}}""").formatted(id, nhsNumber) + "\n";
    }

    private HttpResponse<String> load(String persona, String ndjson) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.fhirBaseUrl() + "/$load"))
                        .header("Authorization", "Bearer " + stack.tokens().token(persona))
                        .header("Content-Type", "application/fhir+ndjson")
                        .POST(HttpRequest.BodyPublishers.ofString(ndjson))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
