package org.carerecord.fhir.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link StructuralCheck} may only pass what HL7's validator passes (with the server's settings): anything it
 * cannot show, HL7's validator decides. Held here on the records providers send (Synthea's, one or two of each
 * kind, in {@code validation/valid-records.json}), on the invalid corpus, and on generated mutations of the valid
 * records — a property missing or unknown, a value of the wrong form, arrays where one value belongs, extensions,
 * references, contained resources, periods, profiles and narrative — each judged by both.
 */
class StructuralCheckTest {

    private static final FhirContext FHIR = FhirContext.forR4Cached();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<ObjectNode> VALID = validRecords();
    private static final StructuralCheck CHECK = new StructuralCheck(FHIR);
    private static final ReusedInstanceValidators HL7 = new ReusedInstanceValidators(FHIR);

    static List<String> validSamples() {
        return VALID.stream().map(JsonNode::toString).toList();
    }

    @ParameterizedTest
    @MethodSource("validSamples")
    void showsEachKindOfRecordAProviderSendsValidAsHl7Does(String record) {
        assertThat(hl7Refusals(record)).as("HL7's verdict").isEmpty();
        assertThat(CHECK.whyNotShown(record))
                .as("what the structural check could not show")
                .isNull();
    }

    record Counterexample(String name, String json) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Records an outside review found the structural check passing while HL7's validator refused them. */
    static List<Counterexample> counterexamples() {
        return ValidationRecords.entries("structural-counterexamples.json").stream()
                .map(c ->
                        new Counterexample(c.get("case").asText(), c.get("json").asText()))
                .toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("counterexamples")
    void leavesToHl7WhatHl7RefusesAmongTheReviewsCounterexamples(Counterexample counterexample) {
        assertThat(hl7Refusals(counterexample.json())).as("HL7 refuses it").isNotEmpty();
        assertThat(CHECK.whyNotShown(counterexample.json()))
                .as("not shown valid")
                .isNotNull();
    }

    @Test
    void hasASampleOfEveryTypeItShowsValid() {
        assertThat(VALID.stream().map(r -> r.get("resourceType").asText()).distinct())
                .containsAll(StructuralCheck.TYPES);
    }

    @Test
    void leavesToHl7WhatItDoesNotCheckItself() {
        String patient = "{\"resourceType\":\"Patient\",\"id\":\"p1\",";
        assertThat(
                        CHECK.whyNotShown(
                                patient + "\"extension\":[{\"url\":"
                                        + "\"http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName\",\"valueString\":\"X\"}]}"))
                .as("an extension the core defines")
                .contains("extension the core defines");
        assertThat(CHECK.whyNotShown(patient + "\"text\":{\"status\":\"generated\",\"div\":"
                        + "\"<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\">X</div>\"}}"))
                .as("narrative")
                .isEqualTo("narrative");
        assertThat(CHECK.whyNotShown(patient + "\"meta\":{\"profile\":"
                        + "[\"http://hl7.org/fhir/StructureDefinition/bodyweight\"]}}"))
                .as("a profile the core defines")
                .isNotNull();
        assertThat(CHECK.whyNotShown("{\"resourceType\":\"Questionnaire\",\"status\":\"active\"}"))
                .as("a type it has no sample of")
                .isNotNull();
        assertThat(CHECK.whyNotShown(patient + "\"gender\":\"female\"}")).isNull();
    }

    @Test
    void showsNoRecordOfTheInvalidCorpusValid() {
        for (BaseProfileValidatorTest.Case invalid : BaseProfileValidatorTest.corpus()) {
            String json = FHIR.newJsonParser().encodeResourceToString(invalid.resource());
            assertThat(CHECK.whyNotShown(json)).as(invalid.name()).isNotNull();
        }
    }

    @Property(tries = 1500)
    void passesNothingHl7sValidatorRefuses(@ForAll("mutatedRecords") String record) {
        boolean shown = CHECK.provesValid(record);
        List<String> refusals = hl7Refusals(record);
        Statistics.label("structural check").collect(shown ? "shown valid" : "not shown");
        Statistics.label("HL7").collect(refusals.isEmpty() ? "valid" : "refused");
        Statistics.label("structural check").coverage(c -> {
            c.check("shown valid").percentage(p -> p > 5);
            c.check("not shown").percentage(p -> p > 20);
        });
        if (shown) {
            assertThat(refusals)
                    .as("HL7 refuses what the structural check passed: %s", record)
                    .isEmpty();
        }
    }

    private static List<String> hl7Refusals(String record) {
        try {
            return BaseProfileValidator.refusals(HL7.validate(record));
        } catch (RuntimeException crashed) {
            return List.of("HL7's validator could not read it: " + crashed);
        }
    }

    @Provide
    Arbitrary<String> mutatedRecords() {
        return Combinators.combine(
                        Arbitraries.integers().between(0, VALID.size() - 1),
                        Arbitraries.integers().between(1, 2),
                        Arbitraries.longs())
                .as((which, mutations, seed) -> {
                    ObjectNode record = VALID.get(which).deepCopy();
                    Random random = new Random(seed);
                    for (int i = 0; i < mutations; i++) {
                        mutate(record, random);
                    }
                    return record.toString();
                });
    }

    /** A place in the record: an object's property or an array's item. */
    private record Place(JsonNode container, String name, int index) {
        JsonNode value() {
            return name != null ? container.get(name) : container.get(index);
        }

        void set(JsonNode value) {
            if (name != null) {
                ((ObjectNode) container).set(name, value);
            } else {
                ((ArrayNode) container).set(index, value);
            }
        }

        void remove() {
            if (name != null) {
                ((ObjectNode) container).remove(name);
            } else {
                ((ArrayNode) container).remove(index);
            }
        }
    }

    private static final List<JsonNode> ODD_VALUES = List.of(
            NODES.textNode(""),
            NODES.textNode(" "),
            NODES.textNode("a  b"),
            NODES.textNode(" x"),
            NODES.textNode("2023-02-30"),
            NODES.textNode("2023-13-01"),
            NODES.textNode("2023-01-01T10:00:00"),
            NODES.textNode("2023-01-01T10:00Z"),
            NODES.textNode("2023-01-01T10:00:00+15:00"),
            NODES.textNode("2023-01-01T10:00:00.1234Z"),
            NODES.textNode("1990-01-01T10:00:00+00:00"),
            NODES.textNode("2023"),
            NODES.textNode("2023-01"),
            NODES.textNode("0000-01-01"),
            NODES.textNode("SNOMED CT"),
            NODES.textNode("urn:oid:1.2.x"),
            NODES.textNode("urn:ietf:rfc:3986"),
            NODES.textNode("http://snomed.info/sct"),
            NODES.textNode("!!!!"),
            NODES.textNode("Zm9v"),
            NODES.textNode("a\u0001b"),
            NODES.textNode("entered-in-error"),
            NODES.textNode("home"),
            NODES.textNode("C"),
            NODES.textNode("12:00:00.5"),
            NODES.textNode("AA"),
            NODES.textNode("urn:oid:1.2.3"),
            NODES.textNode("male\u00a0"),
            NODES.numberNode(3),
            NODES.numberNode(-1),
            NODES.numberNode(0),
            NODES.numberNode(new BigDecimal("1.5")),
            NODES.numberNode(2147483648L),
            NODES.booleanNode(true),
            NODES.nullNode(),
            NODES.objectNode(),
            NODES.arrayNode());

    private static final List<String> ODD_NAMES = List.of(
            "foo",
            "_status",
            "valueString",
            "valueBoolean",
            "resourceType",
            "fhir_comments",
            "id",
            "text",
            "comparator",
            "type",
            "dataAbsentReason",
            "component",
            "abatementDateTime",
            "orderDetail",
            "offset",
            "system",
            "code",
            "display",
            "reference",
            "language",
            "implicitRules");

    private static final List<String> REFERENCES = List.of(
            "Practitioner/x",
            "Patient/p1",
            "Encounter/e1",
            "#x",
            "#",
            "urn:uuid:bad",
            "Patient?name=x",
            "Foo/1",
            "http://example.org/fhir/Patient/1",
            "Patient/1/_history/2",
            "Patient?",
            "Patient?a=1=2");

    private static final List<String> EXTENSION_URLS = List.of(
            "http://hl7.org/fhir/StructureDefinition/patient-birthPlace",
            "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
            "https://fhir.example.nhs.uk/StructureDefinition/x",
            "http://example.org/fhir/StructureDefinition/x",
            "x",
            "http://hl7.org/fhir/5.0/StructureDefinition/extension-Patient.gender",
            "urn:uuid:6c3bd0d3-3f9b-4d6a-9d3a-6a6f4a3a2b10");

    private static void mutate(ObjectNode record, Random random) {
        List<Place> places = new ArrayList<>();
        collect(record, places);
        List<Place> objects = places.stream().filter(p -> p.value().isObject()).toList();
        Place place = places.get(random.nextInt(places.size()));
        ObjectNode anObject = objects.isEmpty()
                ? record
                : random.nextInt(4) == 0
                        ? record
                        : (ObjectNode)
                                objects.get(random.nextInt(objects.size())).value();
        switch (random.nextInt(11)) {
            case 0 -> place.remove();
            case 1 -> place.set(pick(ODD_VALUES, random).deepCopy());
            case 2 -> {
                JsonNode value = place.value();
                if (value.isArray() && !value.isEmpty()) {
                    place.set(value.get(0));
                } else {
                    place.set(NODES.arrayNode().add(value));
                }
            }
            case 3 ->
                anObject.set(pick(ODD_NAMES, random), pick(ODD_VALUES, random).deepCopy());
            case 4 -> {
                ObjectNode extension = NODES.objectNode().put("url", pick(EXTENSION_URLS, random));
                switch (random.nextInt(4)) {
                    case 0 -> extension.put("valueString", "a");
                    case 1 -> extension.set("valueAddress", NODES.objectNode().put("city", "Leeds"));
                    case 2 -> {
                        extension.put("valueString", "a");
                        extension.set(
                                "extension",
                                NODES.arrayNode()
                                        .add(NODES.objectNode()
                                                .put("url", "http://example.org/y")
                                                .put("valueCode", "b")));
                    }
                    default -> {}
                }
                String where = random.nextInt(5) == 0 ? "modifierExtension" : "extension";
                anObject.set(where, NODES.arrayNode().add(extension));
            }
            case 5 -> {
                List<Place> references = places.stream()
                        .filter(p -> "reference".equals(p.name()))
                        .toList();
                if (!references.isEmpty()) {
                    pick(references, random).set(NODES.textNode(pick(REFERENCES, random)));
                }
            }
            case 6 -> {
                record.set(
                        "contained",
                        NODES.arrayNode()
                                .add(NODES.objectNode()
                                        .put("resourceType", random.nextBoolean() ? "Practitioner" : "Location")
                                        .put("id", "x")));
                List<Place> references = places.stream()
                        .filter(p -> "reference".equals(p.name()))
                        .toList();
                if (!references.isEmpty() && random.nextBoolean()) {
                    pick(references, random).set(NODES.textNode("#x"));
                }
            }
            case 7 -> {
                List<JsonNode> periods = places.stream()
                        .map(Place::value)
                        .filter(v -> v.isObject() && (v.has("start") || v.has("end")))
                        .toList();
                if (!periods.isEmpty()) {
                    ObjectNode period = (ObjectNode) pick(periods, random);
                    JsonNode start = period.get("start");
                    JsonNode end = period.get("end");
                    period.set("start", end != null ? end : NODES.textNode("2030-01-01"));
                    period.set(
                            "end",
                            random.nextBoolean() && start != null
                                    ? start
                                    : pick(ODD_VALUES.subList(4, 14), random).deepCopy());
                }
            }
            case 8 ->
                record.set(
                        "meta",
                        NODES.objectNode()
                                .set(
                                        "profile",
                                        NODES.arrayNode()
                                                .add(
                                                        random.nextBoolean()
                                                                ? "http://hl7.org/fhir/StructureDefinition/bodyweight"
                                                                : "http://example.org/fhir/StructureDefinition/mine")));
            case 9 ->
                record.set(
                        "text",
                        NODES.objectNode()
                                .put("status", "generated")
                                .put(
                                        "div",
                                        random.nextBoolean()
                                                ? "<div xmlns=\"http://www.w3.org/1999/xhtml\">ok</div>"
                                                : "<div><script>x</script></div>"));
            default -> {
                JsonNode value = place.value();
                if (value.isTextual()) {
                    place.set(NODES.numberNode(7));
                } else if (value.isNumber() || value.isBoolean()) {
                    place.set(NODES.textNode(value.asText()));
                } else {
                    place.set(NODES.textNode("x"));
                }
            }
        }
    }

    private static void collect(JsonNode node, List<Place> places) {
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                if (!name.equals("resourceType") || node.has("id")) {
                    places.add(new Place(node, name, -1));
                }
                collect(node.get(name), places);
            });
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                places.add(new Place(node, null, i));
                collect(node.get(i), places);
            }
        }
    }

    private static <T> T pick(List<T> values, Random random) {
        return values.get(random.nextInt(values.size()));
    }

    private static List<ObjectNode> validRecords() {
        return ValidationRecords.entries("valid-records.json").stream()
                .map(ObjectNode.class::cast)
                .toList();
    }
}
