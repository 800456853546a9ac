package org.carerecord.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.hl7.fhir.common.hapi.validation.support.BaseValidationSupportWrapper;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.ElementDefinition;
import org.hl7.fhir.r4.model.StructureDefinition;

/**
 * The R4 core StructureDefinitions as the base-profile check needs them: each element keeps only the invariants
 * that can refuse a record. JFR of an import put a quarter of the validator's time in invariants, nearly all of it
 * on two kinds that never refuse here: warning-level ones (dom-6 "should have narrative" and the like: a
 * warning, and only errors refuse) and {@code ele-1} ("must have a value or children"), which sits on every
 * element of every record. The validator reports {@code ele-1} only for a primitive with an id and nothing else
 * (not for a complex element holding only an id), and it is handed what HAPI's parser kept, which never holds such
 * a primitive ({@code BaseProfileValidatorTest} holds both facts, and every verdict to the stock validator's). Evaluating
 * each costs the validator a FHIRPath evaluation and, in this core version, two parses of the FHIR version
 * string per element and invariant.
 */
final class RefusingInvariantsOnly extends BaseValidationSupportWrapper {

    static final String ELEMENT_HAS_CONTENT = "ele-1";

    private final Map<String, StructureDefinition> trimmed = new ConcurrentHashMap<>();

    RefusingInvariantsOnly(FhirContext fhir, IValidationSupport core) {
        super(fhir, core);
    }

    @Override
    public String getName() {
        return "care-record refusing invariants only";
    }

    @Override
    public IBaseResource fetchStructureDefinition(String url) {
        return trim(super.fetchStructureDefinition(url));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends IBaseResource> T fetchResource(Class<T> type, String url) {
        // the core asks for "any resource" with no type
        return (T) trim(super.fetchResource(type, url));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends IBaseResource> List<T> fetchAllNonBaseStructureDefinitions() {
        List<IBaseResource> all = super.fetchAllNonBaseStructureDefinitions();
        return all == null ? null : (List<T>) all.stream().map(this::trim).toList();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends IBaseResource> List<T> fetchAllStructureDefinitions() {
        List<IBaseResource> all = super.fetchAllStructureDefinitions();
        return all == null ? null : (List<T>) all.stream().map(this::trim).toList();
    }

    @Override
    public List<IBaseResource> fetchAllConformanceResources() {
        List<IBaseResource> all = super.fetchAllConformanceResources();
        return all == null ? null : all.stream().map(this::trim).toList();
    }

    /** The same definition (one copy per URL, so what is built from it is built once) without those invariants. */
    private IBaseResource trim(IBaseResource resource) {
        if (!(resource instanceof StructureDefinition definition) || !definition.hasUrl()) {
            return resource;
        }
        return trimmed.computeIfAbsent(definition.getUrl(), url -> {
            StructureDefinition copy = definition.copy();
            copy.getSnapshot().getElement().forEach(RefusingInvariantsOnly::keepRefusing);
            copy.getDifferential().getElement().forEach(RefusingInvariantsOnly::keepRefusing);
            return copy;
        });
    }

    private static void keepRefusing(ElementDefinition element) {
        element.getConstraint()
                .removeIf(c -> c.getSeverity() != ElementDefinition.ConstraintSeverity.ERROR
                        || ELEMENT_HAS_CONTENT.equals(c.getKey()));
    }
}
