package org.carerecord.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carerecord.fhir.ingest.CoreShapes.Shape;
import org.carerecord.fhir.ingest.CoreShapes.Slot;

/**
 * A fast way to show that a record passes the R4 base profile, in a small fraction of HL7's validator's time:
 * a walk of the record's JSON against the core definitions ({@link CoreShapes}) that checks what HL7's validator
 * checks at error level with this server's settings — every property known, cardinality and arrays, each
 * primitive's form, reference target types, extension URLs, and the refusing invariants of the types a provider
 * sends most, written out in Java.
 *
 * <p>It can only say "valid" or "not shown". Anything it does not recognise, or is not sure of — narrative,
 * an extension or a profile the core defines, an invariant it has no Java form for, a date whose precision makes
 * a comparison doubtful — is "not shown", and HL7's validator then decides and words the refusal. So a record is
 * never accepted here that HL7's validator would refuse, as long as every check here is at least as strict as
 * HL7's: {@code StructuralCheckTest} holds it to HL7's verdicts on generated records and on mutations of them.
 */
final class StructuralCheck {

    private static final Pattern RELATIVE_REFERENCE = Pattern.compile("([A-Z][A-Za-z]+)/[A-Za-z0-9\\-.]{1,64}");
    private static final Pattern CONDITIONAL_REFERENCE =
            Pattern.compile("([A-Z][A-Za-z]+)\\?[A-Za-z0-9_.:\\-]+=[^\\s&=%]+(&[A-Za-z0-9_.:\\-]+=[^\\s&=%]+)*");
    /**
     * The resource types this check shows valid: what providers send most, each held to HL7's verdicts by
     * {@code StructuralCheckTest} (a sample of each, and mutations of it). Any other type, HL7's validator decides.
     */
    static final Set<String> TYPES = Set.of(
            "AllergyIntolerance",
            "CarePlan",
            "CareTeam",
            "Claim",
            "Condition",
            "Device",
            "DiagnosticReport",
            "DocumentReference",
            "Encounter",
            "ExplanationOfBenefit",
            "ImagingStudy",
            "Immunization",
            "Location",
            "Medication",
            "MedicationAdministration",
            "MedicationRequest",
            "Observation",
            "Organization",
            "Patient",
            "Practitioner",
            "PractitionerRole",
            "Procedure",
            "Provenance",
            "ServiceRequest",
            "Coverage",
            "SupplyDelivery");

    private static final Pattern RESOURCE_TYPE = Pattern.compile("[A-Z][A-Za-z]{1,63}");
    private static final Pattern PART_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");
    private static final int MAX_STRING = 1_048_576;

    private final CoreShapes shapes;
    private final ObjectMapper mapper = new ObjectMapper(JsonFactory.builder()
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .build())
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    StructuralCheck(FhirContext fhir) {
        this.shapes = new CoreShapes(fhir);
    }

    /** True only when the record is shown to pass every check of the base profile that can refuse it. */
    boolean provesValid(String json) {
        return whyNotShown(json) == null;
    }

    /** What stopped this check from showing the record valid (for tests and measurements); null when shown. */
    String whyNotShown(String json) {
        if (PrimitiveForms.NEGATIVE_ZERO.matcher(json).find()) {
            return "a number written -0";
        }
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (IOException | RuntimeException unreadable) {
            return "not JSON this check reads";
        }
        Walk walk = new Walk();
        try {
            boolean shown = root != null && root.isObject() && walk.resource(root, false) && walk.localReferencesHold();
            return shown ? null : walk.why == null ? "not shown" : walk.why;
        } catch (RuntimeException unexpected) {
            // found by generated records ("resourceType": ""): whatever this check cannot read, HL7 decides
            return "not read: " + unexpected;
        }
    }

    /** One record's walk: what it has seen so far, for the invariants decided on the whole record. */
    private final class Walk {
        /** Each local reference ("#id") with the types its element allows. */
        private final Map<String, List<Set<String>>> localReferences = new HashMap<>();
        /** The contained resources named from the record itself (not from inside a contained one): dom-3. */
        private final Set<String> namedFromOutside = new HashSet<>();
        /** Whether the walk is inside a contained resource. */
        private boolean inContained;
        /** Each contained resource's type by id. */
        private final Map<String, String> contained = new HashMap<>();

        private String why;

        private boolean fail(String reason) {
            if (why == null) {
                why = reason;
            }
            return false;
        }

