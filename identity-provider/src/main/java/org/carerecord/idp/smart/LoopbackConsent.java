package org.carerecord.idp.smart;

import java.net.URI;
import java.util.Set;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationContext;

/**
 * When the signed-in user must approve an app by hand: a public app redirecting to a loopback address. Any
 * program on the machine can listen on 127.0.0.1 and name itself {@code care-viewer}; without a secret the
 * identity provider cannot tell it from the real app, so it asks the user every time (RFC 8252 8.6) rather
 * than handing a code to whoever listens. The viewer's own (non-loopback) redirect and confidential apps,
 * whose codes are useless without their secret, sign in without the extra click.
 */
public final class LoopbackConsent {

    private static final Set<String> LOOPBACK = Set.of("127.0.0.1", "[::1]");

    private LoopbackConsent() {}

    public static boolean required(OAuth2AuthorizationCodeRequestAuthenticationContext context) {
        boolean publicApp = context.getRegisteredClient()
                .getClientAuthenticationMethods()
                .contains(ClientAuthenticationMethod.NONE);
        String redirect = context.getAuthorizationRequest().getRedirectUri();
        boolean onlyIdentity =
                context.getAuthorizationRequest().getScopes().stream().allMatch("openid"::equals);
        return publicApp
                && !onlyIdentity
                && redirect != null
                && LOOPBACK.contains(URI.create(redirect).getHost());
    }
}
