package org.carerecord.consent.whatif;

import ca.uhn.fhir.rest.server.exceptions.UnclassifiedServerFailureException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.carerecord.consent.audit.ConsentServiceAudit;
import org.carerecord.consent.changes.DecisionChanges;
import org.carerecord.consent.policy.RolePolicies;
import org.carerecord.consent.policy.RolePolicySet;
import org.carerecord.security.decision.DecisionFeed;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.GovernanceRoles;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The role policy under governance (Privacy Officers and Caldicott Guardians only):
 * <ul>
 *   <li>{@code GET /policy}: the version in force; {@code GET /policy/versions}: every version put in force;</li>
 *   <li>{@code POST /policy/proposals} {@code {title, rationale, policy}}: propose a whole new policy file;</li>
 *   <li>{@code POST /policy/proposals/{id}/simulate?days=30}: replay the last days' decisions through it
 *       ({@link WhatIfReport}: which would flip, by role, organisation and record type, with examples, and whose
 *       refusals would cross the repeated-refusals alert's threshold — each policy's own, or
 *       {@code refusals=&withinMinutes=} for both — or no longer would);</li>
 *   <li>{@code GET /policy/alerts}: the alert thresholds in force, for audit-service's detector;</li>
 *   <li>{@code POST /policy/proposals/{id}/approve} {@code {note}}: a Caldicott Guardian other than the proposer
 *       puts it in force — a new version, every cached decision dropped before the answer;
 *       {@code .../reject} {@code {note}} closes it unapproved;</li>
 *   <li>{@code POST /policy/versions/{version}/restore} {@code {note}}: a Caldicott Guardian puts an earlier
 *       version back in force (as a new version, so the history only grows).</li>
 * </ul>
 * Every action is written to the audit trail before it takes effect.
 */
@RestController
class PolicyGovernanceController {

    /** A proposal: a title, why, and the whole policy file as it would be. */
    record Proposed(String title, String rationale, JsonNode policy) {}

    /** An approval, rejection or restore: the note is required (the reason stays with the decision). */
    record Verdict(String note) {}

    private final RolePolicies live;
    private final PolicyVersions versions;
    private final PolicyProposals proposals;
    private final PolicyReplay replay;
    private final DecisionChanges changes;
    private final ConsentServiceAudit audit;
    private final TransactionTemplate transaction;
    private final ObjectMapper json;

    PolicyGovernanceController(
            RolePolicies live,
            PolicyVersions versions,
            PolicyProposals proposals,
            PolicyReplay replay,
            DecisionChanges changes,
            ConsentServiceAudit audit,
            TransactionTemplate transaction,
            ObjectMapper json) {
        this.live = live;
        this.versions = versions;
        this.proposals = proposals;
        this.replay = replay;
        this.changes = changes;
        this.audit = audit;
        this.transaction = transaction;
        this.json = json;
    }

    @GetMapping("/policy")
    Map<String, Object> current() {
        RolePolicySet policy = inForce();
        return Map.of(
                "version", policy.version(),
                "shipped", policy.version().equals(live.shipped().version()),
                "policy", policy.source());
    }

    /**
     * The unusual-access alert thresholds in force, for audit-service's detector (its own client's scope
     * {@code system/AccessPolicy.r}): approving a proposal that changes them changes what the detector counts.
     */
    @GetMapping("/policy/alerts")
    Map<String, Object> alertThresholds() {
        RolePolicySet policy = inForce();
        return Map.of("version", policy.version(), "alerts", policy.alerts());
    }

    @GetMapping("/policy/versions")
    Map<String, Object> history() {
        return Map.of(
                "current", inForce().version(),
                "shipped", live.shipped().version(),
                "versions", versions.history());
    }

    @GetMapping("/policy/versions/{version}")
    ResponseEntity<JsonNode> version(@PathVariable String version) {
        return ResponseEntity.of(versions.find(version).map(RolePolicySet::source));
    }

    @GetMapping("/policy/proposals")
    List<PolicyProposals.Proposal> proposals() {
        return proposals.list();
    }