        boolean resource(JsonNode node, boolean contained) {
            JsonNode type = node.get("resourceType");
            if (type == null
                    || !type.isTextual()
                    || !RESOURCE_TYPE.matcher(type.asText()).matches()) {
                return fail("no resourceType");
            }
            Shape shape = TYPES.contains(type.asText()) ? shapes.ofResource(type.asText()) : null;
            if (shape == null) {
                return fail("unknown resource type " + type.asText());
            }
            JsonNode id = node.get("id");
            if (id != null
                    && !(id.isTextual()
                            && PrimitiveForms.ID.matcher(id.asText()).matches())) {
                return fail("resource id");
            }
            if (contained) {
                if (id == null || node.has("contained")) {
                    return fail("contained resource without id, or nested");
                }
                if (this.contained.put(id.asText(), type.asText()) != null) {
                    return fail("two contained resources with one id");
                }
            }
            boolean outer = inContained;
            inContained = contained;
            try {
                return object(node, shape, null, type.asText());
            } finally {
                inContained = outer;
            }
        }

        private boolean object(JsonNode node, Shape shape, Slot via, String where) {
            Set<String> seen = new HashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String name = field.getKey();
                if (via == null && name.equals("resourceType")) {
                    continue;
                }
                Slot slot = shape.properties().get(name);
                if (slot == null) {
                    return fail("unknown or extended property " + where + "." + name);
                }
                if (!seen.add(slot.element())) {
                    return fail("two values for " + slot.element());
                }
                JsonNode value = field.getValue();
                if (slot.repeats()) {
                    if (!value.isArray() || value.isEmpty() || value.size() > slot.max()) {
                        return fail("array expected at " + slot.element());
                    }
                    for (JsonNode item : value) {
                        if (!value(item, slot)) {
                            return false;
                        }
                    }
                } else if (value.isArray() || !value(value, slot)) {
                    return fail("single value expected at " + slot.element());
                }
            }
            for (Slot required : shape.required()) {
                if (!seen.contains(required.element())) {
                    return fail("missing " + required.element());
                }
            }
            // the type's own invariants (per-1 on any Period), then the element's (obs-3 on referenceRange)
            return invariantsHold(shape.invariants(), node, where)
                    && (via == null || invariantsHold(via.invariants(), node, via.element()));
        }

        private boolean invariantsHold(Set<String> invariants, JsonNode node, String where) {
            for (String invariant : invariants) {
                if (!InvariantsInJava.holds(invariant, node)) {
                    return fail("invariant " + invariant + " not shown at " + where);
                }
            }
            return true;
        }

        private boolean value(JsonNode node, Slot slot) {
            String type = slot.type();
            if (Character.isLowerCase(type.charAt(0))) {
                return primitive(node, type, slot);
            }
            if (!node.isObject() || node.isEmpty()) {
                return fail("object expected at " + slot.element());
            }
            if (!slot.profiles().isEmpty()) {
                // SimpleQuantity is a Quantity with no comparator (sqty-1); other profiled types: HL7 decides
                if (!slot.profiles().equals(List.of(CoreShapes.CORE + "SimpleQuantity")) || node.has("comparator")) {
                    return fail("profiled type at " + slot.element());
                }
            }
            return switch (type) {
                case "Resource" -> slot.element().endsWith(".contained") ? resource(node, true) : fail("resource");
                case "Narrative" -> fail("narrative");
                case "Extension" -> extension(node, slot);
                case "Identifier" ->
                    identifier(node) && object(node, shapes.ofType("Identifier"), slot, slot.element());
                case "Attachment" ->
                    // a stated size or hash is checked against the data by HL7's validator
                    !node.has("size") && !node.has("hash")
                            ? object(node, shapes.ofType("Attachment"), slot, slot.element())
                            : fail("attachment size or hash");
                case "Reference" ->
                    reference(node, slot) && object(node, shapes.ofType("Reference"), slot, slot.element());
                case "BackboneElement", "Element" ->
                    slot.backbone() != null
                            ? object(node, shapes.ofBackbone(slot), slot, slot.element())
                            : fail("element without children");
                default -> {
                    Shape shape = shapes.ofType(type);
                    yield shape != null ? object(node, shape, slot, slot.element()) : fail("type " + type);
                }
            };
        }

        private boolean extension(JsonNode node, Slot slot) {
            JsonNode url = node.get("url");
            if (slot.element().endsWith("modifierExtension")) {
                return fail("modifier extension");
            }
            // inside an extension this record does not know, a part may be named by a bare name ("ombCategory")
            boolean part = slot.element().equals("Extension.extension");
            if (url == null
                    || !url.isTextual()
                    || !(PrimitiveForms.acceptedUri(url.asText())
                            || part && PART_NAME.matcher(url.asText()).matches())) {
                return fail("extension url " + url + " at " + slot.element());
            }
            if (shapes.knowsDefinition(url.asText())) {
                return fail("extension the core defines: " + url.asText());
            }
            return object(node, shapes.ofType("Extension"), slot, slot.element());
        }

