package org.carerecord.fhir.notification;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.match.matcher.subscriber.SubscriptionCriteriaParser;
import ca.uhn.fhir.jpa.subscription.match.registry.ActiveSubscription;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import java.util.Collection;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.springframework.stereotype.Component;

/**
 * HAPI keeps a message for every write so that it can be matched against the active Subscriptions: a row in
 * {@code HFJ_RESOURCE_MODIFIED} inserted with the write, then read, matched and deleted after the commit. A write
 * that no active Subscription names the type of cannot match any: it gets no message, so a region's load of
 * millions of records does not insert and delete a row for each. Subscriptions themselves always get theirs (that
 * is how HAPI activates one), and every write does while any Subscription that is not for named types is active
 * (a topic subscription, or criteria for every type). The Subscriptions known are the ones HAPI matches against
 * ({@link SubscriptionRegistrySync} keeps them current across replicas), so what this leaves out could not have
 * matched anyway.
 */
@Component
@Interceptor
class UnmatchableWrites implements FhirServerInterceptor {

    private final FhirContext fhir;
    private final SubscriptionRegistry subscriptions;

    UnmatchableWrites(FhirContext fhir, SubscriptionRegistry subscriptions) {
        this.fhir = fhir;
        this.subscriptions = subscriptions;
    }

    /** False (no message) when no active Subscription could match a record of this type. */
    @Hook(Pointcut.SUBSCRIPTION_RESOURCE_MODIFIED)
    public boolean mayMatch(ResourceModifiedMessage message) {
        String type = message.getResourceType(fhir);
        if (type == null || "Subscription".equals(type)) {
            return true;
        }
        return anyMayMatch(subscriptions.getAll(), type);
    }

    /** Whether any of these active Subscriptions could match a record of this type. */
    static boolean anyMayMatch(Collection<ActiveSubscription> active, String type) {
        return active.stream().anyMatch(subscription -> mayMatch(subscription, type));
    }

    private static boolean mayMatch(ActiveSubscription active, String type) {
        SubscriptionCriteriaParser.SubscriptionCriteria criteria = active.getCriteria();
        return active.getSubscription() == null
                || active.getSubscription().isTopicSubscription()
                || criteria == null
                || criteria.getType() == SubscriptionCriteriaParser.TypeEnum.STARTYPE_EXPRESSION
                || criteria.getApplicableResourceTypes() == null
                || criteria.getApplicableResourceTypes().contains(type);
    }
}
