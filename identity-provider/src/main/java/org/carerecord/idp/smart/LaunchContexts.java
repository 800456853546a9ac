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
 * identity provider; an id is unguessable, expires, and resolves only for the user who launched.
 */
@Component
public class LaunchContexts {

    private final Map<String, LaunchContext> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final Duration lifetime;

    LaunchContexts(SmartProperties properties) {
        this.lifetime = Duration.ofMinutes(properties.launchMinutes());
    }

    public String create(String user, String patient, String encounter, boolean needPatientBanner) {
        Instant now = Instant.now();
        byId.values().removeIf(c -> c.expires().isBefore(now));
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        byId.put(id, new LaunchContext(user, patient, encounter, needPatientBanner, now.plus(lifetime)));
        return id;
    }

    /** The launch for this user, if it exists and has not expired. */
    public Optional<LaunchContext> find(String id, String user) {
        if (id == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(byId.get(id))
                .filter(c -> c.expires().isAfter(Instant.now()))
                .filter(c -> c.user().equals(user));
    }
}
