package org.carerecord.fhir.consent;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Follows consent-service's decision-change feed ({@code GET /decisions/changes}, a long poll) on one
 * background thread and evicts what {@link DecisionCache} holds for the patients named. A new epoch
 * (consent-service restarted) or a gap starts the cache again from empty; an error stops the cache being
 * used until the feed is followed again.
 */
@Component
class DecisionChangeFollower implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DecisionChangeFollower.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);

    record Page(String epoch, long latest, boolean complete, List<String> patients) {}

    private final RestClient consentService;
    private final DecisionCache cache;
    /** This fhir-server instance, as consent-service tells its followers apart. */
    private final String follower = UUID.randomUUID().toString();

    private volatile Thread thread;

    public DecisionChangeFollower(@Qualifier("consentChangesClient") RestClient consentService, DecisionCache cache) {
        this.consentService = consentService;
        this.cache = cache;
    }

    private void follow() {
        String epoch = "";
        long since = 0;
        Duration backoff = FIRST_RETRY;
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Page page = consentService
                        .get()
                        .uri(
                                "/decisions/changes?follower={follower}&epoch={epoch}&since={since}",
                                follower,
                                epoch,
                                since)
                        .retrieve()
                        .body(Page.class);
                if (page == null || page.epoch() == null) {
                    throw new IllegalStateException("no change page");
                }
                if (!page.epoch().equals(epoch) || !page.complete()) {
                    cache.following(true); // from empty: whatever was missed cannot matter
                    epoch = page.epoch();
                } else if (!page.patients().isEmpty()) {
                    cache.evict(page.patients());
                }
                since = page.latest();
                backoff = FIRST_RETRY;
            } catch (RuntimeException e) {
                if (cache.isFollowing()) {
                    log.warn(
                            "lost consent-service's change feed ({}); decisions are not cached until it is back",
                            e.toString());
                }
                cache.following(false);
                epoch = "";
                sleep(backoff);
                Duration doubled = backoff.multipliedBy(2);
                backoff = doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void start() {
        thread = new Thread(this::follow, "decision-change-follower");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
        cache.following(false);
        thread = null;
    }

    @Override
    public boolean isRunning() {
        return thread != null;
    }
}
