package org.carerecord.fhir.access;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.carerecord.security.token.CareClaims;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * A requester's token claims kept with work that outlives the request (a bulk import or export job, a
 * Subscription's notifications: stored in PostgreSQL and carried on after a restart), and the token and requester
 * they stand for when the work runs. The token's timestamps are left out: they say when it was issued, not who asked.
 */
public final class KeptClaims {

    private static final Set<String> TOKEN_TIMES = Set.of("exp", "iat", "nbf", "auth_time");
    private static final TypeReference<Map<String, Object>> CLAIMS = new TypeReference<>() {};
    private static final ObjectMapper JSON = new ObjectMapper();

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

    /** {@link #ofThisRequest()} as JSON, for a {@code jsonb} column. */
    public static String ofThisRequestAsJson() {
        try {
            return JSON.writeValueAsString(ofThisRequest());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("token claims not writable as JSON", e);
        }
    }

    /** The kept claims as a token again (never sent anywhere: it carries the requester into the work). */
    public static Jwt asToken(Map<String, Object> claims, String work) {
        return Jwt.withTokenValue(work)
                .header("alg", "none")
                .claims(c -> c.putAll(claims))
                .build();
    }

    /** Claims kept as JSON ({@link #ofThisRequestAsJson()}), as the requester the work is done for. */
    public static Requester requesterOf(String json, String work) {
        try {
            return requesterOf(CareClaims.from(asToken(JSON.readValue(json, CLAIMS), work)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("kept claims of " + work + " unreadable", e);
        }
    }

    /** The requester kept claims stand for: no break-glass, no stated relationship, no address (none was asked). */
    public static Requester requesterOf(CareClaims claims) {
        return new Requester(claims, claims.purposeOfUse(), null, null, null);
    }
}
