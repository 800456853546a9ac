package org.carerecord.audit.alerts;

import java.time.Instant;
import java.util.List;

/** One record of the trail as the alert rules read it (the indexed columns and two flags from the event). */
record TrailRecord(
        long seq,
        String eventId,
        Instant recorded,
        String outcome,
        String userId,
        String userRole,
        String organisation,
        String purpose,
        List<String> patientIds,
        boolean statedRelationship,
        boolean brokeGlass) {

    /** Served or refused: 0 is success in the FHIR AuditEvent outcome code. */
    public boolean refused() {
        return !"0".equals(outcome);
    }

    /** A person at a keyboard: system clients (care-provider feeds, our own services) carry no role. */
    public boolean byUser() {
        return userRole != null && userId != null;
    }
}
