package org.carerecord.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.StrictErrorHandler;
import org.springframework.stereotype.Component;

/**
 * HAPI's parser, by default, drops what it cannot keep (an element R4 does not define, such as a misspelt
 * {@code birthdate}; all but one value of an array where R4 allows one), logs a warning and goes on. What is left
 * may well be valid, so the record was stored without it and its sender told 201 (found from inside, 2026-12-03:
 * {@code BadInputIT}). The server's parser is strict instead: such a request is refused, 400 with HAPI's message
 * naming the element, and a bulk line is rejected the same way, before anything is written. What the server reads
 * back itself (stored records, Subscription messages) was encoded by HAPI, so strictness refuses nothing there.
 */
@Component
class StrictParsing {

    StrictParsing(FhirContext fhir) {
        fhir.setParserErrorHandler(new StrictErrorHandler());
    }
}
