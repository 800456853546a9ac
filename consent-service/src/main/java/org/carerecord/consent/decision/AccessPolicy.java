package org.carerecord.consent.decision;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.carerecord.consent.directive.PatientWishes;
import org.carerecord.consent.policy.RolePolicies;
import org.carerecord.consent.policy.RolePolicy;
import org.carerecord.consent.policy.RolePolicySet;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.BreakGlassGrant;
import org.carerecord.security.decision.CareRelationship;
import org.carerecord.security.decision.Decision;
import org.carerecord.security.decision.SensitiveCategory;
import org.carerecord.security.decision.StatedReason;

/**
 * The access policy as a function of what it weighs: the role policy file, the request, the patient's wishes,
 * a break-glass window already open, and the time. It reads and writes nothing itself (what the record holds is
 * handed in, read only if the policy gets that far), so every rule can be tested as a table. Deny unless
 * something permits, in this order, each a step of its own:
 * <ol>
 *   <li>{@link #role}: the role exists and may see the resource types (and a patient only their own record);</li>
 *   <li>{@link #breakGlass}, if asked for: the role may use it and a reason is given; a window covers later requests;</li>
 *   <li>{@link #optOut}: the patient's opt-out (break-glass overrides it only if the policy says so);</li>
 *   <li>{@link #barredOrganisation}: an organisation the patient has barred (break-glass overrides);</li>
 *   <li>{@link #relationship}: evidence in the record, an organisation the patient named, a relationship
 *       the user states (flagged for review), or break-glass;</li>
 *   <li>{@link #categories}: withheld if the role may not see them, or the patient restricted them
 *       (break-glass overrides the patient's restriction, never the role's).</li>
 * </ol>
 * Every step taken is written down, so the decision can be explained later. Opening a new break-glass window
 * (a database write and a broadcast) is the caller's part: the outcome says whether one is to be opened.
 */
public final class AccessPolicy {

    /**
     * What the record holds that bears on a request about one patient, read only when a step needs it.
     *
     * @param wishes     the patient's directives in force now
     * @param activeGrant this user's break-glass window for the patient still open now, if any
     */
    public record Circumstances(
            Supplier<PatientWishes> wishes, Supplier<Optional<BreakGlassGrant>> activeGrant, Instant now) {}

    /** The decision, the steps that led to it, and whether a new break-glass window is to be opened for it. */
    public record Outcome(AccessDecision decision, List<String> steps, boolean opensBreakGlass) {}

    private final Supplier<RolePolicySet> policies;

    /** The policy as it is in force when each decision starts ({@link RolePolicies#current}). */
    AccessPolicy(RolePolicies policies) {
        this(policies::current);
    }

    /** Decides by whatever version {@code policies} gives: the live one, or one proposed (what-if replays). */
    public AccessPolicy(Supplier<RolePolicySet> policies) {
        this.policies = policies;
    }

    /** How long a break-glass window lasts. */
    Duration breakGlassWindow() {
        return Duration.ofMinutes(policies.get().breakGlass().windowMinutes());
    }

    /** A denial, thrown by a step and caught once in {@link #evaluate}. */
    private static final class Denied extends RuntimeException {
        final String reason;
        final String policy;
        final boolean breakGlassAvailable;

        Denied(String reason, String policy, boolean breakGlassAvailable) {
            super(reason, null, false, false);
            this.reason = reason;
            this.policy = policy;
            this.breakGlassAvailable = breakGlassAvailable;
        }
    }

    /** One request being decided: what the steps found so far. */
    private static final class Evaluation {
        final String decisionId;
        final AccessRequest request;
        final Circumstances at;
        final RolePolicySet policies;
        final List<String> steps = new ArrayList<>();
        final List<String> consentRefs = new ArrayList<>();
        final List<String> obligations = new ArrayList<>();
        final Set<SensitiveCategory> withheld = EnumSet.allOf(SensitiveCategory.class);
        final Set<SensitiveCategory> restrictedByPatient = EnumSet.noneOf(SensitiveCategory.class);
        RolePolicy role;
        String policyRef;
        List<String> requested;
        List<String> permittedTypes;
        boolean breakingGlass;
        boolean opensBreakGlass;
        String basis;
        private PatientWishes wishes;
        private Optional<BreakGlassGrant> activeGrant;

