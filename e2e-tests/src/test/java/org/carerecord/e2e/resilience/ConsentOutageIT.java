package org.carerecord.e2e.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fail closed, cache or no cache: with consent-service killed, even a read whose decision fhir-server had
 * cached a moment before is refused (503, an OperationOutcome, no data); when it is back, reads resume.
 * (Slow and garbage answers are covered against a real HTTP server in fhir-server's ConsentClientTest.)
 */
@ExtendWith(RunningStack.class)
class ConsentOutageIT {

    @Test
    void readsAreRefusedWhileConsentServiceIsDownAndResumeAfter(CareRecordStack stack) {
        DemoData.load(stack);
        String token = stack.tokens().token("gp.clinician");
        String patient = stack.fhirBaseUrl() + "/Patient/amelia-hartley";
        String conditions = stack.fhirBaseUrl() + "/Condition?patient=amelia-hartley";
        assertThat(Fhir.get(patient, token).status()).isEqualTo(200);
        assertThat(Fhir.get(patient, token).status())
                .as("decided from the cache this time")
                .isEqualTo(200);

        ServiceProcess consent = stack.service("consent-service");
        consent.kill();
        // fhir-server notices at once (its change-feed connection drops) and stops using its cache; a read
        // in that millisecond would still be decided correctly: nothing can change while consent-service is dead.
        Audit.pause(Duration.ofSeconds(1));
        try {
            for (String url : new String[] {patient, conditions}) {
                Fhir.Response refused = Fhir.get(url, token);
                assertThat(refused.status()).as(url).isEqualTo(503);
                assertThat(refused.body().path("resourceType").asText()).isEqualTo("OperationOutcome");
                assertThat(refused.diagnostics()).contains("consent service is unavailable");
                assertThat(refused.body().toString()).doesNotContain("Hartley").doesNotContain("44054006");
            }
        } finally {
            consent.restart();
            consent.awaitHealthy(Duration.ofMinutes(3));
        }
        assertThat(Fhir.get(patient, token).status()).isEqualTo(200);
        assertThat(Fhir.get(conditions, token).status()).isEqualTo(200);
    }
}
