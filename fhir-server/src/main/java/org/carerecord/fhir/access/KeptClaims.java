package org.carerecord.fhir.access;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * A requester's token claims kept with work that outlives the request (a bulk import or export job, stored in
 * PostgreSQL and resumed after a restart), and the token they stand for when the work runs. The token's
 * timestamps are left out: they say when it was issued, not who asked.
 */
public final class KeptClaims {

    private static final Set<String> TOKEN_TIMES = Set.of("exp", "iat", "nbf", "auth_time");

    private KeptClaims() {}

    /** The claims of the bearer token of the request being served. */
    public static Map<String, Object> ofThisRequest() {
        JwtAuthenticationToken token =
                (JwtAuthenticationToken) SecurityContextHolder.getContext().getAuthentication();
        Map<String, Object> claims = new LinkedHashMap<>(token.getToken().getClaims());
        claims.keySet().removeAll(TOKEN_TIMES);
        claims.replaceAll(
                (name, value) -> value instanceof Instant || value instanceof java.net.URL ? value.toString() : value);
        return claims;
    }

    /** The kept claims as a token again (never sent anywhere: it carries the requester into the work). */
    public static Jwt asToken(Map<String, Object> claims, String work) {
        return Jwt.withTokenValue(work)
                .header("alg", "none")
                .claims(c -> c.putAll(claims))
                .build();
    }
}
