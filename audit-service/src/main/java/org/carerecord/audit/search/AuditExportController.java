package org.carerecord.audit.search;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /audit/export.csv}: the same governance question as the FHIR search, as a spreadsheet.
 * (The FHIR Bundle export is the search itself: {@code /fhir/AuditEvent?...&_count=500}.)
 */
@RestController
public class AuditExportController {

    private static final int MAX_ROWS = 100_000;

    private final AuditTrail trail;
    private final TrailAccess access;

    public AuditExportController(AuditTrail trail, TrailAccess access) {
        this.trail = trail;
        this.access = access;
    }

    @GetMapping(path = "/audit/export.csv", produces = "text/csv")
    public void export(
            @RequestParam(required = false) String patient,
            @RequestParam(name = "user", required = false) String user,
            @RequestParam(required = false) String organisation,
            @RequestParam(required = false) String outcome,
            @RequestParam(required = false) String purpose,
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(defaultValue = "10000") int limit,
            HttpServletResponse response)
            throws IOException {
        access.check(patient, "CSV export");
        List<AuditEvent> events = trail.search(new AuditTrail.Query(
                patient,
                user,
                organisation,
                outcome,
                purpose,
                null,
                from,
                to,
                Math.min(Math.max(limit, 1), MAX_ROWS),
                0,
                false));
        response.setContentType("text/csv;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"audit-trail.csv\"");
        TrailCsv.write(events, response.getWriter());
    }
}
