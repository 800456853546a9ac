package org.carerecord.fhir.notification;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.match.matcher.subscriber.SubscriptionCriteriaParser.SubscriptionCriteria;
import ca.uhn.fhir.jpa.subscription.match.matcher.subscriber.SubscriptionCriteriaParser.TypeEnum;
import ca.uhn.fhir.jpa.subscription.match.registry.ActiveSubscription;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import jakarta.annotation.PostConstruct;
import java.util.Collection;
import java.util.Set;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * HAPI queues every committed write to be matched against the active Subscriptions: a row per write in
 * PostgreSQL, then the record read back from the database on the matching thread, whether or not any Subscription
 * watches its type (JFR on a bulk import: 13 % of fhir-server's CPU, most of it that read-back). A write of a type
 * no active Subscription could match is not queued. The active Subscriptions are those of HAPI's own registry, the
 * one its matcher reads; a write is weighed against those active as it commits rather than a moment later.
 *
 * <p>Always queued: Subscriptions themselves (HAPI activates and registers them from that queue), and every write
 * while any active Subscription's criteria are other than a type, a list of types or a search on one (a topic,
 * say): what cannot be weighed here is left to HAPI's matcher.
 */
@Component
@Interceptor
class UnwatchedWrites {

    private static final Set<String> SUBSCRIPTION_TYPES = Set.of("Subscription", "SubscriptionTopic");

    private final SubscriptionRegistry subscriptions;
    private final FhirContext fhir;
    private final IInterceptorService storageInterceptors;

    UnwatchedWrites(
            @Lazy SubscriptionRegistry subscriptions, FhirContext fhir, IInterceptorService storageInterceptors) {
        this.subscriptions = subscriptions;
        this.fhir = fhir;
        this.storageInterceptors = storageInterceptors;
    }

    @PostConstruct
    void register() {
        storageInterceptors.registerInterceptor(this);
    }

    /** HAPI asks before queueing a write for matching; false: not queued. */
    @Hook(Pointcut.SUBSCRIPTION_RESOURCE_MODIFIED)
    public boolean queueForMatching(ResourceModifiedMessage write) {
        Collection<ActiveSubscription> active = subscriptions.getAll();
        return mayMatch(
                write.getResourceType(fhir),
                active.stream().map(ActiveSubscription::getCriteria).toList());
    }

    /** Whether a write of this type could match any of these criteria (null criteria: it could). */
    static boolean mayMatch(String type, Collection<SubscriptionCriteria> criteria) {
        if (type == null || SUBSCRIPTION_TYPES.contains(type)) {
            return true;
        }
        for (SubscriptionCriteria each : criteria) {
            if (each == null
                    || each.getType() == TypeEnum.STARTYPE_EXPRESSION
                    || each.getApplicableResourceTypes() == null
                    || each.getApplicableResourceTypes().contains(type)) {
                return true;
            }
        }
        return false;
    }
}
