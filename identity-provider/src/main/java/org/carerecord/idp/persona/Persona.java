package org.carerecord.idp.persona;

import java.util.List;

/**
 * A demo identity: a user (clinician, governance officer, patient) or a care-provider system.
 * Each persona signs in as an OAuth2 client with the client-credentials grant, which keeps the
 * demo scriptable; a user persona can also sign in to a browser application (the governance console)
 * by name and password through OpenID Connect. The token carries the claims a real NHS CIS2 session would.
 */
public record Persona(
        String id,
        String name,
        String fhirUser,
        String nhsRole,
        String org,
        String purposeOfUse,
        String patient,
        List<String> scopes) {

    /** Users sign in through a browser; system clients (a PAS, a GP system, our own services) never do. */
    public boolean isUser() {
        return fhirUser != null;
    }
}
