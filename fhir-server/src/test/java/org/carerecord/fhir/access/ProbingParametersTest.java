package org.carerecord.fhir.access;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A probing parameter is refused however its name is spelt: each character plain or %-encoded, either hex case. */
class ProbingParametersTest {

    @Property
    void aProbeIsRefusedInAnySpelling(@ForAll("probes") String name, @ForAll("queries") String before) {
        String criteria = "Patient?" + before + name + ":Condition:patient:code=http://snomed.info/sct|35489007";
        assertThatThrownBy(() -> ProbingParameters.refuseIn(criteria, "a test"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("not available in a test");
    }

    @Property
    void ordinaryCriteriaPass(@ForAll("queries") String query) {
        assertThatCode(() -> ProbingParameters.refuseIn("Condition?" + query + "code=x", "a test"))
                .doesNotThrowAnyException();
    }

    @Property(tries = 50)
    void aMalformedEncodingIsTheClientsMistake(@ForAll("queries") String before) {
        assertThatThrownBy(() -> ProbingParameters.refuseIn("Patient?" + before + "%5=x", "a test"))
                .isInstanceOf(InvalidRequestException.class);
    }

    @Provide
    Arbitrary<String> probes() {
        return Arbitraries.of("_has", "_security").flatMap(name -> {
            List<Arbitrary<String>> characters = name.chars()
                    .mapToObj(
                            c -> Arbitraries.of(String.valueOf((char) c), "%%%02X".formatted(c), "%%%02x".formatted(c)))
                    .toList();
            return Combinators.combine(characters).as(parts -> String.join("", parts));
        });
    }

    @Provide
    Arbitrary<String> queries() {
        return Arbitraries.of("identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018&", "subject=Patient/p&", "")
                .list()
                .ofMaxSize(3)
                .map(parts -> String.join("", parts));
    }
}
