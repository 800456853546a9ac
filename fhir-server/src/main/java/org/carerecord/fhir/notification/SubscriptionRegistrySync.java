package org.carerecord.fhir.notification;

import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionLoader;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * HAPI matches writes against the active Subscriptions it holds in memory, and reads them from the database once a
 * minute; a Subscription made (or activated) through another fhir-server replica would go unmatched here for up
 * to that long, and the admissions written here meanwhile never notified. Read again every few seconds instead
 * (one search of the Subscriptions; HAPI skips a refresh already running).
 */
@Component
class SubscriptionRegistrySync {

    private final SubscriptionLoader subscriptions;

    SubscriptionRegistrySync(SubscriptionLoader subscriptions) {
        this.subscriptions = subscriptions;
    }

    @Scheduled(
            fixedDelayString = "${care.fhir.notifications.registry-refresh:5s}",
            initialDelayString = "${care.fhir.notifications.registry-refresh:5s}")
    void refresh() {
        subscriptions.requestRefresh();
    }
}
