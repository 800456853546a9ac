package org.carerecord.e2e.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** If the audit record cannot be written, the data does not leave: the client gets a 5xx instead. */
@ExtendWith(RunningStack.class)
class NoAuditNoDataIT {

    @Test
    void whenTheOutboxCannotBeWrittenReadsFailWithoutData(CareRecordStack stack) throws SQLException {
        String token = stack.tokens().token("gp.clinician");
        String url = stack.fhirBaseUrl() + "/Organization?name=no-audit-no-data";
        assertThat(Fhir.get(url, token).status()).isEqualTo(200);

        try (Connection c = stack.connect("fhir");
                Statement s = c.createStatement()) {
            s.execute("alter table care.audit_outbox rename to audit_outbox_unavailable");
            try {
                Fhir.Response refused = Fhir.get(url, token);
                assertThat(refused.status()).isEqualTo(500);
                assertThat(refused.body().path("resourceType").asText()).isEqualTo("OperationOutcome");
                assertThat(refused.diagnostics()).contains("could not be audited");
                assertThat(refused.body().toString()).doesNotContain("\"Bundle\"", "audit_outbox");
            } finally {
                s.execute("alter table care.audit_outbox_unavailable rename to audit_outbox");
            }
        }
        assertThat(Fhir.get(url, token).status()).isEqualTo(200);
    }
}
