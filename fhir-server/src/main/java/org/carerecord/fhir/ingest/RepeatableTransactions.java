package org.carerecord.fhir.ingest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.springframework.stereotype.Component;

/**
 * Makes a provider's transaction safe to send again. Systems such as Synthea create most entries with a
 * plain {@code POST} and a {@code urn:uuid:} fullUrl that is stable for the record (no identifier to make
 * the create conditional on), so a resend would duplicate the whole history. Such an entry is stored under
 * that UUID instead ({@code PUT Condition/<uuid>}, an update-as-create): the first push creates it, a
 * second push of the same content changes nothing (HAPI keeps no new version of an unchanged resource),
 * and a changed resend updates it — subject, like any update, to the ownership rule (only the pushing
 * organisation's systems may change its records). References to the {@code urn:uuid:} keep working:
 * HAPI resolves a transaction's fullUrls whatever the entry's method.
 *
 * <p>Runs after the scope check: a client allowed to create may send its bundle again.
 */
@Component
public class RepeatableTransactions implements FhirServerInterceptor {

    private static final String UUID_URN = "urn:uuid:";

    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = 100)
    public void keyCreatesByTheirUuid(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation != RestOperationTypeEnum.TRANSACTION
                || !(request.getResource() instanceof Bundle bundle)
                || bundle.getType() != Bundle.BundleType.TRANSACTION) {
            return;
        }
        for (BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getRequest().getMethod() == HTTPVerb.POST
                    && !entry.getRequest().hasIfNoneExist()
                    && entry.hasResource()
                    && entry.hasFullUrl()
                    && entry.getFullUrl().startsWith(UUID_URN)) {
                String uuid = entry.getFullUrl().substring(UUID_URN.length());
                if (uuid.matches("[A-Za-z0-9\\-]{1,64}")) {
                    String type = entry.getResource().fhirType();
                    entry.getResource().setId(type + "/" + uuid);
                    entry.getRequest().setMethod(HTTPVerb.PUT).setUrl(type + "/" + uuid);
                }
            }
        }
    }
}
