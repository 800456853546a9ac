package org.carerecord.fhir.summary;

import ca.uhn.fhir.jpa.ips.generator.IIpsGeneratorSvc;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import java.time.Duration;
import java.util.List;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.consent.RequestDecisions;
import org.carerecord.fhir.consent.RecordStamps.RecordStamp;
import org.carerecord.security.cache.InvalidatingCache;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.Decision;
import org.carerecord.security.decision.SensitiveCategory;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Patient summaries reused while nothing they depend on has changed. Assembling one runs a dozen searches,
 * a consent check per record and a narrative per section; a clinician (or a ward's worth of them) opens the
 * same patient's summary again and again while the record stands still. A document is reused only for
 * the same patient, the same token claims (user, role, organisation, scopes), purpose and server address,
 * the same decision about the patient taken for this request (so an opt-out, a restriction or a lost
 * relationship is seen at once — the request is refused before it gets here, or the key differs) and the
 * same {@link org.carerecord.fhir.consent.RecordStamps record stamp} (any write to the record, on any instance, makes a new key). A
 * time to live bounds what changes with the clock alone (the "recent admissions" window). Never reused:
 * break-glass and stated-relationship requests (each must be decided and shown afresh), and documents that
 * needed a decision about another patient, and requests that say {@code Cache-Control: no-store}. Each
 * reader gets a copy; what was withheld is told again.
 */
final class CachedPatientSummaries implements IIpsGeneratorSvc {

    private record Key(String patient, RecordStamp stamp, CareClaims claims, PurposeOfUse purpose, String base,
            String profile, Decision decision, List<SensitiveCategory> withheldCategories) {
    }

    private record Document(Bundle bundle, RequestDecisions.Withheld withheld, boolean reusable) {
    }

    private final IIpsGeneratorSvc generator;
    private final PreparedSections sections;
    private final InvalidatingCache<Key, Document> documents;

    CachedPatientSummaries(IIpsGeneratorSvc generator, PreparedSections sections, Duration ttl, int maxDocuments) {
        this.generator = generator;
        this.sections = sections;
        this.documents = new InvalidatingCache<>(ttl, maxDocuments);
    }

    @Override
    public IBaseBundle generateIps(RequestDetails request, IIdType patientId, String profile) {
        String patient = patientId.getIdPart();
        Requester requester = Requester.of(request);
        // null only where consent checks are switched off (with them on, every request for one patient is decided)
        AccessDecision decision = RequestDecisions.of(request).taken(patient, "Patient").orElse(null);
        if (requester.breakGlassReason() != null || requester.claimedRelationship() != null
                || decision != null && decision.obligations() != null && !decision.obligations().isEmpty()
                || noStore(request)) {
            return generator.generateIps(request, patientId, profile);
        }
        Key key = new Key(patient, sections.stampFor(request, patient), requester.claims(), requester.purposeOfUse(),
                request.getFhirServerBase(), profile, decision == null ? null : decision.decision(),
                decision == null || decision.withheldCategories() == null ? List.of()
                        : List.copyOf(decision.withheldCategories()));
        Bundle[] generated = {null};
        Document document = documents.get(key, k -> {
            RequestDecisions decisions = RequestDecisions.of(request);
            RequestDecisions.Withheld before = decisions.withheldSoFar();
            generated[0] = (Bundle) generator.generateIps(request, patientId, profile);
            boolean reusable = decisions.onlyAbout(patient);
            // the kept copy is never handed out (readers' copies are annotated and serialised); none if not kept
            return new Document(reusable ? generated[0].copy() : null, decisions.withheldSoFar().since(before), reusable);
        }, Document::reusable);
        if (generated[0] != null) {
            return generated[0];
        }
        RequestDecisions.of(request).withheldAgain(document.withheld());
        return document.bundle().copy();
    }

    /** {@code Cache-Control: no-store}: assemble afresh and keep nothing (e.g. to measure assembly itself). */
    private static boolean noStore(RequestDetails request) {
        return new CacheControlDirective().parse(request.getHeaders(Constants.HEADER_CACHE_CONTROL)).isNoStore();
    }

    @Override
    public IBaseBundle generateIps(RequestDetails request, TokenParam patientIdentifier, String profile) {
        return generator.generateIps(request, patientIdentifier, profile); // no patient known up front: not reused
    }
}
