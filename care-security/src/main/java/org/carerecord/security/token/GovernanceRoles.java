package org.carerecord.security.token;

import java.util.Set;
import org.springframework.security.authorization.AuthorityAuthorizationManager;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationManagers;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/** Roles that review the audit trail and never see clinical data: Privacy Officer, Caldicott Guardian. */
public final class GovernanceRoles {

    public static final String PRIVACY_OFFICER = "R0001";
    /** Approves changes to the role policy (the policy file's own rule: a Caldicott Guardian signs off). */
    public static final String CALDICOTT_GUARDIAN = "R5105";

    public static final Set<String> CODES = Set.of(PRIVACY_OFFICER, CALDICOTT_GUARDIAN);
    /** The scope a governance session holds (the console asks for it); a role alone is not enough. */
    public static final String TRAIL_SCOPE = "user/AuditEvent.rs";

    private GovernanceRoles() {}

    public static boolean includes(String nhsRole) {
        return nhsRole != null && CODES.contains(nhsRole);
    }

    /**
     * A governance role <em>and</em> the trail scope: a token some other app obtained for a privacy officer
     * (a SMART app asking only {@code openid}, say) carries the role but must not review break-glass.
     */
    public static AuthorizationManager<RequestAuthorizationContext> governanceSession() {
        return AuthorizationManagers.allOf(
                AuthorityAuthorizationManager.hasAnyRole(CODES.toArray(String[]::new)),
                AuthorityAuthorizationManager.hasAuthority("SCOPE_" + TRAIL_SCOPE));
    }
}
