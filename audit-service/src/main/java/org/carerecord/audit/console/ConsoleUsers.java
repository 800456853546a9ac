package org.carerecord.audit.console;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.IdentityClaimMapping;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserService;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUserAuthority;

/**
 * Who signed in to the console: the ID token's claims and — where the identity provider keeps roles there, as
 * NHS CIS2 does ({@code nhsid_nrbac_roles}, {@code selected_roleid}) — the userinfo endpoint's, read through the
 * same claim mapping every service applies to access tokens ({@link IdentityClaimMapping}), so the console sees
 * {@code nhs_role} and {@code org} whichever provider signed the user in; the role becomes {@code ROLE_<code>}.
 * A role claimed under the internal name by a provider configured otherwise is dropped, as on the API side.
 */
final class ConsoleUsers implements OAuth2UserService<OidcUserRequest, OidcUser> {

    private final OidcUserService standard = new OidcUserService();
    private final IdentityClaimMapping mapping;

    ConsoleUsers(IdentityClaimMapping mapping) {
        this.mapping = mapping;
        // userinfo is read whenever it is configured (CIS2 gives the roles only there), not only for profile scopes
        standard.setRetrieveUserInfo(request -> request.getClientRegistration()
                        .getProviderDetails()
                        .getUserInfoEndpoint()
                        .getUri()
                != null);
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        return mapped(standard.loadUser(request), mapping);
    }

    /** The user with this record's claim names, and {@code ROLE_<nhs_role>} when they have a role. */
    static OidcUser mapped(OidcUser user, IdentityClaimMapping mapping) {
        Map<String, Object> claims = mapping.normalise(user.getClaims());
        OidcIdToken token = new OidcIdToken(
                user.getIdToken().getTokenValue(),
                user.getIdToken().getIssuedAt(),
                user.getIdToken().getExpiresAt(),
                claims);
        Set<GrantedAuthority> authorities = new HashSet<>();
        authorities.add(new OidcUserAuthority(token));
        if (claims.get(CareClaims.NHS_ROLE) instanceof String role && !role.isBlank()) {
            authorities.add(new SimpleGrantedAuthority("ROLE_" + role));
        }
        return new DefaultOidcUser(authorities, token, "sub");
    }
}
