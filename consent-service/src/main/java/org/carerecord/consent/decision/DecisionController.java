package org.carerecord.consent.decision;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
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

    // a few buckets (not Micrometer's ~70): enough for a p95 and an alert at 250 ms
    private static final Duration[] BUCKETS = java.util.stream.Stream.of(5, 10, 25, 50, 100, 250, 500, 1000, 2500)
            .map(Duration::ofMillis)
            .toArray(Duration[]::new);

    private final AccessDecider decider;
    private final DecisionLog log;
    private final DecisionChanges changes;
    private final MeterRegistry meters;

    public DecisionController(AccessDecider decider, DecisionLog log, DecisionChanges changes, MeterRegistry meters) {
        this.decider = decider;
        this.log = log;
        this.changes = changes;
        this.meters = meters;
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
        Timer.Sample deciding = Timer.start(meters);
        AccessDecider.Decided decided = decider.decide(request);
        log.record(request, decided);
        // what an on-call engineer watches: how long deciding takes, and the share refused, by kind of request
        deciding.stop(Timer.builder("care.consent.decisions")
                .description("access decisions made, and the time each took")
                .tag("decision", String.valueOf(decided.decision().decision()))
                .tag("interaction", kindOf(request.interaction()))
                .serviceLevelObjectives(BUCKETS)
                .register(meters));
        return decided.decision();
    }

    /** HAPI's interaction codes and the disclosure names; anything else one tag (a metric's labels stay few). */
    private static String kindOf(String interaction) {
        return interaction != null && interaction.matches("[a-z$-]{1,40}") ? interaction : "other";
    }

    @GetMapping("/decisions/{id}")
    public ResponseEntity<Map<String, Object>> explain(@PathVariable String id) {
        return log.explain(id)
                .map(ResponseEntity::ok)
                .orElseGet(() -> ResponseEntity.notFound().build());
    }
}
