package org.carerecord.fhir.summary;

import ca.uhn.fhir.jpa.ips.generator.IIpsGeneratorSvc;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.HashMap;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Base;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Property;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Makes HAPI's summary a document a receiving system's validator accepts (found by validating generated and
 * Synthea patients' summaries):
 * <ul>
 *   <li>HAPI gives the Composition (and its author) {@code urn:uuid} full URLs but keeps every other entry under
 *       the server's base, with relative references ({@code Patient/x}): a relative reference inside a
 *       {@code urn:uuid} resource resolves to nothing in the bundle. (Making references absolute does not help:
 *       the server's JSON writer shortens references under its own base again.) So the made-up entries join the
 *       others under the server's base ({@code Composition/<uuid>}), and references to them follow.</li>
 *   <li>A section without a narrative (HAPI's template rendered nothing — its text had no {@code div}, which is
 *       required — or no template ran: the default) is given one by {@link SectionNarratives}.</li>
 * </ul>
 */
final class CompleteDocuments implements IIpsGeneratorSvc {

    static final String URN_UUID = "urn:uuid:";

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
        Map<String, Resource> byId = new HashMap<>();
        for (Bundle.BundleEntryComponent entry : document.getEntry()) {
            if (!entry.hasResource()) {
                continue;
            }
            Resource resource = entry.getResource();
            if (base != null && entry.hasFullUrl() && entry.getFullUrl().startsWith(URN_UUID)) {
                String local = underBase(resource, entry.getFullUrl());
                renamed.put(entry.getFullUrl(), local);
                resource.setId(local);
                entry.setFullUrl(base + "/" + local);
            }
            byId.put(resource.fhirType() + "/" + resource.getIdElement().getIdPart(), resource);
        }
        for (Bundle.BundleEntryComponent entry : document.getEntry()) {
            if (entry.hasResource() && !renamed.isEmpty()) {
                rename(entry.getResource(), renamed);
            }
            if (entry.getResource() instanceof Composition composition) {
                for (Composition.SectionComponent section : composition.getSection()) {
                    if (!section.hasText()
                            || !section.getText().hasDiv()
                            || section.getText().getDiv().isEmpty()) {
                        section.setText(SectionNarratives.of(section, byId));
                    }
                }
            }
        }
        return document;
    }

    /** A made-up entry's id among the server's own ({@code Type/<uuid>}, from {@code urn:uuid:<uuid>}). */
    static String underBase(Resource resource, String urnUuid) {
        return resource.fhirType() + "/" + urnUuid.substring(URN_UUID.length());
    }

    /** The base the server's own entries sit under ({@code http://host/fhir}), from the first such full URL. */
    private static String serverBase(Bundle document) {
        for (Bundle.BundleEntryComponent entry : document.getEntry()) {
            if (entry.hasFullUrl() && entry.hasResource() && entry.getFullUrl().startsWith("http")) {
                String suffix = "/" + entry.getResource().fhirType() + "/"
                        + entry.getResource().getIdElement().getIdPart();
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
                if (value instanceof Reference reference
                        && reference.hasReference()
                        && renamed.containsKey(reference.getReference())) {
                    reference.setReference(renamed.get(reference.getReference()));
                }
                if (value != null && !value.isPrimitive()) {
                    rename(value, renamed);
                }
            }
        }
    }
}