        Evaluation(String decisionId, AccessRequest request, Circumstances at, RolePolicySet policies) {
            this.decisionId = decisionId;
            this.request = request;
            this.at = at;
            this.policies = policies;
        }

        PatientWishes wishes() {
            if (wishes == null) {
                wishes = at.wishes().get();
            }
            return wishes;
        }

        Optional<BreakGlassGrant> activeGrant() {
            if (activeGrant == null) {
                activeGrant = at.activeGrant().get();
            }
            return activeGrant;
        }
    }

    public Outcome evaluate(String decisionId, AccessRequest request, Circumstances at) {
        Evaluation e = new Evaluation(decisionId, request, at, policies.get());
        try {
            role(e);
            organisationBar(e);
            if (request.patientId() == null) {
                e.steps.add("no single patient: shared resources only");
                return permit(
                        e,
                        "The " + e.role.name() + " role may see " + String.join(", ", e.permittedTypes),
                        e.policyRef,
                        false,
                        null);
            }
            breakGlass(e);
            optOut(e);
            barredOrganisation(e);
            relationship(e);
            categories(e);
            return decided(e);
        } catch (Denied denied) {
            e.steps.add("DENY: " + denied.reason);
            return new Outcome(
                    new AccessDecision(
                            decisionId,
                            Decision.DENY,
                            denied.reason,
                            denied.policy,
                            List.of(),
                            List.of(),
                            List.of(),
                            denied.breakGlassAvailable),
                    List.copyOf(e.steps),
                    false);
        }
    }

    /** Step 1: the role's policy, its own-record rule, and which of the asked-for types it may see. */
    private void role(Evaluation e) {
        AccessRequest request = e.request;
        String roleKey = roleKey(request);
        e.policyRef = e.policies.reference(roleKey);
        e.role = e.policies
                .forRole(roleKey)
                .orElseThrow(
                        () -> new Denied("No access policy exists for role " + describe(request), e.policyRef, false));
        e.steps.add("role " + roleKey + " (" + e.role.name() + ") found in " + e.policyRef);
        if (e.role.ownRecordOnly()
                && (request.patientId() == null || !("Patient/" + request.patientId()).equals(request.fhirUser()))) {
            throw new Denied("A patient may only see their own record", e.policyRef, false);
        }
        e.requested = request.resourceTypes() == null ? List.of() : request.resourceTypes();
        e.permittedTypes =
                e.requested.stream().filter(e.role.resourceTypes()::contains).toList();
        if (e.permittedTypes.isEmpty()) {
            throw new Denied(
                    "The " + e.role.name() + " role may not see " + String.join(", ", e.requested), e.policyRef, false);
        }
        e.steps.add("role may see " + String.join(", ", e.permittedTypes));
        e.withheld.removeAll(e.role.permittedCategories());
    }

    /** Step 1b: an organisation the region's sharing agreement bars sees nothing, emergency or not. */
    private void organisationBar(Evaluation e) {
        var bar = e.policies.barOn(e.request.organisation());
        if (bar.isPresent()) {
            throw new Denied(
                    describeOrg(e.request) + " is barred from the shared record: "
                            + bar.get().reason(),
                    e.policies.reference("organisationBars"),
                    false);
        }
        e.steps.add("organisation not barred by the policy");
    }

