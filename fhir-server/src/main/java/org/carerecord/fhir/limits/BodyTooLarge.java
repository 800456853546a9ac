package org.carerecord.fhir.limits;

import java.io.IOException;

/**
 * Thrown from a read of a request body past its limit: the request unwinds before anything is written
 * (HAPI parses the whole body first), and the error mapping answers 413 with {@link #getMessage()}.
 */
public final class BodyTooLarge extends IOException {

    BodyTooLarge(long limit) {
        super(message(limit));
    }

    static String message(long limit) {
        return "The request body is larger than this server accepts (" + limit + " bytes); send fewer records "
                + "per request, or load in bulk";
    }
}
