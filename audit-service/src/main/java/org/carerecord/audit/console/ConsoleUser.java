package org.carerecord.audit.console;

import org.carerecord.audit.ledger.GovernanceAudit;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.NhsRoles;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;

/** The signed-in governance officer, as the ID token names them. */
public record ConsoleUser(String id, String name, String role, String roleName, String organisation) {

    public static ConsoleUser of(OidcUser user) {
        String role = user.getClaimAsString(CareClaims.NHS_ROLE);
        String name = user.getClaimAsString("name");
        return new ConsoleUser(
                user.getSubject(),
                name == null ? user.getSubject() : name,
                role,
                role == null ? "no role" : NhsRoles.name(role),
                user.getClaimAsString(CareClaims.ORG));
    }

    GovernanceAudit.Reviewer asReviewer() {
        return new GovernanceAudit.Reviewer(id, null, role, organisation);
    }
}
