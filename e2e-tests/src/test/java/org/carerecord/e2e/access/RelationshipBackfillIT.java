package org.carerecord.e2e.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.ServiceProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An upgraded database holds records but no care relationship index: fhir-server builds it at start-up
 * from what the records name, and the hospital nurse can again see the patient RTD admitted.
 */
@ExtendWith(RunningStack.class)
class RelationshipBackfillIT {

    @Test
    void theIndexIsRebuiltFromTheRecordsAtStartUp(CareRecordStack stack) throws SQLException {
        DemoData.load(stack);
        String amelia = stack.fhirBaseUrl() + "/Patient/amelia-hartley";
        assertThat(Fhir.get(amelia, stack.tokens().token("hospital.nurse")).status())
                .isEqualTo(200);

        ServiceProcess fhir = stack.service("fhir-server");
        fhir.close();
        try (Connection c = stack.connect("fhir");
                Statement s = c.createStatement()) {
            s.executeUpdate("delete from care.care_relationship"); // as before the index existed
        }
        fhir.restart();
        fhir.awaitHealthy(Duration.ofMinutes(5));

        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        int status = 0;
        while (Instant.now().isBefore(deadline) && status != 200) {
            status = Fhir.get(amelia, stack.tokens().token("hospital.nurse")).status();
            if (status != 200) {
                assertThat(status)
                        .as("refused, never an error, until the index is built")
                        .isEqualTo(403);
                Audit.pause(Duration.ofMillis(500));
            }
        }
        assertThat(status).isEqualTo(200);
        assertThat(Fhir.get(amelia, stack.tokens().token("gp.clinician")).status())
                .isEqualTo(200);
        assertThat(Audit.count(stack, "fhir", "select count(*) from care.care_relationship where organisation = 'RTD'"))
                .isPositive();
    }
}
