package org.carerecord.e2e.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.carerecord.e2e.support.Audit;
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

/**
 * The weaknesses an outside security test of a running stack found, one test each, all of which failed
 * before their fix: a record's {@code $meta} answered to users refused the record; a 50 MB body was parsed
 * for seconds; a bad date was a 500; metrics answered anonymously; every response named the product and
 * version; a stated relationship of "." opened a record.
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutsideFindingsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private CareRecordStack stack;
    private TestPatient patient;
    private String depression;

    @BeforeAll
    void records(CareRecordStack stack) {
        this.stack = stack;
        DemoData.load(stack);
        patient = TestPatients.davidLike(stack);
        depression = Fhir.get(
                        stack.fhirBaseUrl() + "/Condition?patient=" + patient.id() + "&code=35489007",
                        token("gp-system"))
                .body()
                .path("entry")
                .path(0)
                .path("resource")
                .path("id")
                .asText();
    }

    @Test
    void aRecordsMetaIsDecidedAsAReadOfTheRecord() {
        Fhir.Response meta =
                Fhir.get(stack.fhirBaseUrl() + "/Condition/" + depression + "/$meta", token("social.worker"));
        assertThat(meta.status()).isEqualTo(403);
        assertThat(meta.body().toString()).doesNotContain("PSY").doesNotContain("A81001");
        Fhir.Response patientMeta =
                Fhir.get(stack.fhirBaseUrl() + "/Patient/" + patient.id() + "/$meta", token("hospital.nurse"));
        assertThat(patientMeta.status()).isEqualTo(403);
        Fhir.Response gp = Fhir.get(stack.fhirBaseUrl() + "/Condition/" + depression + "/$meta", token("gp.clinician"));
        assertThat(gp.status()).isEqualTo(200);
        assertThat(gp.body().toString()).contains("PSY");
        // and its audit record names the patient, so the patient's own report shows it
        assertThat(Audit.awaitRecordOf(stack, gp.requestId()).toString()).contains("Patient/" + patient.id());
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413BeforeItIsRead() {
        String huge = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[]," + "\"x\":\""
                + "a".repeat(33 * 1024 * 1024) + "\"}";
        long started = System.nanoTime();
        Fhir.Response response = Fhir.post(stack.fhirBaseUrl(), token("rtd-pas"), huge);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.diagnostics()).contains("larger than this server accepts");
        assertThat((System.nanoTime() - started) / 1_000_000)
                .as("ms: refused, not parsed")
                .isLessThan(5_000);
    }

    @Test
    void aTransactionWithTooManyEntriesIsRefusedWith413() {
        StringBuilder bundle = new StringBuilder("{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[");
        for (int i = 0; i < 10_001; i++) {
            bundle.append(i == 0 ? "" : ",").append("{\"request\":{\"method\":\"GET\",\"url\":\"Patient/x\"}}");
        }
        Fhir.Response response = Fhir.post(
                stack.fhirBaseUrl(), token("rtd-pas"), bundle.append("]}").toString());
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.diagnostics()).contains("at most 10000 entries");
    }

    @Test
    void aMalformedSearchParameterIsA400() {
        for (String query : new String[] {
            "Patient?birthdate=notadate",
            "Patient?birthdate=2020-13-45",
            "Patient?_lastUpdated=gt-yesterday",
            "Patient?_count=-1"
        }) {
            Fhir.Response response = Fhir.get(stack.fhirBaseUrl() + "/" + query, token("gp.clinician"));
            assertThat(response.status()).as(query + " " + response.body()).isBetween(400, 499);
            assertThat(response.body().path("resourceType").asText()).isEqualTo("OperationOutcome");
            assertThat(response.body().toString()).doesNotContain("\tat ").doesNotContain("Exception:");
        }
    }

    /** Each of these was a 500 or an HTML page, found by GeneratedRequestsIT; kept here so no seed is needed. */
    @Test
    void inputsTheGeneratedRequestsFoundAreA4xxOperationOutcome() throws Exception {
        String pas = token("rtd-pas");
        String[][] requests = {
            {"GET", "Patient?patient=%00", null},
            {"GET", "Patient/+/_history/999", null},
            {"GET", "Practitioner?name=true&_filter=david-robson", null},
            {"GET", "AuditEvent/%2500/_history/999", null},
            {"GET", "Patient/%00", null},
            {"PATCH", "Patient/" + patient.id(), "{\"resourceType\":\"Patient\",\"active\":true}"},
            {"PATCH", "Patient", "{\"resourceType\":\"Patient\"}"},
            {
                "POST",
                "",
                "{\"resourceType\":\"Bundle\",\"type\":\"batch\",\"entry\":[{\"resource\":null,"
                        + "\"request\":{\"method\":\"POST\",\"url\":\"Condition\"}}]}"
            },
            {
                "POST",
                "",
                "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"request\":"
                        + "{\"method\":\"PUT\",\"url\":\"Condition/x\"}}]}"
            }
        };
        for (String[] r : requests) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(stack.fhirBaseUrl() + "/" + r[1]))
                    .header("Authorization", "Bearer " + pas)
                    .header("Content-Type", "application/fhir+json")
                    .header("Accept", "text/html")
                    .method(
                            r[0],
                            r[2] == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(r[2]))
                    .build());
            assertThat(response.statusCode())
                    .as(r[0] + " " + r[1] + ": " + response.body())
                    .isBetween(400, 499);
            assertThat(response.body())
                    .as(r[0] + " " + r[1])
                    .contains("\"resourceType\":\"OperationOutcome\"")
                    .doesNotContain("<html")
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void metricsNeedAToken() throws Exception {
        String metrics = stack.fhirBaseUrl().replaceFirst("/fhir$", "") + "/actuator/metrics";
        assertThat(send(HttpRequest.newBuilder(URI.create(metrics)).GET().build())
                        .statusCode())
                .isEqualTo(401);
        assertThat(send(HttpRequest.newBuilder(URI.create(metrics + "/jvm.memory.used"))
                                .GET()
                                .build())
                        .statusCode())
                .isEqualTo(401);
    }

    @Test
    void noResponseNamesTheProductOrItsVersion() throws Exception {
        HttpResponse<String> response =
                send(HttpRequest.newBuilder(URI.create(stack.fhirBaseUrl() + "/Patient/" + patient.id()))
                        .header("Authorization", "Bearer " + token("gp.clinician"))
                        .GET()
                        .build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Powered-By")).isEmpty();
    }

    /**
     * Found by GeneratedRequestsIT (seed -3255747633092760806): {@code $everything} with a break-glass reason of "."
     * was decided — and the break-glass granted for its window — before the reason was refused, so the nurse then
     * saw the patient's record on plain reads. Now the reason is refused before anything is decided, on every
     * path, and consent-service never grants on one.
     */
    @Test
    void aBreakGlassWithAReasonNobodyCanReadGrantsNothingOnAnyPath() {
        TestPatient someone = TestPatients.davidLike(stack); // the hospital nurse has no relationship with them
        Map<String, String> emergency = Map.of("X-Purpose-Of-Use", "ETREAT", "X-Break-Glass-Reason", ".");
        for (String path : java.util.List.of(
                "/Patient/" + someone.id() + "/$everything?_type=Condition",
                "/Patient/" + someone.id() + "/$summary",
                "/Condition?patient=" + someone.id(),
                "/Patient/" + someone.id())) {
            Fhir.Response refused = Fhir.get(stack.fhirBaseUrl() + path, token("hospital.nurse"), emergency);
            assertThat(refused.status()).as(path).isEqualTo(400);
            assertThat(refused.diagnostics()).contains("X-Break-Glass-Reason must give the reason in words");
        }
        Fhir.Response after = Fhir.get(stack.fhirBaseUrl() + "/Patient/" + someone.id(), token("hospital.nurse"));
        assertThat(after.status()).as("no break-glass window was opened").isEqualTo(403);
        assertThat(after.diagnostics()).contains("No legitimate relationship");
    }

    @Test
    void aStatedRelationshipMustGiveAReasonInWords() {
        for (String reason : new String[] {".", "   ", "....!!!!....", "a b"}) {
            Fhir.Response response = Fhir.get(
                    stack.fhirBaseUrl() + "/Patient/" + patient.id(),
                    token("hospital.nurse"),
                    Map.of("X-Care-Relationship", reason));
            assertThat(response.status()).as("'" + reason + "'").isEqualTo(400);
            assertThat(response.diagnostics()).contains("X-Care-Relationship must give the reason in words");
        }
        Fhir.Response stated = Fhir.get(
                stack.fhirBaseUrl() + "/Patient/" + patient.id(),
                token("hospital.nurse"),
                Map.of("X-Care-Relationship", "Outpatient referral received today"));
        assertThat(stated.status()).isEqualTo(200);
    }

    @Test
    void theCapabilityStatementListsOnlyWhatAClientMayUse() {
        Fhir.Response metadata = Fhir.get(stack.fhirBaseUrl() + "/metadata", null);
        assertThat(metadata.status()).isEqualTo(200);
        String statement = metadata.body().toString();
        assertThat(statement)
                .doesNotContain("\"expunge\"")
                .doesNotContain("\"validate\"")
                .doesNotContain("\"lastn\"")
                .doesNotContain("history-system")
                .doesNotContain("\"reindex\"")
                .doesNotContain("meta-add");
        assertThat(statement).contains("\"everything\"", "\"summary\"", "SMART-on-FHIR");
        assertThat(statement).contains("Care providers' systems only"); // a type's history
        assertThat(statement)
                .as("refused to every client")
                .doesNotContain("\"name\":\"_has\"")
                .doesNotContain("\"name\":\"_security\"");
    }

    @Test
    void theConsoleRedirectsOnlyWithinItselfWhateverTheHostHeaderSays() throws Exception {
        // java.net.http refuses to set Host, so a raw request over a socket
        URI console = URI.create(stack.auditUrl() + "/trail");
        try (var socket = new java.net.Socket(console.getHost(), console.getPort())) {
            socket.getOutputStream()
                    .write(("GET /trail HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
                            .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 302");
            assertThat(answer).doesNotContainIgnoringCase("evil.example");
            String cookie = answer.lines()
                    .filter(l -> l.regionMatches(true, 0, "Set-Cookie:", 0, 11))
                    .findFirst()
                    .orElse("");
            if (!cookie.isEmpty()) {
                assertThat(cookie).containsIgnoringCase("SameSite=Lax").containsIgnoringCase("HttpOnly");
            }
        }
    }

    private static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String token(String persona) {
        return stack.tokens().token(persona);
    }
}
