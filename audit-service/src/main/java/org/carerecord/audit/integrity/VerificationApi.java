package org.carerecord.audit.integrity;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /audit/verify}: a governance officer's (or their tooling's) verification of the whole chain, recorded
 * like a run from the console (who, when, what it found), so the console and the {@code care.audit.chain.*}
 * metrics show it.
 */
@RestController
public class VerificationApi {

    /** What a run found: whether the chain holds, how far it was read, and the first record that does not match. */
    public record Verified(
            boolean intact,
            long recordsChecked,
            Long firstBrokenSeq,
            String firstBrokenEventId,
            Long anchoredAfterSeq,
            Long verifiedThroughSeq) {}

    private final IntegrityChecks checks;

    public VerificationApi(IntegrityChecks checks) {
        this.checks = checks;
    }

    @GetMapping("/audit/verify")
    public Verified verify(@AuthenticationPrincipal Jwt token) {
        IntegrityChecks.Run run = checks.run(token.getSubject(), true);
        return new Verified(
                run.intact(),
                run.recordsChecked(),
                run.firstBrokenSeq(),
                run.firstBrokenEventId(),
                run.anchoredAfterSeq(),
                run.verifiedThroughSeq());
    }
}
