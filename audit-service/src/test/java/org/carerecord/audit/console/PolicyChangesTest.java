package org.carerecord.audit.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** What a proposal changes, in the words the proposal page shows a Caldicott Guardian before they approve it. */
class PolicyChangesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aBarAndAnAlertThresholdAreSaidInWords() throws Exception {
        JsonNode current = JSON.readTree("""
                {"roles":{"R8001":{"name":"Nurse","resourceTypes":["Patient","Condition"]}},
                 "breakGlass":{"windowMinutes":240},
                 "organisationBars":[{"organisation":"RXP","reason":"old agreement"}],
                 "alerts":{"repeatedRefusals":{"count":5,"windowMinutes":30}}}""");
        ObjectNode proposed = current.deepCopy();
        proposed.putArray("organisationBars")
                .addObject()
                .put("organisation", "A81001")
                .put("reason", "sharing agreement suspended");
        ((ObjectNode) proposed.at("/alerts/repeatedRefusals")).put("count", 3);

        assertThat(PolicyPages.changes(current, proposed))
                .containsExactly(
                        "Organisation A81001 barred from the record: sharing agreement suspended",
                        "Organisation RXP no longer barred",
                        "alerts.repeatedRefusals.count: 5 → 3");
        assertThat(PolicyPages.changes(current, current)).containsExactly("No change from the policy in force");
    }
}
