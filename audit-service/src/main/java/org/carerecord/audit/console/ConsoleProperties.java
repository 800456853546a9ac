package org.carerecord.audit.console;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param issuer       the identity provider users sign in at (also the access tokens' issuer)
 * @param clientId     the console's OAuth2 client id there
 * @param clientSecret its secret (never committed: the environment supplies it)
 * @param serviceClientSecret the secret of audit-service's own client ({@code audit-service}), with which it
 *                     reads patients' demographics from the record — not the console's
 * @param consentUrl   consent-service, for break-glass grants and decision explanations
 * @param browserIssuer the identity provider as the user's browser reaches it, when that differs from
 *                     how the service does (containers: {@code identity-provider:9000} vs {@code localhost:9000})
 * @param userInfoUri  the identity provider's userinfo endpoint, where it gives roles there rather than in the ID
 *                     token (NHS CIS2: {@code nhsid_nrbac_roles}); unset for the dev identity provider
 */
@ConfigurationProperties("care.console")
public record ConsoleProperties(
        String issuer,
        String clientId,
        String clientSecret,
        String serviceClientSecret,
        String consentUrl,
        String browserIssuer,
        String userInfoUri) {

    public String signInAt() {
        return browserIssuer == null || browserIssuer.isBlank() ? issuer : browserIssuer;
    }
}
