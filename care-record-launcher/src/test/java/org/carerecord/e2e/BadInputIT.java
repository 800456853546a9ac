package org.carerecord.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** A provider's bad input gets a clear 4xx OperationOutcome and leaves nothing behind. */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT {

    private CareRecordStack stack;
    private String token;

    @BeforeAll
    void connect(CareRecordStack stack) {
        this.stack = stack;
        this.token = stack.tokens().token("rtd-pas");
    }

    @Test
    void malformedJsonIsA400OperationOutcomeWithoutAStackTrace() {
        Fhir.Response response = Fhir.post(stack.fhirBaseUrl() + "/Patient", token, "{\"resourceType\":\"Patient\",");
        assertThat(response.status()).isEqualTo(400);
        assertOperationOutcome(response);
    }

    @Test
    void anUnknownResourceTypeIsA404OperationOutcome() {
        Fhir.Response response = Fhir.get(stack.fhirBaseUrl() + "/Spaceship?name=x", token);
        assertThat(response.status()).isEqualTo(404);
        assertOperationOutcome(response);
    }

    @Test
    void anInvalidNhsNumberIsRefusedAndNamed() {
        Fhir.Response response = Fhir.post(stack.fhirBaseUrl() + "/Patient", token, """
                {"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"9000000001"}]}""");
        assertThat(response.status()).isEqualTo(422);
        assertOperationOutcome(response);
        assertThat(response.diagnostics()).contains("9000000001").contains("NHS number");
    }

    @Test
    void aBundleWithOneInvalidEntryStoresNothing() {
        String bundle = Bundles.admission("9000000050", "RTD");
        // 9000000050 fails the check digit: the Patient entry is invalid, the other three are fine
        Fhir.Response response = Fhir.post(stack.fhirBaseUrl(), token, bundle);
        assertThat(response.status()).isBetween(400, 499);
        assertOperationOutcome(response);
        for (String search : new String[] {
                "Encounter?identifier=https://rtd.example/enc|e-9000000050",
                "Condition?identifier=https://rtd.example/condition|c-9000000050",
                "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9000000050"}) {
            Fhir.Response found = Fhir.get(stack.fhirBaseUrl() + "/" + search, token);
            assertThat(found.status()).isEqualTo(200);
            assertThat(found.total()).as(search).isZero();
        }
    }

    @Test
    void aScopeThatDoesNotCoverTheRequestIsForbidden() {
        Fhir.Response response = Fhir.post(stack.fhirBaseUrl() + "/Patient", stack.tokens().token("gp.clinician"), """
                {"resourceType":"Patient","name":[{"family":"Nobody"}]}""");
        assertThat(response.status()).isEqualTo(403);
        assertOperationOutcome(response);
    }

    private static void assertOperationOutcome(Fhir.Response response) {
        assertThat(response.body().path("resourceType").asText()).isEqualTo("OperationOutcome");
        assertThat(response.body().toString()).doesNotContain("at org.", "at ca.uhn", "Exception:");
    }
}
