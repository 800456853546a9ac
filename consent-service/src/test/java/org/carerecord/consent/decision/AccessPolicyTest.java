package org.carerecord.consent.decision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.carerecord.security.decision.Decision.DENY;
import static org.carerecord.security.decision.Decision.PERMIT;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.carerecord.consent.directive.PatientWishes;
import org.carerecord.consent.policy.RolePolicies;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.BreakGlassGrant;
import org.carerecord.security.decision.CareRelationship;
import org.carerecord.security.decision.Decision;
import org.carerecord.security.decision.SensitiveCategory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.core.io.ClassPathResource;

/**
 * The access policy as a table: who asks (persona), about what, with what on record (relationships, the
 * patient's directives, a break-glass window) → the decision, what stays withheld, what the decision obliges.
 * Against the real role policy file ({@code policy/roles.json}), with no database: the policy is a function.
 */
class AccessPolicyTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private static final String PATIENT = "p-1";
    private static final Set<SensitiveCategory> NONE = Set.of();
    private static final Set<SensitiveCategory> ALL = EnumSet.allOf(SensitiveCategory.class);

    private static final AccessPolicy POLICY;

    static {
        try {
            POLICY = new AccessPolicy(new RolePolicies(new ClassPathResource("policy/roles.json"), new ObjectMapper()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A persona's request; each change gives a new one. */
    private record Ask(
            String role,
            String organisation,
            String fhirUser,
            String purpose,
            String reason,
            String patient,
            List<String> types,
            List<CareRelationship> relationships,
            String claimed,
            String interaction) {

        static Ask as(String role, String organisation) {
            return new Ask(
                    role,
                    organisation,
                    "Practitioner/pr-1",
                    null,
                    null,
                    PATIENT,
                    List.of("Condition"),
                    List.of(),
                    null,
                    "search");
        }

        Ask reading(String... resourceTypes) {
            return new Ask(
                    role,
                    organisation,
                    fhirUser,
                    purpose,
                    reason,
                    patient,
                    List.of(resourceTypes),
                    relationships,
                    claimed,
                    interaction);
        }

        Ask about(String patientId) {
            return new Ask(
                    role,
                    organisation,
                    fhirUser,
                    purpose,
                    reason,
                    patientId,
                    types,
                    relationships,
                    claimed,
                    interaction);
        }

        Ask user(String user) {
            return new Ask(
                    role, organisation, user, purpose, reason, patient, types, relationships, claimed, interaction);
        }

        Ask with(CareRelationship relationship) {
            return new Ask(
                    role,
                    organisation,
                    fhirUser,
                    purpose,
                    reason,
                    patient,
                    types,
                    List.of(relationship),
                    claimed,
                    interaction);
        }

        Ask breakingGlass(String why) {
            return new Ask(
                    role, organisation, fhirUser, "BTG", why, patient, types, relationships, claimed, interaction);
        }

        /** The same system sent records out — a bulk export or a notification: a disclosure, not a read-back. */
        Ask sentOutBy(String interaction) {
            return new Ask(
                    role, organisation, fhirUser, purpose, reason, patient, types, relationships, claimed, interaction);
        }

        Ask stating(String relationship) {
            return new Ask(
                    role,
                    organisation,
                    fhirUser,
                    purpose,
                    reason,
                    patient,
                    types,
                    relationships,
                    relationship,
                    interaction);
        }

        AccessRequest request() {
            return new AccessRequest(
                    "user-" + role,
                    role,
                    organisation,
                    fhirUser,
                    purpose,
                    reason,
                    patient,
                    types,
                    interaction,
                    relationships,
                    claimed);
        }
    }

    private static final Ask GP = Ask.as("R8000", "A81001").with(registeredGp());
    private static final Ask NURSE = Ask.as("R8001", "RTD").with(encounter(null, "in-progress"));
    private static final Ask NURSE_ELSEWHERE = Ask.as("R8001", "RXP");
    private static final Ask STUDENT = Ask.as("R8004", "RTD").with(encounter(null, "in-progress"));
    private static final Ask RECEPTIONIST = Ask.as("R8009", "A81001").with(registeredGp());
    private static final Ask SOCIAL_WORKER = Ask.as("R0243", "LA-01")
            .with(new CareRelationship("care-team", "CareTeam/ct-1", "active", NOW.minus(Duration.ofDays(100)), null));
    private static final Ask PRIVACY_OFFICER = Ask.as("R0001", "RTD");
    private static final Ask THE_PATIENT = Ask.as(null, null).user("Patient/" + PATIENT);
    private static final Ask GP_SYSTEM = Ask.as(null, "A81001").user(null);

    private static final String REASON = "Unconscious in A&E, no history available";

    private static PatientWishes noWishes() {
        return new PatientWishes(Optional.empty(), Map.of(), Map.of(), Map.of());
    }

    private static PatientWishes optedOut() {
        return new PatientWishes(Optional.of("Consent/opt-out"), Map.of(), Map.of(), Map.of());
    }

    private static PatientWishes restricts(SensitiveCategory category) {
        return new PatientWishes(Optional.empty(), Map.of(category, "Consent/restrict"), Map.of(), Map.of());
    }

    private static PatientWishes bars(String organisation) {
        return new PatientWishes(Optional.empty(), Map.of(), Map.of(organisation, "Consent/bar"), Map.of());
    }

    private static PatientWishes names(String organisation) {
        return new PatientWishes(Optional.empty(), Map.of(), Map.of(), Map.of(organisation, "Consent/name"));
    }

    private static CareRelationship registeredGp() {
        return new CareRelationship(CareRelationship.REGISTERED_GP, "Patient/" + PATIENT, null, null, null);
    }

    private static CareRelationship encounter(Instant end, String status) {
        return new CareRelationship("encounter", "Encounter/e-1", status, NOW.minus(Duration.ofDays(200)), end);
    }

    private static Set<SensitiveCategory> allBut(SensitiveCategory... seen) {
        Set<SensitiveCategory> withheld = EnumSet.allOf(SensitiveCategory.class);
        List.of(seen).forEach(withheld::remove);
        return withheld;
    }

    private static Arguments row(
            String situation,
            Ask ask,
            PatientWishes wishes,
            Decision expected,
            Set<SensitiveCategory> withheld,
            String... obligations) {
        return Arguments.of(situation, ask, wishes, expected, withheld, List.of(obligations));
    }

    static Stream<Arguments> policy() {
        return Stream.of(
                row("the registered GP reads problems", GP, noWishes(), PERMIT, NONE),
                row("a nurse caring for the patient now", NURSE, noWishes(), PERMIT, NONE),
                row(
                        "a nurse whose admission ended 30 days ago (recent)",
                        Ask.as("R8001", "RTD").with(encounter(NOW.minus(Duration.ofDays(30)), "finished")),
                        noWishes(),
                        PERMIT,
                        NONE),
                row(
                        "a nurse whose admission ended 120 days ago (beyond 90)",
                        Ask.as("R8001", "RTD").with(encounter(NOW.minus(Duration.ofDays(120)), "finished")),
                        noWishes(),
                        DENY,
                        NONE),
                row(
                        "a planned encounter is no relationship yet",
                        Ask.as("R8001", "RTD").with(encounter(null, "planned")),
                        noWishes(),
                        DENY,
                        NONE),
                row("a nurse elsewhere with no relationship", NURSE_ELSEWHERE, noWishes(), DENY, NONE),
                row(
                        "... who states one",
                        NURSE_ELSEWHERE.stating("Seeing the patient in clinic today"),
                        noWishes(),
                        PERMIT,
                        NONE,
                        AccessDecision.SELF_CLAIMED_RELATIONSHIP),
                row("... stating one nobody can read", NURSE_ELSEWHERE.stating("x"), noWishes(), DENY, NONE),
                row(
                        "... breaking glass with a reason",
                        NURSE_ELSEWHERE.breakingGlass(REASON),
                        noWishes(),
                        PERMIT,
                        NONE,
                        AccessDecision.BREAK_GLASS),
                row("... breaking glass without a reason", NURSE_ELSEWHERE.breakingGlass(" "), noWishes(), DENY, NONE),
                row(
                        "... breaking glass with a reason nobody can read",
                        NURSE_ELSEWHERE.breakingGlass("."),
                        noWishes(),
                        DENY,
                        NONE),
                row("... where the patient named their organisation", NURSE_ELSEWHERE, names("RXP"), PERMIT, NONE),
                row("a student may not break glass", STUDENT.breakingGlass(REASON), noWishes(), DENY, NONE),
                row("a student sees no sensitive category", STUDENT, noWishes(), PERMIT, ALL),
                row("a receptionist may not read problems", RECEPTIONIST, noWishes(), DENY, NONE),
                row(
                        "a receptionist reads demographics and admissions",
                        RECEPTIONIST.reading("Patient", "Encounter"),
                        noWishes(),
                        PERMIT,
                        ALL),
                row(
                        "a social worker sees safeguarding, no other sensitive category",
                        SOCIAL_WORKER,
                        noWishes(),
                        PERMIT,
                        allBut(SensitiveCategory.SAFEGUARDING)),
                row(
                        "a privacy officer reads no clinical record",
                        PRIVACY_OFFICER.reading("Patient"),
                        noWishes(),
                        DENY,
                        NONE),
                row("an unknown role", Ask.as("R9999", "RTD").with(registeredGp()), noWishes(), DENY, NONE),
                row("the patient reads their own record", THE_PATIENT, restricts(SensitiveCategory.HIV), PERMIT, NONE),
                row("the patient reads someone else's", THE_PATIENT.about("p-2"), noWishes(), DENY, NONE),
                row("a care provider's system needs no relationship", GP_SYSTEM, noWishes(), PERMIT, NONE),
                row(
                        "a care provider's system exports no patient it has no relationship with",
                        GP_SYSTEM.sentOutBy(AccessRequest.BULK_EXPORT),
                        noWishes(),
                        DENY,
                        NONE),
                row(
                        "... exports its registered patient's record, no sensitive category",
                        GP_SYSTEM.with(registeredGp()).sentOutBy(AccessRequest.BULK_EXPORT),
                        noWishes(),
                        PERMIT,
                        ALL),
                row(
                        "... nor the record of one who opted out",
                        GP_SYSTEM.with(registeredGp()).sentOutBy(AccessRequest.BULK_EXPORT),
                        optedOut(),
                        DENY,
                        NONE),
                row(
                        "... nor of one who barred its organisation",
                        GP_SYSTEM.with(registeredGp()).sentOutBy(AccessRequest.BULK_EXPORT),
                        bars("A81001"),
                        DENY,
                        NONE),
                row(
                        "a notification to a system is decided as its export",
                        GP_SYSTEM.with(registeredGp()).sentOutBy(AccessRequest.NOTIFICATION),
                        optedOut(),
                        DENY,
                        NONE),
                row(
                        "... and sent for a patient it cares for, no sensitive category",
                        GP_SYSTEM.with(registeredGp()).sentOutBy(AccessRequest.NOTIFICATION),
                        noWishes(),
                        PERMIT,
                        ALL),
                row(
                        "... not for one it has no relationship with",
                        GP_SYSTEM.sentOutBy(AccessRequest.NOTIFICATION),
                        noWishes(),
                        DENY,
                        NONE),
                row("the GP of a patient who opted out", GP, optedOut(), DENY, NONE),
                row(
                        "... breaking glass: an opt-out stands (the policy file says so)",
                        GP.breakingGlass(REASON),
                        optedOut(),
                        DENY,
                        NONE),
                row(
                        "the GP of a patient who restricts mental health",
                        GP,
                        restricts(SensitiveCategory.MENTAL_HEALTH),
                        PERMIT,
                        Set.of(SensitiveCategory.MENTAL_HEALTH)),
                row(
                        "... breaking glass sees it",
                        GP.breakingGlass(REASON),
                        restricts(SensitiveCategory.MENTAL_HEALTH),
                        PERMIT,
                        NONE,
                        AccessDecision.BREAK_GLASS),
                row(
                        "a student breaking no glass still sees none of it",
                        STUDENT,
                        restricts(SensitiveCategory.MENTAL_HEALTH),
                        PERMIT,
                        ALL),
                row("a nurse at an organisation the patient barred", NURSE, bars("RTD"), DENY, NONE),
                row(
                        "... breaking glass",
                        NURSE.breakingGlass(REASON),
                        bars("RTD"),
                        PERMIT,
                        NONE,
                        AccessDecision.BREAK_GLASS),
                row("a bar on another organisation", NURSE, bars("RXP"), PERMIT, NONE));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policy")
    void decides(
            String situation,
            Ask ask,
            PatientWishes wishes,
            Decision expected,
            Set<SensitiveCategory> withheld,
            List<String> obligations) {
        AccessPolicy.Outcome outcome = evaluate(ask, wishes, Optional.empty());
        AccessDecision decision = outcome.decision();
        assertThat(decision.decision()).as(String.join("\n", outcome.steps())).isEqualTo(expected);
        assertThat(outcome.steps().get(outcome.steps().size() - 1)).startsWith(expected + ": " + decision.reason());
        if (expected == PERMIT) {
            assertThat(Set.copyOf(decision.withheldCategories())).isEqualTo(withheld);
            assertThat(decision.obligations()).containsExactlyInAnyOrderElementsOf(obligations);
            assertThat(decision.permittedResourceTypes()).isNotEmpty();
        } else {
            assertThat(decision.permittedResourceTypes()).isEmpty();
        }
    }

    @Test
    void breakingGlassOpensAWindowOfThePolicysLengthOnce() {
        AccessPolicy.Outcome first = evaluate(NURSE_ELSEWHERE.breakingGlass(REASON), noWishes(), Optional.empty());
        assertThat(first.opensBreakGlass()).isTrue();
        assertThat(first.decision().breakGlassUntil()).isEqualTo(NOW.plus(Duration.ofMinutes(240)));

        BreakGlassGrant open = grant(NOW.plus(Duration.ofMinutes(100)));
        AccessPolicy.Outcome again = evaluate(NURSE_ELSEWHERE.breakingGlass(REASON), noWishes(), Optional.of(open));
        assertThat(again.opensBreakGlass()).isFalse();
        assertThat(again.decision().breakGlassUntil()).isEqualTo(open.expiresAt());
    }

    @Test
    void anOpenWindowCoversLaterRequestsThatDoNotAskAgain() {
        BreakGlassGrant open = grant(NOW.plus(Duration.ofMinutes(100)));
        AccessPolicy.Outcome covered = evaluate(NURSE_ELSEWHERE, restricts(SensitiveCategory.HIV), Optional.of(open));
        assertThat(covered.decision().permits()).isTrue();
        assertThat(covered.decision().obligations()).containsExactly(AccessDecision.BREAK_GLASS);
        assertThat(covered.decision().withheldCategories()).isEmpty();
        assertThat(covered.decision().breakGlassUntil()).isEqualTo(open.expiresAt());
        assertThat(covered.opensBreakGlass()).isFalse();
        // a role that may not break glass is not covered by a window it could not have opened
        assertThat(evaluate(Ask.as("R8004", "RXP"), noWishes(), Optional.of(open))
                        .decision()
                        .permits())
                .isFalse();
    }

    @Test
    void aRestrictionTheRoleCouldOverrideOffersBreakGlassAndNamesTheConsent() {
        AccessDecision decision =
                evaluate(GP, restricts(SensitiveCategory.HIV), Optional.empty()).decision();
        assertThat(decision.breakGlassAvailable()).isTrue();
        assertThat(decision.policy()).contains("Consent/restrict");
        AccessDecision barred = evaluate(NURSE, bars("RTD"), Optional.empty()).decision();
        assertThat(barred.breakGlassAvailable()).isTrue();
        assertThat(barred.policy()).isEqualTo("Consent/bar");
    }

    @Test
    void whatARoleMayNotSeeIsDecidedBeforeTheRecordIsRead() {
        AccessPolicy.Circumstances unread = new AccessPolicy.Circumstances(
                () -> {
                    throw new AssertionError("the patient's directives were read");
                },
                () -> {
                    throw new AssertionError("break-glass windows were read");
                },
                NOW);
        assertThat(POLICY.evaluate("d", RECEPTIONIST.request(), unread)
                        .decision()
                        .permits())
                .isFalse();
        assertThat(POLICY.evaluate("d", PRIVACY_OFFICER.reading("Patient").request(), unread)
                        .decision()
                        .permits())
                .isFalse();
        assertThat(POLICY.evaluate("d", STUDENT.breakingGlass(REASON).request(), unread)
                        .decision()
                        .permits())
                .isFalse();
    }

    private static AccessPolicy.Outcome evaluate(Ask ask, PatientWishes wishes, Optional<BreakGlassGrant> open) {
        return POLICY.evaluate(
                UUID.randomUUID().toString(),
                ask.request(),
                new AccessPolicy.Circumstances(() -> wishes, () -> open, NOW));
    }

    private static BreakGlassGrant grant(Instant expires) {
        return new BreakGlassGrant(
                UUID.randomUUID(),
                "user-R8001",
                "R8001",
                "RXP",
                PATIENT,
                "BTG",
                REASON,
                "d-0",
                expires.minus(Duration.ofMinutes(240)),
                expires,
                null,
                null,
                null);
    }
}
