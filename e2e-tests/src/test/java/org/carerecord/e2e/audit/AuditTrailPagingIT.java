package org.carerecord.e2e.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The audit API pages like any FHIR search (found from outside: {@code GET /fhir/AuditEvent?_count=5} answered
 * {@code total 5} and no {@code next} link although 48 records matched). A client that follows {@code next}
 * links reads every record once; a total, where given, is the number of records there are.
 */
@ExtendWith(RunningStack.class)
class AuditTrailPagingIT {

    @Test
    void aGovernanceClientFollowsNextLinksThroughTheWholeTrailOfAPatient(CareRecordStack stack) {
        DemoData.load(stack);
        String gp = stack.tokens().token("gp.clinician");
        for (int i = 0; i < 12; i++) {
            assertThat(Fhir.get(stack.fhirBaseUrl() + "/Patient/susan-armstrong", gp)
                            .status())
                    .isEqualTo(200);
        }
        Audit.awaitOutboxDrained(stack);
        String officer = stack.tokens().token("privacy.officer");
        // oldest first: the trail grows while it is read (each governance search is itself recorded, naming the
        // patient), and new records join the end, so pages do not shift under the reader
        JsonNode page = Fhir.get(
                        stack.auditUrl() + "/fhir/AuditEvent?patient=susan-armstrong&_sort=date&_count=5", officer)
                .body();
        assertThat(page.path("total").asInt()).as("at least the twelve reads").isGreaterThanOrEqualTo(12);

        List<String> ids = new ArrayList<>();
        int total = 0;
        while (true) {
            assertThat(page.path("total").asInt())
                    .as("a total on every page, never shrinking")
                    .isGreaterThanOrEqualTo(total);
            total = page.path("total").asInt();
            page.path("entry")
                    .forEach(entry -> ids.add(entry.path("resource").path("id").asText()));
            String next = link(page, "next");
            if (next == null) {
                break;
            }
            assertThat(page.path("entry").size())
                    .as("a page before the last is full")
                    .isEqualTo(5);
            page = Fhir.get(next, officer).body();
        }
        assertThat(new HashSet<>(ids)).as("no record twice").hasSize(ids.size());
        assertThat(ids)
                .as("every record once: as many as the last page's total")
                .hasSize(total);
        assertThat(link(page, "previous")).as("the last page links back").isNotNull();
    }

    @Test
    void anUnscopedSearchLinksToTheNextPageAndTellsTheTotalWhereItIsCheap(CareRecordStack stack) {
        DemoData.load(stack);
        String gp = stack.tokens().token("gp.clinician");
        for (int i = 0; i < 6; i++) {
            Fhir.get(stack.fhirBaseUrl() + "/Patient/amelia-hartley", gp);
        }
        Audit.awaitOutboxDrained(stack);
        String officer = stack.tokens().token("privacy.officer");
        JsonNode page = Fhir.get(stack.auditUrl() + "/fhir/AuditEvent?_count=5", officer)
                .body();
        assertThat(link(page, "next"))
                .as("more than five records match: a next link")
                .isNotNull();
        assertThat(page.path("entry").size()).isEqualTo(5);
        assertThat(page.path("total").isMissingNode() || page.path("total").asInt() > 5)
                .as("never the page size as the total")
                .isTrue();
        JsonNode accurate = Fhir.get(stack.auditUrl() + "/fhir/AuditEvent?_count=5&_total=accurate", officer)
                .body();
        assertThat(accurate.path("total").asInt()).isGreaterThan(5);
    }

    private static String link(JsonNode bundle, String relation) {
        for (JsonNode link : bundle.path("link")) {
            if (relation.equals(link.path("relation").asText())) {
                return link.path("url").asText();
            }
        }
        return null;
    }
}
