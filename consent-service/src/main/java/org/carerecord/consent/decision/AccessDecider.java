package org.carerecord.consent.decision;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.carerecord.consent.breakglass.BreakGlassGrants;
import org.carerecord.consent.directive.ConsentDirectives;
import org.carerecord.consent.directive.PatientWishes;
import org.carerecord.consent.policy.RolePolicies;
import org.carerecord.consent.policy.RolePolicy;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.BreakGlassGrant;
import org.carerecord.security.decision.CareRelationship;
import org.carerecord.security.decision.Decision;
import org.carerecord.security.decision.SensitiveCategory;
import org.carerecord.security.decision.StatedReason;
import org.springframework.stereotype.Service;

/**
 * Decides one request, deny unless something permits it, in this order:
 * <ol>
 *   <li>role policy: the role exists and may see the resource types (and a patient only their own record);</li>
 *   <li>break-glass, if asked for: the role may use it and a reason is given; a grant covers the window;</li>
 *   <li>the patient's opt-out (break-glass overrides it only if the policy says so);</li>
 *   <li>an organisation the patient has barred (break-glass overrides);</li>
 *   <li>legitimate relationship: evidence in the record, an organisation the patient named, a relationship
 *       the user states (flagged for review), or break-glass;</li>
 *   <li>sensitive categories: withheld if the role may not see them, or the patient restricted them
 *       (break-glass overrides the patient's restriction, never the role's).</li>
 * </ol>
 * Every step taken is written down, so the decision can be explained later.
 */
@Service
public class AccessDecider {

    /** A decision and the steps that led to it. */
    public record Decided(AccessDecision decision, List<String> steps) {
    }

    private final RolePolicies policies;
    private final ConsentDirectives directives;
    private final BreakGlassGrants breakGlass;
    private final Clock clock;

