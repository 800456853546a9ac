package org.carerecord.security.token;

import java.util.Set;

/** Roles that review the audit trail and never see clinical data: Privacy Officer, Caldicott Guardian. */
public final class GovernanceRoles {

    public static final Set<String> CODES = Set.of("R0001", "R5105");

    private GovernanceRoles() {
    }

    public static boolean includes(String nhsRole) {
        return nhsRole != null && CODES.contains(nhsRole);
    }
}
