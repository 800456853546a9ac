package org.carerecord.fhir.match;

import static org.assertj.core.api.Assertions.assertThat;

import org.carerecord.security.identity.NhsNumber;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The grades as a table: what the asker gives, what the record holds → the grade (NHS number first). */
class MatchGradeTest {

    @ParameterizedTest(name = "asked {0}/{1}/{2}, record {3} verified={4} {5}/{6}/{7} → {8}")
    @CsvSource(
            nullValues = "-",
            value = {
                // asked: NHS,   family,  born,       record: NHS,  verified, family,  born,       postcode, grade
                "9434765919,     -,       -,          9434765919,   true,     Hartley, 1950-03-14, -,        certain",
                "9434765919,     Hartley, 1950-03-14, 9434765919,   true,     Hartley, 1950-03-14, -,        certain",
                "9434765919,     -,       1951-01-01, 9434765919,   true,     Hartley, 1950-03-14, -,        possible",
                "9434765919,     Hartley, -,          9434765919,   false,    Hartley, 1950-03-14, -,        probable",
                "9434765919,     Smith,   1960-01-01, 9434765919,   false,    Hartley, 1950-03-14, -,        possible",
                "9434765919,     Hartley, 1950-03-14, 9000000009,   true,     Hartley, 1950-03-14, -,        certainly-not",
                "-,              Hartley, 1950-03-14, 9434765919,   true,     hartley, 1950-03-14, NE1 4LP,  probable",
                "-,              Hartley, 1950-03-14, -,            false,    Hartley, 1950-03-14, -,        possible",
                "-,              Hartley, 1950-03-14, -,            false,    Hartley, 1950-03-15, NE1 4LP,  certainly-not"
            })
    void grades(
            String askedNhs,
            String askedFamily,
            String askedBorn,
            String recordNhs,
            boolean verified,
            String recordFamily,
            String recordBorn,
            String postcode,
            String grade) {
        Patient asked = patient(askedNhs, false, askedFamily, "Amelia", askedBorn, postcode == null ? null : "NE14LP");
        Patient record = patient(recordNhs, verified, recordFamily, "Amelia", recordBorn, postcode);

        MatchGrade matched = MatchGrade.of(asked, record);

        assertThat(matched.grade()).isEqualTo(grade);
        assertThat(matched.score()).isBetween(0.0, 1.0);
    }

    @ParameterizedTest
    @CsvSource({"true", "false"})
    void aVerifiedNhsNumberOutranksAnyDemographics(boolean verified) {
        Patient asked = patient("9434765919", false, "Hartley", "Amelia", "1950-03-14", "NE14LP");
        Patient byNumber = patient("9434765919", true, null, null, null, null);
        Patient byDemographics = patient(null, false, "Hartley", "Amelia", "1950-03-14", "NE1 4LP");
        byDemographics.setGender(AdministrativeGender.FEMALE);
        asked.setGender(AdministrativeGender.FEMALE);

        assertThat(MatchGrade.of(asked, byNumber).score())
                .isGreaterThan(MatchGrade.of(asked, byDemographics).score());
        if (verified) {
            assertThat(MatchGrade.of(asked, byNumber).grade()).isEqualTo(MatchGrade.CERTAIN);
        }
    }

    private static Patient patient(
            String nhs, boolean verified, String family, String given, String born, String postcode) {
        Patient patient = new Patient();
        if (nhs != null) {
            var identifier = patient.addIdentifier().setSystem(NhsNumber.SYSTEM).setValue(nhs);
            if (verified) {
                identifier.addExtension(
                        MatchGrade.VERIFICATION_EXTENSION,
                        new CodeableConcept(new Coding(
                                "https://fhir.hl7.org.uk/CodeSystem/UKCore-NHSNumberVerificationStatusEngland",
                                MatchGrade.VERIFIED,
                                "Number present and verified")));
            }
        }
        if (family != null) {
            patient.addName().setFamily(family).addGiven(given);
        } else if (given != null) {
            patient.addName().getGiven().add(new StringType(given));
        }
        if (born != null) {
            patient.getBirthDateElement().setValueAsString(born);
        }
        if (postcode != null) {
            patient.addAddress().setPostalCode(postcode);
        }
        return patient;
    }
}
