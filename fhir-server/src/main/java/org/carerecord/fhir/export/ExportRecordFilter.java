package org.carerecord.fhir.export;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import java.util.Optional;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.audit.DisclosureAudit;
import org.carerecord.fhir.consent.PatientCompartment;
import org.carerecord.fhir.consent.RecordConsentService;
import org.carerecord.fhir.jpa.StorageWideInterceptor;
import org.carerecord.security.decision.AccessRequest;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;

/**
 * Each record HAPI's bulk-export job would write into a file is let in only if a disclosure to the system that
 * asked is allowed ({@link RecordConsentService#mayDisclose}); the first of each patient's records let in is audited
 * before the file is written. HAPI asks this of its storage-wide interceptors, not the REST server's (the job runs
 * with no request), so this one hook is registered there ({@link StorageWideInterceptor}). With no hook registered
 * HAPI would let every record in.
 */
@Component
@Interceptor
class ExportRecordFilter implements StorageWideInterceptor {

    private final ExportRequesters requesters;
    private final RecordConsentService consent;
    private final PatientCompartment compartment;
    private final DisclosureAudit disclosures;

    ExportRecordFilter(
            ExportRequesters requesters,
            RecordConsentService consent,
            PatientCompartment compartment,
            DisclosureAudit disclosures) {
        this.requesters = requesters;
        this.consent = consent;
        this.compartment = compartment;
        this.disclosures = disclosures;
    }

    @Hook(Pointcut.STORAGE_BULK_EXPORT_RESOURCE_INCLUSION)
    public boolean include(BulkExportJobParameters parameters, IBaseResource record) {
        Optional<Requester> exporter = BulkExportAccess.exportIdOf(parameters).flatMap(requesters::requesterOf);
        if (exporter.isEmpty()) {
            return false; // an export this record did not start, or whose requester is gone: nothing leaves
        }
        if (!consent.mayDisclose(exporter.get(), record, AccessRequest.BULK_EXPORT)) {
            return false;
        }
        String patient = compartment.ownerOfStored(record);
        if (patient != null) {
            String exportId = parameters.getBinarySecurityContextIdentifierValue();
            disclosures.recordOnce(
                    "export|" + exportId + "|" + patient,
                    "$export",
                    parameters.getOriginalRequestUrl(),
                    exportId,
                    exporter.get(),
                    patient,
                    "Records of this patient included in bulk export " + exportId
                            + " (each decided for the exporting organisation)");
        }
        return true;
    }
}
