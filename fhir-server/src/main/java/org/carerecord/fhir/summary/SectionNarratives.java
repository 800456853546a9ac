package org.carerecord.fhir.summary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.PrimitiveType;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.utilities.xhtml.NodeType;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * A section's narrative, rendered here in one pass: a table of what the section holds — the item, its status,
 * its date, details (a result's value, a dose, a reason, where an admission was) and the organisation whose
 * system recorded it. HAPI's generator builds a Thymeleaf engine per section per document (JFR: ~60 % of
 * assembling a summary afresh went on engine start-up and template parsing); this is the same information,
 * plain and fast. Generic over the served types: the item is read from whichever coded element the type has.
 */
final class SectionNarratives {

    private static final String XHTML = "http://www.w3.org/1999/xhtml";
    private static final String NARRATIVE_LINK = "http://hl7.org/fhir/StructureDefinition/narrativeLink";
    private static final String SOURCE_ORGANISATION = "https://care-record.example.org/CodeSystem/source-organisation";
    private static final List<String> ITEM =
            List.of("code", "vaccineCode", "medication[x]", "type", "device", "title", "description");
    private static final List<String> DATE = List.of(
            "onset[x]",
            "effective[x]",
            "occurrence[x]",
            "performed[x]",
            "recordedDate",
            "authoredOn",
            "period",
            "issued",
            "date",
            "dateAsserted",
            "timing[x]");

    private SectionNarratives() {}

