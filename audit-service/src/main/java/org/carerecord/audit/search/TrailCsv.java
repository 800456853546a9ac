package org.carerecord.audit.search;

import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.carerecord.audit.ledger.AuditEntry;
import org.carerecord.security.audit.AuditVocabulary;
import org.hl7.fhir.r4.model.AuditEvent;

/** Audit records as a spreadsheet: the API export and the console's "export what is on screen" share it. */
public final class TrailCsv {

    private static final String HEADER =
            "recorded,event_id,action,outcome,user,role,organisation,purpose,patients,decision\n";

    private TrailCsv() {}

    public static void write(List<AuditEvent> events, Writer out) throws IOException {
        out.write(HEADER);
        for (AuditEvent event : events) {
            AuditEntry e = AuditEntry.of(event);
            var decision = event.getExtensionByUrl(AuditVocabulary.DECISION_EXTENSION);
            out.write(String.join(
                    ",",
                    csv(e.recorded().toString()),
                    csv(e.eventId()),
                    csv(e.action()),
                    csv(e.outcome()),
                    csv(e.userId()),
                    csv(e.userRole()),
                    csv(e.organisation()),
                    csv(e.purpose()),
                    csv(String.join(" ", e.patientIds())),
                    csv(decision == null ? "" : decision.getValue().primitiveValue())));
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
