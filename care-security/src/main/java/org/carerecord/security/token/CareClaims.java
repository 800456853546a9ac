package org.carerecord.security.token;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * What the services read from an access token (see DESIGN.md "Who calls, with what token").
 *
 * @param subject      {@code sub}: the user or client
 * @param clientId     the OAuth2 client the token was issued to
 * @param scopes       SMART scopes granted
 * @param fhirUser     e.g. {@code Practitioner/pr-1001}; null for system clients
 * @param nhsRole      national RBAC job-role code of the selected role; null for systems and patients
 * @param organisation ODS code of the organisation for this session
 * @param purposeOfUse default purpose of use from the token
 * @param patient      SMART launch context ({@code patient} claim): the one patient this token's requests are
 *                     confined to — a patient's own token, or a clinician's app launched for a patient
 */
public record CareClaims(
        String subject,
        String clientId,
        List<SmartScope> scopes,
        String fhirUser,
        String nhsRole,
        String organisation,
        PurposeOfUse purposeOfUse,
        String patient) {

    public static final String AUDIENCE = "care-record";
    public static final String FHIR_USER = "fhirUser";
    public static final String NHS_ROLE = "nhs_role";
    public static final String ORG = "org";
    public static final String PURPOSE_OF_USE = "purpose_of_use";
    public static final String PATIENT = "patient";
    public static final String SCOPE = "scope";
    public static final String CLIENT_ID = "client_id";

    public static CareClaims from(Jwt jwt) {
        List<SmartScope> scopes = scopeValues(jwt.getClaim(SCOPE)).stream()
                .map(SmartScope::parse)
                .flatMap(Optional::stream)
                .toList();
        return new CareClaims(
                jwt.getSubject(),
                jwt.getClaimAsString(CLIENT_ID),
                scopes,
                jwt.getClaimAsString(FHIR_USER),
                jwt.getClaimAsString(NHS_ROLE),
                jwt.getClaimAsString(ORG),
                PurposeOfUse.parse(jwt.getClaimAsString(PURPOSE_OF_USE)).orElse(PurposeOfUse.TREAT),
                jwt.getClaimAsString(PATIENT));
    }

    /** RFC 9068 says a space-separated string; some issuers send a JSON array. Accept both. */
    private static List<String> scopeValues(Object claim) {
        if (claim instanceof String s) {
            return Arrays.asList(s.trim().split("\\s+"));
        }
        if (claim instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        return List.of();
    }

    /**
     * True when any granted scope covers this interaction on this resource type. A {@code patient/} scope
     * counts only with a patient in context (SMART): without one it names no patient, so it grants nothing.
     */
    public boolean permits(String resourceType, Interaction interaction) {
        boolean patientInContext = ownPatient() != null;
        return scopes.stream()
                .filter(s -> patientInContext || s.context() != SmartScope.Context.PATIENT)
                .anyMatch(s -> s.covers(resourceType, interaction));
    }

    public boolean isSystem() {
        return scopes.stream().anyMatch(s -> s.context() == SmartScope.Context.SYSTEM) && fhirUser == null;
    }

    /**
     * True when the user is a patient ({@code fhirUser} Patient/x), acting for themself. Not the same as a
     * patient in context: a clinician's app launched for a patient carries {@code patient} too, and must never
     * be taken for the patient (their directives, who viewed them).
     */
    public boolean isPatient() {
        return selfPatient() != null;
    }

    /** The id of the patient who is the user ({@code fhirUser} Patient/x, agreeing with any launch context); else null. */
    public String selfPatient() {
        if (fhirUser == null || !fhirUser.startsWith("Patient/")) {
            return null;
        }
        String self = fhirUser.substring("Patient/".length());
        return patient == null || patient.equals(self) ? self : null;
    }

    /**
     * True unless this token is confined to one patient (launch context, or the patient user) and the request
     * is about another — or about no one patient (a whole trail, every directive). Every service checks it.
     */
    public boolean reaches(String patientId) {
        String own = ownPatient();
        return own == null || own.equals(patientId);
    }

    /** The patient this token's requests are confined to (SMART launch context, or the patient user); else null. */
    public String ownPatient() {
        if (patient != null) {
            return patient;
        }
        return selfPatient();
    }
}
