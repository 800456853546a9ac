package org.carerecord.consent.whatif;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.carerecord.consent.directive.PatientWishes;
import org.carerecord.consent.policy.RolePolicySet;
import org.carerecord.consent.whatif.WhatIfReport.Flip;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.CareRelationship;

/**
 * The what-if replay against hand-computed flips on a generated trail: each logged decision is a request by a
 * clerk, a nurse or a GP for one record type, with or without a registered-GP relationship, some inside a
 * break-glass window stated earlier. The proposal lets clerks (R8010) read Condition, takes Observation from
 * nurses (R8001) and shortens the break-glass window from 240 to 30 minutes; which decisions flip follows from
 * those three changes alone, counted here by hand and compared with what the real policy code replays; and so do
 * the users whose refusals would cross the repeated-refusals alert's threshold, or no longer would.
 */
class PolicyReplayTest {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final RolePolicySet CURRENT = shipped();
    private static final RolePolicySet PROPOSED = proposal();

    /** One generated past request and what the record held for it. */
    record Past(String role, String type, boolean related, Integer breakGlassMinutesAgo, int minutesAgo, int patient) {}

    @Provide
    Arbitrary<Past> past() {
        return Combinators.combine(
                        Arbitraries.of("R8010", "R8001", "R8000"),
                        Arbitraries.of("Patient", "Condition", "Encounter", "Observation"),
                        Arbitraries.of(true, false),
                        Arbitraries.integers().between(1, 400).injectNull(0.6),
                        Arbitraries.integers().between(0, 12 * 60),
                        Arbitraries.integers().between(1, 30))
                .as(Past::new);
    }

    @Property(tries = 60)
    void theFlipsAreThoseTheChangesExplain(
            @ForAll @Size(min = 1, max = 300) List<@net.jqwik.api.From("past") Past> trail) {
        List<PolicyReplay.Logged> logged = new ArrayList<>();
        long denyToPermit = 0;
        long permitToDeny = 0;
        long clerkConditions = 0;
        long nurseObservations = 0;
        for (int i = 0; i < trail.size(); i++) {
            Past p = trail.get(i);
            boolean now = permittedNow(p);
            boolean proposed = permittedProposed(p);
            denyToPermit += !now && proposed ? 1 : 0;
            permitToDeny += now && !proposed ? 1 : 0;
            clerkConditions += !now && proposed && p.role().equals("R8010") ? 1 : 0;
            nurseObservations += now && !proposed && p.type().equals("Observation") ? 1 : 0;
            logged.add(new PolicyReplay.Logged("d-" + i, at(p), request(p, i), now ? "PERMIT" : "DENY"));
        }

        PolicyReplay.Tally tally = PolicyReplay.compare(CURRENT, PROPOSED, logged, history(trail), JSON);
        PolicyReplay.AlertThreshold alert = new PolicyReplay.AlertThreshold(3, Duration.ofHours(1));
        WhatIfReport report =
                tally.report(CURRENT, PROPOSED, NOW.minus(Duration.ofDays(30)), NOW, alert, alert, Duration.ZERO);

        assertThat(report.replayed()).isEqualTo(trail.size());
        assertThat(report.differFromLogged())
                .as("the hand model agrees with the policy in force")
                .isZero();
        assertThat(report.denyToPermit()).isEqualTo(denyToPermit);
        assertThat(report.permitToDeny()).isEqualTo(permitToDeny);
        assertThat(report.byRole().getOrDefault("R8010", Map.of()).getOrDefault(Flip.DENY_TO_PERMIT, 0L))
                .isEqualTo(clerkConditions);
        assertThat(report.byResourceType().getOrDefault("Observation", Map.of()).getOrDefault(Flip.PERMIT_TO_DENY, 0L))
                .isEqualTo(nurseObservations);
        assertThat(report.examples()).hasSize((int) Math.min(PolicyReplay.EXAMPLES, denyToPermit + permitToDeny));
        assertThat(report.examples()).allSatisfy(e -> assertThat(e.reasonNow()).isNotEqualTo(e.reasonProposed()));

        // the repeated-refusals rule (3 within an hour here), counted by hand for each user with a flip
        Map<String, List<Instant>> refusedNow = new java.util.HashMap<>();
        Map<String, List<Instant>> refusedProposed = new java.util.HashMap<>();
        java.util.Set<String> flipped = new java.util.TreeSet<>();
        for (Past p : trail) {
            boolean now = permittedNow(p);
            boolean proposed = permittedProposed(p);
            if (!now) {
                refusedNow
                        .computeIfAbsent("user-" + p.role(), k -> new ArrayList<>())
                        .add(at(p));
            }
            if (!proposed) {
                refusedProposed
                        .computeIfAbsent("user-" + p.role(), k -> new ArrayList<>())
                        .add(at(p));
            }
            if (now != proposed) {
                flipped.add("user-" + p.role());
            }
        }
        List<String> judgedDifferently = flipped.stream()
                .filter(u -> (most(refusedNow.get(u)) >= 3) != (most(refusedProposed.get(u)) >= 3))
                .toList();
        assertThat(report.alerts())
                .extracting(WhatIfReport.AlertChange::userId)
                .containsExactlyElementsOf(judgedDifferently);
        assertThat(report.alerts()).allSatisfy(a -> assertThat(a.wouldFire()).isEqualTo(a.mostProposed() >= 3));
    }

