package org.carerecord.audit.console;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.carerecord.audit.search.AuditTrail;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.web.util.UriUtils;

/**
 * The console's search form: patient (NHS number or record id), user, organisation, dates (the region's
 * calendar days, inclusive), purpose of use, outcome, and the page shown.
 */
public record TrailFilter(
        String patient,
        String user,
        String organisation,
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate from,
        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE) LocalDate to,
        String purpose,
        String outcome,
        Integer page) {

    public static final int PAGE_SIZE = 25;

    public int pageNumber() {
        return page == null || page < 1 ? 1 : page;
    }

    /**
     * The question for the trail, its days by the region's calendar ({@code zone}); one row more than a page, to
     * know whether there is a next page.
     */
    AuditTrail.Query query(String patientId, ZoneId zone) {
        return new AuditTrail.Query(
                patientId,
                blankToNull(user),
                blankToNull(organisation),
                blankToNull(outcome),
                blankToNull(purpose),
                null,
                from == null ? null : from.atStartOfDay(zone).toInstant(),
                to == null ? null : to.plusDays(1).atStartOfDay(zone).toInstant(),
                PAGE_SIZE + 1,
                (pageNumber() - 1) * PAGE_SIZE,
                false);
    }

    /** The same search on another page, as a query string (links for paging and CSV export). */
    public String queryString(int onPage) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("patient", patient);
        params.put("user", user);
        params.put("organisation", organisation);
        params.put("from", from == null ? null : from.toString());
        params.put("to", to == null ? null : to.toString());
        params.put("purpose", purpose);
        params.put("outcome", outcome);
        params.put("page", String.valueOf(onPage));
        return params.entrySet().stream()
                .filter(e -> e.getValue() != null && !e.getValue().isBlank())
                .map(e -> e.getKey() + "=" + UriUtils.encodeQueryParam(e.getValue(), "UTF-8"))
                .collect(Collectors.joining("&"));
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
