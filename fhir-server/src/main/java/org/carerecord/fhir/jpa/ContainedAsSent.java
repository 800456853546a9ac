package org.carerecord.fhir.jpa;

import ca.uhn.fhir.context.FhirContext;
import org.springframework.stereotype.Component;

/**
 * Contained resources are written as they were sent: those in {@code Resource.contained}, and nothing else.
 *
 * <p>HAPI's default also contains a resource that a {@code Reference} holds as an object with no id, and to find
 * such references it walks every element of every record each time it encodes one: for storage (twice per
 * transaction record), for a Subscription message, for a response, and before search-parameter extraction. That
 * walk was 13 % of fhir-server's samples on an import (JFR, 2026-12-03; under 1 % with this off). Nothing here
 * needs it: a record arrives as JSON, whose references are strings ({@code #id} for contained ones, linked by the
 * parser to resources that have that id), and no code of this server builds a reference to an id-less resource
 * object. HAPI documents the switch for this reason ({@code ParserOptions#setAutoContainReferenceTargetsWithNoId}).
 * Every one of 18,444 Synthea records (1,575 with contained resources) encodes to the same JSON either way. Should
 * code ever build a reference to an id-less resource object, it now encodes as an empty reference instead of a
 * contained copy. {@code RecordValidation} encodes with this same context, so a record is checked as it is stored.
 */
@Component
class ContainedAsSent {

    ContainedAsSent(FhirContext fhir) {
        fhir.getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
    }
}
