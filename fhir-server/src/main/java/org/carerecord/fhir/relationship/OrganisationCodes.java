package org.carerecord.fhir.relationship;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.security.audit.AuditVocabulary;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Organization;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * The ODS code of a stored Organization, by id, remembered: every encounter names its service provider, and
 * reading that Organization through HAPI for each one (a load of Synthea's records names the same few hospitals
 * tens of thousands of times) was flagged as a cost that grows with the record. An Organization written on this
 * server is forgotten at once; one changed through another replica is read again within {@link #REMEMBERED}
 * (an ODS code of an organisation is practically never reassigned). One not stored is not remembered.
 */
@Component
@Interceptor
public class OrganisationCodes implements FhirServerInterceptor {

    static final Duration REMEMBERED = Duration.ofMinutes(5);

    private final DaoRegistry daos;
    private final Cache<String, Optional<String>> codes = Caffeine.newBuilder()
            .maximumSize(50_000)
            .expireAfterWrite(REMEMBERED)
            .build();

    public OrganisationCodes(@Lazy DaoRegistry daos) {
        this.daos = daos;
    }

    /** The Organization's ODS identifier, else (none, or not stored yet) its id: in this region the id is the code. */
    String odsCodeOf(String organizationId) {
        Optional<String> known = codes.getIfPresent(organizationId);
        if (known != null) {
            return known.orElse(organizationId);
        }
        Organization org;
        try {
            org = daos.getResourceDao(Organization.class)
                    .read(new IdType("Organization", organizationId), new SystemRequestDetails());
        } catch (BaseServerResponseException notStoredYet) {
            return organizationId;
        }
        Optional<String> ods = org.getIdentifier().stream()
                .filter(i -> AuditVocabulary.ODS_SYSTEM.equals(i.getSystem()))
                .map(i -> i.getValue())
                .filter(Objects::nonNull)
                .findFirst();
        codes.put(organizationId, ods);
        return ods.orElse(organizationId);
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
        if (resource instanceof Organization) {
            codes.invalidate(resource.getIdElement().getIdPart());
        }
    }
}
