package org.carerecord.fhir.notification;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.jpa.subscription.submit.interceptor.SubscriptionMatcherInterceptor;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.messaging.BaseResourceMessage;
import java.util.Collection;
import java.util.List;
import java.util.function.Supplier;
import org.carerecord.fhir.jpa.TransactionScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * HAPI's Subscription matcher, except that a write of a type no stored Subscription names, whatever its status, is
 * not queued for matching. HAPI queues every committed write: the record encoded into a message, a row per write in
 * PostgreSQL, then the record read back on the matching thread, whether or not any Subscription watches its type
 * (by JFR, 13 % of fhir-server's CPU on a bulk import; the encoding alone, done before HAPI's own
 * SUBSCRIPTION_RESOURCE_MODIFIED hook could refuse the write, 8 %). HAPI registers this bean in place of its own
 * ({@code @Primary}); its hooks are HAPI's, and the decision is taken before the message is built.
 *
 * <p>Which types are named is read from the database ({@code care.subscription_recipient}, kept as each Subscription
 * is written), once per write transaction, never from HAPI's in-memory registry: that registry learns of a
 * Subscription a moment after its status reads active, and a first version that asked it (UnmatchableWrites,
 * withdrawn) left a practice untold of an admission written just after it subscribed (hazard H18). A Subscription
 * stored before a write's transaction first asks is seen by it. Always queued: Subscriptions themselves (HAPI
 * activates and registers them from that queue), and every write while any stored Subscription's type is not known.
 */
@Component
@Primary
@Interceptor
class UnwatchedWrites extends SubscriptionMatcherInterceptor {

    private static final Object WATCHED = UnwatchedWrites.class.getName() + ".watched";

    private final Supplier<Collection<String>> watchedTypes;
    private final FhirContext fhir;

    @Autowired
    UnwatchedWrites(SubscriptionRecipients recipients, FhirContext fhir) {
        this(() -> TransactionScoped.value(WATCHED, recipients::watchedTypes), fhir);
    }

    UnwatchedWrites(Supplier<Collection<String>> watchedTypes, FhirContext fhir) {
        this.watchedTypes = watchedTypes;
        this.fhir = fhir;
    }

    /**
     * HAPI registers one matcher, chosen by type; were that ever HAPI's own again (a HAPI upgrade), every write would
     * be matched, or matched twice beside this one. The server does not start then.
     */
    @EventListener(ApplicationReadyEvent.class)
    void registeredInPlaceOfHapis(ApplicationReadyEvent ready) {
        List<Object> matchers =
                ready.getApplicationContext().getBean(IInterceptorService.class).getAllRegisteredInterceptors().stream()
                        .filter(SubscriptionMatcherInterceptor.class::isInstance)
                        .toList();
        if (!matchers.isEmpty() && !matchers.equals(List.of(this))) {
            throw new IllegalStateException(
                    "HAPI registered Subscription matchers " + matchers + " instead of this one");
        }
    }

    @Override
    protected void processResourceModifiedEvent(
            IBaseResource written, BaseResourceMessage.OperationTypeEnum operation, RequestDetails request) {
        if (queuesForMatching(written)) {
            super.processResourceModifiedEvent(written, operation, request);
        }
    }

    /** Whether HAPI's matcher is given this write. */
    boolean queuesForMatching(IBaseResource written) {
        String type = fhir.getResourceType(written);
        return type.equals("Subscription") || mayMatch(type, watchedTypes.get());
    }

    /** Whether a write of this type could match a Subscription naming these types (null: a type not known). */
    static boolean mayMatch(String type, Collection<String> watched) {
        return watched.stream().anyMatch(each -> each == null || each.equals(type));
    }
}
