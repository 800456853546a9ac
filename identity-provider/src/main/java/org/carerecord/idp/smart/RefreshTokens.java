package org.carerecord.idp.smart;

import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * A refresh token only when the app asked for one ({@code offline_access} or {@code online_access}, SMART),
 * for public apps too: SMART lets a browser app keep a session without a secret, PKCE having bound the first
 * code to it. Spring Authorization Server's own generator never issues one to a public client.
 */
public final class RefreshTokens implements OAuth2TokenGenerator<OAuth2RefreshToken> {

    private static final Set<String> ASKING = Set.of("offline_access", "online_access");

    private final StringKeyGenerator keys =
            new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 96);

    @Override
    public OAuth2RefreshToken generate(OAuth2TokenContext context) {
        if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())) {
            return null;
        }
        boolean userGrant = AuthorizationGrantType.AUTHORIZATION_CODE.equals(context.getAuthorizationGrantType())
                || AuthorizationGrantType.REFRESH_TOKEN.equals(context.getAuthorizationGrantType());
        if (!userGrant || context.getAuthorizedScopes().stream().noneMatch(ASKING::contains)) {
            return null;
        }
        Instant issuedAt = Instant.now();
        Instant expiresAt =
                issuedAt.plus(context.getRegisteredClient().getTokenSettings().getRefreshTokenTimeToLive());
        return new OAuth2RefreshToken(keys.generateKey(), issuedAt, expiresAt);
    }
}
