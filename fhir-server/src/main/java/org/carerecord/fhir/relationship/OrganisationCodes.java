package org.carerecord.fhir.relationship;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.fhir.jpa.TransactionScoped;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.cache.InvalidatingCache;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * The ODS code of a stored Organization, by id, remembered: every encounter names its service provider, and
 * reading that Organization through HAPI for each one (a load of Synthea's records names the same few hospitals
 * tens of thousands of times) was flagged as a cost that grows with the record. What it gives becomes care
 * relationship rows, so it is kept like the relationship cache ({@code care.fhir.relationship-cache-ttl}: 30 s
 * alone, off with replicas): an Organization written here is forgotten before and again after its transaction
 * ends, committed or not, and nothing read by a transaction that wrote an Organization is kept (it may be
 * rolled back).
 */
@Component
@Interceptor
public class OrganisationCodes implements FhirServerInterceptor {

    private static final Object WROTE_AN_ORGANIZATION = OrganisationCodes.class.getName() + ".wrote";
    private static final Object READ = OrganisationCodes.class.getName() + ".read";

    private final DaoRegistry daos;
    private final InvalidatingCache<String, Optional<String>> codes;

    public OrganisationCodes(
            @Lazy DaoRegistry daos, @Value("${care.fhir.relationship-cache-ttl:30s}") Duration timeToLive) {
        this.daos = daos;
        this.codes = new InvalidatingCache<>(timeToLive, 50_000);
    }

    /** The Organization's ODS identifier, else (none, or not stored yet) its id: in this region the id is the code. */
    String odsCodeOf(String organizationId) {
        Map<String, Optional<String>> thisTransaction = readInThisTransaction();
        Optional<String> ods = thisTransaction.get(organizationId);
        if (ods == null) {
            ods = codes.get(organizationId, this::read, read -> read != null && !wroteAnOrganization());
            if (ods != null) {
                thisTransaction.put(organizationId, ods);
            }
        }
        return ods == null ? organizationId : ods.orElse(organizationId);
    }

    /**
     * What this transaction has read already (with replicas the cache is off, and a 500-record import chunk still
     * names the same few hospitals): a transaction sees its own writes, which forget their entries here too.
     */
    private static Map<String, Optional<String>> readInThisTransaction() {
        return TransactionScoped.value(READ, HashMap::new);
    }

    /** The stored Organization's ODS identifier, empty if it has none; null if it is not stored. */
    private Optional<String> read(String organizationId) {
        try {
            return daos
                    .getResourceDao(Organization.class)
                    .read(new IdType("Organization", organizationId), new SystemRequestDetails())
                    .getIdentifier()
                    .stream()
                    .filter(i -> AuditVocabulary.ODS_SYSTEM.equals(i.getSystem()))
                    .map(i -> i.getValue())
                    .filter(Objects::nonNull)
                    .findFirst();
        } catch (BaseServerResponseException notStoredYet) {
            return null;
        }
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource oldResource, IBaseResource newResource) {
        forget(newResource);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
    public void deleted(IBaseResource resource) {
        forget(resource);
    }

    private void forget(IBaseResource resource) {
        if (!(resource instanceof Organization)) {
            return;
        }
        String id = resource.getIdElement().getIdPart();
        codes.invalidate(id::equals);
        readInThisTransaction().remove(id);
        TransactionScoped.value(WROTE_AN_ORGANIZATION, () -> Boolean.TRUE);
        TransactionScoped.afterCompletion(() -> codes.invalidate(id::equals));
    }

    private static boolean wroteAnOrganization() {
        return TransactionScoped.has(WROTE_AN_ORGANIZATION);
    }
}
