package org.carerecord.fhir.summary;

import ca.uhn.fhir.jpa.ips.generator.IIpsGeneratorSvc;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.api.Constants;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.consent.RecordConsentService;
import org.carerecord.fhir.consent.RecordStamps.RecordStamp;
import org.carerecord.fhir.consent.RequestDecisions;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.Decision;
import org.carerecord.security.decision.SensitiveCategory;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patient summaries reused while nothing they depend on has changed. A clinician (or a ward's worth of them)
 * opens the same patient's summary again and again while the record stands still. A document is reused only
 * for the same patient, the same token claims (user, role, organisation, scopes), purpose and server address,
 * the same decision about the patient taken for this request (so an opt-out, a restriction or a lost
 * relationship is seen at once — the request is refused before it gets here, or the key differs) and the
 * same {@link org.carerecord.fhir.consent.RecordStamps record stamp} (any write to the record, on any
 * instance, makes a new key). A time to live bounds what changes with the clock alone (the "recent
 * admissions" window). Never reused: break-glass and stated-relationship requests (each must be decided and
 * shown afresh), documents that needed a decision about another patient, and requests that say
 * {@code Cache-Control: no-store}. Readers asking together for a document not yet assembled wait for one
 * assembly; when a write changes the record, the documents of those who opened it recently are assembled again
 * before they ask ({@link #assembleAhead}). Each reader gets a copy; what was withheld is told again; the JSON is
 * written once per document (see {@link EncodedSummaries}).
 */
final class CachedPatientSummaries implements IIpsGeneratorSvc {

    private static final Logger log = LoggerFactory.getLogger(CachedPatientSummaries.class);

    private record Key(
            String patient,
            RecordStamp stamp,
            CareClaims claims,
            PurposeOfUse purpose,
            String base,
            String profile,
            Decision decision,
            List<SensitiveCategory> withheldCategories) {

        Key at(RecordStamp other) {
            return new Key(patient, other, claims, purpose, base, profile, decision, withheldCategories);
        }
    }

    /**
     * Who recently opened a patient's summary, with what was decided for them: when the record changes, their
     * document is assembled again before they ask (see {@link #assembleAhead}).
     */
    private record Reader(Key key, Requester requester, RequestDecisions decisions) {}

    /** A kept document (never handed out: readers get copies), what assembling it withheld, its JSON once written. */
    private record Document(Bundle bundle, RequestDecisions.Withheld withheld, AtomicReference<String> json) {

        /**
         * The document for one reader. Where the response will be the kept JSON, what the reader's request does
         * with the object is only read it (the audit record's ids, the withheld notice added to its own entry list
         * and Composition): so the entries' records are shared and only the Composition is copied — copying every
         * record was ~20 % of serving a reused summary by JFR. Anything HAPI encodes again gets a whole copy.
         */
        Bundle forReader(boolean writtenAsKept) {
            if (!writtenAsKept) {
                return bundle.copy();
            }
            Bundle reader = new Bundle();
            reader.setIdElement(bundle.getIdElement().copy());
            reader.setMeta(bundle.getMeta().copy());
            reader.setIdentifier(bundle.getIdentifier().copy());
            reader.setType(bundle.getType());
            reader.setTimestampElement(bundle.getTimestampElement().copy());
            bundle.getLink().forEach(link -> reader.addLink(link.copy()));
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                Resource resource = entry.getResource();
                reader.addEntry()
                        .setFullUrl(entry.getFullUrl())
                        .setResource(resource instanceof Composition composition ? composition.copy() : resource);
            }
            return reader;
        }
    }

    private final IIpsGeneratorSvc generator;
    private final PreparedSections sections;
    private final boolean reuse;
    private final Cache<Key, Document> documents;
    private final ConcurrentMap<Key, CompletableFuture<Document>> assembling = new ConcurrentHashMap<>();
    /** By key without a stamp: the readers whose documents are assembled again when their patient's record changes. */
    private final Cache<Key, Reader> readers;

    private final Counter assembledOnRequest;
    private final Counter assembledAhead;

    CachedPatientSummaries(
            IIpsGeneratorSvc generator,
            PreparedSections sections,
            Duration ttl,
            int maxDocuments,
            Duration readersKept,
            MeterRegistry meters) {
        this.generator = generator;
        // how many reusable documents were assembled while a reader waited, and how many before they asked
        this.assembledOnRequest = Counter.builder("care.summary.documents")
                .tag("assembled", "on-request")
                .description("reusable patient summaries assembled")
                .register(meters);
        this.assembledAhead = Counter.builder("care.summary.documents")
                .tag("assembled", "ahead")
                .description("reusable patient summaries assembled")
                .register(meters);
        this.sections = sections;
        this.reuse = !ttl.isZero() && !ttl.isNegative();
        this.documents = Caffeine.newBuilder()
                .expireAfterWrite(reuse ? ttl : Duration.ofSeconds(1))
                .maximumSize(maxDocuments)
                .build();
        this.readers = Caffeine.newBuilder()
                .expireAfterWrite(readersKept)
                .maximumSize(maxDocuments)
                .build();
        sections.afterChangePrepared(this::assembleAhead);
    }

    @Override
    public IBaseBundle generateIps(RequestDetails request, IIdType patientId, String profile) {
        IBaseBundle document = documentFor(request, patientId, profile);
        // every record in it passed the reader's consent check where it was put in (ReaderSections)
        RecordConsentService.checkedEntryByEntry(request, document);
        return document;
    }

    private IBaseBundle documentFor(RequestDetails request, IIdType patientId, String profile) {
        String patient = patientId.getIdPart();
        Requester requester = Requester.of(request);
        // null only where consent checks are switched off (with them on, every request for one patient is decided)
        AccessDecision decision =
                RequestDecisions.of(request).taken(patient, "Patient").orElse(null);
        if (!reuse
                // a system's summary holds other organisations' records decided as disclosures, which the key
                // (its role's decision on the patient) does not capture: assembled for each request
                || requester.claims().isSystem()
                || requester.breakGlassReason() != null
                || requester.claimedRelationship() != null
                || decision != null
                        && decision.obligations() != null
                        && !decision.obligations().isEmpty()
                || noStore(request)) {
            return generator.generateIps(request, patientId, profile);
        }
        Key key = new Key(
                patient,
                sections.stampFor(request, patient),
                requester.claims(),
                requester.purposeOfUse(),
                request.getFhirServerBase(),
                profile,
                decision == null ? null : decision.decision(),
                decision == null || decision.withheldCategories() == null
                        ? List.of()
                        : List.copyOf(decision.withheldCategories()));
        Document document = documents.getIfPresent(key);
        if (document == null) {
            CompletableFuture<Document> mine = new CompletableFuture<>();
            CompletableFuture<Document> running = assembling.putIfAbsent(key, mine);
            if (running == null) {
                return assemble(request, patientId, profile, key, mine, true);
            }
            try {
                document = running.join();
            } catch (CompletionException e) {
                return generator.generateIps(request, patientId, profile); // that reader's failure, not this one's
            }
            if (document == null) {
                return generator.generateIps(request, patientId, profile); // not reusable: each assembles its own
            }
        }
        RequestDecisions.of(request).withheldAgain(document.withheld());
        EncodedSummaries.writeOnce(request, document.json());
        return document.forReader(EncodedSummaries.writtenAsKept(request, document.json()));
    }

    /**
     * Assembles this reader's document, keeps it if it may be reused, and hands it to readers waiting for it;
     * {@code reader}: asked for by the reader (not assembled ahead), who is then remembered as a recent reader.
     */
    private IBaseBundle assemble(
            RequestDetails request,
            IIdType patientId,
            String profile,
            Key key,
            CompletableFuture<Document> waiting,
            boolean reader) {
        try {
            RequestDecisions decisions = RequestDecisions.of(request);
            RequestDecisions.Withheld before = decisions.withheldSoFar();
            Bundle generated = (Bundle) generator.generateIps(request, patientId, profile);
            Document document = null;
            if (decisions.onlyAbout(patientId.getIdPart())) {
                document = new Document(
                        generated.copy(), decisions.withheldSoFar().since(before), new AtomicReference<>());
                documents.put(key, document);
                EncodedSummaries.writeOnce(request, document.json());
                if (reader) {
                    readers.put(key.at(null), new Reader(key, Requester.of(request), decisions.forReplay()));
                }
                (reader ? assembledOnRequest : assembledAhead).increment();
            }
            waiting.complete(document);
            return generated;
        } catch (RuntimeException e) {
            waiting.completeExceptionally(e);
            throw e;
        } finally {
            assembling.remove(key, waiting);
        }
    }

    /**
     * After a write changed the patient's record and its sections were prepared again (off the request path):
     * assemble again the documents of those who opened it recently, so the next of them finds theirs ready. Each
     * is assembled as their own request would assemble it — their claims and the decisions their request took,
     * every record passing the same consent check — on a request standing in for them; nothing new is decided (a
     * document needing a decision their request did not take is left to their next request), nothing is shown
     * and so nothing is audited until a reader asks. Readers asking meanwhile wait for it.
     */
    private void assembleAhead(String patient, RecordStamp stamp) {
        for (Reader reader : readers.asMap().values()) {
            if (!reader.key().patient().equals(patient)) {
                continue;
            }
            Key key = reader.key().at(stamp);
            CompletableFuture<Document> mine = new CompletableFuture<>();
            if (documents.getIfPresent(key) != null || assembling.putIfAbsent(key, mine) != null) {
                continue;
            }
            SystemRequestDetails standIn = new SystemRequestDetails();
            standIn.setFhirServerBase(key.base());
            reader.requester().attachTo(standIn);
            reader.decisions().forReplay().attachTo(standIn);
            try {
                assemble(standIn, new IdType("Patient", patient), key.profile(), key, mine, false);
            } catch (RuntimeException e) {
                log.debug("Summary of a changed record not assembled ahead for one reader: {}", e.toString());
            }
        }
    }

    /** {@code Cache-Control: no-store}: assemble afresh and keep nothing (e.g. to measure assembly itself). */
    private static boolean noStore(RequestDetails request) {
        return new CacheControlDirective()
                .parse(request.getHeaders(Constants.HEADER_CACHE_CONTROL))
                .isNoStore();
    }

    @Override
    public IBaseBundle generateIps(RequestDetails request, TokenParam patientIdentifier, String profile) {
        // no patient known up front: not reused; checked record by record all the same
        IBaseBundle document = generator.generateIps(request, patientIdentifier, profile);
        RecordConsentService.checkedEntryByEntry(request, document);
        return document;
    }
}
