package org.carerecord.consent.decision;

import java.util.Map;
import org.carerecord.consent.changes.DecisionChanges;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.DecisionFeed;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /decisions}: asked by fhir-server before any patient data leaves it.
 * {@code GET /decisions/changes}: what fhir-server's decision cache must drop.
 * {@code GET /decisions/{id}}: a governance officer asks why a past decision (its id is in the audit
 * record) came out as it did.
 */
@RestController
public class DecisionController {

    private final AccessDecider decider;
    private final DecisionLog log;
    private final DecisionChanges changes;

    public DecisionController(AccessDecider decider, DecisionLog log, DecisionChanges changes) {
        this.decider = decider;
        this.log = log;
        this.changes = changes;
    }

    /**
     * {@code GET /decisions/changes?epoch=&since=}: long-poll ({@link DecisionFeed#LONG_POLL}) for patients whose decisions may
     * have changed, for fhir-server's decision cache. An unknown epoch answers at once with the current one.
     */
    @GetMapping("/decisions/changes")
    public DecisionChanges.Page changes(
            @RequestParam(defaultValue = "") String follower,
            @RequestParam(defaultValue = "") String epoch,
            @RequestParam(defaultValue = "0") long since)
            throws InterruptedException {
        return changes.after(follower, epoch, since, DecisionFeed.LONG_POLL);
    }

    @PostMapping("/decisions")
    public AccessDecision decide(@RequestBody AccessRequest request) {
        AccessDecider.Decided decided = decider.decide(request);
        log.record(request, decided);
        return decided.decision();
    }

    @GetMapping("/decisions/{id}")
    public ResponseEntity<Map<String, Object>> explain(@PathVariable String id) {
        return log.explain(id)
                .map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.notFound().build());
    }
}
