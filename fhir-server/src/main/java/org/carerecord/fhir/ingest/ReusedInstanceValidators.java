package org.carerecord.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirDefaultPolicyAdvisor;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.common.hapi.validation.validator.WorkerContextValidationSupportAdapter;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.elementmodel.Manager;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.validation.constants.BestPracticeWarningLevel;
import org.hl7.fhir.r5.utils.validation.constants.IdStatus;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManagerOld;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;

/**
 * HL7's instance validator (the one HAPI's {@link FhirInstanceValidator} wraps), configured as that module is
 * here, but built once and reused. HAPI builds a new {@code InstanceValidator} for every resource, and in this
 * core version building one reads the OID registry from a CSV, sets up a FHIRPath engine and profile utilities:
 * JFR put ~85 % of a Synthea resource's validation time (28 ms of 33) there, not in validating. Reused, a
 * resource costs ~2–3 ms. The same checks that can refuse a record run with the same settings (warnings and
 * best-practice checks, which never refuse, are left out); {@code BaseProfileValidatorTest} holds
 * every result to the stock module's on a corpus of invalid records and on generated valid ones.
 *
 * <p>An {@code InstanceValidator} is not thread-safe and keeps small per-run bookkeeping, so each is used by
 * one thread at a time (borrowed from a pool the size of the machine) and retired after
 * {@value #USES_BEFORE_RETIRING} resources, which bounds whatever it keeps.
 */
final class ReusedInstanceValidators {

    static final int USES_BEFORE_RETIRING = 5_000;

    private final IWorkerContext worker;
    private final BlockingQueue<Pooled> idle;

    ReusedInstanceValidators(FhirContext fhir) {
        this.worker =
                WorkerContextValidationSupportAdapter.newVersionSpecificWorkerContextWrapper(new ValidationSupportChain(
                        new RefusingInvariantsOnly(fhir, new DefaultProfileValidationSupport(fhir)),
                        new CommonCodeSystemsTerminologyService(fhir),
                        new InMemoryTerminologyServerValidationSupport(fhir),
                        new SnapshotGeneratingValidationSupport(fhir)));
        this.idle = new ArrayBlockingQueue<>(Math.max(2, Runtime.getRuntime().availableProcessors() * 2));
    }

    /**
     * Core definitions and code systems held locally: no terminology server is asked anything. (The stock
     * validator's support, which the test compares with; this class's own keeps only the invariants that can
     * refuse a record: {@link RefusingInvariantsOnly}.)
     */
    static ValidationSupportChain supportFor(FhirContext fhir) {
        return new ValidationSupportChain(
                new DefaultProfileValidationSupport(fhir),
                new CommonCodeSystemsTerminologyService(fhir),
                new InMemoryTerminologyServerValidationSupport(fhir),
                new SnapshotGeneratingValidationSupport(fhir));
    }

    /** Every message the validator gives for one resource in JSON. */
    List<ValidationMessage> validate(String json) {
        Pooled pooled = idle.poll();
        if (pooled == null) {
            pooled = new Pooled(newValidator());
        }
        List<ValidationMessage> messages = new ArrayList<>();
        pooled.validator.validate(
                null,
                messages,
                new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
                Manager.FhirFormat.JSON,
                new ArrayList<>());
        // one that threw (above) or gave up on a record (FATAL) may hold half a run's state: not reused
        if (++pooled.uses < USES_BEFORE_RETIRING
                && messages.stream().noneMatch(m -> m.getLevel() == ValidationMessage.IssueSeverity.FATAL)) {
            idle.offer(pooled);
        }
        return messages;
    }

    /** The settings HAPI's FhirInstanceValidator gives it (ValidatorWrapper), with this record's choices. */
    private InstanceValidator newValidator() {
        InstanceValidator validator;
        try {
            validator = new InstanceValidator(
                    worker,
                    new FhirInstanceValidator.NullEvaluationContext(),
                    new XVerExtensionManagerOld(worker),
                    new ValidatorSession(),
                    new ValidatorSettings());
        } catch (Exception e) {
            throw new IllegalStateException("the FHIR instance validator could not be built", e);
        }
        validator.setPolicyAdvisor(new FhirDefaultPolicyAdvisor());
        // HAPI's Warning level makes best-practice checks warnings; only errors refuse, so they are not run
        validator.setBestPracticeWarningLevel(BestPracticeWarningLevel.Ignore);
        validator.setResourceIdRule(IdStatus.OPTIONAL);
        validator.setUnknownCodeSystemsCauseErrors(true);
        validator.setAllowXsiLocation(true);
        // this record's choices (see BaseProfileValidator): profiles and extensions it does not hold, and codes
        // from terminologies no server here knows, are not judged; references are resolved when stored
        validator.setAnyExtensionsAllowed(true);
        validator.setErrorForUnknownProfiles(false);
        validator.setNoTerminologyChecks(true);
        validator.setAssumeValidRestReferences(true);
        validator.setNoExtensibleWarnings(true);
        return validator;
    }

    private static final class Pooled {
        private final InstanceValidator validator;
        private int uses;

        Pooled(InstanceValidator validator) {
            this.validator = validator;
        }
    }
}
