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
 * @param patient      SMART launch context: the patient a patient-facing token is bound to
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
                .map(SmartScope::parse).flatMap(Optional::stream).toList();
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

    /** True when any granted scope covers this interaction on this resource type. */
    public boolean permits(String resourceType, Interaction interaction) {
        return scopes.stream().anyMatch(s -> s.covers(resourceType, interaction));
    }

    public boolean isSystem() {
        return scopes.stream().anyMatch(s -> s.context() == SmartScope.Context.SYSTEM) && fhirUser == null;
    }

    public boolean isPatient() {
        return patient != null;
    }

    /** The patient a patient-facing token is bound to (SMART launch context, or fhirUser Patient/x); else null. */
    public String ownPatient() {
        if (patient != null) {
            return patient;
        }
        return fhirUser != null && fhirUser.startsWith("Patient/") ? fhirUser.substring("Patient/".length()) : null;
    }
}