    /** Step 2: break-glass asked for now (the role may, with a reason a reviewer can read), or a window still open. */
    private void breakGlass(Evaluation e) {
        AccessRequest request = e.request;
        if (request.asksBreakGlass()) {
            if (!e.role.mayBreakGlass()) {
                throw new Denied("The " + e.role.name() + " role may not use break-glass", e.policyRef, false);
            }
            if (request.breakGlassReason() == null || request.breakGlassReason().isBlank()) {
                throw new Denied("Break-glass needs a stated reason (X-Break-Glass-Reason)", e.policyRef, true);
            }
            if (!StatedReason.readable(request.breakGlassReason())) {
                // whatever path asked: a reviewer must be able to read why the glass was broken
                throw new Denied(
                        "Break-glass needs a reason in words a reviewer can read (at least " + StatedReason.SHORTEST
                                + " characters, two words or more)",
                        e.policyRef,
                        true);
            }
            e.breakingGlass = true;
            e.steps.add("break-glass asked for: \"" + request.breakGlassReason() + "\"");
        } else if (e.role.mayBreakGlass() && e.activeGrant().isPresent()) {
            e.breakingGlass = true;
            e.steps.add("an earlier break-glass by this user for this patient is still in its window");
        }
    }

    /** Step 3: the patient's opt-out; break-glass overrides it only where the policy file says so. */
    private void optOut(Evaluation e) {
        Optional<String> optOut = e.wishes().optOut();
        if (optOut.isPresent()) {
            if (!(e.breakingGlass && e.policies.breakGlass().overridesOptOut())) {
                throw new Denied("The patient has opted out of sharing their record", optOut.get(), false);
            }
            e.steps.add("opt-out " + optOut.get() + " overridden by break-glass (policy allows it)");
            e.consentRefs.add(optOut.get());
        }
    }

    /** Step 4: an organisation the patient has barred from their record; break-glass overrides. */
    private void barredOrganisation(Evaluation e) {
        AccessRequest request = e.request;
        String barredBy = request.organisation() == null || !e.role.patientRestrictionsApply()
                ? null
                : e.wishes().deniedOrganisations().get(request.organisation());
        if (barredBy != null) {
            if (!e.breakingGlass) {
                throw new Denied(
                        "The patient has asked that " + request.organisation() + " does not see their record",
                        barredBy,
                        e.role.mayBreakGlass());
            }
            e.steps.add("organisation barred by " + barredBy + ", overridden by break-glass");
            e.consentRefs.add(barredBy);
        }
    }

    /** Step 5: a legitimate relationship, where the role needs one. */
    private void relationship(Evaluation e) {
        if (!e.role.relationshipRequired()) {
            return;
        }
        AccessRequest request = e.request;
        e.basis = relationshipBasis(request, e.wishes(), e.at.now(), e.policies);
        if (e.basis != null) {
            e.steps.add("legitimate relationship: " + e.basis);
        } else if (StatedReason.readable(request.claimedRelationship())) {
            e.basis = "relationship stated by the user: \"" + request.claimedRelationship() + "\" (flagged for review)";
            e.obligations.add(AccessDecision.SELF_CLAIMED_RELATIONSHIP);
            e.steps.add(e.basis);
        } else if (e.breakingGlass) {
            e.basis = "break-glass";
            e.steps.add("no relationship on record; break-glass stands in for it");
        } else {
            throw new Denied(
                    "No legitimate relationship: " + describeOrg(request)
                            + " has no current or recent care of this patient on record. State your relationship"
                            + " (X-Care-Relationship) or, in an emergency, use break-glass",
                    e.policyRef + "/relationship",
                    e.role.mayBreakGlass());
        }
    }

    /** Step 6: what stays withheld — the role's bar always, the patient's restrictions unless break-glass. */
    private void categories(Evaluation e) {
        if (e.role.patientRestrictionsApply()) {
            e.restrictedByPatient.addAll(e.wishes().restrictedCategories().keySet());
        }
        e.restrictedByPatient.removeAll(e.withheld); // the role could not see them anyway
        if (!e.restrictedByPatient.isEmpty()) {
            if (e.breakingGlass) {
                e.steps.add("patient's restriction of " + codes(e.restrictedByPatient) + " overridden by break-glass");
            } else {
                e.withheld.addAll(e.restrictedByPatient);
                e.restrictedByPatient.forEach(
                        c -> e.consentRefs.add(e.wishes().restrictedCategories().get(c)));
                e.steps.add("patient restricts " + codes(e.restrictedByPatient));
            }
        }
        if (!e.withheld.isEmpty()) {
            e.steps.add("withheld categories: " + codes(e.withheld));
        }
    }

