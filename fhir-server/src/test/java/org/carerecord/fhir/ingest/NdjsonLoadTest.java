package org.carerecord.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.jpa.FhirServerProperties;
import org.carerecord.fhir.limits.RequestLimitsProperties;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.PurposeOfUse;
import org.carerecord.security.token.SmartScope;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.util.unit.DataSize;

/**
 * {@code $load}'s first pass: every line is checked before anything is written, and every bad line is named by
 * its number in the file. The server here has no storage at all (no system DAO): a load that tried to write
 * anything would fail with something other than the refusal each test expects.
 */
class NdjsonLoadTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static NdjsonLoad load;

    private static final String PATIENT = """
            {"resourceType":"Patient","id":"p1","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000009"}],"name":[{"family":"Hartley"}]}""";
    private static final String CONDITION = """
            {"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p1"},"code":{"coding":[{"system":"http://snomed.info/sct","code":"195967001"}]}}""";

    /** A line at most 1 KB; a body at most 64 KB once inflated. */
    private static final RequestLimitsProperties LIMITS =
            new RequestLimitsProperties(DataSize.ofKilobytes(1), DataSize.ofKilobytes(64), 100);

    @BeforeAll
    static void server() {
        load = new NdjsonLoad(
                FHIR,
                null,
                new FhirServerProperties(List.of("Patient", "Condition"), 20, 200, 2),
                new RecordValidation(new BaseProfileValidator(FHIR, true), FHIR),
                null, // pass 1 only: nothing is written
                LIMITS);
    }

    private static ServletRequestDetails request(String scopes) {
        List<SmartScope> granted = Stream.of(scopes.split(" "))
                .map(SmartScope::parse)
                .flatMap(Optional::stream)
                .toList();
        CareClaims system =
                new CareClaims("gp-system", "gp-system", granted, null, null, "A81001", PurposeOfUse.TREAT, null);
        return new Requester(system, PurposeOfUse.TREAT, null, null, null).attachTo(new ServletRequestDetails());
    }

    private static MockHttpServletRequest body(String ndjson) {
        MockHttpServletRequest http = new MockHttpServletRequest("POST", "/fhir/$load");
        http.setContent(ndjson.getBytes(StandardCharsets.UTF_8));
        return http;
    }

    /** The one problem a load refused for. */
    private static String onlyProblem(NdjsonLoad load, String scopes, String file) {
        Throwable refused = catchThrowable(() -> load.load(request(scopes), body(file), new MockHttpServletResponse()));
        assertThat(refused).as("the load is refused").isNotNull();
        List<String> problems = problems(refused);
        assertThat(problems).hasSize(1);
        return problems.get(0);
    }

    private static List<String> problems(Throwable refused) {
        OperationOutcome outcome = (OperationOutcome) ((UnprocessableEntityException) refused).getOperationOutcome();
        return outcome.getIssue().stream()
                .map(OperationOutcome.OperationOutcomeIssueComponent::getDiagnostics)
                .toList();
    }

    @Test
    void everyBadLineIsNamedByItsNumberAndTheGoodOnesAreNot() {
        String file = String.join(
                "\n",
                PATIENT, // 1
                "", // 2: blank lines count
                "{\"resourceType\":\"Condition\",\"id\":", // 3: not JSON
                "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}", // 4
                "{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/p1\"}}", // 5: no id
                "{\"resourceType\":\"Condition\",\"id\":\"c2\",\"subject\":{\"reference\":\"urn:uuid:8c1f1d4e-1d2b-4b7a-9d1c-1f2e3d4c5b6a\"}}", // 6
                "{\"resourceType\":\"Condition\",\"id\":\"c3\",\"code\":{\"text\":\"no subject\"}}", // 7: base profile
                "{\"resourceType\":\"Patient\",\"id\":\"p2\",\"identifier\":[{\"system\":\"https://fhir.nhs.uk/Id/nhs-number\",\"value\":\"9000000001\"}]}", // 8
                CONDITION); // 9

        assertThatThrownBy(() -> load.load(
                        request("system/Patient.cu system/Condition.cu"), body(file), new MockHttpServletResponse()))
                .isInstanceOf(UnprocessableEntityException.class)
                .satisfies(refused -> assertThat(problems(refused))
                        .satisfiesExactly(
                                p -> assertThat(p).startsWith("line 3: not a FHIR resource"),
                                p -> assertThat(p).startsWith("line 4: Observation is not a type this record holds"),
                                p -> assertThat(p).startsWith("line 5: Condition has no id"),
                                p -> assertThat(p).startsWith("line 6: ").contains("urn:uuid"),
                                p -> assertThat(p).startsWith("line 7: ").contains("subject"),
                                p -> assertThat(p).startsWith("line 8: ").containsIgnoringCase("NHS number")));
    }

    @Test
    void aRecordOnTwoLinesIsRefusedNamingBoth() {
        // found by a review: written in one pass, both versions were stored, and again on every reload
        String amended = CONDITION.replace("195967001", "38341003");
        assertThat(onlyProblem(
                        load,
                        "system/*.cruds",
                        String.join("\n", PATIENT, CONDITION, PATIENT.replace("p1", "p2"), amended)))
                .isEqualTo(
                        "line 4: Condition/c1 is on line 2 too: a load holds one version of a record (loading it again"
                                + " must change nothing)");
    }

    @Test
    void aTypeTheSystemMayNotWriteIsRefusedLineByLine() {
        assertThat(onlyProblem(load, "system/Patient.cu", PATIENT + "\n" + CONDITION))
                .startsWith("line 2: ")
                .contains("update on Condition");
    }

    @Test
    void aLineOrAnInflatedBodyPastItsLimitIsRefusedWith413NamingIt() throws Exception {
        String tooLong = CONDITION.replace("195967001", "1".repeat(1100));
        Throwable line = catchThrowable(() ->
                load.load(request("system/*.cruds"), body(PATIENT + "\n" + tooLong), new MockHttpServletResponse()));
        assertThat(line).isInstanceOf(PayloadTooLargeException.class).hasMessageContaining("line 2 is longer than");

        // a gzipped body counted as sent; what it inflates to is held to the bulk body's limit
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write((PATIENT + "\n").repeat(1000).getBytes(StandardCharsets.UTF_8));
        }
        MockHttpServletRequest bomb = new MockHttpServletRequest("POST", "/fhir/$load");
        bomb.addHeader("Content-Encoding", "gzip");
        bomb.setContent(zipped.toByteArray());
        assertThat(zipped.size()).isLessThan(64 * 1024);
        Throwable inflated =
                catchThrowable(() -> load.load(request("system/*.cruds"), bomb, new MockHttpServletResponse()));
        assertThat(inflated).isInstanceOf(PayloadTooLargeException.class).hasMessageContaining("once inflated");
    }

    @Test
    void aSubscriptionIsNotWrittenInBulkWhereItsEndpointAndCriteriaWouldGoUnchecked() {
        // found from inside: bulk lines are written as the system's own request, which SubscriptionRules lets
        // through unchecked (HAPI's status changes are made that way): an endpoint off the allow-list, a probing
        // criteria, no recipient kept
        NdjsonLoad holdingSubscriptions = new NdjsonLoad(
                FHIR,
                null,
                new FhirServerProperties(List.of("Patient", "Subscription"), 20, 200, 2),
                new RecordValidation(new BaseProfileValidator(FHIR, true), FHIR),
                null, // pass 1 only: nothing is written
                LIMITS);
        String subscription = """
                {"resourceType":"Subscription","id":"s1","status":"requested","reason":"admissions","criteria":"Encounter?class=IMP","channel":{"type":"rest-hook","endpoint":"http://elsewhere.example/hook"}}""";

        assertThat(onlyProblem(holdingSubscriptions, "system/*.cruds", PATIENT + "\n" + subscription))
                .startsWith("line 2: ")
                .contains("POST /Subscription");
    }

    @Test
    void aGzippedBodyIsReadAndAtMostFiftyProblemsAreListed() throws IOException {
        String bad = IntStream.range(0, 120)
                .mapToObj(i -> "{\"resourceType\":\"Condition\"}")
                .reduce((a, b) -> a + "\n" + b)
                .orElseThrow();
        ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(bad.getBytes(StandardCharsets.UTF_8));
        }
        MockHttpServletRequest http = new MockHttpServletRequest("POST", "/fhir/$load");
        http.addHeader("Content-Encoding", "gzip");
        http.setContent(zipped.toByteArray());

        assertThatThrownBy(() -> load.load(request("system/Condition.cu"), http, new MockHttpServletResponse()))
                .satisfies(refused -> {
                    assertThat(problems(refused)).hasSize(50);
                    assertThat(problems(refused).get(49)).startsWith("line 50: ");
                });
    }

    @Test
    void aBodyWithNoResourcesIsAClientError() {
        assertThatThrownBy(
                        () -> load.load(request("system/Condition.cu"), body("\n  \n"), new MockHttpServletResponse()))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("no resources");
    }
}
