package org.carerecord.consent.decision;

import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /decisions}: asked by fhir-server before any patient data leaves it. */
@RestController
public class DecisionController {

    private final AccessDecider decider;

    public DecisionController(AccessDecider decider) {
        this.decider = decider;
    }

    @PostMapping("/decisions")
    public AccessDecision decide(@RequestBody AccessRequest request) {
        return decider.decide(request);
    }
}
