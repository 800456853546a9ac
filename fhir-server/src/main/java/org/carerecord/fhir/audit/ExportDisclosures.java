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
 * The audit record of a bulk export, one per patient: written when the first of a patient's records is let into
 * the export, before the file holding it exists, so no export file holds a record whose disclosure is not on the
 * trail. Once per export and patient however many records, chunks or re-runs (the outbox keeps the key).
 */
@Component
public class ExportDisclosures {

    private final AuditOutbox outbox;
    private final FhirContext fhir;
    /** Keys this server added already: most records of an export belong to a patient already recorded. */
    private final Cache<String, Boolean> recorded =
            Caffeine.newBuilder().maximumSize(100_000).build();

    ExportDisclosures(AuditOutbox outbox, FhirContext fhir) {
        this.outbox = outbox;
        this.fhir = fhir;
    }

    /**
     * Records that this patient's records go into the export {@code exportId} that {@code exporter} asked for by
     * {@code requestUrl}; does nothing if that was recorded before.
     */
    public void recordOnce(String exportId, String requestUrl, Requester exporter, String patientId) {
        String key = "export|" + exportId + "|" + patientId;
        if (recorded.getIfPresent(key) != null) {
            return;
        }
        SystemRequestDetails export = new SystemRequestDetails();
        export.setRestOperationType(RestOperationTypeEnum.EXTENDED_OPERATION_SERVER);
        export.setOperation("$export");
        export.setCompleteUrl(requestUrl);
        export.setRequestId(exportId);
        AuditEvent event = AuditEventFactory.create(
                export,
                exporter,
                200,
                "Records of this patient included in bulk export " + exportId
                        + " (each decided for the exporting organisation)",
                List.of(),
                List.of(patientId),
                null);
        outbox.addOnce(
                key,
                UUID.fromString(event.getIdElement().getIdPart()),
                fhir.newJsonParser().encodeResourceToString(event));
        recorded.put(key, Boolean.TRUE);
    }
}
