package org.carerecord.idp.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

class ExpiringAuthorizationsTest {

    private static final Instant START = Instant.parse("2026-12-01T09:00:00Z");
    private final MutableClock clock = new MutableClock(START);
    private final ExpiringAuthorizations store = new ExpiringAuthorizations(clock);
    private final RegisteredClient client = RegisteredClient.withId("c")
            .clientId("c")
            .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
            .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
            .build();

    @Test
    void anAuthorizationIsForgottenOnceItsLastTokenHasExpired() {
        OAuth2Authorization shortLived = authorization("a", Duration.ofHours(1), null);
        OAuth2Authorization withRefresh = authorization("b", Duration.ofHours(1), Duration.ofHours(8));
        store.save(shortLived);
        store.save(withRefresh);

        clock.advance(Duration.ofHours(2));
        store.save(authorization("c", Duration.ofHours(1), null)); // a save sweeps

        assertThat(store.findById("a")).as("its only token expired an hour ago").isNull();
        assertThat(store.findByToken("access-a", OAuth2TokenType.ACCESS_TOKEN)).isNull();
        assertThat(store.findById("b")).as("its refresh token still works").isNotNull();
        assertThat(store.findByToken("refresh-b", OAuth2TokenType.REFRESH_TOKEN))
                .isNotNull();
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void manyTokensDoNotAccumulate() {
        for (int i = 0; i < 5_000; i++) {
            store.save(authorization("t" + i, Duration.ofMinutes(60), null));
            clock.advance(Duration.ofSeconds(3));
        }
        // 5,000 tokens over 250 minutes, each usable for 60: only the last hour's (plus one sweep interval) remain
        assertThat(store.size()).isBetween(1_200, 1_200 + 10);
    }

    @Test
    void anAuthorizationWaitingForTheUserIsKeptForAWhileOnly() {
        store.save(OAuth2Authorization.withRegisteredClient(client)
                .id("pending")
                .principalName("gp.clinician")
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .build());
        clock.advance(ExpiringAuthorizations.PENDING.minusMinutes(1));
        store.save(authorization("x", Duration.ofHours(1), null));
        assertThat(store.findById("pending")).isNotNull();

        clock.advance(Duration.ofMinutes(2));
        store.save(authorization("y", Duration.ofHours(1), null));
        assertThat(store.findById("pending")).isNull();
    }

    private OAuth2Authorization authorization(String id, Duration access, Duration refresh) {
        Instant now = clock.instant();
        OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(client)
                .id(id)
                .principalName("someone")
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .token(new OAuth2AccessToken(
                        OAuth2AccessToken.TokenType.BEARER, "access-" + id, now, now.plus(access)));
        if (refresh != null) {
            builder.token(new OAuth2RefreshToken("refresh-" + id, now, now.plus(refresh)));
        }
        return builder.build();
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