        /** HL7's validator: an identifier in system urn:ietf:rfc:3986 must be a full URI. */
        private boolean identifier(JsonNode node) {
            return !"urn:ietf:rfc:3986".equals(node.path("system").asText(null))
                    || node.path("value").isTextual()
                            && PrimitiveForms.acceptedUri(node.path("value").asText())
                    || fail("urn:ietf:rfc:3986 identifier");
        }

        private boolean reference(JsonNode node, Slot slot) {
            if (node.has("type")) {
                return fail("Reference.type");
            }
            JsonNode reference = node.get("reference");
            if (reference == null) {
                return true;
            }
            if (!reference.isTextual()) {
                return fail("reference not text");
            }
            String url = reference.asText();
            if (url.startsWith("#")) {
                // its target's type is checked once the contained resources are read
                localReferences
                        .computeIfAbsent(url.substring(1), id -> new ArrayList<>())
                        .add(slot.targets());
                if (!inContained) {
                    namedFromOutside.add(url.substring(1));
                }
                return true;
            }
            if (url.startsWith("urn:uuid:")) {
                return PrimitiveForms.ABSOLUTE_URI.matcher(url).matches() || fail("urn:uuid reference");
            }
            Matcher relative = RELATIVE_REFERENCE.matcher(url);
            Matcher conditional = CONDITIONAL_REFERENCE.matcher(url);
            String target =
                    relative.matches() ? relative.group(1) : conditional.matches() ? conditional.group(1) : null;
            if (target == null) {
                return fail("reference form " + url);
            }
            return allows(slot.targets(), target) || fail("reference target " + target + " at " + slot.element());
        }

        private boolean primitive(JsonNode node, String type, Slot slot) {
            boolean ok = switch (type) {
                case "boolean" -> node.isBoolean();
                case "integer" -> node.isIntegralNumber() && node.canConvertToInt();
                case "unsignedInt" -> node.isIntegralNumber() && node.canConvertToInt() && node.intValue() >= 0;
                case "positiveInt" -> node.isIntegralNumber() && node.canConvertToInt() && node.intValue() >= 1;
                case "decimal" -> node.isNumber();
                default -> node.isTextual() && !node.asText().isEmpty() && text(node.asText(), type, slot);
            };
            return ok || fail(type + " at " + slot.element());
        }

        private boolean text(String value, String type, Slot slot) {
            return switch (type) {
                case "string", "markdown" -> value.length() <= MAX_STRING;
                case "code" -> PrimitiveForms.CODE.matcher(value).matches();
                case "id" -> PrimitiveForms.ID.matcher(value).matches();
                case "oid" -> value.startsWith("urn:oid:") && PrimitiveForms.acceptedUri(value);
                case "uuid" -> value.startsWith("urn:uuid:") && PrimitiveForms.acceptedUri(value);
                case "uri", "url" ->
                    PrimitiveForms.acceptedUri(value)
                            // a part's bare name: extension(..) decides where one may stand
                            || slot.element().equals("Extension.url")
                                    && PART_NAME.matcher(value).matches();
                case "canonical" ->
                    // a declared profile the core defines is validated against: HL7 decides
                    slot.element().equals("Meta.profile")
                            && PrimitiveForms.acceptedUri(value)
                            && !shapes.knowsDefinition(value);
                case "date" -> PrimitiveForms.DATE.matcher(value).matches() && PrimitiveForms.realDate(value);
                case "dateTime" ->
                    PrimitiveForms.DATE.matcher(value).matches()
                            ? PrimitiveForms.realDate(value)
                            : PrimitiveForms.DATE_TIME.matcher(value).matches() && PrimitiveForms.instant(value);
                case "instant" -> PrimitiveForms.DATE_TIME.matcher(value).matches() && PrimitiveForms.instant(value);
                case "time" -> PrimitiveForms.TIME.matcher(value).matches();
                case "base64Binary" -> PrimitiveForms.base64(value);
                default -> false;
            };
        }

        /** ref-1 and dom-3: every local reference names a contained resource, and every contained one is named. */
        boolean localReferencesHold() {
            for (Map.Entry<String, List<Set<String>>> reference : localReferences.entrySet()) {
                String type = contained.get(reference.getKey());
                if (type == null) {
                    return fail("ref-1: a local reference to nothing contained");
                }
                if (!reference.getValue().stream().allMatch(targets -> allows(targets, type))) {
                    return fail("local reference to a contained " + type);
                }
            }
            // stricter than HL7 (which also accepts contained resources naming each other): those go to HL7
            return namedFromOutside.containsAll(contained.keySet())
                    || fail("dom-3: a contained resource nothing outside it names");
        }
    }

    private static boolean allows(Set<String> targets, String type) {
        return targets.isEmpty() || targets.contains("Resource") || targets.contains(type);
    }
}
