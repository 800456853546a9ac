package org.carerecord.audit.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.carerecord.fhir.balp.AuditEventBuilder;
import org.carerecord.security.audit.AuditVocabulary;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.Coding;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The trail says what was done in words a privacy officer uses, never an interaction code. */
class ActionWordsTest {

    @ParameterizedTest(name = "{0} {1} {2} → {4}")
    @CsvSource(
            nullValues = "-",
            value = {
                // interaction,              operation,     type asked,  record returned,      words
                "read,                        -,             Patient,     Patient/p1,           Opened patient details",
                "search-type,                 -,             Condition,   -,                    Searched diagnoses",
                "search-type,                 -,             -,           MedicationRequest/m1, Searched medications",
                "search-type,                 -,             Basic,       -,                    Searched Basic",
                "extended-operation-instance, $summary,      Patient,     -,                    Opened summary",
                "extended-operation-instance, $everything,   Patient,     -,                    Opened the whole record",
                "extended-operation-server,   $import,       -,           -,                    Imported records in bulk",
                "update,                      -,             Condition,   Condition/c1,         Changed diagnoses",
                "create,                      -,             Consent,     -,                    Added consent directives",
                "transaction,                 -,             -,           -,                    Sent records (transaction)"
            })
    void restInteractions(String interaction, String operation, String type, String returned, String words) {
        AuditEventBuilder event = AuditEventBuilder.rest(interaction, AuditEventAction.R)
                .requestor("u1", null, "R8000", null)
                .operation(operation)
                .query(type == null ? null : "patient=p1", type);
        if (returned != null) {
            event.resource(returned);
        }
        assertThat(ActionWords.of(event.build())).isEqualTo(words);
    }

    @ParameterizedTest
    @CsvSource({
        "break-glass-review, Break-glass review",
        "policy-approved, Policy approved",
        "alert-closed, Alert closed"
    })
    void governanceActivity(String activity, String words) {
        AuditEvent event = AuditEventBuilder.of(
                        new Coding(AuditVocabulary.GOVERNANCE_ACTIVITY_SYSTEM, activity, null), AuditEventAction.U)
                .build();
        assertThat(ActionWords.of(event)).isEqualTo(words);
    }

    @ParameterizedTest
    @CsvSource({"9434765919, 943 476 5919", "943 476 5919, 943 476 5919", "12345, 12345"})
    void nhsNumbersArePrintedThreeThreeFour(String stored, String printed) {
        assertThat(PatientLabels.spaced(stored)).isEqualTo(printed);
    }
}
