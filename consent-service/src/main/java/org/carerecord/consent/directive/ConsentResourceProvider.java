package org.carerecord.consent.directive;

import ca.uhn.fhir.rest.annotation.Create;
import ca.uhn.fhir.rest.annotation.History;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.RequiredParam;
import ca.uhn.fhir.rest.annotation.ResourceParam;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Update;
import ca.uhn.fhir.rest.api.MethodOutcome;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.List;
import java.util.UUID;
import org.carerecord.consent.audit.ConsentServiceAudit;
import org.carerecord.consent.changes.DecisionChanges;
import org.carerecord.security.decision.DecisionFeed;
import org.hl7.fhir.r4.model.Consent;
import org.hl7.fhir.r4.model.IdType;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** {@code /fhir/Consent}: patients' directives, with history kept on every change. */
@Component
public class ConsentResourceProvider implements IResourceProvider {

    private final ConsentDirectives directives;
    private final DirectiveAccess access;
    private final DecisionChanges changes;
    private final ConsentServiceAudit audit;
    private final TransactionTemplate transaction;

    public ConsentResourceProvider(
            ConsentDirectives directives,
            DirectiveAccess access,
            DecisionChanges changes,
            ConsentServiceAudit audit,
            PlatformTransactionManager transactions) {
        this.directives = directives;
        this.access = access;
        this.changes = changes;
        this.audit = audit;
        this.transaction = new TransactionTemplate(transactions);
    }

    @Override
    public Class<Consent> getResourceType() {
        return Consent.class;
    }

    @Create
    public MethodOutcome create(@ResourceParam Consent consent) {
        consent.setId(UUID.randomUUID().toString());
        return store(consent);
    }

    @Update
    public MethodOutcome update(@IdParam IdType id, @ResourceParam Consent consent) {
        // whoever changes a directive must be allowed to record it for the patient it was about, too
        directives
                .current(id.getIdPart())
                .ifPresent(existing -> access.checkCanWrite(DirectiveRules.patientId(existing), consent));
        consent.setId(id.getIdPart());
        return store(consent);
    }

    /** Stored and audited in one transaction: a change the trail could not take is not made. */
    private MethodOutcome store(Consent consent) {
        String patientId = DirectiveRules.validate(consent);
        String basis = access.checkCanWrite(patientId, consent);
        boolean created = directives.current(consent.getIdElement().getIdPart()).isEmpty();
        Consent saved = transaction.execute(status -> {
            Consent stored =
                    directives.save(consent, patientId, access.requester().subject());
            audit.directiveRecorded(
                    access.requester(),
                    patientId,
                    "Consent/" + stored.getIdElement().getIdPart() + "/_history/"
                            + stored.getIdElement().getVersionIdPart(),
                    created,
                    basis);
            return stored;
        });
        changes.awaitEvicted(DecisionFeed.DIRECTIVE_EVICTION_WAIT); // the next request anywhere is decided with it
        return new MethodOutcome(saved.getIdElement(), created).setResource(saved);
    }

    @Read(version = true)
    public Consent read(@IdParam IdType id) {
        Consent consent = (id.hasVersionIdPart()
                        ? directives.version(
                                id.getIdPart(), id.getVersionIdPartAsLong().intValue())
                        : directives.current(id.getIdPart()))
                .orElseThrow(() -> new ResourceNotFoundException(id));
        // A user who may not read this patient's directives learns nothing, not even that it exists.
        if (!access.canRead(DirectiveRules.patientId(consent))) {
            throw new ResourceNotFoundException(id);
        }
        return consent;
    }

    /**
     * Every version of one directive the reader may see, newest first: what the patient wanted, and when it
     * changed. Each version is checked for its own patient (a directive may have been moved between patients).
     */
    @History
    public List<Consent> history(@IdParam IdType id) {
        List<Consent> versions = directives.history(id.getIdPart()).stream()
                .filter(version -> access.canRead(DirectiveRules.patientId(version)))
                .toList();
        if (versions.isEmpty()) {
            throw new ResourceNotFoundException(id);
        }
        return versions;
    }

    @Search
    public List<Consent> byPatient(@RequiredParam(name = Consent.SP_PATIENT) ReferenceParam patient) {
        String patientId = patient.getIdPart();
        access.checkCanSearch(patientId);
        return directives.forPatient(patientId).stream().map(Consent::copy).toList(); // the cached ones stay untouched
    }
}
