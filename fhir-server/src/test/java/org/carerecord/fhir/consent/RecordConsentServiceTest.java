package org.carerecord.fhir.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.carerecord.fhir.access.GranularScopes;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.jpa.FhirServerProperties;
import org.carerecord.fhir.relationship.CareRelationships;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.CareRelationship;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.PurposeOfUse;
import org.carerecord.security.token.SmartScope;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Steps 2-4 of a request without the rest of the server: the request and the records it would return go in,
 * consent-service's decisions come from a small HTTP server answering by patient (as consent-service does,
 * JSON over HTTP), and what comes out is what HAPI's consent framework would do — proceed, leave out, or refuse
 * with the status and reason the clinician sees.
 */
class RecordConsentServiceTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    /** consent-service's answers, by patient: the GP's patient, the opted-out one, the one whose mental health records are withheld. */
    private static final Map<String, String> DECISIONS = Map.of(
            "registered", decision("PERMIT", "registered with A81001", "[\"Patient\",\"Condition\"]", "[]"),
            "opted-out", decision("DENY", "The patient has opted out of sharing", "[]", "[]"),
            "restricted",
                    decision("PERMIT", "registered with A81001", "[\"Patient\",\"Condition\"]", "[\"MENTAL_HEALTH\"]"));

    private HttpServer consentService;
    private final List<AccessRequest> asked = new CopyOnWriteArrayList<>();
    private RecordConsentService service;

    private static String decision(String decision, String reason, String types, String withheld) {
        return """
                {"decisionId":"d-%s","decision":"%s","reason":"%s","policy":"roles.json@1#R8000",
                 "permittedResourceTypes":%s,"obligations":[],"withheldCategories":%s,"breakGlassAvailable":true}""".formatted(decision, decision, reason, types, withheld);
    }

    @BeforeEach
    void start() throws IOException {
        ObjectMapper json = new ObjectMapper();
        consentService = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        consentService.createContext("/decisions", exchange -> {
            AccessRequest request = json.readValue(exchange.getRequestBody(), AccessRequest.class);
            asked.add(request);
            byte[] body = DECISIONS.getOrDefault(request.patientId(), "{}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        consentService.start();
        var restClient = org.springframework.web.client.RestClient.builder()
                .baseUrl("http://localhost:" + consentService.getAddress().getPort())
                .build();
        ConsentClient client = new ConsentClient(
                restClient,
                new DecisionCache(new ConsentProperties(
                        java.net.URI.create("http://unused"), Duration.ofSeconds(2), Duration.ofSeconds(30))));
        // the relationship index is PostgreSQL's (tested end to end); here the GP holds a registration with everyone
        CareRelationships relationships = new CareRelationships(null, java.time.Duration.ZERO) {
            @Override
            public List<CareRelationship> between(String patientId, String organisation) {
                return List.of(new CareRelationship(
                        CareRelationship.REGISTERED_GP, "Patient/" + patientId, "active", null, null));
            }
        };
        service = new RecordConsentService(
                client,
                new PatientCompartment(FHIR),
                relationships,
                new SensitivityClassifier(FHIR),
                new GranularScopes(null),
                new FhirServerProperties(List.of("Patient", "Condition", "MedicationRequest"), 20, 200, 2),
                null);
    }

    @AfterEach
    void stop() {
        consentService.stop(0);
    }

    private static CareClaims gp(String scopes, String launchPatient) {
        List<SmartScope> granted = Stream.of(scopes.split(" "))
                .map(SmartScope::parse)
                .flatMap(Optional::stream)
                .toList();
        return new CareClaims(
                "gp-1",
                "clinician-viewer",
                granted,
                "Practitioner/pr-1",
                "R8000",
                "A81001",
                PurposeOfUse.TREAT,
                launchPatient);
    }

    private static SystemRequestDetails request(
            CareClaims claims,
            RestOperationTypeEnum operation,
            String type,
            String id,
            Map<String, String[]> parameters) {
        SystemRequestDetails request = new SystemRequestDetails();
        request.setRestOperationType(operation);
        request.setResourceName(type);
        if (id != null) {
            request.setId(new IdType(type, id));
        }
        request.setParameters(new java.util.HashMap<>(parameters));
        return new Requester(claims, PurposeOfUse.TREAT, null, null, null).attachTo(request);
    }

    private static SystemRequestDetails search(CareClaims claims, String type, String patient) {
        return request(
                claims, RestOperationTypeEnum.SEARCH_TYPE, type, null, Map.of("patient", new String[] {patient}));
    }

    private static Condition condition(String patient, String psyLabel) {
        Condition condition = new Condition();
        condition.setId("Condition/c-" + patient);
        condition.setSubject(new Reference("Patient/" + patient));
        if (psyLabel != null) {
            condition.getMeta().addSecurity("http://terminology.hl7.org/CodeSystem/v3-ActCode", psyLabel, null);
        }
        return condition;
    }

    private static int refusal(Runnable call) {
        try {
            call.run();
        } catch (BaseServerResponseException refused) {
            return refused.getStatusCode();
        }
        return 200;
    }

    @Test
    void aRequestAimedAtAPatientIsRefusedUpFrontWithTheDecisionsReason() {
        SystemRequestDetails request = search(gp("user/*.rs", null), "Condition", "opted-out");

        assertThatThrownBy(() -> service.startOperation(request, null))
                .isInstanceOfSatisfying(
                        BaseServerResponseException.class,
                        e -> assertThat(e.getStatusCode()).isEqualTo(403))
                .hasMessageContaining("opted out")
                .hasMessageContaining("roles.json@1#R8000");
        assertThat(asked).singleElement().satisfies(a -> {
            assertThat(a.resourceTypes()).containsExactly("Condition");
            assertThat(a.relationships())
                    .as("the relationship evidence goes with the question")
                    .hasSize(1);
            assertThat(a.purposeOfUse()).isEqualTo("TREAT");
        });
    }

    @Test
    void eachReturnedRecordIsShownLeftOutOrRefusedByTypeAndCategory() {
        CareClaims gp = gp("user/*.rs", null);
        SystemRequestDetails searching = search(gp, "Condition", "restricted");

        assertThat(service.startOperation(searching, null)).isEqualTo(ConsentOutcome.PROCEED);
        assertThat(service.canSeeResource(searching, condition("restricted", null), null))
                .isEqualTo(ConsentOutcome.PROCEED);
        assertThat(service.canSeeResource(searching, condition("restricted", "PSY"), null))
                .as("a restricted category is left out of a search")
                .isEqualTo(ConsentOutcome.REJECT);
        MedicationRequest medication = new MedicationRequest().setSubject(new Reference("Patient/restricted"));
        medication.setId("MedicationRequest/m1");
        assertThat(service.canSeeResource(searching, medication, null))
                .as("a type the role may not see is left out")
                .isEqualTo(ConsentOutcome.REJECT);
        assertThat(RequestDecisions.of(searching).withheldReasons())
                .containsExactlyInAnyOrder(
                        RequestDecisions.Withholding.RESTRICTED_CATEGORY, RequestDecisions.Withholding.ROLE);
        assertThat(asked).as("one question per patient and type in a request").hasSize(2);

        SystemRequestDetails reading = request(gp, RestOperationTypeEnum.READ, "Condition", "c-restricted", Map.of());
        assertThat(refusal(() -> service.canSeeResource(reading, condition("restricted", "PSY"), null)))
                .as("a record asked for by id is refused with the reason")
                .isEqualTo(403);
    }

    @Test
    void aRecordOutsideTheTokensScopesIsLeftOutWithoutAskingConsentService() {
        SystemRequestDetails request = search(gp("user/Patient.rs", null), "Condition", "registered");

        assertThat(service.canSeeResource(request, condition("registered", null), null))
                .isEqualTo(ConsentOutcome.REJECT);
        assertThat(RequestDecisions.of(request).withheldReasons()).containsExactly(RequestDecisions.Withholding.SCOPE);
        assertThat(asked).isEmpty();
    }

    @Test
    void aSessionLaunchedForOnePatientReachesNoOtherAndConsentServiceIsNotAsked() {
        CareClaims launched = gp("user/*.rs", "registered");

        assertThat(service.startOperation(search(launched, "Condition", "registered"), null))
                .isEqualTo(ConsentOutcome.PROCEED);
        asked.clear();
        assertThat(refusal(() -> service.startOperation(search(launched, "Condition", "restricted"), null)))
                .as("answered like a record that does not exist")
                .isEqualTo(404);
        assertThat(asked).isEmpty();
    }

    @Test
    void searchFeaturesThatCouldRevealWithheldRecordsAreRefusedToUsersOnly() {
        for (String probe : List.of("_has:Condition:patient:code", "_security")) {
            SystemRequestDetails user = request(
                    gp("user/*.rs", null),
                    RestOperationTypeEnum.SEARCH_TYPE,
                    "Patient",
                    null,
                    Map.of(probe, new String[] {"x"}));
            assertThat(refusal(() -> service.startOperation(user, null)))
                    .as(probe)
                    .isEqualTo(400);
        }
    }

    @Test
    void aProviderSystemsWriteShowsNothingAndAsksNothing() {
        CareClaims system = new CareClaims(
                "gp-system",
                "gp-system",
                List.of(SmartScope.parse("system/Condition.cu").orElseThrow()),
                null,
                null,
                "A81001",
                PurposeOfUse.TREAT,
                null);
        Bundle writes = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        writes.addEntry().setResource(condition("opted-out", null)).getRequest().setMethod(Bundle.HTTPVerb.POST);
        SystemRequestDetails request = request(system, RestOperationTypeEnum.TRANSACTION, null, null, Map.of());
        request.setResource(writes);

        assertThat(service.startOperation(request, null)).isEqualTo(ConsentOutcome.AUTHORIZED);
        assertThat(asked).isEmpty();
    }

    @Test
    void aSearchWhoseEveryResultIsKnownPermittedIsNotCheckedRecordByRecord() {
        CareClaims gp = gp("user/*.rs", null);
        SystemRequestDetails permitted = search(gp, "Condition", "registered");
        service.startOperation(permitted, null);
        assertThat(service.shouldProcessCanSeeResource(permitted, null)).isFalse();

        SystemRequestDetails withCategories = search(gp, "Condition", "restricted");
        service.startOperation(withCategories, null);
        assertThat(service.shouldProcessCanSeeResource(withCategories, null))
                .as("a category is withheld")
                .isTrue();

        SystemRequestDetails including = request(
                gp,
                RestOperationTypeEnum.SEARCH_TYPE,
                "Condition",
                null,
                Map.of("patient", new String[] {"registered"}, "_include", new String[] {"Condition:asserter"}));
        service.startOperation(including, null);
        assertThat(service.shouldProcessCanSeeResource(including, null))
                .as("_include brings other records")
                .isTrue();
    }

    @Test
    void everythingAsksOnlyForThePermittedTypesAndRefusesATypeAskedForThatIsNot() {
        CareClaims gp = gp("user/*.rs", null);
        SystemRequestDetails everything =
                request(gp, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE, "Patient", "registered", Map.of());
        everything.setOperation("$everything");
        service.narrowEverything(everything);
        assertThat(everything.getParameters().get("_type")).containsExactly("Patient,Condition");

        SystemRequestDetails askingForMedication = request(
                gp,
                RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE,
                "Patient",
                "registered",
                Map.of("_type", new String[] {"Condition,MedicationRequest"}));
        askingForMedication.setOperation("$everything");
        assertThatThrownBy(() -> service.narrowEverything(askingForMedication))
                .hasMessageContaining("MedicationRequest");
    }

    @Test
    void whenConsentServiceCannotAnswerTheRequestIsRefusedWith503() {
        SystemRequestDetails request = search(gp("user/*.rs", null), "Condition", "nobody-known"); // answers "{}"

        assertThat(refusal(() -> service.startOperation(request, null))).isEqualTo(503);
    }
}
