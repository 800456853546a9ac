package org.carerecord.fhir.match;

import java.util.Locale;
import java.util.Objects;
import org.carerecord.security.identity.NhsNumber;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * How well a record matches the patient asked about, as IHE PDQm / FHIR {@code $match} grade it, NHS number first:
 * <ul>
 *   <li>{@code certain}: the same NHS number, verified on the record (UK Core NHSNumberVerificationStatus 01), and
 *       the birth date (if given) agrees;</li>
 *   <li>{@code probable}: the same NHS number, unverified, with the surname or the birth date agreeing; or, without an
 *       NHS number to go on, surname, first name and birth date agree, and sex or postcode too;</li>
 *   <li>{@code possible}: the same NHS number with the demographics disagreeing, or surname and birth date agreeing;</li>
 *   <li>{@code certainly-not}: both have NHS numbers and they differ (never returned), or too little agrees.</li>
 * </ul>
 * The score orders candidates within and across grades (0 to 1).
 */
record MatchGrade(String grade, double score) {

    static final String CERTAIN = "certain";
    static final String PROBABLE = "probable";
    static final String POSSIBLE = "possible";
    static final String CERTAINLY_NOT = "certainly-not";

    /** UK Core's extension on the NHS number identifier, and the code for "number present and verified". */
    static final String VERIFICATION_EXTENSION =
            "https://fhir.hl7.org.uk/StructureDefinition/Extension-UKCore-NHSNumberVerificationStatus";

    static final String VERIFIED = "01";

    static MatchGrade of(Patient asked, Patient record) {
        String askedNhs = nhsNumber(asked);
        String recordNhs = nhsNumber(record);
        boolean family = same(family(asked), family(record));
        boolean given = same(given(asked), given(record));
        boolean born = asked.hasBirthDate()
                && record.hasBirthDate()
                && Objects.equals(
                        asked.getBirthDateElement().getValueAsString(),
                        record.getBirthDateElement().getValueAsString());
        boolean bornDisagrees = asked.hasBirthDate() && record.hasBirthDate() && !born;
        boolean sex = asked.hasGender() && asked.getGender() == record.getGender();
        boolean postcode = same(postcode(asked), postcode(record));
        double demographics = (family ? 0.04 : 0)
                + (given ? 0.02 : 0)
                + (born ? 0.03 : 0)
                + (sex ? 0.005 : 0)
                + (postcode ? 0.005 : 0);
        if (askedNhs != null && recordNhs != null) {
            if (!askedNhs.equals(recordNhs)) {
                return new MatchGrade(CERTAINLY_NOT, 0);
            }
            if (verified(record) && !bornDisagrees) {
                return new MatchGrade(CERTAIN, 0.9 + demographics);
            }
            if (family || born) {
                return new MatchGrade(PROBABLE, 0.75 + demographics);
            }
            return new MatchGrade(POSSIBLE, 0.5 + demographics);
        }
        if (family && given && born && (sex || postcode)) {
            return new MatchGrade(PROBABLE, 0.7 + demographics);
        }
        if (family && born) {
            return new MatchGrade(POSSIBLE, 0.4 + demographics);
        }
        return new MatchGrade(CERTAINLY_NOT, demographics);
    }

    boolean shown() {
        return !CERTAINLY_NOT.equals(grade);
    }

    static String nhsNumber(Patient patient) {
        return patient.getIdentifier().stream()
                .filter(i -> NhsNumber.SYSTEM.equals(i.getSystem()) && i.hasValue())
                .map(i -> i.getValue().replace(" ", ""))
                .findFirst()
                .orElse(null);
    }

    private static boolean verified(Patient record) {
        for (Identifier identifier : record.getIdentifier()) {
            if (!NhsNumber.SYSTEM.equals(identifier.getSystem())) {
                continue;
            }
            for (Extension extension : identifier.getExtension()) {
                if (VERIFICATION_EXTENSION.equals(extension.getUrl())
                        && extension.getValue() instanceof CodeableConcept status
                        && status.getCoding().stream().anyMatch(c -> VERIFIED.equals(c.getCode()))) {
                    return true;
                }
            }
        }
        return false;
    }

    static String family(Patient patient) {
        return patient.getName().stream()
                .map(HumanName::getFamily)
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    private static String given(Patient patient) {
        return patient.getName().stream()
                .flatMap(n -> n.getGiven().stream())
                .map(g -> g.getValue())
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
    }

    static String postcode(Patient patient) {
        return patient.getAddress().stream()
                .map(a -> a.getPostalCode())
                .filter(Objects::nonNull)
                .map(p -> p.replace(" ", ""))
                .findFirst()
                .orElse(null);
    }

    private static boolean same(String a, String b) {
        return a != null
                && b != null
                && a.strip().toLowerCase(Locale.UK).equals(b.strip().toLowerCase(Locale.UK));
    }
}
