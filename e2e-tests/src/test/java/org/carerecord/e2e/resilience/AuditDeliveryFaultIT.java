package org.carerecord.e2e.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Bundles;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * "Nothing lost": reads go on while audit-service is down, and fhir-server is killed with records still
 * in its outbox; afterwards every 2xx that returned patient data has exactly one audit record, and the
 * chain verifies.
 */
@ExtendWith(RunningStack.class)
class AuditDeliveryFaultIT {

    private static final int READS_PER_PHASE = 40;

    @Test
    void everyReadIsAuditedExactlyOnceThroughAnAuditOutageAndAFhirServerCrash(CareRecordStack stack) {
        String patient = "Patient/" + seedPatient(stack);
        List<String> served = new ArrayList<>();

        ServiceProcess audit = stack.service("audit-service");
        audit.close();
        served.addAll(read(stack, patient, READS_PER_PHASE));
        long backlog = Audit.count(stack, "fhir", "select count(*) from care.audit_outbox");
        assertThat(backlog)
                .as("records wait in the outbox while audit-service is down")
                .isGreaterThanOrEqualTo(READS_PER_PHASE);
        audit.restart();
        audit.awaitHealthy(Duration.ofMinutes(3));

        // Kill fhir-server (SIGKILL) right after a burst, before its relay can have delivered it all.
        ServiceProcess fhir = stack.service("fhir-server");
        served.addAll(read(stack, patient, READS_PER_PHASE));
        long pendingAtKill = Audit.count(stack, "fhir", "select count(*) from care.audit_outbox");
        fhir.kill();
        fhir.restart();
        fhir.awaitHealthy(Duration.ofMinutes(5));
        served.addAll(read(stack, patient, 5));

        Audit.awaitOutboxDrained(stack);
        for (String requestId : served) {
            assertThat(Audit.recordsOf(stack, requestId))
                    .as("audit records of request %s", requestId)
                    .isEqualTo(1);
        }
        assertThat(Audit.count(stack, "audit", "select count(*) - count(distinct event_id) from audit_event"))
                .isZero();
        Fhir.Response verify =
                Fhir.get(stack.auditUrl() + "/audit/verify", stack.tokens().token("privacy.officer"));
        assertThat(verify.body().path("intact").asBoolean()).isTrue();
        System.out.printf(
                "fault test: %d reads served with data; outbox held %d during the audit outage and %d"
                        + " at the kill; %d audited exactly once, 0 lost, 0 duplicated%n",
                served.size(), backlog, pendingAtKill, served.size());
    }

    private static String seedPatient(CareRecordStack stack) {
        Fhir.Response pushed =
                Fhir.post(stack.fhirBaseUrl(), stack.tokens().token("rtd-pas"), Bundles.admission("9000000068", "RTD"));
        assertThat(pushed.status()).isEqualTo(200);
        return pushed.body().at("/entry/0/response/location").asText().split("/")[1];
    }

    private static List<String> read(CareRecordStack stack, String patient, int count) {
        String token = stack.tokens().token("gp.clinician");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Fhir.Response response = Fhir.get(stack.fhirBaseUrl() + "/" + patient, token);
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body().path("resourceType").asText()).isEqualTo("Patient");
            ids.add(response.requestId());
        }
        return ids;
    }
}
