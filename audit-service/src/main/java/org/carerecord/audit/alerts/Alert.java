package org.carerecord.audit.alerts;

import java.time.Instant;
import java.util.List;

/**
 * What a rule found: who, about which patient (if one), in words a privacy officer reads, and the trail
 * records behind it. The dedupe key folds repeats (the same rule, user, patient and period) into one alert.
 */
public record Alert(
        String rule,
        String dedupeKey,
        String userId,
        String userRole,
        String organisation,
        String patientId,
        String summary,
        List<String> eventIds,
        Instant firstSeen,
        Instant lastSeen) {}
