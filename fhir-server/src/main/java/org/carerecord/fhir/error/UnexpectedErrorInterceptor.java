package org.carerecord.fhir.error;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InternalErrorException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.sql.SQLException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.fhir.limits.BodyTooLarge;
import org.hibernate.JDBCException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;

/**
 * The one place server failures become client errors, and the one place they are logged: a 4xx keeps its
 * message (it tells the client what to fix) and is logged in one INFO line with the request id; an
 * unexpected failure is logged in full and answered with a plain OperationOutcome naming the request id, so
 * no internal detail (class names, SQL, stack frames) reaches the client. HAPI's own logging of the same
 * exceptions (each refusal at ERROR with its trace) is switched off in application.yaml.
 */
@Component
@Interceptor
public class UnexpectedErrorInterceptor implements FhirServerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(UnexpectedErrorInterceptor.class);

    @Hook(Pointcut.SERVER_PRE_PROCESS_OUTGOING_EXCEPTION)
    public BaseServerResponseException mask(RequestDetails request, Throwable exception) {
        Throwable answered = clientsMistake(request, exception);
        if (answered instanceof BaseServerResponseException known && known.getStatusCode() < 500) {
            // an ordinary refusal (no relationship, not available, bad input): one line, no trace
            log.info("request {} answered {}: {}", request.getRequestId(), known.getStatusCode(), known.getMessage());
            return writable(withoutReferringRecord(withoutSql(request, known)));
        }
        if (exception instanceof BaseServerResponseException known
                && known.getClass() != InternalErrorException.class) {
            // deliberate 5xx (e.g. 503 consent-service unavailable) carry a message for the client
            log.warn("request {} answered {}: {}", request.getRequestId(), known.getStatusCode(), known.getMessage());
            return known;
        }
        if (exception instanceof InternalErrorException ours && ours.getCause() == null) {
            log.warn("request {} answered 500: {}", request.getRequestId(), ours.getMessage());
            return ours;
        }
        log.error("request {} failed", request.getRequestId(), exception);
        return new InternalErrorException(
                "The server could not complete the request (request id " + request.getRequestId() + ")");
    }

    /**
     * HAPI refuses to delete a record others refer to and names the first referring record — often another
     * organisation's, which the deleting system may not learn of (found by a review). The refusal keeps the record
     * being deleted and the reason, not the referrer.
     */
    private static BaseServerResponseException withoutReferringRecord(BaseServerResponseException known) {
        Matcher conflict = DELETE_CONFLICT.matcher(String.valueOf(known.getMessage()));
        if (!(known instanceof ResourceVersionConflictException) || !conflict.find()) {
            return known;
        }
        return new ResourceVersionConflictException("Unable to delete " + conflict.group(1)
                + ": other records refer to it (delete or change those first, or ask their owners to)");
    }

    /**
     * HAPI answers a write the database refused as a version conflict (409), its message the database's: the SQL of
     * the insert, table and column names, values (found from outside: a value holding NUL). The status stays, as
     * most such refusals are two writes to one record at once; the detail stays in the log.
     */
    private static BaseServerResponseException withoutSql(RequestDetails request, BaseServerResponseException known) {
        for (Throwable cause = known.getCause();
                known instanceof ResourceVersionConflictException && cause != null;
                cause = cause.getCause()) {
            if (cause instanceof SQLException
                    || cause instanceof DataAccessException
                    || cause instanceof JDBCException) {
                return new ResourceVersionConflictException("The database refused the write, most often because"
                        + " another write to the same record came at the same moment: send it again (request id "
                        + request.getRequestId() + ")");
            }
        }
        return known;
    }

    private static final Pattern DELETE_CONFLICT =
            Pattern.compile("Unable to delete (\\S+) because at least one resource has a reference to this resource");

    /**
     * HAPI repeats a bad parameter in its message ("Invalid _count value: \u0000"); a control character cannot be
     * written as XML, and the answer broke off mid-stream (found by generated requests). Such characters go as '?'.
     */
    private static BaseServerResponseException writable(BaseServerResponseException known) {
        String message = known.getMessage();
        if (message == null || !UNWRITABLE.matcher(message).find()) {
            return known;
        }
        return BaseServerResponseException.newInstance(
                known.getStatusCode(), UNWRITABLE.matcher(message).replaceAll("?"));
    }

    private static final Pattern UNWRITABLE = Pattern.compile("[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F]");

    /** The client's error behind a failure HAPI did not classify as one, or the exception itself. */
    private static Throwable clientsMistake(RequestDetails request, Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof BodyTooLarge tooLarge) {
                return new PayloadTooLargeException(tooLarge.getMessage());
            }
            if (cause instanceof DataFormatException malformed) {
                // a parameter or body the client got wrong (a date that is not a date): theirs to fix, not ours
                return new InvalidRequestException(malformed.getMessage());
            }
            if (cause instanceof IllegalArgumentException
                    && request.getRestOperationType() == RestOperationTypeEnum.PATCH) {
                // HAPI hands a FHIR body that is not Parameters straight to its patch method
                return new InvalidRequestException("A PATCH body is a FHIRPath Patch (a Parameters resource, "
                        + "application/fhir+json) or a JSON Patch (application/json-patch+json)");
            }
            if (thrownReadingTheRequest(cause)) {
                // HAPI fails on some malformed input with a bare runtime exception while reading it ("resource": null
                // in a bundle entry, an id of "+" in the path): the request is the client's to fix
                return new InvalidRequestException("The request could not be read as FHIR: " + cause.getMessage());
            }
        }
        return exception;
    }

    private static boolean thrownReadingTheRequest(Throwable cause) {
        StackTraceElement[] frames = cause.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 8); i++) {
            if (frames[i].getClassName().startsWith("ca.uhn.fhir.parser.")
                    || frames[i].getMethodName().equals("populateRequestDetailsFromRequestPath")) {
                return cause instanceof NullPointerException
                        || cause instanceof ClassCastException
                        || cause instanceof IllegalArgumentException
                        || cause instanceof IllegalStateException;
            }
        }
        return false;
    }
}
