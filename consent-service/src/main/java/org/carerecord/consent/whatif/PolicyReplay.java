package org.carerecord.consent.whatif;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import org.carerecord.consent.decision.AccessPolicy;
import org.carerecord.consent.directive.ConsentDirectives;
import org.carerecord.consent.directive.PatientWishes;
import org.carerecord.consent.policy.RolePolicySet;
import org.carerecord.consent.whatif.WhatIfReport.Example;
import org.carerecord.consent.whatif.WhatIfReport.Flip;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.BreakGlassGrant;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Replays past decisions through a proposed role policy and through the one in force, with consent-service's own
 * {@link AccessPolicy} (the code that decides live requests, not a copy), and counts where they differ. Each
 * logged decision holds the request as it was asked (user, role, organisation, purpose, patient, record types and
 * the care-relationship evidence), so it is decided again at the time it was made: relationships as recent as
 * they were then, a break-glass window open then under each policy's window length. The patient's wishes are
 * those recorded now (a directive withdrawn since is not seen); decisions whose replay under the policy in force
 * differs from what was decided then are counted apart, never as flips.
 */
@Component
class PolicyReplay {

    /** How many flips the report shows as examples. */
    static final int EXAMPLES = 25;

    private static final int CHUNK = 20_000;

    /**
     * audit-service's repeated-refusals rule: this many refusals of one user within this long raise an alert. Each
     * policy carries its own ({@code alerts.repeatedRefusals}); a caller may ask about another for both.
     */
    record AlertThreshold(int refusals, Duration within) {

        static AlertThreshold of(RolePolicySet policy) {
            var threshold = policy.alerts().repeatedRefusals();
            return new AlertThreshold(threshold.count(), Duration.ofMinutes(threshold.windowMinutes()));
        }

        String describe() {
            return refusals + " refusals of one user within " + within.toMinutes() + " minutes";
        }

        static String describe(AlertThreshold now, AlertThreshold proposed) {
            return now.equals(proposed)
                    ? now.describe()
                    : "now " + now.describe() + "; proposed " + proposed.describe();
        }
    }

    /** A logged decision: when, what was asked (JSON as logged) and what was decided. */
    record Logged(String decisionId, Instant decidedAt, String request, String decision) {}

    /** What the record held that a replayed decision weighs besides the request. */
    interface History {
        PatientWishes wishes(String patientId, Instant at);

        /** The latest break-glass this user stated for this patient at or before {@code at}. */
        Optional<Instant> lastBreakGlass(String subject, String patientId, Instant at);
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate readOnly;
    private final ConsentDirectives directives;
    private final ObjectMapper json;
    private final Clock clock;

    PolicyReplay(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            ConsentDirectives directives,
            ObjectMapper json,
            Optional<Clock> clock) {
        this.jdbc = jdbc;
        this.readOnly = new TransactionTemplate(transactions.getTransactionManager());
        this.readOnly.setReadOnly(true);
        this.directives = directives;
        this.json = json;
        this.clock = clock.orElse(Clock.systemUTC());
    }

