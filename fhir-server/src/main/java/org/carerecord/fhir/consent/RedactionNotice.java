package org.carerecord.fhir.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.util.stream.Collectors;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.stereotype.Component;

/**
 * Tells the clinician, inside the search result, that something was left out and why — "Some items were
 * withheld: restricted category. Break-glass is available in an emergency." — as an OperationOutcome
 * entry (search mode {@code outcome}). It gives no count, and {@code Bundle.total} is removed for users:
 * both are computed before withholding, so they could tell a user what the patient chose to hide.
 * Runs before the audit hook, after HAPI's consent filtering.
 */
@Component
@Interceptor
public class RedactionNotice implements FhirServerInterceptor {

    @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = 500)
    public boolean annotate(RequestDetails request, ResponseDetails response) {
        if (!(response.getResponseResource() instanceof Bundle bundle) || bundle.getType() != Bundle.BundleType.SEARCHSET) {
            return true;
        }
        Requester requester = Requester.of(request);
        if (requester.claims().isSystem()) {
            return true;
        }
        bundle.setTotalElement(null);
        RequestDecisions decisions = RequestDecisions.of(request);
        if (decisions.withheldCount() > 0) {
            String why = decisions.withheldReasons().stream().map(RequestDecisions.Withholding::words)
                    .collect(Collectors.joining("; "));
            OperationOutcome notice = new OperationOutcome();
            notice.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                    .setCode(OperationOutcome.IssueType.SUPPRESSED)
                    .setDiagnostics("Some items were withheld: " + why + "."
                            + (decisions.breakGlassWouldShowMore() ? " Break-glass is available in an emergency." : ""));
            bundle.addEntry().setResource(notice).getSearch().setMode(Bundle.SearchEntryMode.OUTCOME);
        }
        return true;
    }
}
