package org.carerecord.audit.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.carerecord.security.token.IdentityClaimMapping;
import org.junit.jupiter.api.Test;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/** The console's signed-in user from CIS2-shaped and dev identity provider sign-ins (docs/identity.md). */
class ConsoleUsersTest {

    private static final Instant NOW = Instant.parse("2026-12-01T09:00:00Z");

    /** CIS2 gives the roles at userinfo: a Privacy Officer at RTD who also holds a clinical role at a practice. */
    private static final Map<String, Object> CIS2_USERINFO = Map.of(
            "sub", "910000000001",
            "name", "Priya Shah",
            "nhsid_useruid", "910000000001",
            "nhsid_nrbac_roles",
                    List.of(
                            Map.of(
                                    "person_roleid",
                                    "555021935107",
                                    "org_code",
                                    "RTD",
                                    "role_code",
                                    "S8002:G8003:R0001",
                                    "role_name",
                                    "\"Admin & Clerical\":\"Management - Info Governance\":\"Privacy Officer\""),
                            Map.of(
                                    "person_roleid",
                                    "555021936108",
                                    "org_code",
                                    "A81001",
                                    "role_code",
                                    "S8000:G8000:R8000",
                                    "role_name",
                                    "\"Clinical\":\"Clinical Provider\":\"Clinical Practitioner Access Role\"")),
            "selected_roleid", "555021935107");

    @Test
    void aCis2SignInGetsTheSelectedRoleAndItsOrganisationFromUserinfo() {
        OidcUser user = ConsoleUsers.mapped(
                signIn(Map.of("sub", "910000000001"), CIS2_USERINFO), IdentityClaimMapping.standard());

        ConsoleUser console = ConsoleUser.of(user);
        assertThat(console.role()).isEqualTo("R0001");
        assertThat(console.organisation()).isEqualTo("RTD");
        assertThat(console.name()).isEqualTo("Priya Shah");
        assertThat(roles(user)).contains("ROLE_R0001").doesNotContain("ROLE_R8000");
    }

    @Test
    void theOtherSelectedRoleIsNotAGovernanceRole() {
        Map<String, Object> clinical = new java.util.HashMap<>(CIS2_USERINFO);
        clinical.put("selected_roleid", "555021936108");
        OidcUser user =
                ConsoleUsers.mapped(signIn(Map.of("sub", "910000000001"), clinical), IdentityClaimMapping.standard());
        assertThat(ConsoleUser.of(user).role()).isEqualTo("R8000");
        assertThat(ConsoleUser.of(user).organisation()).isEqualTo("A81001");
        assertThat(roles(user)).contains("ROLE_R8000").doesNotContain("ROLE_R0001");
    }

    @Test
    void severalRolesAndNoneSelectedIsNoRoleNotAGuess() {
        Map<String, Object> unselected = new java.util.HashMap<>(CIS2_USERINFO);
        unselected.remove("selected_roleid");
        OidcUser user =
                ConsoleUsers.mapped(signIn(Map.of("sub", "910000000001"), unselected), IdentityClaimMapping.standard());
        assertThat(ConsoleUser.of(user).role()).isNull();
        assertThat(roles(user)).noneMatch(r -> r.startsWith("ROLE_"));
    }

    @Test
    void aRoleSmuggledUnderTheInternalNameBesideTheRoleListIsIgnored() {
        Map<String, Object> idToken = Map.of("sub", "910000000001", "nhs_role", "R5105", "org", "RTD");
        Map<String, Object> clinical = new java.util.HashMap<>(CIS2_USERINFO);
        clinical.put("selected_roleid", "555021936108");
        OidcUser user = ConsoleUsers.mapped(signIn(idToken, clinical), IdentityClaimMapping.standard());
        assertThat(ConsoleUser.of(user).role()).isEqualTo("R8000");
        assertThat(roles(user)).doesNotContain("ROLE_R5105");
    }

    @Test
    void aKeycloakRealmNamesTheRoleItsOwnWay() {
        IdentityClaimMapping keycloak =
                new IdentityClaimMapping("nhs_job_role", "ods_code", null, null, null, null, null, null);
        OidcUser user = ConsoleUsers.mapped(
                signIn(Map.of("sub", "u-1", "nhs_job_role", "R5105", "ods_code", "RTD", "nhs_role", "R0001"), null),
                keycloak);
        assertThat(ConsoleUser.of(user).role()).isEqualTo("R5105");
        assertThat(ConsoleUser.of(user).organisation()).isEqualTo("RTD");
    }

    @Test
    void theDevIdentityProvidersIdTokenIsReadAsItIs() {
        OidcUser user = ConsoleUsers.mapped(
                signIn(Map.of("sub", "privacy.officer", "name", "Priya Shah", "nhs_role", "R0001", "org", "RTD"), null),
                IdentityClaimMapping.standard());
        assertThat(ConsoleUser.of(user))
                .isEqualTo(new ConsoleUser(
                        "privacy.officer",
                        "Priya Shah",
                        "R0001",
                        ConsoleUser.of(user).roleName(),
                        "RTD"));
        assertThat(roles(user)).contains("ROLE_R0001");
    }

    private static OidcUser signIn(Map<String, Object> idTokenClaims, Map<String, Object> userInfo) {
        Map<String, Object> claims = new java.util.HashMap<>(idTokenClaims);
        claims.putIfAbsent("iss", "https://am.nhsidentity.spineservices.nhs.uk/openam/oauth2/realms/root/realms/oidc");
        OidcIdToken token = new OidcIdToken("id-token", NOW, NOW.plusSeconds(300), claims);
        return new DefaultOidcUser(Set.of(), token, userInfo == null ? null : new OidcUserInfo(userInfo), "sub");
    }

    private static List<String> roles(OidcUser user) {
        return user.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .toList();
    }
}
