package org.carerecord.fhir.notification;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.subscription.model.CanonicalSubscription;
import ca.uhn.fhir.jpa.subscription.model.ResourceDeliveryMessage;
import ca.uhn.fhir.rest.server.messaging.BaseResourceMessage.OperationTypeEnum;
import org.carerecord.fhir.jpa.StorageWideInterceptor;
import org.hl7.fhir.instance.model.api.IIdType;
import org.springframework.stereotype.Component;

/**
 * Where HAPI's subscription module hands over: it has matched a committed write against an active Subscription and
 * would now deliver it from a queue in memory, unchecked and unaudited. Instead the match becomes a row of the
 * notification outbox (durable; {@link NotificationRelay} decides, audits and delivers it) and HAPI's delivery is
 * called off. HAPI asks this of its storage-wide interceptors, so this hook is registered there
 * ({@link StorageWideInterceptor}).
 */
@Component
@Interceptor
class NotificationQueue implements StorageWideInterceptor {

    private final NotificationOutbox outbox;
    private final FhirContext fhir;

    NotificationQueue(NotificationOutbox outbox, FhirContext fhir) {
        this.outbox = outbox;
        this.fhir = fhir;
    }

    @Hook(Pointcut.SUBSCRIPTION_BEFORE_DELIVERY)
    public boolean queue(CanonicalSubscription subscription, ResourceDeliveryMessage message) {
        OperationTypeEnum operation = message.getOperationType();
        if (operation == OperationTypeEnum.CREATE || operation == OperationTypeEnum.UPDATE) {
            IIdType focus = message.getPayloadId(fhir);
            outbox.add(
                    subscription.getIdPart(),
                    focus.toUnqualified().getValue(),
                    subscription.getEndpointUrl(),
                    subscription.getHeaders());
        }
        return false; // delivered by NotificationRelay, never by HAPI
    }
}
