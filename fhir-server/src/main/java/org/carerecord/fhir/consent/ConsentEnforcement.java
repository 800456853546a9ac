package org.carerecord.fhir.consent;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentInterceptor;
import ca.uhn.fhir.rest.server.interceptor.consent.ConsentOutcome;
import ca.uhn.fhir.rest.server.interceptor.consent.IConsentContextServices;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/** HAPI's consent interceptor driven by {@link RecordConsentService}: the hook into every read path. */
@Component
// Off only for the benchmark that measures what the check costs, side by side; never in a deployment:
// with it off, scopes are the only check. ConsentChecksOffWarning says so loudly at start-up.
@ConditionalOnProperty(name = "care.consent.enabled", havingValue = "true", matchIfMissing = true)
public class ConsentEnforcement extends ConsentInterceptor implements FhirServerInterceptor {

    private final RecordConsentService consentService;

    public ConsentEnforcement(RecordConsentService consentService) {
        super(consentService);
        this.consentService = consentService;
    }

    /**
     * Whether the requester may be shown a record that was read without their request (e.g. summary sections
     * prepared ahead): the same check HAPI makes of each record a search finds for them; a record withheld is
     * counted for the withheld notice in the same way.
     */
    public boolean mayShow(RequestDetails request, IBaseResource record) {
        return consentService.canSeeResource(request, record, IConsentContextServices.NULL_IMPL)
                != ConsentOutcome.REJECT;
    }

    /** A record's {@code $meta}, which HAPI's consent framework does not check, is decided as a read. */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void checkMeta(RequestDetails request) {
        consentService.checkInstanceMeta(request);
    }

    /** Before HAPI binds an operation's parameters: {@code $everything} asks only for what may be shown. */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean narrowEverything(RequestDetails request) {
        consentService.narrowEverything(request);
        return true;
    }
}
