package org.carerecord.security.token;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * The one place where an identity provider's claim names become this record's ({@link CareClaims}): every
 * service decodes a token, then this rewrites it, so policy code reads {@code nhs_role}, {@code org} and
 * {@code fhirUser} whichever provider signed the user in.
 *
 * <p>NHS CIS2 sends every role the user holds as {@code nhsid_nrbac_roles} (one entry per role: its
 * {@code person_roleid}, the job-role code in {@code role_code} as {@code S8000:G8000:R8000}, and the ODS
 * code of its organisation in {@code org_code}) and the role chosen for this session as
 * {@code selected_roleid}: the selected entry gives the role and the organisation; with no selection, a user
 * holding one role has that one, and a user holding several has none (refused by policy, never guessed).
 * Keycloak or Entra ID realms name the same facts differently: configure the names under
 * {@code care.token.claims} (see docs/identity.md).
 *
 * <p>Internal claim names are dropped from the incoming token before they are filled from the configured
 * sources: a provider that lets users edit their own attributes must not let them set {@code nhs_role}.
 *
 * @param role         claim holding the selected role code (when no role list is used)
 * @param organisation claim holding the session's organisation (ODS code)
 * @param fhirUser     claim holding the user's FHIR identity
 * @param userId       when no {@code fhirUser} claim: claim whose value names the user as {@code Practitioner/<value>}
 * @param purposeOfUse claim holding the default purpose of use
 * @param patient      claim holding the SMART patient context
 * @param roleList     claim holding the list of the user's roles (CIS2 {@code nhsid_nrbac_roles})
 * @param selectedRole claim naming the selected entry of that list (CIS2 {@code selected_roleid})
 */
@ConfigurationProperties("care.token.claims")
public record IdentityClaimMapping(
        String role,
        String organisation,
        String fhirUser,
        String userId,
        String purposeOfUse,
        String patient,
        String roleList,
        String selectedRole) {

    private static final Pattern JOB_ROLE = Pattern.compile("(R\\d{4})$");

    public IdentityClaimMapping {
        role = Objects.requireNonNullElse(role, CareClaims.NHS_ROLE);
        organisation = Objects.requireNonNullElse(organisation, CareClaims.ORG);
        fhirUser = Objects.requireNonNullElse(fhirUser, CareClaims.FHIR_USER);
        purposeOfUse = Objects.requireNonNullElse(purposeOfUse, CareClaims.PURPOSE_OF_USE);
        patient = Objects.requireNonNullElse(patient, CareClaims.PATIENT);
        roleList = Objects.requireNonNullElse(roleList, "nhsid_nrbac_roles");
        selectedRole = Objects.requireNonNullElse(selectedRole, "selected_roleid");
    }

    /** The names this record issues itself (the dev identity provider's tokens). */
    public static IdentityClaimMapping standard() {
        return new IdentityClaimMapping(null, null, null, null, null, null, null, null);
    }

    /** The token with this record's claim names filled from the configured ones. */
    public Jwt normalise(Jwt jwt) {
        Map<String, Object> claims = normalise(jwt.getClaims());
        if (claims.equals(jwt.getClaims())) {
            return jwt;
        }
        return Jwt.withTokenValue(jwt.getTokenValue())
                .headers(h -> h.putAll(jwt.getHeaders()))
                .claims(c -> c.putAll(claims))
                .build();
    }

    /**
     * A signed-in user's claims (an access token's, or an OpenID Connect sign-in's ID token and userinfo
     * together, where CIS2 puts the roles) with this record's claim names filled from the configured ones.
     */
    public Map<String, Object> normalise(Map<String, Object> source) {
        Map<String, Object> claims = new HashMap<>(source);
        List.of(
                        CareClaims.NHS_ROLE,
                        CareClaims.ORG,
                        CareClaims.FHIR_USER,
                        CareClaims.PURPOSE_OF_USE,
                        CareClaims.PATIENT)
                .forEach(claims::remove);
        Optional<Map<?, ?>> selected = selectedRole(source);
        if (source.get(roleList) instanceof Collection<?>) {
            selected.map(r -> jobRole(r.get("role_code"))).ifPresent(code -> claims.put(CareClaims.NHS_ROLE, code));
            selected.map(r -> r.get("org_code")).map(String::valueOf).ifPresent(org -> claims.put(CareClaims.ORG, org));
        } else {
            copy(source, role, claims, CareClaims.NHS_ROLE);
            copy(source, organisation, claims, CareClaims.ORG);
        }
        copy(source, fhirUser, claims, CareClaims.FHIR_USER);
        if (!claims.containsKey(CareClaims.FHIR_USER) && userId != null && source.get(userId) != null) {
            claims.put(CareClaims.FHIR_USER, "Practitioner/" + source.get(userId));
        }
        copy(source, purposeOfUse, claims, CareClaims.PURPOSE_OF_USE);
        copy(source, patient, claims, CareClaims.PATIENT);
        return claims;
    }

    private Optional<Map<?, ?>> selectedRole(Map<String, Object> source) {
        if (!(source.get(roleList) instanceof Collection<?> roles)) {
            return Optional.empty();
        }
        List<Map<?, ?>> entries = roles.stream()
                .filter(Map.class::isInstance)
                .<Map<?, ?>>map(Map.class::cast)
                .toList();
        Object chosen = source.get(selectedRole);
        if (chosen == null) {
            return entries.size() == 1 ? Optional.of(entries.get(0)) : Optional.empty();
        }
        return entries.stream()
                .filter(r -> String.valueOf(chosen).equals(String.valueOf(r.get("person_roleid"))))
                .findFirst();
    }

    /** {@code S8000:G8000:R8000} (CIS2) or {@code R8000}: the national job-role code, the last part. */
    private static String jobRole(Object roleCode) {
        if (roleCode == null) {
            return null;
        }
        Matcher m = JOB_ROLE.matcher(String.valueOf(roleCode).trim());
        return m.find() ? m.group(1) : null;
    }

    private static void copy(Map<String, Object> source, String from, Map<String, Object> claims, String to) {
        Object value = source.get(from);
        if (value != null) {
            claims.put(to, value);
        }
    }
}