    @org.junit.jupiter.api.Test
    void aBarOnAnOrganisationTurnsItsPermitsToDenialsAndNoOneElses() {
        ObjectNode file = CURRENT.source().deepCopy();
        file.put("version", "bar-rxp");
        file.putArray("organisationBars")
                .addObject()
                .put("organisation", "RXP")
                .put("reason", "data sharing agreement lapsed");
        RolePolicySet barred = RolePolicySet.parse(file, JSON);
        List<PolicyReplay.Logged> logged = List.of(
                logged(0, "nurse-rxp", "R8001", "RXP", "Condition", 10),
                logged(1, "nurse-rxp", "R8001", "RXP", "Encounter", 9),
                logged(2, "nurse-rtd", "R8001", "RTD", "Condition", 8));

        WhatIfReport report = replayed(barred, logged);

        assertThat(report.permitToDeny()).isEqualTo(2);
        assertThat(report.denyToPermit()).isZero();
        assertThat(report.byOrganisation()).containsOnlyKeys("RXP");
        assertThat(report.examples())
                .allSatisfy(e -> assertThat(e.reasonProposed()).contains("data sharing agreement lapsed"));
    }

    @org.junit.jupiter.api.Test
    void aProposalThatOnlyLowersTheRefusalsThresholdSaysWhoWouldNowBeAlerted() {
        ObjectNode file = CURRENT.source().deepCopy();
        file.put("version", "three-refusals");
        ((ObjectNode) file.path("alerts").path("repeatedRefusals")).put("count", 3);
        RolePolicySet stricter = RolePolicySet.parse(file, JSON);
        List<PolicyReplay.Logged> logged = new ArrayList<>();
        for (int i = 0; i < 3; i++) { // a clerk refused diagnoses three times in 20 minutes
            logged.add(logged(i, "clerk-three", "R8010", "RTD", "Condition", 20 - i * 10));
        }
        for (int i = 3; i < 5; i++) { // another twice
            logged.add(logged(i, "clerk-two", "R8010", "RTD", "Condition", 10 * i));
        }

        WhatIfReport report = replayed(stricter, logged);

        assertThat(report.permitToDeny() + report.denyToPermit()).isZero();
        assertThat(report.alertRule()).contains("now 5 refusals", "proposed 3 refusals");
        assertThat(report.alerts()).singleElement().satisfies(a -> {
            assertThat(a.userId()).isEqualTo("clerk-three");
            assertThat(a.wouldFire()).isTrue();
        });
    }

    /** The logged decisions replayed under the policy in force and {@code proposed}, each judged at its own threshold. */
    private static WhatIfReport replayed(RolePolicySet proposed, List<PolicyReplay.Logged> logged) {
        return PolicyReplay.compare(CURRENT, proposed, logged, history(List.of()), JSON)
                .report(
                        CURRENT,
                        proposed,
                        NOW.minus(Duration.ofDays(1)),
                        NOW,
                        PolicyReplay.AlertThreshold.of(CURRENT),
                        PolicyReplay.AlertThreshold.of(proposed),
                        Duration.ZERO);
    }

