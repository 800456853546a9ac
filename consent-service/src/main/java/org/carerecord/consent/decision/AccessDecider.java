package org.carerecord.consent.decision;

import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.carerecord.consent.directive.ConsentDirectives;
import org.carerecord.consent.directive.DirectiveRules;
import org.carerecord.consent.policy.RolePolicies;
import org.carerecord.consent.policy.RolePolicy;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.Decision;
import org.hl7.fhir.r4.model.Consent;
import org.springframework.stereotype.Service;

/**
 * Decides one request: deny unless the role policy permits, then the patient's opt-out overrides.
 * Every answer names the policy entry or Consent that decided it, in words a clinician understands.
 */
@Service
public class AccessDecider {

    private final RolePolicies policies;
    private final ConsentDirectives directives;

    public AccessDecider(RolePolicies policies, ConsentDirectives directives) {
        this.policies = policies;
        this.directives = directives;
    }

    public AccessDecision decide(AccessRequest request) {
        String roleKey = roleKey(request);
        Optional<RolePolicy> policy = policies.forRole(roleKey);
        if (policy.isEmpty()) {
            return deny("No access policy exists for role " + describe(request), policies.reference(roleKey));
        }
        RolePolicy role = policy.get();
        String policyRef = policies.reference(roleKey);
        if (role.ownRecordOnly() && (request.patientId() == null
                || !("Patient/" + request.patientId()).equals(request.fhirUser()))) {
            return deny("A patient may only see their own record", policyRef);
        }
        List<String> requested = request.resourceTypes() == null ? List.of() : request.resourceTypes();
        List<String> permitted = requested.stream().filter(role.resourceTypes()::contains).toList();
        if (permitted.isEmpty()) {
            return deny("The " + role.name() + " role may not see " + String.join(", ", requested), policyRef);
        }
        if (request.patientId() != null) {
            Optional<Consent> optOut = directives.forPatient(request.patientId()).stream()
                    .filter(c -> DirectiveRules.isOptOut(c, new Date())).findFirst();
            if (optOut.isPresent()) {
                return deny("The patient has opted out of sharing their record",
                        "Consent/" + optOut.get().getIdElement().getIdPart());
            }
        }
        String reason = "The " + role.name() + " role may see " + String.join(", ", permitted)
                + (permitted.size() < requested.size() ? "; other types are withheld" : "");
        return new AccessDecision(UUID.randomUUID().toString(), Decision.PERMIT, reason, policyRef, permitted, List.of());
    }

    private static String roleKey(AccessRequest request) {
        if (request.nhsRole() != null && !request.nhsRole().isBlank()) {
            return request.nhsRole();
        }
        if (request.fhirUser() != null && request.fhirUser().startsWith("Patient/")) {
            return RolePolicies.PATIENT;
        }
        return request.fhirUser() == null ? RolePolicies.SYSTEM : "(none)";
    }

    private static String describe(AccessRequest request) {
        return request.nhsRole() == null ? "(no role in token)" : request.nhsRole();
    }

    private static AccessDecision deny(String reason, String policy) {
        return new AccessDecision(UUID.randomUUID().toString(), Decision.DENY, reason, policy, List.of(), List.of());
    }
}
