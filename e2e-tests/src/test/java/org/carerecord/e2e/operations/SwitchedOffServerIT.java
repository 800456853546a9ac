package org.carerecord.e2e.operations;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.ServiceProcess;
import org.carerecord.launcher.service.StackPorts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The benchmarks price consent, audit and validation by comparing with a second fhir-server that has them
 * switched off ({@code -Dbench.off=...}); that server must start and serve. It did not once Patient/$match
 * needed the consent interceptor (found when the ingest benchmark could not start it).
 */
@ExtendWith(RunningStack.class)
class SwitchedOffServerIT {

    @Test
    void theServerTheBenchmarksCompareWithStartsWithConsentAuditAndValidationOff(CareRecordStack stack) {
        int port = StackPorts.free().fhirServer();
        ServiceProcess off = stack.startAnother(
                "fhir-server",
                port,
                "1024m",
                Map.of(
                        "CARE_CONSENT_ENABLED", "false",
                        "CARE_AUDIT_ENABLED", "false",
                        "CARE_FHIR_VALIDATE_BASE_PROFILE", "false"));
        try {
            Fhir.Response pushed = Fhir.post(
                    "http://localhost:" + port + "/fhir", stack.tokens().token("rtd-pas"), """
                    {"resourceType":"Bundle","type":"transaction","entry":[
                     {"fullUrl":"Patient/switched-off-check","resource":{"resourceType":"Patient","id":"switched-off-check",
                      "name":[{"family":"Offswitch"}],"gender":"unknown"},
                      "request":{"method":"PUT","url":"Patient/switched-off-check"}}]}""");
            assertThat(pushed.status()).as(pushed.body().toString()).isEqualTo(200);
        } finally {
            stack.stopAnother(off);
        }
    }
}
