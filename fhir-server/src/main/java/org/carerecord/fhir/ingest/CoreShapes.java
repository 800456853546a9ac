package org.carerecord.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * The R4 core StructureDefinitions as {@link StructuralCheck} walks a record's JSON: for each resource type,
 * datatype and backbone element, its JSON property names, each with its cardinality, type, allowed reference
 * targets and the invariants that can refuse a record ({@link RefusingInvariantsOnly} leaves only those). Built
 * once per type from the same definitions HL7's validator reads.
 */
final class CoreShapes {

    static final String CORE = "http://hl7.org/fhir/StructureDefinition/";
    private static final String FHIR_TYPE = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type";

    /** An object's properties by JSON name, the elements it must hold, and the invariants on the object itself. */
    record Shape(Map<String, Slot> properties, List<Slot> required, Set<String> invariants) {}

    /**
     * One element as a JSON property. A choice element ({@code value[x]}) gives one slot per type, all naming the
     * same element. {@code backbone} is the path whose children make the value's shape, for elements defined inline.
     */
    record Slot(
            String element,
            int max,
            String type,
            List<String> profiles,
            Set<String> targets,
            Set<String> invariants,
            StructureDefinition owner,
            String backbone) {

        boolean repeats() {
            return max > 1;
        }
    }

    private final IValidationSupport definitions;
    private final Map<String, Shape> shapes = new ConcurrentHashMap<>();
    /** Resource types' shapes, looked up once per record: kept apart so a record costs no definition lookup. */
    private final Map<String, Shape> resources = new ConcurrentHashMap<>();

    private final Map<String, Boolean> known = new ConcurrentHashMap<>();

    CoreShapes(FhirContext fhir) {
        this.definitions = new RefusingInvariantsOnly(fhir, new DefaultProfileValidationSupport(fhir));
    }

    /** The shape of a resource or complex datatype, or null when the core holds no such type. */
    Shape ofType(String type) {
        Shape shape = shapes.get(type);
        if (shape == null) {
            StructureDefinition definition = definition(CORE + type);
            if (definition == null || !definition.hasSnapshot() || !type.equals(definition.getType())) {
                return null;
            }
            shape = build(definition, type);
            shapes.putIfAbsent(type, shape);
        }
        return shape;
    }

    /** The shape of a resource type the core defines (not an abstract one), or null. */
    Shape ofResource(String type) {
        Shape shape = resources.get(type);
        if (shape == null) {
            StructureDefinition definition = definition(CORE + type);
            shape = definition != null
                            && definition.getKind() == StructureDefinition.StructureDefinitionKind.RESOURCE
                            && !definition.getAbstract()
                    ? ofType(type)
                    : null;
            if (shape != null) {
                resources.putIfAbsent(type, shape);
            }
        }
        return shape;
    }

    /** The shape of an element defined inline (a backbone element) in its owner's definition. */
    Shape ofBackbone(Slot slot) {
        String key = slot.owner().getUrl() + "#" + slot.backbone();
        Shape shape = shapes.get(key);
        if (shape == null) {
            shape = build(slot.owner(), slot.backbone());
            shapes.putIfAbsent(key, shape);
        }
        return shape;
    }

    /** Whether HL7's validator knows a definition at this URL (and would validate against it). */
    boolean knowsDefinition(String url) {
        return known.computeIfAbsent(url, u -> definitions.fetchStructureDefinition(u) != null);
    }

    private StructureDefinition definition(String url) {
        return (StructureDefinition) definitions.fetchStructureDefinition(url);
    }

    private Shape build(StructureDefinition definition, String path) {
        Map<String, Slot> properties = new HashMap<>();
        List<Slot> required = new ArrayList<>();
        Set<String> invariants = Set.of();
        String prefix = path + ".";
        for (ElementDefinition element : definition.getSnapshot().getElement()) {
            String elementPath = element.getPath();
            if (elementPath.equals(path)) {
                invariants = keys(element);
                continue;
            }
            if (!elementPath.startsWith(prefix) || elementPath.indexOf('.', prefix.length()) >= 0) {
                continue;
            }
            String name = elementPath.substring(prefix.length());
            int max = "*".equals(element.getMax()) ? Integer.MAX_VALUE : Integer.parseInt(element.getMax());
            if (max == 0) {
                continue;
            }
            Slot first = null;
            if (element.hasContentReference()) {
                // e.g. Questionnaire.item.item: the shape of the element named, defined in the same definition
                String target = element.getContentReference()
                        .substring(element.getContentReference().indexOf('#') + 1);
                first = new Slot(
                        elementPath, max, "BackboneElement", List.of(), Set.of(), keys(element), definition, target);
                properties.put(name, first);
            } else {
                for (ElementDefinition.TypeRefComponent type : element.getType()) {
                    String code = typeCode(type);
                    boolean inline = "BackboneElement".equals(code) || "Element".equals(code);
                    Slot slot = new Slot(
                            elementPath,
                            max,
                            code,
                            type.getProfile().stream()
                                    .map(CanonicalType::getValue)
                                    .toList(),
                            targets(type),
                            keys(element),
                            definition,
                            inline ? elementPath : null);
                    String jsonName = name.endsWith("[x]")
                            ? name.substring(0, name.length() - 3)
                                    + Character.toUpperCase(code.charAt(0))
                                    + code.substring(1)
                            : name;
                    properties.put(jsonName, slot);
                    if (first == null) {
                        first = slot;
                    }
                }
            }
            if (first != null && element.getMin() > 0) {
                required.add(first);
            }
        }
        return new Shape(Map.copyOf(properties), List.copyOf(required), invariants);
    }

    /** The FHIR type of an element: the core writes {@code id} and the like as FHIRPath system types. */
    private static String typeCode(ElementDefinition.TypeRefComponent type) {
        String code = type.getCode();
        if (code != null && code.startsWith("http://hl7.org/fhirpath/System.")) {
            var fhirType = type.getExtensionByUrl(FHIR_TYPE);
            return fhirType != null ? fhirType.getValue().primitiveValue() : "string";
        }
        return code;
    }

    private static Set<String> targets(ElementDefinition.TypeRefComponent type) {
        Set<String> targets = new LinkedHashSet<>();
        for (CanonicalType profile : type.getTargetProfile()) {
            String url = profile.getValue();
            targets.add(url.startsWith(CORE) ? url.substring(CORE.length()) : url);
        }
        return Set.copyOf(targets);
    }

    private static Set<String> keys(ElementDefinition element) {
        Set<String> keys = new LinkedHashSet<>();
        element.getConstraint().forEach(c -> keys.add(c.getKey()));
        return Set.copyOf(keys);
    }
}