    @GetMapping("/policy/proposals/{id}")
    ResponseEntity<PolicyProposals.Proposal> proposal(@PathVariable UUID id) {
        return ResponseEntity.of(proposals.find(id));
    }

    @PostMapping("/policy/proposals")
    ResponseEntity<Map<String, Object>> propose(@RequestBody Proposed proposed, @AuthenticationPrincipal Jwt jwt) {
        if (proposed.title() == null || proposed.title().isBlank() || proposed.policy() == null) {
            return error(400, "a proposal needs a title and the whole policy file as it would be (policy)");
        }
        try {
            RolePolicySet.parse(proposed.policy(), json);
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        CareClaims by = CareClaims.from(jwt);
        String base = inForce().version();
        UUID id = transaction.execute(status -> {
            UUID created =
                    proposals.propose(proposed.title(), proposed.rationale(), by.subject(), base, proposed.policy());
            audit.governance(by, "policy-proposed", "policy-proposal/" + created, "proposed: " + proposed.title());
            return created;
        });
        return ResponseEntity.status(201).body(Map.of("id", id, "baseVersion", base, "status", "proposed"));
    }

    @PostMapping("/policy/proposals/{id}/simulate")
    ResponseEntity<?> simulate(
            @PathVariable UUID id,
            @RequestParam(defaultValue = "30") int days,
            @RequestParam(required = false) Integer refusals,
            @RequestParam(required = false) Integer withinMinutes,
            @AuthenticationPrincipal Jwt jwt) {
        if (days < 1 || days > 366) {
            return error(400, "days must be between 1 and 366");
        }
        if ((refusals != null && refusals < 1) || (withinMinutes != null && withinMinutes < 1)) {
            return error(400, "refusals and withinMinutes must be 1 or more");
        }
        // each policy's own repeated-refusals threshold, unless the caller asks about another for both
        PolicyReplay.AlertThreshold inForce = PolicyReplay.AlertThreshold.of(inForce());
        PolicyReplay.AlertThreshold alert = refusals == null && withinMinutes == null
                ? null
                : new PolicyReplay.AlertThreshold(
                        refusals == null ? inForce.refusals() : refusals,
                        withinMinutes == null ? inForce.within() : Duration.ofMinutes(withinMinutes));
        var proposal = proposals.find(id);
        if (proposal.isEmpty()) {
            return error(404, "no such proposal");
        }
        RolePolicySet proposed = RolePolicySet.parse(proposal.get().policy(), json);
        WhatIfReport report = replay.replay(inForce(), proposed, Duration.ofDays(days), alert);
        proposals.simulated(id, report);
        audit.governance(
                CareClaims.from(jwt),
                "policy-simulated",
                "policy-proposal/" + id,
                "replayed " + report.replayed() + " decisions of " + days + " days: " + report.permitToDeny()
                        + " permit→deny, " + report.denyToPermit() + " deny→permit");
        return ResponseEntity.ok(report);
    }

    @PostMapping("/policy/proposals/{id}/approve")
    ResponseEntity<Map<String, Object>> approve(
            @PathVariable UUID id, @RequestBody Verdict verdict, @AuthenticationPrincipal Jwt jwt) {
        CareClaims by = CareClaims.from(jwt);
        var refused = mayPutInForce(by, verdict);
        if (refused != null) {
            return refused;
        }
        var proposal = proposals.find(id);
        if (proposal.isEmpty()) {
            return error(404, "no such proposal");
        }
        if (proposal.get().proposedBy().equals(by.subject())) {
            return error(403, "a proposal is approved by someone other than who proposed it");
        }
        if (!"proposed".equals(proposal.get().status())) {
            return error(409, "the proposal was " + proposal.get().status() + " already");
        }
        RolePolicySet proposed = RolePolicySet.parse(proposal.get().policy(), json);
        RolePolicySet inForce = transaction.execute(status -> {
            if (!proposals.decide(id, "approved", by.subject(), verdict.note())) {
                return null;
            }
            // only on the version it was made on, checked under the lock (an approval elsewhere may just have landed)
            RolePolicySet named = versions.record(
                    proposed, proposal.get().baseVersion(), "proposal", id, by.subject(), verdict.note());
            audit.governance(
                    by,
                    "policy-approved",
                    "policy-proposal/" + id,
                    "approved as version " + named.version() + ": " + verdict.note());
            return named;
        });
        if (inForce == null) {
            return error(409, "the proposal was decided a moment ago");
        }
        putInForce(inForce);
        return ResponseEntity.ok(Map.of("approved", id, "version", inForce.version()));
    }

    @PostMapping("/policy/proposals/{id}/reject")
    ResponseEntity<Map<String, Object>> reject(
            @PathVariable UUID id, @RequestBody Verdict verdict, @AuthenticationPrincipal Jwt jwt) {
        if (verdict.note() == null || verdict.note().isBlank()) {
            return error(400, "a rejection needs a note saying why");
        }
        CareClaims by = CareClaims.from(jwt);
        Boolean decided = transaction.execute(status -> {
            if (!proposals.decide(id, "rejected", by.subject(), verdict.note())) {
                return false;
            }
            audit.governance(by, "policy-rejected", "policy-proposal/" + id, "rejected: " + verdict.note());
            return true;
        });
        return Boolean.TRUE.equals(decided)
                ? ResponseEntity.ok(Map.of("rejected", id))
                : error(409, "no such proposal, or it was decided already");
    }

    @PostMapping("/policy/versions/{version}/restore")
    ResponseEntity<Map<String, Object>> restore(
            @PathVariable String version, @RequestBody Verdict verdict, @AuthenticationPrincipal Jwt jwt) {
        CareClaims by = CareClaims.from(jwt);
        var refused = mayPutInForce(by, verdict);
        if (refused != null) {
            return refused;
        }
        var earlier = versions.find(version);
        if (earlier.isEmpty()) {
            return error(404, "no such policy version");
        }
        RolePolicySet inForce = transaction.execute(status -> {
            RolePolicySet named = versions.record(earlier.get(), null, "restore", null, by.subject(), verdict.note());
            audit.governance(
                    by,
                    "policy-restored",
                    "policy-version/" + version,
                    "version " + version + " restored as " + named.version() + ": " + verdict.note());
            return named;
        });
        putInForce(inForce);
        return ResponseEntity.ok(Map.of("restored", version, "version", inForce.version()));
    }

    /** The policy in force now, whichever replica put it in force ({@link DecisionChanges#catchUp}). */
    private RolePolicySet inForce() {
        changes.catchUp();
        return live.current();
    }

    /**
     * Once recorded and audited: decisions from now on use it, every cache in front of consent-service drops what
     * it holds, and the answer waits until they have (the next request anywhere is decided by the new version).
     */
    private void putInForce(RolePolicySet policy) {
        live.replace(policy);
        changes.everythingChanged();
        changes.awaitEvicted(DecisionFeed.DIRECTIVE_EVICTION_WAIT);
    }

    /** Only a Caldicott Guardian puts a policy in force, and says why. */
    private ResponseEntity<Map<String, Object>> mayPutInForce(CareClaims by, Verdict verdict) {
        if (!GovernanceRoles.CALDICOTT_GUARDIAN.equals(by.nhsRole())) {
            return error(403, "only a Caldicott Guardian puts a role policy in force");
        }
        if (verdict.note() == null || verdict.note().isBlank()) {
            return error(400, "a note saying why is required");
        }
        return null;
    }

    @ExceptionHandler(PolicyVersions.Superseded.class)
    ResponseEntity<Map<String, Object>> superseded(PolicyVersions.Superseded e) {
        return error(409, e.getMessage());
    }

    @ExceptionHandler(UnclassifiedServerFailureException.class)
    ResponseEntity<Map<String, Object>> unaudited(UnclassifiedServerFailureException e) {
        return error(e.getStatusCode(), e.getMessage());
    }

    private static ResponseEntity<Map<String, Object>> error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", message);
        return ResponseEntity.status(status).body(body);
    }
}
