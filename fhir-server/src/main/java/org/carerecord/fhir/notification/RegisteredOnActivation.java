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
 * A Subscription written active (created so, activated, or changed while active) is put in this server's registry of
 * active Subscriptions as the write commits. HAPI's periodic loader (every few seconds, {@link
 * SubscriptionRegistrySync}) activates a requested Subscription but registers the copy it read, whose status still
 * says requested, so the registry refuses it; the Subscription read active while HAPI matched nothing against it
 * until a later pass. Admissions written then went unnotified (hazard H18; NotificationsIT failed so in CI,
 * 2026-12-03: activated 19:35:53, registered 19:35:58, the admissions written between never told). Writes are
 * matched in a pass after they commit (HAPI queues them, a pass every few seconds), so a Subscription registered as
 * its write commits is there for every later write this server matches. Another replica learns of it at its own next
 * refresh, as before: a write matched there in those seconds is not told (a known residual of H18).
 */
@Component
@Interceptor
class RegisteredOnActivation implements StorageWideInterceptor {

    private static final Object WRITTEN_ACTIVE = RegisteredOnActivation.class.getName() + ".writtenActive";

    private final SubscriptionRegistry registry;

    RegisteredOnActivation(SubscriptionRegistry registry) {
        this.registry = registry;
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource written) {
        registerAfterCommit(written);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource before, IBaseResource after) {
        registerAfterCommit(after);
    }

    private void registerAfterCommit(IBaseResource written) {
        if (registers(written)) {
            Subscription active = ((Subscription) written).copy();
            TransactionScoped.<List<Subscription>>value(
                            WRITTEN_ACTIVE,
                            ArrayList::new,
                            each -> each.forEach(registry::registerSubscriptionUnlessAlreadyRegistered))
                    .add(active);
        }
    }

    /** Whether this write puts a Subscription in the registry: an active one, new or changed. */
    static boolean registers(IBaseResource written) {
        return written instanceof Subscription subscription
                && subscription.getStatus() == Subscription.SubscriptionStatus.ACTIVE;
    }
}
