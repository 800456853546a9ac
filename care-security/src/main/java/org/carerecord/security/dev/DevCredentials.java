package org.carerecord.security.dev;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The dev identity provider's credentials, each its own: every client's secret and every user's sign-in
 * password is derived from the install's generated master secret (HMAC-SHA256 of the purpose and the name),
 * so one leaked credential — a service's client secret in its environment, say — neither reveals another
 * nor lets anyone mint another client's tokens, and no password equals a client secret. Only the identity
 * provider and the launcher (which starts the services and prints tokens and passwords) hold the master.
 * Depends on nothing but the JDK: the launcher uses it without the Spring libraries.
 */
public final class DevCredentials {

    private static final int SHORTEST_MASTER = 16;

    private final byte[] master;

    public DevCredentials(String master) {
        if (master == null || master.length() < SHORTEST_MASTER) {
            throw new IllegalStateException("the dev master secret (CARE_IDP_MASTER_SECRET) must be set to at least "
                    + SHORTEST_MASTER + " characters");
        }
        this.master = master.getBytes(StandardCharsets.UTF_8);
    }

    /** The secret of one OAuth2 client (a system, a service, a confidential app). */
    public String clientSecret(String clientId) {
        return derive("client-secret:" + clientId);
    }

    /** The sign-in password of one user persona. */
    public String password(String userId) {
        return derive("password:" + userId);
    }

    private String derive(String purpose) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(master, "HmacSHA256"));
            byte[] digest = mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(digest)
                    .substring(0, 32);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