    private static PolicyReplay.Logged logged(
            int i, String user, String role, String organisation, String type, int minutesAgo) {
        try {
            String request = JSON.writeValueAsString(new AccessRequest(
                    user,
                    role,
                    organisation,
                    "Practitioner/" + user,
                    "TREAT",
                    null,
                    "p-" + i,
                    List.of(type),
                    "search-type",
                    List.of(new CareRelationship(
                            CareRelationship.REGISTERED_GP, "Patient/p-" + i, "active", null, null)),
                    null));
            boolean permitted = !(role.equals("R8010") && type.equals("Condition"));
            return new PolicyReplay.Logged(
                    "d-" + i, NOW.minus(Duration.ofMinutes(minutesAgo)), request, permitted ? "PERMIT" : "DENY");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The hand model of the policy in force: clerks see Patient and Encounter; a 240-minute break-glass window. */
    private static boolean permittedNow(Past p) {
        boolean open = p.breakGlassMinutesAgo() != null && p.breakGlassMinutesAgo() < 240;
        boolean type =
                !(p.role().equals("R8010") && !List.of("Patient", "Encounter").contains(p.type()));
        return type && (p.related() || (!p.role().equals("R8010") && open));
    }

    /** And of the proposal: clerks also see Condition, nurses no longer Observation, a 30-minute window. */
    private static boolean permittedProposed(Past p) {
        boolean open = p.breakGlassMinutesAgo() != null && p.breakGlassMinutesAgo() < 30;
        boolean type = p.role().equals("R8010")
                ? List.of("Patient", "Encounter", "Condition").contains(p.type())
                : !(p.role().equals("R8001") && p.type().equals("Observation"));
        return type && (p.related() || (!p.role().equals("R8010") && open));
    }

    /** The most refusals that fall within one hour of a refusal (naively: from each, count the hour after it). */
    private static long most(List<Instant> times) {
        if (times == null) {
            return 0;
        }
        return times.stream()
                .mapToLong(t -> times.stream()
                        .filter(u -> !u.isBefore(t) && !u.isAfter(t.plus(Duration.ofHours(1))))
                        .count())
                .max()
                .orElse(0);
    }

    private static Instant at(Past p) {
        return NOW.minus(Duration.ofMinutes(p.minutesAgo()));
    }

    private static String request(Past p, int i) {
        List<CareRelationship> evidence = p.related()
                ? List.of(new CareRelationship(
                        CareRelationship.REGISTERED_GP, "Patient/p" + p.patient(), "active", null, null))
                : List.of();
        try {
            return JSON.writeValueAsString(new AccessRequest(
                    "user-" + p.role(),
                    p.role(),
                    "RTD",
                    "Practitioner/" + p.role(),
                    "TREAT",
                    null,
                    "p" + p.patient() + "-" + i,
                    List.of(p.type()),
                    "search-type",
                    evidence,
                    null));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** No directives; each request's own break-glass statement, if any, so many minutes before it. */
    private static PolicyReplay.History history(List<Past> trail) {
        return new PolicyReplay.History() {
            @Override
            public PatientWishes wishes(String patientId, Instant at) {
                return PatientWishes.of(List.of(), Date.from(at));
            }

            @Override
            public Optional<Instant> lastBreakGlass(String subject, String patientId, Instant at) {
                int i = Integer.parseInt(patientId.substring(patientId.indexOf('-') + 1));
                return i < trail.size()
                        ? Optional.ofNullable(trail.get(i).breakGlassMinutesAgo())
                                .map(m -> at.minus(Duration.ofMinutes(m)))
                        : Optional.empty();
            }
        };
    }

    private static RolePolicySet shipped() {
        try {
            return RolePolicySet.parse(
                    JSON.readTree(PolicyReplayTest.class.getResourceAsStream("/policy/roles.json")), JSON);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RolePolicySet proposal() {
        ObjectNode file = CURRENT.source().deepCopy();
        file.put("version", "proposed");
        ((ArrayNode) file.at("/roles/R8010/resourceTypes")).add("Condition");
        ArrayNode nurse = (ArrayNode) file.at("/roles/R8001/resourceTypes");
        for (int i = nurse.size() - 1; i >= 0; i--) {
            if (nurse.get(i).asText().equals("Observation")) {
                nurse.remove(i);
            }
        }
        ((ObjectNode) file.path("breakGlass")).put("windowMinutes", 30);
        return RolePolicySet.parse(file, JSON);
    }
}
