package org.carerecord.idp.smart;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Launch ids handed out by the simulated clinical system (EHR launch) or the patient picker (standalone
 * launch), resolved when the app's authorization request names them. In memory, as the rest of this dev
 * identity provider; an id is unguessable, expires, resolves only for the user who launched and the app it was
 * launched for, and is redeemed once (when the app exchanges its code).
 */
@Component
public class LaunchContexts {

    private final Map<String, LaunchContext> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Duration lifetime;

    LaunchContexts(SmartProperties properties) {
        this.lifetime = Duration.ofMinutes(properties.launchMinutes());
    }

    public String create(String user, String clientId, String patient, String encounter, boolean needPatientBanner) {
        Instant now = Instant.now();
        byId.values().removeIf(c -> c.expires().isBefore(now));
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        byId.put(id, new LaunchContext(user, clientId, patient, encounter, needPatientBanner, now.plus(lifetime)));
        return id;
    }

    /** The launch for this user and app, if it exists and has not expired. */
    public Optional<LaunchContext> find(String id, String user, String clientId) {
        if (id == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(byId.get(id))
                .filter(c -> c.expires().isAfter(Instant.now()))
                .filter(c -> c.user().equals(user) && c.clientId().equals(clientId));
    }

    /** As {@link #find}, and the launch is used up: a code exchanged once per launch. */
    public Optional<LaunchContext> redeem(String id, String user, String clientId) {
        Optional<LaunchContext> launch = find(id, user, clientId);
        launch.ifPresent(l -> byId.remove(id, l));
        return launch;
    }
}
