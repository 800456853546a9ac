package org.carerecord.fhir.limits;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.springframework.stereotype.Component;

/**
 * Request parameters a client got wrong are a 400 before anything runs (each was a 500, found by generated
 * requests): a control character such as NUL, which no database text can hold; {@code _filter}, not offered; a
 * {@code _count} or page offset
 * that is not a whole number of zero or more; an update, patch or delete that names neither a record nor a
 * condition.
 */
@Component
@Interceptor
class ParameterChecks implements FhirServerInterceptor {

    private static final List<String> COUNTS = List.of("_count", "_getpagesoffset", "_offset");
    /** Search features this server does not offer (HAPI's _filter parser failed with a 500 on ordinary text). */
    private static final List<String> NOT_OFFERED = List.of("_filter", "_query");

    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");

    @Hook(value = Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED, order = -100)
    public void check(RequestDetails request, RestOperationTypeEnum operation) {
        for (Map.Entry<String, String[]> parameter : request.getParameters().entrySet()) {
            if (NOT_OFFERED.contains(parameter.getKey())) {
                throw new InvalidRequestException(parameter.getKey() + " is not supported by this server");
            }
            for (String value : parameter.getValue()) {
                if (CONTROL.matcher(parameter.getKey()).find()
                        || CONTROL.matcher(value).find()) {
                    throw new InvalidRequestException(
                            "Parameter " + printable(parameter.getKey()) + " holds a control character");
                }
                if (COUNTS.contains(parameter.getKey()) && !value.matches("\\d{1,9}")) {
                    throw new InvalidRequestException(parameter.getKey()
                            + " must be a whole number of zero or more, not '" + printable(value) + "'");
                }
            }
        }
        if (request.getId() != null
                && CONTROL.matcher(request.getId().getValue()).find()) {
            throw new InvalidRequestException("The id holds a control character");
        }
        boolean namesNothing = (request.getId() == null || !request.getId().hasIdPart())
                && request.getParameters().isEmpty();
        if (namesNothing
                && (operation == RestOperationTypeEnum.PATCH
                        || operation == RestOperationTypeEnum.UPDATE
                        || operation == RestOperationTypeEnum.DELETE)) {
            throw new InvalidRequestException(
                    "A " + operation.getCode() + " must name the record (" + request.getResourceName()
                            + "/[id]) or a condition (" + request.getResourceName() + "?identifier=...)");
        }
    }

    private static String printable(String text) {
        return CONTROL.matcher(text).replaceAll("?");
    }
}
