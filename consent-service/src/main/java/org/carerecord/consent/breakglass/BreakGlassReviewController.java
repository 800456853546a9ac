package org.carerecord.consent.breakglass;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.carerecord.security.decision.BreakGlassGrant;
import org.carerecord.security.token.CareClaims;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The privacy officer's break-glass queue: {@code GET /break-glass?unreviewed=true} lists overrides,
 * newest first; {@code GET /break-glass/{id}} shows one; {@code POST /break-glass/{id}/review} records the verdict once.
 */
@RestController
public class BreakGlassReviewController {

    /** @param outcome appropriate, inappropriate or needs-follow-up; @param note what the reviewer found */
    public record Review(String outcome, String note) {}

    private final BreakGlassGrants grants;

    public BreakGlassReviewController(BreakGlassGrants grants) {
        this.grants = grants;
    }

    @GetMapping("/break-glass")
    public List<BreakGlassGrant> queue(
            @RequestParam(defaultValue = "true") boolean unreviewed, @RequestParam(defaultValue = "100") int limit) {
        return grants.queue(unreviewed, Math.max(1, Math.min(limit, 1_000)));
    }

    @GetMapping("/break-glass/{id}")
    public ResponseEntity<BreakGlassGrant> one(@PathVariable UUID id) {
        return ResponseEntity.of(grants.find(id));
    }

    @PostMapping("/break-glass/{id}/review")
    public ResponseEntity<Map<String, String>> review(
            @PathVariable UUID id, @RequestBody Review review, @AuthenticationPrincipal Jwt jwt) {
        if (review.outcome() == null || !BreakGlassGrant.OUTCOMES.contains(review.outcome())) {
            return ResponseEntity.badRequest()
                    .body(Map.of("error", "outcome must be one of " + BreakGlassGrant.OUTCOMES));
        }
        if (!grants.review(id, CareClaims.from(jwt).subject(), review.outcome(), review.note())) {
            return ResponseEntity.status(409).body(Map.of("error", "no such break-glass, or it was reviewed already"));
        }
        return ResponseEntity.ok(Map.of("reviewed", id.toString(), "outcome", review.outcome()));
    }
}
