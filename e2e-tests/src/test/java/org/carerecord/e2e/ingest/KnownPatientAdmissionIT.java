package org.carerecord.e2e.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import org.carerecord.e2e.support.Bundles;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.e2e.support.TestPatients.TestPatient;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A hospital's admission of a patient the record already holds, sent the usual way: the Patient created only if
 * none has the NHS number ({@code ifNoneExist}), the diagnosis and encounter referring to it by {@code urn:uuid}.
 * Found while testing system reads: it was refused at random as "not valid FHIR R4: Unable to resolve resource
 * with reference '#…'" — the base-profile validator ran beside storage on the very entry HAPI was rewriting.
 */
@ExtendWith(RunningStack.class)
class KnownPatientAdmissionIT {

    @Test
    void anAdmissionOfAKnownPatientIsStoredAgainstThatPatient(CareRecordStack stack) {
        DemoData.load(stack);
        for (int i = 0; i < 8; i++) {
            TestPatient patient = TestPatients.davidLike(stack);
            Fhir.Response admitted = Fhir.post(
                    stack.fhirBaseUrl(),
                    stack.tokens().token("rtd-pas"),
                    Bundles.admission(patient.nhsNumber(), "RTD"));
            assertThat(admitted.status()).as(admitted.body().toString()).isEqualTo(200);
            assertThat(admitted.body()
                            .path("entry")
                            .path(0)
                            .path("response")
                            .path("location")
                            .asText())
                    .as("the Patient already held, not a new one")
                    .startsWith("Patient/" + patient.id() + "/");
            Fhir.Response diagnosis = Fhir.get(
                    stack.fhirBaseUrl() + "/Condition?identifier=https://rtd.example/condition|c-"
                            + patient.nhsNumber(),
                    stack.tokens().token("rtd-pas"));
            assertThat(diagnosis
                            .firstResource()
                            .path("subject")
                            .path("reference")
                            .asText())
                    .isEqualTo("Patient/" + patient.id());
        }
    }
}