    /** Permitted: the break-glass window it rests on (a new one opened by the caller), and the reason. */
    private Outcome decided(Evaluation e) {
        Instant breakGlassUntil = null;
        if (e.breakingGlass) {
            e.obligations.add(AccessDecision.BREAK_GLASS);
            Optional<BreakGlassGrant> active = e.activeGrant();
            if (e.request.asksBreakGlass() && active.isEmpty()) {
                e.opensBreakGlass = true;
                breakGlassUntil = e.at.now().plus(breakGlassWindow());
                e.steps.add("break-glass granted for " + e.policies.breakGlass().windowMinutes()
                        + " minutes; privacy officer alerted");
            } else {
                breakGlassUntil = active.map(BreakGlassGrant::expiresAt).orElse(null);
            }
        }
        boolean overridable = !e.breakingGlass && e.role.mayBreakGlass() && !e.restrictedByPatient.isEmpty();
        String reason = "The " + e.role.name() + " role may see " + String.join(", ", e.permittedTypes)
                + (e.basis == null ? "" : "; " + e.basis)
                + (e.permittedTypes.size() < e.requested.size() ? "; other types are withheld" : "");
        String policyNames = e.consentRefs.isEmpty()
                ? e.policyRef
                : e.policyRef + ", "
                        + String.join(", ", e.consentRefs.stream().distinct().toList());
        return permit(e, reason, policyNames, overridable, breakGlassUntil);
    }

    private static Outcome permit(
            Evaluation e, String reason, String policy, boolean breakGlassAvailable, Instant breakGlassUntil) {
        e.steps.add("PERMIT: " + reason);
        return new Outcome(
                new AccessDecision(
                        e.decisionId,
                        Decision.PERMIT,
                        reason,
                        policy,
                        e.permittedTypes,
                        List.copyOf(e.obligations),
                        List.copyOf(e.withheld),
                        breakGlassAvailable,
                        breakGlassUntil),
                List.copyOf(e.steps),
                e.opensBreakGlass);
    }

    /** The strongest evidence that the user's organisation cares for the patient, or null. */
    private String relationshipBasis(AccessRequest request, PatientWishes wishes, Instant now, RolePolicySet policies) {
        if (request.organisation() != null && wishes.permittedOrganisations().containsKey(request.organisation())) {
            return "the patient named " + request.organisation() + " in "
                    + wishes.permittedOrganisations().get(request.organisation());
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
        return status != null
                && switch (status) {
                    case "finished", "cancelled", "entered-in-error", "inactive", "proposed", "planned" -> true;
                    default -> false;
                };
    }

    private static String codes(Set<SensitiveCategory> categories) {
        return String.join(
                ", ", categories.stream().map(SensitiveCategory::code).toList());
    }

    private static String roleKey(AccessRequest request) {
        if (request.nhsRole() != null && !request.nhsRole().isBlank()) {
            return request.nhsRole();
        }
        if (request.fhirUser() != null && request.fhirUser().startsWith("Patient/")) {
            return RolePolicies.PATIENT;
        }
        if (request.fhirUser() != null) {
            return "(none)";
        }
        return request.asksDisclosure() ? RolePolicies.SYSTEM_DISCLOSURE : RolePolicies.SYSTEM;
    }

    private static String describe(AccessRequest request) {
        return request.nhsRole() == null ? "(no role in token)" : request.nhsRole();
    }

    private static String describeOrg(AccessRequest request) {
        return request.organisation() == null ? "Your organisation" : request.organisation();
    }
}
