package org.carerecord.fhir.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.ips.api.IIpsGenerationStrategy;
import ca.uhn.fhir.jpa.ips.api.Section;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Tells the clinician, inside the search result or patient summary document, that something was left out and
 * why — "Some items were withheld: restricted category. Break-glass is available in an emergency." — as an
 * OperationOutcome entry (search mode {@code outcome}). It gives no count, and {@code Bundle.total} is removed
 * for everyone: both are computed before withholding, so they could tell a reader what the patient chose to hide.
 * <p>
 * In a search result the notice depends on the patient's record, never on what the search matched
 * ({@link WithheldFromRecord}): a notice that appears for {@code code=<depression>} and not for another code
 * confirms the diagnosis. So a search aimed at one patient carries the notice whenever that patient's record
 * holds records of the type that are withheld from the user, whatever the criteria; a search across patients
 * (a Patient lookup by demographics) carries none, since any notice would say that someone matching was
 * withheld. Runs before the audit hook, after HAPI's consent filtering.
 */
@Component
@Interceptor
public class RedactionNotice implements FhirServerInterceptor {

    private final ObjectProvider<IIpsGenerationStrategy> summarySections;
    private final ObjectProvider<ConsentEnforcement> enforcement;
    private final RecordConsentService consent;
    private final WithheldFromRecord withheldFromRecord;
    private final PatientCompartment compartment;

    public RedactionNotice(
            ObjectProvider<IIpsGenerationStrategy> summarySections,
            ObjectProvider<ConsentEnforcement> enforcement,
            RecordConsentService consent,
            WithheldFromRecord withheldFromRecord,
            PatientCompartment compartment) {
        this.summarySections = summarySections;
        this.enforcement = enforcement;
        this.consent = consent;
        this.withheldFromRecord = withheldFromRecord;
        this.compartment = compartment;
    }

    @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = 500)
    public boolean annotate(RequestDetails request, ResponseDetails response) {
        if (!(response.getResponseResource() instanceof Bundle bundle)) {
            return true;
        }
        // a care provider's system is told nothing was withheld (an integration reads what it is given), but
        // its totals go too: it is shown only its own records and those disclosed to its organisation
        boolean system = Requester.of(request).claims().isSystem();
        RequestDecisions decisions = RequestDecisions.of(request);
        boolean withheld = decisions.withheldCount() > 0;
        if (bundle.getType() == Bundle.BundleType.BATCHRESPONSE
                || bundle.getType() == Bundle.BundleType.TRANSACTIONRESPONSE) {
            // a GET entry's searchset never passes this hook on its own: its total, counted before anything was
            // withheld, would answer "does this patient have <code>?" through _count=0
            bundle.getEntry().stream()
                    .map(Bundle.BundleEntryComponent::getResource)
                    .filter(r -> r instanceof Bundle)
                    .forEach(r -> ((Bundle) r).setTotalElement(null));
        }
        if (bundle.getType() == Bundle.BundleType.SEARCHSET) {
            bundle.setTotalElement(null);
            WithheldFromRecord.Withheld fromRecord =
                    system ? WithheldFromRecord.Withheld.NOTHING : withheldFromRecord(request);
            if (!fromRecord.reasons().isEmpty()) {
                bundle.addEntry()
                        .setResource(outcome(notice(
                                new TreeSet<>(fromRecord.reasons()),
                                fromRecord.breakGlassWouldShowMore(),
                                reason -> "")))
                        .getSearch()
                        .setMode(Bundle.SearchEntryMode.OUTCOME);
            }
        } else if (bundle.getType() == Bundle.BundleType.DOCUMENT
                && withheld
                && !system
                && bundle.getEntryFirstRep().getResource() instanceof Composition composition) {
            // A patient summary: the notice is a section of the document, so it is read with the rest, and
            // says which of the document's sections are incomplete and why.
            String notice = notice(
                    decisions.withheldReasons(),
                    decisions.breakGlassWouldShowMore(),
                    reason -> sectionsOf(decisions.withheldTypes(reason)));
            String fullUrl = "urn:uuid:" + UUID.randomUUID();
            bundle.addEntry().setFullUrl(fullUrl).setResource(outcome(notice));
            Composition.SectionComponent section = composition.addSection().setTitle("Information withheld");
            section.getText()
                    .setStatus(Narrative.NarrativeStatus.GENERATED)
                    .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>" + notice + "</p></div>");
            section.addEntry(new Reference(fullUrl));
        }
        return true;
    }

    /**
     * What the patient's record holds that this search's user is not shown, for the type(s) searched: the
     * search's own type, the types a {@code $everything} asked for, or those of the search a page continues.
     */
    private WithheldFromRecord.Withheld withheldFromRecord(RequestDetails request) {
        String patient = compartment.targetPatient(request);
        List<String> types = typesSearched(request);
        if (patient == null || types.isEmpty() || enforcement.getIfAvailable() == null) {
            return WithheldFromRecord.Withheld.NOTHING;
        }
        Set<RequestDecisions.Withholding> reasons = new TreeSet<>();
        boolean breakGlass = false;
        for (String type : types) {
            WithheldFromRecord.Withheld withheld =
                    withheldFromRecord.of(request, patient, type, consent.decide(request, patient, type));
            reasons.addAll(withheld.reasons());
            breakGlass |= withheld.breakGlassWouldShowMore();
        }
        return new WithheldFromRecord.Withheld(reasons, breakGlass);
    }

    private static List<String> typesSearched(RequestDetails request) {
        String types = request.getRestOperationType() == RestOperationTypeEnum.GET_PAGE
                ? PagingLinkBinding.continued(request)
                        .map(SearchOwners.SearchOwner::resourceType)
                        .orElse(null)
                : RecordConsentService.typesAskedFor(request);
        return types == null
                ? List.of()
                : Arrays.stream(types.split(","))
                        .map(String::trim)
                        .filter(type -> !type.isEmpty())
                        .distinct()
                        .toList();
    }

    /** "Some items were withheld: restricted category[detail]. Break-glass is available in an emergency." */
    private static String notice(
            Set<RequestDecisions.Withholding> reasons,
            boolean breakGlassWouldShowMore,
            Function<RequestDecisions.Withholding, String> detail) {
        return "Some items were withheld: "
                + reasons.stream()
                        .map(reason -> reason.words() + detail.apply(reason))
                        .collect(Collectors.joining("; "))
                + "." + (breakGlassWouldShowMore ? " Break-glass is available in an emergency." : "");
    }

    /** " (from Problem List, Medication List)": the summary sections that hold these types, if any. */
    private String sectionsOf(Set<String> types) {
        IIpsGenerationStrategy strategy = summarySections.getIfAvailable();
        if (strategy == null) {
            return "";
        }
        List<String> titles = strategy.getSections().stream()
                .filter(section -> section.getResourceTypes().stream().anyMatch(t -> types.contains(t.getSimpleName())))
                .map(Section::getTitle)
                .distinct()
                .toList();
        return titles.isEmpty() ? "" : " (from " + String.join(", ", titles) + ")";
    }

    private static OperationOutcome outcome(String notice) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                .setCode(OperationOutcome.IssueType.SUPPRESSED)
                .setDiagnostics(notice);
        return outcome;
    }
}
