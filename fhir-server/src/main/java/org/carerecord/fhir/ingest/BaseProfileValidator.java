package org.carerecord.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.utilities.validation.ValidationMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * FHIR R4 base-profile validation of a record before it is stored: HL7's instance validator (as HAPI's
 * {@code FhirInstanceValidator} runs it, reused: {@link ReusedInstanceValidators}) against the core
 * StructureDefinitions (cardinality, datatypes, fixed values, invariants). Not judged: profiles a
 * sender declares that this record does not hold (Synthea's US Core — a warning, not an error),
 * extensions, and codes from code systems no terminology server here knows (SNOMED CT, dm+d); that each
 * clinical record is coded at all is {@link RecordValidation}'s rule. {@code care.fhir.validate-base-profile}
 * switches it off (for the benchmark that prices it).
 *
 * <p>A record goes first to {@link StructuralCheck}, which shows nearly every record a provider sends valid in a
 * small fraction of HL7's time and says "not shown" for anything else; HL7's validator decides those, and words
 * every refusal. Every {@code care.fhir.validation.cross-check-every}th record the structural check passes goes to
 * HL7's validator as well, whose verdict stands (a disagreement is logged as an error: a defect of the structural
 * check). {@code care.fhir.validation.structural-check=false} sends every record to HL7's validator.
 */
@Component
public class BaseProfileValidator {

    private static final int MAX_ERRORS = 5;
    private static final Set<String> SERVER_STAMPED_META =
            Set.of("*.meta.source", "*.meta.versionId", "*.meta.lastUpdated");

    private static final Logger log = LoggerFactory.getLogger(BaseProfileValidator.class);

    private final ReusedInstanceValidators validators;
    /** Shows most records valid in a fraction of HL7's time; what it cannot show, HL7's validator decides. */
    private final StructuralCheck structure;
    /** Every so many records the structural check passes also go to HL7's validator, which then decides. */
    private final int crossCheckEvery;

    private final AtomicLong shownValid = new AtomicLong();
    private final Counter provenByStructure;
    private final Counter decidedByHl7;
    private final Counter disagreements;
    private final boolean enabled;
    private final FhirContext fhir;
    /**
     * Digests of content (all but meta) already found valid: a resend of unchanged records (most of a
     * provider's daily push, and every retried load) is not validated again.
     */
    private final Cache<String, Boolean> validContent =
            Caffeine.newBuilder().maximumSize(200_000).build();

    @Autowired
    public BaseProfileValidator(
            FhirContext fhir,
            @Value("${care.fhir.validate-base-profile:true}") boolean enabled,
            @Value("${care.fhir.validation.structural-check:true}") boolean structuralCheck,
            @Value("${care.fhir.validation.cross-check-every:1000}") int crossCheckEvery,
            MeterRegistry meters) {
        this.enabled = enabled;
        this.fhir = fhir;
        this.validators = enabled ? new ReusedInstanceValidators(fhir) : null;
        this.structure = enabled && structuralCheck ? new StructuralCheck(fhir) : null;
        this.crossCheckEvery = Math.max(1, crossCheckEvery);
        this.provenByStructure = recordsDecidedBy("structural-check", meters);
        this.decidedByHl7 = recordsDecidedBy("hl7-validator", meters);
        this.disagreements = Counter.builder("care.validation.structural.disagreements")
                .description("records the structural check passed that HL7's validator refused (a defect to fix)")
                .register(meters);
    }

    private static Counter recordsDecidedBy(String decider, MeterRegistry meters) {
        return Counter.builder("care.validation.records")
                .description("records checked against the R4 base profile (not remembered as valid), by what decided")
                .tag("decided", decider)
                .register(meters);
    }

    /** As the server runs it: the structural check first, every thousandth record it passes checked by HL7's too. */
    public BaseProfileValidator(FhirContext fhir, boolean enabled) {
        this(fhir, enabled, true, 1000, new SimpleMeterRegistry());
    }

