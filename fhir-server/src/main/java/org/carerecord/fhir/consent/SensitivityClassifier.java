package org.carerecord.fhir.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.util.FhirTerser;
import java.util.Set;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.SensitiveCategory;
import org.hl7.fhir.instance.model.api.IBaseCoding;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Coding;
import org.springframework.stereotype.Component;

/**
 * The sensitive categories a resource falls in: the security labels its source put on it, and any SNOMED
 * concept in it that marks a category (so an unlabelled depression diagnosis is still mental health).
 */
@Component
class SensitivityClassifier {

    private final FhirTerser terser;

    public SensitivityClassifier(FhirContext fhirContext) {
        this.terser = fhirContext.newTerser();
    }

    public Set<SensitiveCategory> categoriesOf(IBaseResource resource) {
        Set<SensitiveCategory> found = SensitiveCategory.none();
        for (IBaseCoding label : resource.getMeta().getSecurity()) {
            SensitiveCategory.ofLabel(label.getSystem(), label.getCode()).ifPresent(found::add);
        }
        for (Coding coding : terser.getAllPopulatedChildElementsOfType(resource, Coding.class)) {
            SensitiveCategory.ofConcept(coding.getSystem(), coding.getCode()).ifPresent(found::add);
        }
        return found;
    }

    /** Whether the decision withholds a category this resource falls in (it is not classified when none is withheld). */
    public boolean withheldBy(AccessDecision decision, IBaseResource resource) {
        return decision.withheldCategories() != null
                && !decision.withheldCategories().isEmpty()
                && categoriesOf(resource).stream().anyMatch(decision::withholds);
    }
}
