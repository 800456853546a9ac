package org.carerecord.e2e.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every pushed record says which organisation's system pushed it, and only that organisation may change
 * or delete it: the hospital cannot rewrite the GP's diagnosis, not even inside a transaction.
 */
@ExtendWith(RunningStack.class)
class ProviderOwnershipIT {

    private static final String SOURCE = "https://care-record.example.org/CodeSystem/source-organisation";

    @Test
    void onlyThePushingOrganisationMayChangeARecordAndProvenanceCannotBeClaimed(CareRecordStack stack) {
        DemoData.load(stack);
        String fhir = stack.fhirBaseUrl();
        Fhir.Response created =
                Fhir.post(fhir + "/Condition", stack.tokens().token("gp-system"), """
                {"resourceType":"Condition","meta":{"tag":[{"system":"%s","code":"RTD"}]},
                 "code":{"coding":[{"system":"http://snomed.info/sct","code":"271737000","display":"Anaemia"}]},
                 "subject":{"reference":"Patient/susan-armstrong"}}""".formatted(SOURCE));
        assertThat(created.status()).isEqualTo(201);
        String id = created.body().path("id").asText();
        assertThat(sources(created.body())).isEqualTo("A81001");

        ObjectNode changed = ((ObjectNode) created.body()).deepCopy();
        ((ObjectNode) changed.path("code").path("coding").path(0)).put("display", "Anaemia (revised by RTD)");
        Fhir.Response byHospital =
                Fhir.put(fhir + "/Condition/" + id, stack.tokens().token("rtd-pas"), changed.toString());
        assertThat(byHospital.status()).isEqualTo(403);
        assertThat(byHospital.diagnostics()).contains("was pushed by A81001; only A81001's systems may update it");
        Fhir.Response deleteByHospital =
                Fhir.delete(fhir + "/Condition/" + id, stack.tokens().token("rtd-pas"));
        assertThat(deleteByHospital.status()).isEqualTo(403);

        Fhir.Response transaction = Fhir.post(fhir, stack.tokens().token("rtd-pas"), """
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"fullUrl":"urn:uuid:0b6f5f1e-1111-4000-8000-000000000001",
                   "resource":{"resourceType":"Condition","identifier":[{"system":"https://rtd.example/condition","value":"sneaky-1"}],
                               "code":{"coding":[{"system":"http://snomed.info/sct","code":"195967001"}]},
                               "subject":{"reference":"Patient/susan-armstrong"}},
                   "request":{"method":"POST","url":"Condition"}},
                  {"resource":%s,"request":{"method":"PUT","url":"Condition/%s"}}]}""".formatted(changed, id));
        assertThat(transaction.status()).isEqualTo(403);
        assertThat(Fhir.get(
                                fhir + "/Condition?identifier=https://rtd.example/condition|sneaky-1",
                                stack.tokens().token("gp-system"))
                        .total())
                .as("nothing of the refused transaction was written")
                .isZero();

        ((ObjectNode) changed.path("code").path("coding").path(0)).put("display", "Iron deficiency anaemia");
        Fhir.Response byGp = Fhir.put(fhir + "/Condition/" + id, stack.tokens().token("gp-system"), changed.toString());
        assertThat(byGp.status()).isEqualTo(200);
        Fhir.Response now = Fhir.get(fhir + "/Condition/" + id, stack.tokens().token("gp-system"));
        assertThat(now.body()
                        .path("code")
                        .path("coding")
                        .path(0)
                        .path("display")
                        .asText())
                .isEqualTo("Iron deficiency anaemia");
        assertThat(sources(now.body())).isEqualTo("A81001");
    }

    /** The source-organisation tags on a record, joined: exactly one is expected. */
    private static String sources(JsonNode resource) {
        StringBuilder codes = new StringBuilder();
        for (JsonNode tag : resource.path("meta").path("tag")) {
            if (SOURCE.equals(tag.path("system").asText())) {
                codes.append(codes.length() == 0 ? "" : ",")
                        .append(tag.path("code").asText());
            }
        }
        return codes.toString();
    }
}