    /** Loads the core definitions off the request path (a few seconds), so the first push does not wait. */
    @EventListener(ApplicationReadyEvent.class)
    public void warmUp() {
        if (enabled) {
            Thread warmUp = new Thread(
                    () -> {
                        validators.validate(fhir.newJsonParser().encodeResourceToString(new Patient()));
                        errors(new Patient());
                    },
                    "base-profile-warm-up");
            warmUp.setDaemon(true);
            warmUp.start();
        }
    }

    /**
     * The validator reads a reference's type from its URL and cannot read one from a conditional reference
     * ({@code Organization?identifier=...}): HAPI resolves those when it stores the record, or refuses them.
     */
    private static boolean isConditionalReference(String message) {
        int url = message.indexOf("implied by the reference URL ");
        return url >= 0 && message.indexOf('?', url) > 0;
    }

    /** Whether records are checked at all ({@code care.fhir.validate-base-profile}). */
    public boolean enabled() {
        return enabled;
    }

    /** What fails the base profile, as "where: what" (at most five); empty when valid or switched off. */
    public List<String> errors(IBaseResource resource) {
        if (!enabled) {
            return List.of();
        }
        // meta changes on every write (the server stamps meta.source with the request id) and is not content
        // (what a sender declares in meta, its profiles above all, is checked and stays in)
        String digest = digest(
                fhir.newJsonParser().setDontEncodeElements(SERVER_STAMPED_META).encodeResourceToString(resource));
        return validContent.getIfPresent(digest) != null
                ? List.of()
                : errors(digest, fhir.newJsonParser().encodeResourceToString(resource), resource.fhirType());
    }

    /**
     * The same for a record already in JSON (a transaction's entry as sent, before the server stamps anything),
     * validated as it is: no parse and no encoding of its own.
     */
    public List<String> errorsInJson(String json) {
        if (!enabled) {
            return List.of();
        }
        String digest = digest(json);
        return validContent.getIfPresent(digest) != null ? List.of() : errors(digest, json, "the record");
    }

    private List<String> errors(String digest, String json, String what) {
        boolean shown = structure != null && structure.provesValid(json);
        if (shown && shownValid.incrementAndGet() % crossCheckEvery != 0) {
            provenByStructure.increment();
            validContent.put(digest, Boolean.TRUE);
            return List.of();
        }
        decidedByHl7.increment();
        List<String> errors = hl7Errors(json, what);
        if (shown && !errors.isEmpty()) {
            disagreements.increment();
            // the structural check must never pass what HL7's validator refuses: HL7's verdict stands, and this is
            // a defect to fix in StructuralCheck (with the record's shape added to StructuralCheckTest)
            log.error("the structural check passed a record HL7's validator refuses: {}", errors);
        }
        if (errors.isEmpty()) {
            validContent.put(digest, Boolean.TRUE);
        }
        return errors;
    }

    private List<String> hl7Errors(String json, String what) {
        List<ValidationMessage> messages;
        try {
            messages = validators.validate(json);
        } catch (RuntimeException crashed) {
            // found by generated requests: "meta": "zzz" made the validator itself throw (a 500). A record the
            // validator cannot read is not shown to be valid: refused like any other failure, nothing written
            return List.of(what + ": the record could not be checked against the R4 base profile ("
                    + crashed.getClass().getSimpleName() + ")");
        }
        return refusals(messages);
    }

    /** The messages that refuse a record, as "where: what" (at most five). */
    static List<String> refusals(List<ValidationMessage> messages) {
        return messages.stream()
                .filter(m -> m.getLevel() == ValidationMessage.IssueSeverity.ERROR
                        || m.getLevel() == ValidationMessage.IssueSeverity.FATAL)
                .filter(m -> !isConditionalReference(m.getMessage()))
                .limit(MAX_ERRORS)
                .map(m -> m.getLocation() + ": " + m.getMessage())
                .toList();
    }

    private static String digest(String json) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
