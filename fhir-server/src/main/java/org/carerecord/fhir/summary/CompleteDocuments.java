package org.carerecord.fhir.summary;

import ca.uhn.fhir.jpa.ips.generator.IIpsGeneratorSvc;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Narrative;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.utilities.xhtml.XhtmlNode;

/**
 * Makes HAPI's summary a document a receiving system's validator accepts (found by validating generated and
 * Synthea patients' summaries):
 * <ul>
 *   <li>HAPI gives the Composition (and its author) {@code urn:uuid} full URLs but keeps every other entry under
 *       the server's base, with relative references ({@code Patient/x}): a relative reference inside a
 *       {@code urn:uuid} resource resolves to nothing in the bundle. (Making references absolute does not help:
 *       the server's JSON writer shortens references under its own base again.) So the made-up entries join the
 *       others under the server's base ({@code Composition/<uuid>}), and references to them follow.</li>
 *   <li>A section whose template rendered nothing gets a text with no {@code div} (Narrative.div is required):
 *       it is given a plain list of what the section holds.</li>
 * </ul>
 */
final class CompleteDocuments implements IIpsGeneratorSvc {

    private static final String URN_UUID = "urn:uuid:";

    private final IIpsGeneratorSvc generator;

    CompleteDocuments(IIpsGeneratorSvc generator) {
        this.generator = generator;
    }

    @Override
    public IBaseBundle generateIps(RequestDetails request, IIdType patientId, String profile) {
        return complete(generator.generateIps(request, patientId, profile));
    }

    @Override
    public IBaseBundle generateIps(RequestDetails request, TokenParam patientIdentifier, String profile) {
        return complete(generator.generateIps(request, patientIdentifier, profile));
    }

    static IBaseBundle complete(IBaseBundle generated) {
        if (!(generated instanceof Bundle document)) {
            return generated;
        }
        String base = serverBase(document);
        Map<String, String> renamed = new HashMap<>();
        Map<String, Resource> byFullUrl = new HashMap<>();
        for (Bundle.BundleEntryComponent entry : document.getEntry()) {
            if (!entry.hasResource()) {
                continue;
            }
            Resource resource = entry.getResource();
            if (base != null && entry.hasFullUrl() && entry.getFullUrl().startsWith(URN_UUID)) {
                String local = resource.fhirType() + "/" + entry.getFullUrl().substring(URN_UUID.length());
                renamed.put(entry.getFullUrl(), local);
                resource.setId(local);
                entry.setFullUrl(base + "/" + local);
            }
            byFullUrl.put(entry.getFullUrl(), resource);
            byFullUrl.put(resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
        }
        for (Bundle.BundleEntryComponent entry : document.getEntry()) {
            if (entry.hasResource() && !renamed.isEmpty()) {
                rename(entry.getResource(), renamed);
            }
            if (entry.getResource() instanceof Composition composition) {
                for (Composition.SectionComponent section : composition.getSection()) {
                    if (!section.hasText() || !section.getText().hasDiv() || section.getText().getDiv().isEmpty()) {
                        section.setText(listOf(section, byFullUrl));
                    }
                }
            }
        }
        return document;
    }

    /** The base the server's own entries sit under ({@code http://host/fhir}), from the first such full URL. */
    private static String serverBase(Bundle document) {
        for (Bundle.BundleEntryComponent entry : document.getEntry()) {
            if (entry.hasFullUrl() && entry.hasResource() && entry.getFullUrl().startsWith("http")) {
                String suffix = "/" + entry.getResource().fhirType() + "/" + entry.getResource().getIdElement().getIdPart();
                if (entry.getFullUrl().endsWith(suffix)) {
                    return entry.getFullUrl().substring(0, entry.getFullUrl().length() - suffix.length());
                }
            }
        }
        return null;
    }

    /** References to a renamed entry follow it (all elements, nested, contained resources too). */
    private static void rename(Base element, Map<String, String> renamed) {
        for (Property property : element.children()) {
            for (Base value : property.getValues()) {
                if (value instanceof Reference reference && reference.hasReference()
                        && renamed.containsKey(reference.getReference())) {
                    reference.setReference(renamed.get(reference.getReference()));
                }
                if (value != null && !value.isPrimitive()) {
                    rename(value, renamed);
                }
            }
        }
    }

    private static Narrative listOf(Composition.SectionComponent section, Map<String, Resource> byFullUrl) {
        XhtmlNode div = new XhtmlNode(org.hl7.fhir.utilities.xhtml.NodeType.Element, "div");
        div.setAttribute("xmlns", "http://www.w3.org/1999/xhtml");
        List<Reference> entries = section.getEntry();
        if (entries.isEmpty()) {
            div.addTag("p").addText(section.hasTitle() ? section.getTitle() + ": nothing recorded" : "Nothing recorded");
        } else {
            XhtmlNode list = div.addTag("ul");
            for (Reference entry : entries) {
                Resource resource = byFullUrl.get(entry.getReference());
                list.addTag("li").addText(resource == null ? entry.getReference() : label(resource));
            }
        }
        Narrative narrative = new Narrative().setStatus(Narrative.NarrativeStatus.GENERATED);
        narrative.setDiv(div);
        return narrative;
    }

    /** What a reader calls the record: its code's text or first display, else its type. */
    private static String label(Resource resource) {
        for (String name : List.of("code", "vaccineCode", "medicationCodeableConcept")) {
            Property property = resource.getNamedProperty(name);
            if (property != null && property.hasValues() && property.getValues().get(0) instanceof CodeableConcept concept) {
                if (concept.hasText()) {
                    return concept.getText();
                }
                if (concept.hasCoding() && concept.getCodingFirstRep().hasDisplay()) {
                    return concept.getCodingFirstRep().getDisplay();
                }
                if (concept.hasCoding() && concept.getCodingFirstRep().hasCode()) {
                    return concept.getCodingFirstRep().getCode();
                }
            }
        }
        return resource.fhirType();
    }
}
