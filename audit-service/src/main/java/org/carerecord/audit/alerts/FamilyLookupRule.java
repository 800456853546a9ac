package org.carerecord.audit.alerts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.carerecord.audit.records.PatientDemographics;
import org.carerecord.audit.records.PatientDirectory;

/**
 * A user viewing a patient who shares their surname and their home address: looking up oneself or one's
 * family, which the NHS treats as a breach however well meant. Compares the staff directory with the
 * patient's own demographics from the record; one alert per user and patient.
 */
final class FamilyLookupRule implements AlertRule {

    private final boolean enabled;
    private final StaffDirectory staff;
    private final PatientDirectory patients;

    FamilyLookupRule(AlertRulesProperties.Toggle toggle, StaffDirectory staff, PatientDirectory patients) {
        this.enabled = toggle != null && toggle.enabled() && !staff.isEmpty();
        this.staff = staff;
        this.patients = patients;
    }

    @Override
    public List<Alert> judge(List<TrailRecord> arrived) {
        if (!enabled) {
            return List.of();
        }
        List<Alert> alerts = new ArrayList<>();
        for (TrailRecord r : arrived) {
            if (!r.byUser() || r.refused()) {
                continue;
            }
            Optional<StaffDirectory.Staff> member = staff.find(r.userId());
            if (member.isEmpty()) {
                continue;
            }
            for (String patientId : r.patientIds()) {
                patients.find(patientId)
                        .filter(p -> sameHousehold(member.get(), p))
                        .ifPresent(p -> alerts.add(new Alert(
                                "family-lookup",
                                "family-lookup:" + r.userId() + ":" + patientId,
                                r.userId(),
                                r.userRole(),
                                r.organisation(),
                                patientId,
                                "Viewed a patient who shares their surname ("
                                        + member.get().family() + ") and home address",
                                List.of(r.eventId()),
                                r.recorded(),
                                r.recorded())));
            }
        }
        return alerts;
    }

    static boolean sameHousehold(StaffDirectory.Staff member, PatientDemographics patient) {
        boolean surname = patient.families().stream().anyMatch(f -> normal(f).equals(normal(member.family())));
        boolean address = patient.addresses().stream()
                .anyMatch(a -> (a.postalCode() != null && normal(a.postalCode()).equals(normal(member.postalCode())))
                        && (a.line() == null
                                || member.line() == null
                                || normal(a.line()).equals(normal(member.line()))));
        return surname && address;
    }

    /** Case, spacing and punctuation differ between systems ("NE6 1DL" / "ne61dl"). */
    private static String normal(String value) {
        return value == null ? "" : value.toLowerCase(Locale.UK).replaceAll("[^a-z0-9]", "");
    }
}
