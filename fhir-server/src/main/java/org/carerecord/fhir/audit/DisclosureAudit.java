package org.carerecord.fhir.audit;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.UUID;
import org.carerecord.fhir.access.Requester;
import org.hl7.fhir.r4.model.AuditEvent;
import org.springframework.stereotype.Component;

/**
 * The audit record of records the server sends out of its own accord to a care provider's system — a bulk
 * export's files, a Subscription's notification — one per patient and occasion, written before the records leave
 * (the file is written, the notification sent). Once per key however often the work runs again (the outbox keeps
 * the key), so a retried chunk or delivery is not recorded twice.
 */
@Component
public class DisclosureAudit {

    private final AuditOutbox outbox;
    private final FhirContext fhir;
    /** Keys this server recorded already: most records of an export belong to a patient already recorded. */
    private final Cache<String, Boolean> recorded =
            Caffeine.newBuilder().maximumSize(100_000).build();

    DisclosureAudit(AuditOutbox outbox, FhirContext fhir) {
        this.outbox = outbox;
        this.fhir = fhir;
    }

    /**
     * Records, unless recorded under {@code key} before, that {@code recipient} was sent records of {@code patientId}
     * by {@code operation} ({@code $export}, {@code notification}) asked for by {@code requestUrl}; {@code occasion}
     * (an export's id, a notification's) is the record's request id.
     */
    public void recordOnce(
            String key,
            String operation,
            String requestUrl,
            String occasion,
            Requester recipient,
            String patientId,
            String text) {
        if (recorded.getIfPresent(key) != null) {
            return;
        }
        SystemRequestDetails disclosure = new SystemRequestDetails();
        disclosure.setRestOperationType(RestOperationTypeEnum.EXTENDED_OPERATION_SERVER);
        disclosure.setOperation(operation);
        disclosure.setCompleteUrl(requestUrl);
        disclosure.setRequestId(occasion);
        AuditEvent event =
                AuditEventFactory.create(disclosure, recipient, 200, text, List.of(), List.of(patientId), null);
        outbox.addOnce(
                key,
                UUID.fromString(event.getIdElement().getIdPart()),
                fhir.newJsonParser().encodeResourceToString(event));
        recorded.put(key, Boolean.TRUE);
    }
}
