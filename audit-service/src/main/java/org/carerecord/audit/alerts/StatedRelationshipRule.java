package org.carerecord.audit.alerts;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Views the record itself gave no reason for: the user stated a relationship (X-Care-Relationship)
 * because none was on record. Allowed at the time, so that care is not delayed; reviewed afterwards.
 * One alert per user, patient and local day.
 */
final class StatedRelationshipRule implements AlertRule {

    private record Key(String user, String patient, java.time.LocalDate day) {}

    private final boolean enabled;
    private final ZoneId zone;

    StatedRelationshipRule(AlertRulesProperties.Toggle toggle, ZoneId zone) {
        this.enabled = toggle != null && toggle.enabled();
        this.zone = zone;
    }

    @Override
    public List<Alert> judge(List<TrailRecord> arrived) {
        if (!enabled) {
            return List.of();
        }
        Map<Key, List<TrailRecord>> grouped = new LinkedHashMap<>();
        for (TrailRecord r : arrived) {
            if (r.byUser() && r.statedRelationship()) {
                for (String patient : r.patientIds()) {
                    grouped.computeIfAbsent(
                                    new Key(
                                            r.userId(),
                                            patient,
                                            r.recorded().atZone(zone).toLocalDate()),
                                    k -> new ArrayList<>())
                            .add(r);
                }
            }
        }
        List<Alert> alerts = new ArrayList<>();
        grouped.forEach((key, views) -> {
            TrailRecord first = views.get(0);
            alerts.add(new Alert(
                    "no-relationship",
                    "no-relationship:" + key.user() + ":" + key.patient() + ":" + key.day(),
                    first.userId(),
                    first.userRole(),
                    first.organisation(),
                    key.patient(),
                    "Viewed a patient with no care relationship on record (the user stated one)",
                    views.stream().map(TrailRecord::eventId).toList(),
                    first.recorded(),
                    views.get(views.size() - 1).recorded()));
        });
        return alerts;
    }
}
