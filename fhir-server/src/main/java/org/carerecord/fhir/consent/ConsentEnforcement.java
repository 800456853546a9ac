package org.carerecord.fhir.consent;

import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** HAPI's consent interceptor driven by {@link RecordConsentService}: the hook into every read path. */
@Component
// Off only for the benchmark that measures what the check costs, side by side; never in a deployment:
// with it off, scopes are the only check. ConsentChecksOffWarning says so loudly at start-up.
@ConditionalOnProperty(name = "care.consent.enabled", havingValue = "true", matchIfMissing = true)
public class ConsentEnforcement extends ConsentInterceptor implements FhirServerInterceptor {

    public ConsentEnforcement(RecordConsentService consentService) {
        super(consentService);
    }
}
