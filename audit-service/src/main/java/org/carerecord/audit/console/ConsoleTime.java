package org.carerecord.audit.console;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.carerecord.security.region.CareRegion;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.stereotype.Component;

/** Times as the console's readers keep them: the region's clock ({@link CareRegion}), to the second. */
@Component
class ConsoleTime {

    private final ZoneId zone;
    private final DateTimeFormatter when;

    private final PatientLabels labels;

    ConsoleTime(CareRegion region, PatientLabels labels) {
        this.labels = labels;
        this.zone = region.zone();
        this.when =
                DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss", Locale.UK).withZone(zone);
    }

    ZoneId zone() {
        return zone;
    }

    String format(Instant instant) {
        return when.format(instant);
    }

    /** A trail record as the console lists it: its time in the region's clock, its patients by name and NHS number. */
    TrailRow row(AuditEvent event) {
        return TrailRow.of(event, when, labels);
    }
}