    /** @param entries the document's resources by {@code Type/id} */
    static Narrative of(Composition.SectionComponent section, Map<String, Resource> entries) {
        XhtmlNode div = new XhtmlNode(NodeType.Element, "div");
        div.setAttribute("xmlns", XHTML);
        if (section.getEntry().isEmpty()) {
            div.addTag("p")
                    .addText(section.hasTitle() ? section.getTitle() + ": nothing recorded" : "Nothing recorded");
        } else {
            XhtmlNode table = div.addTag("table");
            XhtmlNode head = table.addTag("thead").addTag("tr");
            for (String column : List.of("Item", "Status", "Date", "Details", "Recorded by")) {
                head.addTag("th").addText(column);
            }
            XhtmlNode body = table.addTag("tbody");
            for (Reference reference : section.getEntry()) {
                Resource resource = resolve(reference, entries);
                XhtmlNode row = body.addTag("tr");
                if (resource == null) {
                    row.addTag("td")
                            .addText(reference.hasDisplay() ? reference.getDisplay() : reference.getReference());
                    for (int i = 0; i < 4; i++) {
                        row.addTag("td");
                    }
                    continue;
                }
                rowId(resource, row);
                row.addTag("td").addText(item(resource, entries));
                row.addTag("td").addText(status(resource));
                row.addTag("td").addText(date(resource));
                row.addTag("td").addText(details(resource));
                row.addTag("td").addText(source(resource));
            }
        }
        Narrative narrative = new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED);
        narrative.setDiv(div);
        return narrative;
    }

    /** HAPI links each entry to its row ({@code narrativeLink} ...#id): the row carries that id. */
    private static void rowId(Resource resource, XhtmlNode row) {
        if (resource instanceof org.hl7.fhir.r4.model.DomainResource domain) {
            Extension link = domain.getExtensionByUrl(NARRATIVE_LINK);
            if (link != null
                    && link.getValue() != null
                    && link.getValue().primitiveValue() != null
                    && link.getValue().primitiveValue().contains("#")) {
                row.setAttribute(
                        "id",
                        link.getValue()
                                .primitiveValue()
                                .substring(link.getValue().primitiveValue().indexOf('#') + 1));
            }
        }
    }

    private static String item(Resource resource, Map<String, Resource> entries) {
        for (String name : ITEM) {
            Base value = first(resource, name);
            String text = text(value, entries);
            if (!text.isEmpty()) {
                if (resource instanceof Encounter encounter && !encounter.hasType()) {
                    break;
                }
                return text;
            }
        }
        if (resource instanceof Encounter encounter && encounter.hasClass_()) {
            Coding cls = encounter.getClass_();
            return cls.hasDisplay() ? cls.getDisplay() : cls.getCode();
        }
        return resource.fhirType();
    }

    private static String status(Resource resource) {
        String clinical = text(first(resource, "clinicalStatus"), Map.of());
        return clinical.isEmpty() ? text(first(resource, "status"), Map.of()) : clinical;
    }

    private static String date(Resource resource) {
        for (String name : DATE) {
            Base value = first(resource, name);
            if (value instanceof Period period && (period.hasStart() || period.hasEnd())) {
                return day(period.getStartElement()) + (period.hasEnd() ? " to " + day(period.getEndElement()) : "");
            }
            if (value instanceof PrimitiveType<?> primitive && primitive.hasValue()) {
                return day(primitive);
            }
        }
        return "";
    }

    private static String day(PrimitiveType<?> value) {
        String iso = value.getValueAsString();
        return iso == null ? "" : iso.length() > 10 ? iso.substring(0, 10) : iso;
    }

    private static String details(Resource resource) {
        List<String> parts = new ArrayList<>();
        Base value = first(resource, "value[x]");
        if (value instanceof Quantity quantity && quantity.hasValue()) {
            parts.add(quantity.getValue().toPlainString() + (quantity.hasUnit() ? " " + quantity.getUnit() : ""));
        } else if (value != null) {
            String text = text(value, Map.of());
            if (!text.isEmpty()) {
                parts.add(text);
            }
        }
        Base dosage = first(resource, "dosageInstruction");
        if (dosage == null) {
            dosage = first(resource, "dosage");
        }
        String dose = text(dosage == null ? null : first(dosage, "text"), Map.of());
        if (!dose.isEmpty()) {
            parts.add(dose);
        }
        String reason = text(first(resource, "reasonCode"), Map.of());
        if (!reason.isEmpty()) {
            parts.add(reason);
        }
        Base reaction = first(resource, "reaction");
        String manifestation = text(reaction == null ? null : first(reaction, "manifestation"), Map.of());
        if (!manifestation.isEmpty()) {
            parts.add(manifestation);
        }
        String where = text(first(resource, "serviceProvider"), Map.of());
        if (!where.isEmpty()) {
            parts.add(where);
        }
        return String.join("; ", parts);
    }

    /** The organisation whose system pushed the record (this service's provenance tag). */
    private static String source(Resource resource) {
        return resource.getMeta().getTag().stream()
                .filter(t -> SOURCE_ORGANISATION.equals(t.getSystem()))
                .map(Coding::getCode)
                .findFirst()
                .orElse("");
    }

    /** The entry a reference names: as written, or as {@code Type/id} (absolute and versioned ones too). */
    private static Resource resolve(Reference reference, Map<String, Resource> entries) {
        String ref = reference.getReference();
        if (ref == null) {
            return null;
        }
        Resource exact = entries.get(ref);
        if (exact != null || ref.startsWith("urn:") || ref.startsWith("#")) {
            return exact;
        }
        org.hl7.fhir.r4.model.IdType id = new org.hl7.fhir.r4.model.IdType(ref);
        return id.hasResourceType() && id.hasIdPart() ? entries.get(id.getResourceType() + "/" + id.getIdPart()) : null;
    }

    private static Base first(Base element, String name) {
        Property property = element.getNamedProperty(name);
        return property == null || !property.hasValues()
                ? null
                : property.getValues().get(0);
    }

    /** What a reader calls a value: a concept's text or first display or code; a reference's target or display. */
    private static String text(Base value, Map<String, Resource> entries) {
        if (value == null) {
            return "";
        }
        if (value instanceof CodeableConcept concept) {
            if (concept.hasText()) {
                return concept.getText();
            }
            for (Coding coding : concept.getCoding()) {
                if (coding.hasDisplay()) {
                    return coding.getDisplay();
                }
            }
            return concept.hasCoding() && concept.getCodingFirstRep().hasCode()
                    ? concept.getCodingFirstRep().getCode()
                    : "";
        }
        if (value instanceof Coding coding) {
            return coding.hasDisplay() ? coding.getDisplay() : coding.hasCode() ? coding.getCode() : "";
        }
        if (value instanceof Reference reference) {
            Resource target = resolve(reference, entries);
            if (target != null) {
                return item(target, entries);
            }
            if (reference.hasDisplay()) {
                return reference.getDisplay();
            }
            String ref = reference.getReference();
            return ref == null ? "" : ref.substring(ref.lastIndexOf('/') + 1);
        }
        if (value instanceof PrimitiveType<?> primitive) {
            return primitive.hasValue() ? primitive.getValueAsString() : "";
        }
        return "";
    }
}
