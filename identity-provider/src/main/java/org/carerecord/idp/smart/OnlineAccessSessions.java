package org.carerecord.idp.smart;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.Base64;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.oidc.OidcIdToken;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * SMART's {@code online_access}: a refresh token "usable for as long as the end-user remains online". A refresh
 * token granted for online access only (not {@code offline_access}) is refused once the user's sign-in at this
 * identity provider has ended — they signed out, or their session timed out — and forgotten, so an app left
 * open on a shared ward computer stops reading the record when its user has gone. Offline access (a server-side
 * app's long-lived token) is unaffected. Signing in again is a new session: the app signs in again too.
 */
public final class OnlineAccessSessions extends OncePerRequestFilter {

    private static final String BOUND_SESSION = OnlineAccessSessions.class.getName() + ".sid";

    private final OAuth2AuthorizationService authorizations;
    private final SessionRegistry sessions;
    private final String tokenEndpoint;

    public OnlineAccessSessions(
            OAuth2AuthorizationService authorizations, SessionRegistry sessions, String tokenEndpoint) {
        this.authorizations = authorizations;
        this.sessions = sessions;
        this.tokenEndpoint = tokenEndpoint;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod())
                || !tokenEndpoint.equals(request.getServletPath())
                || !AuthorizationGrantType.REFRESH_TOKEN
                        .getValue()
                        .equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String token = request.getParameter(OAuth2ParameterNames.REFRESH_TOKEN);
        OAuth2Authorization authorization =
                token == null ? null : authorizations.findByToken(token, OAuth2TokenType.REFRESH_TOKEN);
        if (authorization != null && onlineOnly(authorization.getAuthorizedScopes()) && !signedIn(authorization)) {
            authorizations.remove(authorization);
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getWriter()
                    .write("{\"error\":\"invalid_grant\",\"error_description\":"
                            + "\"Online access ended when the user signed out; sign in again\"}");
            return;
        }
        chain.doFilter(request, response);
    }

    private static boolean onlineOnly(Set<String> scopes) {
        return scopes.contains("online_access") && !scopes.contains("offline_access");
    }

    /**
     * Whether the sign-in the app was authorized in is still live here: the session named by the {@code sid} of the
     * ID token issued with the code (Spring Authorization Server's hash of the session id; remembered on the
     * authorization at its first refresh, since a refreshed ID token carries none). Without an ID token (no
     * {@code openid} asked), any live session of the user.
     */
    private boolean signedIn(OAuth2Authorization authorization) {
        Authentication user = authorization.getAttribute(Principal.class.getName());
        if (user == null) {
            return false;
        }
        String sid = authorization.getAttribute(BOUND_SESSION);
        if (sid == null) {
            OAuth2Authorization.Token<OidcIdToken> idToken = authorization.getToken(OidcIdToken.class);
            sid = idToken == null || idToken.getClaims() == null
                    ? null
                    : (String) idToken.getClaims().get("sid");
            if (sid != null) {
                authorizations.save(OAuth2Authorization.from(authorization)
                        .attribute(BOUND_SESSION, sid)
                        .build());
            }
        }
        String bound = sid;
        return sessions.getAllSessions(user.getPrincipal(), false).stream()
                .anyMatch(session -> bound == null || bound.equals(sidOf(session.getSessionId())));
    }

    /** The {@code sid} Spring Authorization Server gives a session: SHA-256 of its id, base64url. */
    private static String sidOf(String sessionId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(sessionId.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
