package org.carerecord.e2e.support;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

/**
 * Checks a summary document as a receiving system would, with HAPI's instance validator against the R4 base
 * definitions (Bundle of type document, Composition, every entry): structure, cardinality and invariants
 * (bdl-*, cmp-*, each resource's own). Terminology is not checked (no terminology server here, and SNOMED CT
 * codes are the provider's to choose); profiles beyond the base are not asked for.
 */
public final class SummaryDocuments {

    private static final FhirContext R4 = FhirContext.forR4Cached();
    private static final FhirValidator VALIDATOR = validator();

    private SummaryDocuments() {}

    private static FhirValidator validator() {
        ValidationSupportChain support = new ValidationSupportChain(
                new DefaultProfileValidationSupport(R4),
                new CommonCodeSystemsTerminologyService(R4),
                new InMemoryTerminologyServerValidationSupport(R4),
                new SnapshotGeneratingValidationSupport(R4));
        FhirInstanceValidator instance = new FhirInstanceValidator(support);
        instance.setAnyExtensionsAllowed(true);
        instance.setErrorForUnknownProfiles(false);
        instance.setNoTerminologyChecks(true);
        instance.setNoExtensibleWarnings(true);
        return R4.newValidator()
                .setValidateAgainstStandardSchema(false)
                .setValidateAgainstStandardSchematron(false)
                .registerValidatorModule(instance);
    }

    /** The validator's errors about this document ("location: message"); empty when it is valid R4. */
    public static synchronized List<String> errors(JsonNode document) {
        return VALIDATOR.validateWithResult(document.toString()).getMessages().stream()
                .filter(m -> m.getSeverity().ordinal() >= ResultSeverityEnum.ERROR.ordinal())
                .map(m -> m.getLocationString() + ": " + m.getMessage())
                .toList();
    }
}
