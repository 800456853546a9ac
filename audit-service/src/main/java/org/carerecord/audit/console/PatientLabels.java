package org.carerecord.audit.console;

import java.util.List;
import org.carerecord.audit.records.PatientDemographics;
import org.carerecord.audit.records.PatientDirectory;
import org.springframework.stereotype.Component;

/**
 * Patients as a person expects to see them in the trail: name and NHS number (3-3-4), not the record's id; a record
 * about many patients names the first and counts the rest. Read from the record server (kept for ten minutes);
 * when it cannot be read, the record id stands in.
 */
@Component
class PatientLabels {

    private final PatientDirectory directory;

    PatientLabels(PatientDirectory directory) {
        this.directory = directory;
    }

    String of(List<String> patientIds) {
        if (patientIds == null || patientIds.isEmpty()) {
            return "—"; // a search that named no patient, a refusal before one was known
        }
        String first = label(patientIds.get(0));
        int more = patientIds.size() - 1;
        return more == 0
                ? first
                : first + " and " + String.format("%,d", more) + " more patient" + (more == 1 ? "" : "s");
    }

    String label(String patientId) {
        PatientDemographics patient;
        try {
            patient = directory.find(patientId).orElse(null);
        } catch (RuntimeException unreachable) {
            patient = null;
        }
        if (patient == null || (patient.name() == null && patient.nhsNumber() == null)) {
            return patientId;
        }
        String nhs = patient.nhsNumber() == null ? null : "NHS " + spaced(patient.nhsNumber());
        return patient.name() == null ? nhs : nhs == null ? patient.name() : patient.name() + ", " + nhs;
    }

    /** An NHS number as it is printed: 943 476 5919. */
    static String spaced(String nhsNumber) {
        String digits = nhsNumber.replace(" ", "");
        return digits.length() == 10
                ? digits.substring(0, 3) + " " + digits.substring(3, 6) + " " + digits.substring(6)
                : nhsNumber;
    }
}
