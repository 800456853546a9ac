package org.carerecord.fhir.notification;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.model.ResourceModifiedMessage;
import java.util.Collection;
import org.carerecord.fhir.jpa.StorageWideInterceptor;
import org.carerecord.fhir.jpa.TransactionScoped;
import org.springframework.stereotype.Component;

/**
 * HAPI queues every committed write to be matched against the active Subscriptions: a row per write in PostgreSQL,
 * then the record read back from the database on the matching thread, whether or not any Subscription watches its
 * type (by JFR, 13 % of fhir-server's CPU on a bulk import, most of it that read-back). A write of a type that no
 * stored Subscription names, whatever its status, is not queued.
 *
 * <p>Which types are named is read from the database ({@code care.subscription_recipient}, kept as each Subscription
 * is written), once per write transaction, never from HAPI's in-memory registry: that registry learns of a
 * Subscription a moment after its status reads active, and a first version that asked it (UnmatchableWrites,
 * withdrawn) left a practice untold of an admission written just after it subscribed (hazard H18). A Subscription
 * stored before a write's transaction first asks is seen by it. Always queued: Subscriptions themselves (HAPI
 * activates and registers them from that queue), and every write while any stored Subscription's type is not known.
 */
@Component
@Interceptor
class UnwatchedWrites implements StorageWideInterceptor {

    private static final Object WATCHED = UnwatchedWrites.class.getName() + ".watched";

    private final SubscriptionRecipients recipients;
    private final FhirContext fhir;

    UnwatchedWrites(SubscriptionRecipients recipients, FhirContext fhir) {
        this.recipients = recipients;
        this.fhir = fhir;
    }

    /** HAPI asks before queueing a write for matching; false: not queued. */
    @Hook(Pointcut.SUBSCRIPTION_RESOURCE_MODIFIED)
    public boolean queueForMatching(ResourceModifiedMessage write) {
        String type = write.getResourceType(fhir);
        if (type == null || type.equals("Subscription")) {
            return true;
        }
        return mayMatch(type, TransactionScoped.value(WATCHED, recipients::watchedTypes));
    }

    /** Whether a write of this type could match a Subscription naming these types (null: a type not known). */
    static boolean mayMatch(String type, Collection<String> watched) {
        return watched.stream().anyMatch(each -> each == null || each.equals(type));
    }
}
