package org.carerecord.audit.console;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.carerecord.audit.records.PatientDirectory;
import org.carerecord.audit.search.AuditTrail;
import org.carerecord.audit.search.TrailCsv;
import org.carerecord.security.identity.NhsNumber;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.annotation.RegisteredOAuth2AuthorizedClient;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.client.RestClientException;
import org.springframework.web.server.ResponseStatusException;

/** Searching the trail: the form and a page of results, one record in full, and the page as CSV. */
@Controller
public class TrailPages {

    /** The patient a search is about: a record id, or what an NHS number resolved to (or why it did not). */
    record PatientChoice(String patientId, String problem) {}

    /** One page of a search (plus one record, if there is a next page), or why it could not be run. */
    record Page(List<AuditEvent> events, String problem) {}

    private final AuditTrail trail;
    private final PatientDirectory patients;
    private final ConsentServiceClient consent;
    private final FhirContext fhir;

    private final ConsoleTime time;

    public TrailPages(
            AuditTrail trail,
            PatientDirectory patients,
            ConsentServiceClient consent,
            FhirContext fhir,
            ConsoleTime time) {
        this.time = time;
        this.trail = trail;
        this.patients = patients;
        this.consent = consent;
        this.fhir = fhir;
    }

    @GetMapping("/trail")
    public String search(TrailFilter filter, Model model) {
        Page page = pageOf(filter);
        List<TrailRow> rows = page.events().stream().map(time::row).toList();
        model.addAttribute("filter", filter);
        model.addAttribute("purposes", PurposeOfUse.values());
        model.addAttribute("problem", page.problem());
        List<TrailRow> shown = rows.stream().limit(TrailFilter.PAGE_SIZE).toList();
        model.addAttribute("rows", shown);
        // the export names the records on screen, so records arriving meanwhile cannot shift the page
        model.addAttribute(
                "csvLink",
                "/trail.csv?"
                        + shown.stream()
                                .map(r -> "event=" + r.eventId())
                                .collect(java.util.stream.Collectors.joining("&"))
                        + "&page=" + filter.pageNumber());
        model.addAttribute("hasNext", rows.size() > TrailFilter.PAGE_SIZE);
        model.addAttribute("page", filter.pageNumber());
        return "trail";
    }

    /**
     * Exactly the rows on screen, as a spreadsheet: the records the page listed by event id (or, for a link
     * built by hand, that page of that search).
     */
    @GetMapping(path = "/trail.csv", produces = "text/csv")
    public void export(
            TrailFilter filter,
            @RequestParam(name = "event", required = false) List<String> shown,
            HttpServletResponse response)
            throws IOException {
        List<AuditEvent> events;
        if (shown != null && !shown.isEmpty()) {
            events = trail.findAll(shown.stream().limit(TrailFilter.PAGE_SIZE).toList());
        } else {
            events = pageOf(filter).events().stream()
                    .limit(TrailFilter.PAGE_SIZE)
                    .toList();
        }
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader(
                "Content-Disposition", "attachment; filename=\"audit-trail-page-" + filter.pageNumber() + ".csv\"");
        TrailCsv.write(events, response.getWriter());
    }

    @GetMapping("/trail/{eventId}")
    public String record(
            @PathVariable String eventId,
            Model model,
            @RegisteredOAuth2AuthorizedClient(ConsoleSecurityConfig.SIGN_IN) OAuth2AuthorizedClient officer) {
        AuditEvent event = trail.find(eventId)
                .orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "No audit record " + eventId));
        TrailRow row = time.row(event);
        model.addAttribute("row", row);
        model.addAttribute("json", fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(event));
        if (row.decisionId() != null) {
            try {
                Optional<JsonNode> explained = consent.explain(officer, row.decisionId());
                model.addAttribute("explanation", explained.orElse(null));
                model.addAttribute(
                        "explanationProblem",
                        explained.isEmpty() ? "consent-service has no record of this decision" : null);
            } catch (RestClientException e) {
                model.addAttribute(
                        "explanationProblem", "consent-service could not be reached to explain the decision");
            }
        }
        return "record";
    }

    private Page pageOf(TrailFilter filter) {
        PatientChoice choice = patientOf(filter.patient());
        return choice.problem() != null
                ? new Page(List.of(), choice.problem())
                : new Page(trail.search(filter.query(choice.patientId(), time.zone())), null);
    }

    private PatientChoice patientOf(String given) {
        String value = TrailFilter.blankToNull(given);
        if (value == null) {
            return new PatientChoice(null, null);
        }
        String digits = value.replaceAll("[\\s-]", "");
        if (!digits.matches("\\d{10}")) {
            return new PatientChoice(value, null); // a record id
        }
        if (!NhsNumber.isValid(digits)) {
            return new PatientChoice(null, digits + " is not a valid NHS number (its check digit does not match)");
        }
        try {
            List<String> ids = patients.idsOfNhsNumber(digits);
            return ids.isEmpty()
                    ? new PatientChoice(null, "No patient with NHS number " + digits + " is in the record")
                    : new PatientChoice(ids.get(0), null);
        } catch (RestClientException e) {
            return new PatientChoice(
                    null,
                    "The record could not be asked which patient has NHS number " + digits
                            + "; search by record id instead");
        }
    }
}
