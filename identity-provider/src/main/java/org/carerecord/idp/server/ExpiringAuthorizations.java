package org.carerecord.idp.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.springframework.security.oauth2.core.AbstractOAuth2Token;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.InMemoryOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The identity provider's issued authorizations (codes, access, refresh and ID tokens), in memory as Spring
 * Authorization Server keeps them by default, but forgotten once nothing in them can be used: the default store
 * keeps every token ever issued, so a long-running identity provider (or a benchmark asking for thousands of
 * tokens) grows without bound. An authorization is dropped after the last of its tokens has expired; one still
 * waiting for the user (no token yet) after {@link #PENDING}. Expired entries are swept at most every
 * {@link #SWEEP_EVERY}, on a save.
 */
final class ExpiringAuthorizations implements OAuth2AuthorizationService {

    static final Duration PENDING = Duration.ofMinutes(10);
    static final Duration SWEEP_EVERY = Duration.ofSeconds(30);

    private final OAuth2AuthorizationService store = new InMemoryOAuth2AuthorizationService();
    private final Map<String, Instant> usableUntil = new ConcurrentHashMap<>();
    private final AtomicReference<Instant> nextSweep;
    private final Clock clock;

    ExpiringAuthorizations(Clock clock) {
        this.clock = clock;
        this.nextSweep = new AtomicReference<>(clock.instant().plus(SWEEP_EVERY));
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        store.save(authorization);
        usableUntil.put(authorization.getId(), usableUntil(authorization));
        sweepIfDue();
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        store.remove(authorization);
        usableUntil.remove(authorization.getId());
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return store.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        return store.findByToken(token, tokenType);
    }

    /** How many authorizations are held (for tests and metrics). */
    int size() {
        return usableUntil.size();
    }

    private Instant usableUntil(OAuth2Authorization authorization) {
        Instant latest = Stream.of(
                        authorization.getAccessToken(),
                        authorization.getRefreshToken(),
                        authorization.getToken(OAuth2AuthorizationCode.class),
                        authorization.getToken(OidcIdToken.class))
                .filter(Objects::nonNull)
                .map(OAuth2Authorization.Token::getToken)
                .map(AbstractOAuth2Token::getExpiresAt)
                .filter(Objects::nonNull)
                .max(Instant::compareTo)
                .orElse(null);
        return latest == null ? clock.instant().plus(PENDING) : latest; // no token yet: waiting for the user
    }

    private void sweepIfDue() {
        Instant now = clock.instant();
        Instant due = nextSweep.get();
        if (now.isBefore(due) || !nextSweep.compareAndSet(due, now.plus(SWEEP_EVERY))) {
            return;
        }
        usableUntil.forEach((id, until) -> {
            if (until.isBefore(now)) {
                OAuth2Authorization expired = store.findById(id);
                if (expired != null) {
                    store.remove(expired);
                }
                usableUntil.remove(id, until);
            }
        });
    }
}