    /** The decisions logged in the last {@code window}, replayed through both policies. */
    /**
     * Replays the decisions of the last {@code window} under both policies; the repeated-refusals alert is judged
     * by each policy's own threshold, or by {@code alertOverride} for both when one is given.
     */
    WhatIfReport replay(RolePolicySet current, RolePolicySet proposed, Duration window, AlertThreshold alertOverride) {
        long started = System.nanoTime();
        Instant to = clock.instant();
        Instant from = to.minus(window);
        History history = history(from.minus(longestBreakGlass(current, proposed)));
        Tally tally = new Tally();
        // a cursor (fetch size inside a transaction): the window may hold millions of decisions
        readOnly.executeWithoutResult(status -> {
            List<Logged> chunk = new ArrayList<>(CHUNK);
            JdbcTemplate cursor = new JdbcTemplate(jdbc.getDataSource());
            cursor.setFetchSize(CHUNK);
            cursor.query(
                    "select decision_id, decided_at, request::text, decision from decision_log"
                            + " where decided_at >= ? and decided_at < ?",
                    rs -> {
                        chunk.add(new Logged(
                                rs.getString(1), rs.getTimestamp(2).toInstant(), rs.getString(3), rs.getString(4)));
                        if (chunk.size() == CHUNK) {
                            tally.add(compare(current, proposed, chunk, history, json));
                            chunk.clear();
                        }
                    },
                    Timestamp.from(from),
                    Timestamp.from(to));
            tally.add(compare(current, proposed, chunk, history, json));
        });
        return tally.report(
                current,
                proposed,
                from,
                to,
                alertOverride == null ? AlertThreshold.of(current) : alertOverride,
                alertOverride == null ? AlertThreshold.of(proposed) : alertOverride,
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static Duration longestBreakGlass(RolePolicySet a, RolePolicySet b) {
        return Duration.ofMinutes(
                Math.max(a.breakGlass().windowMinutes(), b.breakGlass().windowMinutes()));
    }

    /** The patients' directives (all read at once, as they are now) and the break-glass statements since {@code since}. */
    private History history(Instant since) {
        Map<String, NavigableSet<Instant>> grants = new ConcurrentHashMap<>();
        jdbc.query(
                "select subject, patient_id, granted_at from break_glass where granted_at >= ?",
                rs -> {
                    grants.computeIfAbsent(
                                    rs.getString(1) + '\u0000' + rs.getString(2), k -> new ConcurrentSkipListSet<>())
                            .add(rs.getTimestamp(3).toInstant());
                },
                Timestamp.from(since));
        Map<String, List<org.hl7.fhir.r4.model.Consent>> directivesOf = directives.allCurrent();
        return new History() {
            @Override
            public PatientWishes wishes(String patientId, Instant at) {
                return PatientWishes.of(directivesOf.getOrDefault(patientId, List.of()), Date.from(at));
            }

            @Override
            public Optional<Instant> lastBreakGlass(String subject, String patientId, Instant at) {
                NavigableSet<Instant> times = grants.get(subject + '\u0000' + patientId);
                return times == null ? Optional.empty() : Optional.ofNullable(times.floor(at));
            }
        };
    }

    /** Replays one chunk of logged decisions (on every core) and counts the flips. */
    static Tally compare(
            RolePolicySet current, RolePolicySet proposed, List<Logged> chunk, History history, ObjectMapper json) {
        AccessPolicy now = new AccessPolicy(() -> current);
        AccessPolicy then = new AccessPolicy(() -> proposed);
        return chunk.parallelStream()
                .collect(
                        Tally::new,
                        (tally, logged) -> {
                            AccessRequest request = read(logged.request(), json);
                            AccessDecision before = now.evaluate(
                                            logged.decisionId(),
                                            request,
                                            circumstances(request, logged, current, history))
                                    .decision();
                            AccessDecision after = then.evaluate(
                                            logged.decisionId(),
                                            request,
                                            circumstances(request, logged, proposed, history))
                                    .decision();
                            tally.count(logged, request, before, after);
                        },
                        Tally::add);
    }

    private static AccessPolicy.Circumstances circumstances(
            AccessRequest request, Logged logged, RolePolicySet policy, History history) {
        Instant at = logged.decidedAt();
        Duration window = Duration.ofMinutes(policy.breakGlass().windowMinutes());
        return new AccessPolicy.Circumstances(
                () -> history.wishes(request.patientId(), at),
                () -> history.lastBreakGlass(request.subject(), request.patientId(), at)
                        .filter(granted -> granted.plus(window).isAfter(at))
                        .map(granted -> new BreakGlassGrant(
                                null,
                                request.subject(),
                                request.nhsRole(),
                                request.organisation(),
                                request.patientId(),
                                "ETREAT",
                                "(replayed)",
                                null,
                                granted,
                                granted.plus(window),
                                null,
                                null,
                                null)),
                at);
    }

    private static AccessRequest read(String request, ObjectMapper json) {
        try {
            return json.readValue(request, AccessRequest.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "a logged request that is not an access request: " + e.getOriginalMessage());
        }
    }

    /** Counts so far; merged across chunks and threads. */
    static final class Tally {
        long replayed;
        long differFromLogged;
        final Map<Flip, Long> flips = new EnumMap<>(Flip.class);
        final Map<String, Map<Flip, Long>> byRole = new TreeMap<>();
        final Map<String, Map<Flip, Long>> byOrganisation = new TreeMap<>();
        final Map<String, Map<Flip, Long>> byType = new TreeMap<>();
        final List<Example> examples = new ArrayList<>();
        /** Each user's refusals (times), under the policy in force and under the proposal; and who they are. */
        final Map<String, List<Instant>> refusedNow = new java.util.HashMap<>();

        final Map<String, List<Instant>> refusedProposed = new java.util.HashMap<>();
        final Map<String, String[]> users = new java.util.HashMap<>();

        void count(Logged logged, AccessRequest request, AccessDecision before, AccessDecision after) {
            replayed++;
            if (!before.decision().name().equals(logged.decision())) {
                differFromLogged++;
                return;
            }
            String user = String.valueOf(request.subject());
            if (!before.permits()) {
                refusedNow.computeIfAbsent(user, k -> new ArrayList<>()).add(logged.decidedAt());
            }
            if (!after.permits()) {
                refusedProposed.computeIfAbsent(user, k -> new ArrayList<>()).add(logged.decidedAt());
            }
            if (!before.permits() || !after.permits()) {
                // anyone refused may be judged differently: by a flip, or by a threshold the proposal changes
                users.putIfAbsent(user, new String[] {request.nhsRole(), request.organisation()});
            }
            Flip flip = flip(before, after);
            if (flip == null) {
                return;
            }
            flips.merge(flip, 1L, Long::sum);
            add(byRole, String.valueOf(request.nhsRole()), flip, 1);
            add(byOrganisation, String.valueOf(request.organisation()), flip, 1);
            for (String type : request.resourceTypes() == null ? List.<String>of() : request.resourceTypes()) {
                add(byType, type, flip, 1);
            }
            keep(new Example(
                    logged.decisionId(),
                    logged.decidedAt(),
                    request.subject(),
                    request.nhsRole(),
                    request.organisation(),
                    request.patientId(),
                    request.resourceTypes(),
                    flip,
                    before.reason(),
                    after.reason()));
        }

        static Flip flip(AccessDecision before, AccessDecision after) {
            if (before.permits() && !after.permits()) {
                return Flip.PERMIT_TO_DENY;
            }
            if (!before.permits() && after.permits()) {
                return Flip.DENY_TO_PERMIT;
            }
            if (before.permits()
                    && (!before.permittedResourceTypes().equals(after.permittedResourceTypes())
                            || !java.util.Set.copyOf(before.withheldCategories())
                                    .equals(java.util.Set.copyOf(after.withheldCategories())))) {
                return Flip.SCOPE_CHANGED;
            }
            return null;
        }

        private static void add(Map<String, Map<Flip, Long>> by, String key, Flip flip, long n) {
            by.computeIfAbsent(key, k -> new EnumMap<>(Flip.class)).merge(flip, n, Long::sum);
        }

        /** Adds another tally's counts to this one. */
        void add(Tally other) {
            replayed += other.replayed;
            differFromLogged += other.differFromLogged;
            other.flips.forEach((k, v) -> flips.merge(k, v, Long::sum));
            other.byRole.forEach((k, m) -> m.forEach((f, n) -> add(byRole, k, f, n)));
            other.byOrganisation.forEach((k, m) -> m.forEach((f, n) -> add(byOrganisation, k, f, n)));
            other.byType.forEach((k, m) -> m.forEach((f, n) -> add(byType, k, f, n)));
            other.examples.forEach(this::keep);
            other.refusedNow.forEach((u, t) ->
                    refusedNow.computeIfAbsent(u, k -> new ArrayList<>()).addAll(t));
            other.refusedProposed.forEach((u, t) ->
                    refusedProposed.computeIfAbsent(u, k -> new ArrayList<>()).addAll(t));
            other.users.forEach(users::putIfAbsent);
        }

        /** The users whose refusals cross the alert's threshold under one policy and not the other. */
        List<WhatIfReport.AlertChange> alertChanges(AlertThreshold alertNow, AlertThreshold alertProposed) {
            List<WhatIfReport.AlertChange> changes = new ArrayList<>();
            for (var user : new java.util.TreeMap<>(users).entrySet()) {
                long now = most(refusedNow.getOrDefault(user.getKey(), List.of()), alertNow.within());
                long proposed = most(refusedProposed.getOrDefault(user.getKey(), List.of()), alertProposed.within());
                boolean firesNow = now >= alertNow.refusals();
                boolean firesProposed = proposed >= alertProposed.refusals();
                if (firesNow != firesProposed) {
                    changes.add(new WhatIfReport.AlertChange(
                            user.getKey(), user.getValue()[0], user.getValue()[1], firesProposed, now, proposed));
                }
            }
            return changes;
        }

        /** The most of {@code times} inside any one window of length {@code within} (sliding, ends inclusive). */
        static long most(List<Instant> times, Duration within) {
            List<Instant> sorted = new ArrayList<>(times);
            java.util.Collections.sort(sorted);
            long most = 0;
            int start = 0;
            for (int end = 0; end < sorted.size(); end++) {
                while (sorted.get(start).plus(within).isBefore(sorted.get(end))) {
                    start++;
                }
                most = Math.max(most, end - start + 1);
            }
            return most;
        }

        /** The examples are the most recent flips: the ones a governance officer can still ask people about. */
        private void keep(Example example) {
            if (examples.size() < EXAMPLES) {
                examples.add(example);
                return;
            }
            Example oldest = java.util.Collections.min(examples, java.util.Comparator.comparing(Example::decidedAt));
            if (example.decidedAt().isAfter(oldest.decidedAt())) {
                examples.set(examples.indexOf(oldest), example);
            }
        }

        WhatIfReport report(
                RolePolicySet current,
                RolePolicySet proposed,
                Instant from,
                Instant to,
                AlertThreshold alertNow,
                AlertThreshold alertProposed,
                Duration took) {
            return new WhatIfReport(
                    current.version(),
                    proposed.version(),
                    from,
                    to,
                    replayed,
                    flips.getOrDefault(Flip.PERMIT_TO_DENY, 0L),
                    flips.getOrDefault(Flip.DENY_TO_PERMIT, 0L),
                    flips.getOrDefault(Flip.SCOPE_CHANGED, 0L),
                    differFromLogged,
                    byRole,
                    byOrganisation,
                    byType,
                    examples.stream()
                            .sorted(java.util.Comparator.comparing(Example::decidedAt)
                                    .reversed())
                            .toList(),
                    AlertThreshold.describe(alertNow, alertProposed),
                    alertChanges(alertNow, alertProposed),
                    took.toMillis());
        }
    }
}
