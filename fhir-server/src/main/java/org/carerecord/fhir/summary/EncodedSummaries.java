package org.carerecord.fhir.summary;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.api.SummaryEnum;
import ca.uhn.fhir.rest.api.server.IRestfulResponse;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.server.RestfulServerUtils;
import ca.uhn.fhir.rest.server.RestfulServerUtils.ResponseEncoding;
import ca.uhn.fhir.util.DateUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.hl7.fhir.r4.model.Bundle;

/**
 * A reused summary's JSON is written once: HAPI's JSON encoder was ~70 % of the CPU of serving a summary that
 * was already assembled (JFR), and every reader of the same document (see {@link CachedPatientSummaries}) would
 * be given the same characters. So the first response of a document is encoded as HAPI would encode it (the
 * same parser, configured for the request) and kept with the document; later ones write those characters.
 *
 * <p>Runs last among the outgoing-response hooks, after the withheld notice is added and after the view is
 * audited (which must happen before any data leaves): every request is still decided, filtered and audited on
 * its own. Only for a plain JSON response (no {@code _format}, {@code _pretty}, {@code _summary} or
 * {@code _elements}); anything else is left to HAPI. The same headers as HAPI's writer are set, through HAPI's
 * own response object.
 */
@Interceptor
// public: HAPI calls hook methods by reflection, without setAccessible
public final class EncodedSummaries implements FhirServerInterceptor {

    private static final String JSON = EncodedSummaries.class.getName() + ".json";
    /** After AuditInterceptor (order 1,000): the record of the view is written before anything leaves. */
    private static final int AFTER_AUDIT = 2_000;

    /** Marks this request's response as a reused document whose JSON is (or will be) kept in {@code json}. */
    static void writeOnce(RequestDetails request, AtomicReference<String> json) {
        request.getUserData().put(JSON, json);
    }

    /** Whether this request's response will be the kept JSON, already written for an earlier reader. */
    static boolean writtenAsKept(RequestDetails request, AtomicReference<String> json) {
        return json.get() != null
                && plainJson(
                        request, RestfulServerUtils.determineResponseEncodingNoDefault(request, EncodingEnum.JSON));
    }

    @Hook(value = Pointcut.SERVER_OUTGOING_RESPONSE, order = AFTER_AUDIT)
    public boolean write(RequestDetails request, ResponseDetails response) {
        @SuppressWarnings("unchecked")
        AtomicReference<String> kept =
                (AtomicReference<String>) request.getUserData().get(JSON);
        ResponseEncoding encoding = RestfulServerUtils.determineResponseEncodingNoDefault(request, EncodingEnum.JSON);
        if (kept == null
                || !(response.getResponseResource() instanceof Bundle document)
                || !plainJson(request, encoding)) {
            return true;
        }
        String json = kept.get();
        if (json == null) {
            // once: readers handed a fresh document together (after a write, all waiting for its assembly) would
            // otherwise each encode the same 200 KB at once, on a machine with two cores
            synchronized (kept) {
                json = kept.get();
                if (json == null) {
                    json = RestfulServerUtils.getNewParser(
                                    request.getFhirContext(),
                                    request.getFhirContext().getVersion().getVersion(),
                                    request)
                            .encodeResourceToString(document);
                    kept.set(json);
                }
            }
        }
        // the headers HAPI's writer sets for an operation's resource (RestfulServerUtils.streamResponseAsResource)
        IRestfulResponse out = request.getResponse();
        if (document.getIdElement().hasIdPart()) {
            out.addHeader(
                    Constants.HEADER_CONTENT_LOCATION,
                    request.getFhirServerBase() + "/Bundle/"
                            + document.getIdElement().getIdPart());
        }
        if (document.getMeta().hasLastUpdated()) {
            out.addHeader(
                    Constants.HEADER_LAST_MODIFIED,
                    DateUtils.formatDate(document.getMeta().getLastUpdated()));
        }
        String contentType = (encoding != null
                        ? encoding
                        : new ResponseEncoding(request.getFhirContext(), EncodingEnum.JSON, null))
                .getResourceContentType();
        try {
            Writer writer = out.getResponseWriter(
                    response.getResponseCode(), contentType, Constants.CHARSET_NAME_UTF8, request.isRespondGzip());
            writer.write(json);
            out.commitResponse(writer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return false; // written: HAPI does not encode it again
    }

    private static boolean plainJson(RequestDetails request, ResponseEncoding encoding) {
        return (encoding == null || encoding.getEncoding() == EncodingEnum.JSON)
                && !RestfulServerUtils.prettyPrintResponse(request.getServer(), request)
                && RestfulServerUtils.determineSummaryMode(request).equals(Set.of(SummaryEnum.FALSE))
                && request.getParameters().get(Constants.PARAM_ELEMENTS) == null;
    }
}
