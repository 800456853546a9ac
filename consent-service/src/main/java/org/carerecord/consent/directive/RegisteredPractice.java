package org.carerecord.consent.directive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/**
 * The GP practice a patient is registered with, read from the record ({@code Patient.generalPractitioner}:
 * {@code Organization/<ODS code>} or an ODS identifier): the one care provider whose system may record the
 * patient's directive for them.
 */
@Component
class RegisteredPractice {

    private static final String ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";

    private final RestClient recordServer;
    private final ObjectMapper json = new ObjectMapper();

    RegisteredPractice(@Qualifier("recordServerClient") RestClient recordServer) {
        this.recordServer = recordServer;
    }

    /** The ODS code of the patient's registered practice; empty when the record names none or has no such patient. */
    Optional<String> of(String patientId) {
        String body;
        try {
            body = recordServer
                    .get()
                    .uri("/Patient/{id}", patientId)
                    .header("Accept", "application/fhir+json")
                    .retrieve()
                    .body(String.class);
        } catch (HttpClientErrorException.NotFound
                | HttpClientErrorException.Gone
                | HttpClientErrorException.Forbidden e) {
            // no such patient, or the record refuses even this service (a patient opted out): not known, so no
            // practice system may write for them (the patient or a privacy officer still can)
            return Optional.empty();
        }
        if (body == null || body.isBlank()) {
            return Optional.empty();
        }
        try {
            for (JsonNode gp : json.readTree(body).path("generalPractitioner")) {
                String reference = gp.path("reference").asText("");
                if (reference.startsWith("Organization/")) {
                    return Optional.of(reference.substring("Organization/".length()));
                }
                if (ODS_SYSTEM.equals(gp.path("identifier").path("system").asText())) {
                    return Optional.of(gp.path("identifier").path("value").asText());
                }
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("the record answered with something that is not a Patient", e);
        }
        return Optional.empty();
    }
}
