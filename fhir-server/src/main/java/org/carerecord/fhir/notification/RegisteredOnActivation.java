package org.carerecord.fhir.notification;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.match.registry.SubscriptionRegistry;
import java.util.ArrayList;
import java.util.List;
import org.carerecord.fhir.jpa.StorageWideInterceptor;
import org.carerecord.fhir.jpa.TransactionScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Subscription;
import org.springframework.stereotype.Component;

/**
 * A Subscription is put in HAPI's registry of active Subscriptions as soon as its activation commits. HAPI's
 * periodic loader (every few seconds, {@link SubscriptionRegistrySync}) activates a requested Subscription, but
 * registers the copy it read, whose status still says requested, so the registry refuses it; the Subscription
 * reads active while HAPI matches nothing against it until a later pass. Admissions written then went unnotified
 * (hazard H18; NotificationsIT failed so in CI, 2026-12-03: activated 19:35:53, registered 19:35:58, the admissions
 * written between never told). Writes are matched later than they commit (HAPI queues them for a pass every few
 * seconds), so a Subscription registered right after its activation commits is there for every write after it.
 */
@Component
@Interceptor
class RegisteredOnActivation implements StorageWideInterceptor {

    private static final Object ACTIVATED = RegisteredOnActivation.class.getName() + ".activated";

    private final SubscriptionRegistry registry;

    RegisteredOnActivation(SubscriptionRegistry registry) {
        this.registry = registry;
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource before, IBaseResource after) {
        if (activated(before, after)) {
            Subscription active = ((Subscription) after).copy();
            TransactionScoped.<List<Subscription>>value(
                            ACTIVATED,
                            ArrayList::new,
                            each -> each.forEach(registry::registerSubscriptionUnlessAlreadyRegistered))
                    .add(active);
        }
    }

    /** Whether this update made a Subscription active. */
    static boolean activated(IBaseResource before, IBaseResource after) {
        return after instanceof Subscription now
                && now.getStatus() == Subscription.SubscriptionStatus.ACTIVE
                && !(before instanceof Subscription was && was.getStatus() == Subscription.SubscriptionStatus.ACTIVE);
    }
}
