package org.carerecord.audit.search;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.List;
import org.carerecord.audit.ledger.AuditEntry;
import org.carerecord.security.audit.AuditVocabulary;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /audit/export.csv}: the same governance question as the FHIR search, as a spreadsheet.
 * (The FHIR Bundle export is the search itself: {@code /fhir/AuditEvent?...&_count=500}.)
 */
@RestController
public class AuditExportController {

    private static final int MAX_ROWS = 100_000;
    private static final String HEADER =
            "recorded,event_id,action,outcome,user,role,organisation,purpose,patients,decision\n";

    private final AuditTrail trail;
    private final TrailAccess access;

    public AuditExportController(AuditTrail trail, TrailAccess access) {
        this.trail = trail;
        this.access = access;
    }

    @GetMapping(path = "/audit/export.csv", produces = "text/csv")
    public void export(@RequestParam(required = false) String patient,
            @RequestParam(name = "user", required = false) String user,
            @RequestParam(required = false) String organisation,
            @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String purpose,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(defaultValue = "10000") int limit,
            HttpServletResponse response) throws IOException {
        access.check(patient);
        List<AuditEvent> events = trail.search(new AuditTrail.Query(patient, user, organisation, outcome, purpose,
                null, from, to, Math.min(Math.max(limit, 1), MAX_ROWS), 0, false));
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"audit-trail.csv\"");
        Writer out = response.getWriter();
        out.write(HEADER);
        for (AuditEvent event : events) {
            AuditEntry e = AuditEntry.of(event);
            String decision = event.getExtensionByUrl(AuditVocabulary.DECISION_EXTENSION) == null ? ""
                    : event.getExtensionByUrl(AuditVocabulary.DECISION_EXTENSION).getValue().primitiveValue();
            out.write(String.join(",", csv(e.recorded().toString()), csv(e.eventId()), csv(e.action()),
                    csv(e.outcome()), csv(e.userId()), csv(e.userRole()), csv(e.organisation()), csv(e.purpose()),
                    csv(String.join(" ", e.patientIds())), csv(decision)));
            out.write('\n');
        }
        out.flush();
    }

    /** RFC 4180 quoting, and a leading quote against spreadsheet formula injection. */
    static String csv(String value) {
        if (value == null) {
            return "";
        }
        String safe = value.matches("^[=+\\-@].*") ? "'" + value : value;
        return "\"" + safe.replace("\"", "\"\"") + "\"";
    }
}
