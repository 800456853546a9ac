package org.carerecord.e2e.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.UUID;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.e2e.support.TestPatients.TestPatient;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record's contained resources are stored as they were sent and read back whole: the contained resource with its
 * id, the {@code #id} reference to it, and references inside it resolved like any other (a conditional reference to
 * the patient, as Synthea's claims carry). The server encodes what {@code Resource.contained} holds and nothing
 * else (HAPI's automatic containment is off, {@code ContainedAsSent}); this is what that must not change.
 */
@ExtendWith(RunningStack.class)
class ContainedResourcesIT {

    @Test
    void aRecordsContainedResourcesAreStoredAsSentAndReadBackWhole(CareRecordStack stack) {
        DemoData.load(stack);
        TestPatient patient = TestPatients.davidLike(stack);
        String pas = stack.tokens().token("rtd-pas");
        String prescription = UUID.randomUUID().toString();
        String procedure = UUID.randomUUID().toString();
        Fhir.Response stored = Fhir.post(
                stack.fhirBaseUrl(), pas, """
            {"resourceType":"Bundle","type":"transaction","entry":[
             {"fullUrl":"urn:uuid:%1$s",
              "resource":{"resourceType":"MedicationRequest","status":"active","intent":"order",
                "contained":[{"resourceType":"Medication","id":"med",
                  "code":{"coding":[{"system":"http://snomed.info/sct","code":"322236009",
                                     "display":"Paracetamol 500mg tablets"}]}}],
                "medicationReference":{"reference":"#med"},
                "subject":{"reference":"Patient/%3$s"}},
              "request":{"method":"POST","url":"MedicationRequest"}},
             {"fullUrl":"urn:uuid:%2$s",
              "resource":{"resourceType":"Procedure","status":"completed",
                "code":{"coding":[{"system":"http://snomed.info/sct","code":"71388002","display":"Procedure"}]},
                "contained":[{"resourceType":"Observation","id":"finding","status":"final",
                  "code":{"coding":[{"system":"http://snomed.info/sct","code":"404684003"}]},
                  "subject":{"reference":"Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|%4$s"}}],
                "subject":{"reference":"Patient/%3$s"},
                "reasonReference":[{"reference":"#finding"}]},
              "request":{"method":"POST","url":"Procedure"}}]}""".formatted(prescription, procedure, patient.id(), patient.nhsNumber()));
        assertThat(stored.status()).as(stored.body().toString()).isEqualTo(200);

        JsonNode medicationRequest = readBack(stack, pas, stored, 0);
        assertThat(medicationRequest.path("contained")).hasSize(1);
        JsonNode medication = medicationRequest.path("contained").path(0);
        assertThat(medication.path("resourceType").asText()).isEqualTo("Medication");
        assertThat(medication.path("id").asText()).isEqualTo("med");
        assertThat(medication.at("/code/coding/0/code").asText()).isEqualTo("322236009");
        assertThat(medicationRequest.at("/medicationReference/reference").asText())
                .isEqualTo("#med");

        JsonNode stored2 = readBack(stack, pas, stored, 1);
        assertThat(stored2.path("contained")).hasSize(1);
        JsonNode finding = stored2.path("contained").path(0);
        assertThat(finding.path("id").asText()).isEqualTo("finding");
        assertThat(finding.at("/subject/reference").asText())
                .as("a conditional reference inside a contained resource is resolved like any other")
                .isEqualTo("Patient/" + patient.id());
        assertThat(stored2.at("/reasonReference/0/reference").asText()).isEqualTo("#finding");
    }

    private static JsonNode readBack(CareRecordStack stack, String token, Fhir.Response stored, int entry) {
        String location = stored.body()
                .path("entry")
                .path(entry)
                .path("response")
                .path("location")
                .asText()
                .replaceAll("/_history/.*", "");
        Fhir.Response read = Fhir.get(stack.fhirBaseUrl() + "/" + location, token);
        assertThat(read.status()).as(location + ": " + read.body()).isEqualTo(200);
        return read.body();
    }
}
