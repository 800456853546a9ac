package org.carerecord.fhir.consent;

import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.springframework.stereotype.Component;

/** HAPI's consent interceptor driven by {@link RecordConsentService}: the hook into every read path. */
@Component
public class ConsentEnforcement extends ConsentInterceptor implements FhirServerInterceptor {

    public ConsentEnforcement(RecordConsentService consentService) {
        super(consentService);
    }
}
