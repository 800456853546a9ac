package org.carerecord.idp.persona;

import java.util.List;

/**
 * A demo identity: a user (clinician, governance officer, patient) or a care-provider system.
 * Each persona signs in as an OAuth2 client with the client-credentials grant, which keeps the
 * demo scriptable; the token carries the claims a real NHS CIS2 session would.
 */
public record Persona(
        String id,
        String fhirUser,
        String nhsRole,
        String org,
        String purposeOfUse,
        String patient,
        List<String> scopes) {
}