    public AccessDecider(RolePolicies policies, ConsentDirectives directives, BreakGlassGrants breakGlass,
            Optional<Clock> clock) {
        this.policies = policies;
        this.directives = directives;
        this.breakGlass = breakGlass;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    public Decided decide(AccessRequest request) {
        String decisionId = UUID.randomUUID().toString();
        List<String> steps = new ArrayList<>();
        String roleKey = roleKey(request);
        String policyRef = policies.reference(roleKey);
        Optional<RolePolicy> policy = policies.forRole(roleKey);
        if (policy.isEmpty()) {
            return deny(decisionId, steps, "No access policy exists for role " + describe(request), policyRef, false);
        }
        RolePolicy role = policy.get();
        steps.add("role " + roleKey + " (" + role.name() + ") found in " + policyRef);
        if (role.ownRecordOnly() && (request.patientId() == null
                || !("Patient/" + request.patientId()).equals(request.fhirUser()))) {
            return deny(decisionId, steps, "A patient may only see their own record", policyRef, false);
        }
        List<String> requested = request.resourceTypes() == null ? List.of() : request.resourceTypes();
        List<String> permittedTypes = requested.stream().filter(role.resourceTypes()::contains).toList();
        if (permittedTypes.isEmpty()) {
            return deny(decisionId, steps, "The " + role.name() + " role may not see " + String.join(", ", requested),
                    policyRef, false);
        }
        steps.add("role may see " + String.join(", ", permittedTypes));
        Set<SensitiveCategory> withheld = EnumSet.allOf(SensitiveCategory.class);
        withheld.removeAll(role.permittedCategories());
        if (request.patientId() == null) {
            steps.add("no single patient: shared resources only");
            return permit(decisionId, steps, "The " + role.name() + " role may see " + String.join(", ", permittedTypes),
                    policyRef, permittedTypes, List.of(), withheld, false, null);
        }

        Instant now = clock.instant();
        boolean breakGlassAsked = request.asksBreakGlass();
        boolean breakingGlass = false;
        if (breakGlassAsked) {
            if (!role.mayBreakGlass()) {
                return deny(decisionId, steps, "The " + role.name() + " role may not use break-glass", policyRef, false);
            }
            if (request.breakGlassReason() == null || request.breakGlassReason().isBlank()) {
                return deny(decisionId, steps, "Break-glass needs a stated reason (X-Break-Glass-Reason)", policyRef, true);
            }
            if (!StatedReason.readable(request.breakGlassReason())) {
                // whatever path asked: a reviewer must be able to read why the glass was broken
                return deny(decisionId, steps, "Break-glass needs a reason in words a reviewer can read (at least "
                        + StatedReason.SHORTEST + " characters, two words or more)", policyRef, true);
            }
            breakingGlass = true;
            steps.add("break-glass asked for: \"" + request.breakGlassReason() + "\"");
        } else if (role.mayBreakGlass() && breakGlass.active(request.subject(), request.patientId(), now).isPresent()) {
            breakingGlass = true;
            steps.add("an earlier break-glass by this user for this patient is still in its window");
        }

        PatientWishes wishes = PatientWishes.of(directives.forPatient(request.patientId()), Date.from(now));
        List<String> consentRefs = new ArrayList<>();
        if (wishes.optOut().isPresent()) {
            if (!(breakingGlass && policies.breakGlass().overridesOptOut())) {
                return deny(decisionId, steps, "The patient has opted out of sharing their record", wishes.optOut().get(), false);
            }
            steps.add("opt-out " + wishes.optOut().get() + " overridden by break-glass (policy allows it)");
            consentRefs.add(wishes.optOut().get());
        }
        String barredBy = request.organisation() == null || !role.patientRestrictionsApply() ? null
                : wishes.deniedOrganisations().get(request.organisation());
        if (barredBy != null) {
            if (!breakingGlass) {
                return deny(decisionId, steps, "The patient has asked that " + request.organisation()
                        + " does not see their record", barredBy, role.mayBreakGlass());
            }
            steps.add("organisation barred by " + barredBy + ", overridden by break-glass");
            consentRefs.add(barredBy);
        }

        List<String> obligations = new ArrayList<>();
        String basis = null;
        if (role.relationshipRequired()) {
            basis = relationshipBasis(request, wishes, now);
            if (basis != null) {
                steps.add("legitimate relationship: " + basis);
            } else if (StatedReason.readable(request.claimedRelationship())) {
                basis = "relationship stated by the user: \"" + request.claimedRelationship() + "\" (flagged for review)";
                obligations.add(AccessDecision.SELF_CLAIMED_RELATIONSHIP);
                steps.add(basis);
            } else if (breakingGlass) {
                basis = "break-glass";
                steps.add("no relationship on record; break-glass stands in for it");
            } else {
                return deny(decisionId, steps, "No legitimate relationship: " + describeOrg(request)
                        + " has no current or recent care of this patient on record. State your relationship"
                        + " (X-Care-Relationship) or, in an emergency, use break-glass", policyRef + "/relationship",
                        role.mayBreakGlass());
            }
        }

        Set<SensitiveCategory> restrictedByPatient = EnumSet.noneOf(SensitiveCategory.class);
        if (role.patientRestrictionsApply()) {
            restrictedByPatient.addAll(wishes.restrictedCategories().keySet());
        }
        restrictedByPatient.removeAll(withheld); // the role could not see them anyway
        if (!restrictedByPatient.isEmpty()) {
            if (breakingGlass) {
                steps.add("patient's restriction of " + codes(restrictedByPatient) + " overridden by break-glass");
            } else {
                withheld.addAll(restrictedByPatient);
                restrictedByPatient.forEach(c -> consentRefs.add(wishes.restrictedCategories().get(c)));
                steps.add("patient restricts " + codes(restrictedByPatient));
            }
        }
        if (!withheld.isEmpty()) {
            steps.add("withheld categories: " + codes(withheld));
        }
        Instant breakGlassUntil = null;
        if (breakingGlass) {
            obligations.add(AccessDecision.BREAK_GLASS);
            Optional<BreakGlassGrant> active = breakGlass.active(request.subject(), request.patientId(), now);
            if (breakGlassAsked && active.isEmpty()) {
                active = Optional.of(breakGlass.grant(request, decisionId,
                        Duration.ofMinutes(policies.breakGlass().windowMinutes()), now));
                steps.add("break-glass granted for " + policies.breakGlass().windowMinutes()
                        + " minutes; privacy officer alerted");
            }
            breakGlassUntil = active.map(BreakGlassGrant::expiresAt).orElse(null);
        }
        boolean overridable = !breakingGlass && role.mayBreakGlass() && !restrictedByPatient.isEmpty();
        String reason = "The " + role.name() + " role may see " + String.join(", ", permittedTypes)
                + (basis == null ? "" : "; " + basis)
                + (permittedTypes.size() < requested.size() ? "; other types are withheld" : "");
        String policyNames = consentRefs.isEmpty() ? policyRef : policyRef + ", " + String.join(", ", consentRefs.stream().distinct().toList());
        return permit(decisionId, steps, reason, policyNames, permittedTypes, obligations, withheld, overridable,
                breakGlassUntil);
    }

    /** The strongest evidence that the user's organisation cares for the patient, or null. */
    private String relationshipBasis(AccessRequest request, PatientWishes wishes, Instant now) {
        if (request.organisation() != null && wishes.permittedOrganisations().containsKey(request.organisation())) {
            return "the patient named " + request.organisation() + " in " + wishes.permittedOrganisations().get(request.organisation());
        }
        Instant recent = now.minus(Duration.ofDays(policies.relationship().recentWindowDays()));
        List<CareRelationship> evidence = request.relationships() == null ? List.of() : request.relationships();
        for (CareRelationship r : evidence) {
            if (CareRelationship.REGISTERED_GP.equals(r.basis())) {
                return describeOrg(request) + " is the patient's registered GP practice";
            }
        }
        for (CareRelationship r : evidence) {
            boolean current = r.end() == null && !isClosed(r.status());
            boolean recentlyEnded = r.end() != null && r.end().isAfter(recent);
            if (current || recentlyEnded) {
                return (current ? "current " : "recent ") + r.basis().replace('-', ' ') + " " + r.resource();
            }
        }
        return null;
    }

    private static boolean isClosed(String status) {
        return status != null && switch (status) {
            case "finished", "cancelled", "entered-in-error", "inactive", "proposed", "planned" -> true;
            default -> false;
        };
    }

    private static String codes(Set<SensitiveCategory> categories) {
        return String.join(", ", categories.stream().map(SensitiveCategory::code).toList());
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

    private static String describeOrg(AccessRequest request) {
        return request.organisation() == null ? "Your organisation" : request.organisation();
    }

    private static Decided permit(String id, List<String> steps, String reason, String policy, List<String> types,
            List<String> obligations, Set<SensitiveCategory> withheld, boolean breakGlassAvailable, Instant breakGlassUntil) {
        steps.add("PERMIT: " + reason);
        return new Decided(new AccessDecision(id, Decision.PERMIT, reason, policy, types, List.copyOf(obligations),
                List.copyOf(withheld), breakGlassAvailable, breakGlassUntil), List.copyOf(steps));
    }

    private static Decided deny(String id, List<String> steps, String reason, String policy, boolean breakGlassAvailable) {
        steps.add("DENY: " + reason);
        return new Decided(new AccessDecision(id, Decision.DENY, reason, policy, List.of(), List.of(), List.of(),
                breakGlassAvailable), List.copyOf(steps));
    }
}
