package org.carerecord.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.hl7.fhir.r4.model.Reference;

/**
 * However a reference by criteria is spelt, HAPI resolves it as criteria on the type before the query; each spelling
 * is written as {@code Type?…} and confined to the organisation's own records, once.
 */
class OwnRecordMatchingTest {

    private static final String OWN =
            "_tag=https%3A%2F%2Fcare-record.example.org%2FCodeSystem%2Fsource-organisation%7CRTD";

    @Property
    void anySpellingOfAReferenceByCriteriaIsConfined(@ForAll("prefixes") String prefix) {
        Reference reference = new Reference(prefix + "Condition" + "/".repeat(prefix.length() % 3) + "?code=x");
        OwnRecordMatching.confine(reference, "RTD");
        assertThat(reference.getReference()).isEqualTo("Condition?code=x&" + OWN);
        OwnRecordMatching.confine(reference, "RTD");
        assertThat(reference.getReference()).as("confining twice").isEqualTo("Condition?code=x&" + OWN);
    }

    @Property
    void patientsAndOrdinaryReferencesAreLeftAsTheyAre(@ForAll("ordinary") String target) {
        Reference reference = new Reference(target);
        OwnRecordMatching.confine(reference, "RTD");
        assertThat(reference.getReference()).isEqualTo(target);
    }

    @Provide
    Arbitrary<String> prefixes() {
        return Arbitraries.of("", "x/", "https://elsewhere.example.org/fhir/", "http://localhost/fhir/", "a/b/");
    }

    @Provide
    Arbitrary<String> ordinary() {
        return Arbitraries.of(
                "Condition/abc",
                "urn:uuid:9c1d2e3f-0000-4000-8000-00000000000b",
                "#contained",
                "Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|9990000018",
                "https://elsewhere.example.org/page?x=1");
    }
}
