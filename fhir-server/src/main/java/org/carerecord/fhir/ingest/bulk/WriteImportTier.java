package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.batch2.api.IJobDataSink;
import ca.uhn.fhir.batch2.api.IJobStepWorker;
import ca.uhn.fhir.batch2.api.RunOutcome;
import ca.uhn.fhir.batch2.api.StepExecutionDetails;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.util.TransactionSemanticsHeader;
import ca.uhn.fhir.model.api.StorageResponseCodeEnum;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.carerecord.fhir.access.KeptClaims;
import org.carerecord.fhir.ingest.BulkRecordRules;
import org.carerecord.fhir.ingest.OnePassChunkWrite;
import org.carerecord.fhir.ingest.RecordValidation;
import org.carerecord.security.token.CareClaims;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.core.context.SecurityContextImpl;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * A write step of the job: each chunk of this step's types written as the importing system. Each line is checked as a {@code $load}
 * line is (a FHIR resource of the declared type, held by this record, with an id, refers by Type/id or a
 * conditional reference, and the system's scopes allow writing it); the rest go in one batch of updates by id
 * through HAPI's system DAO with the importer attached to the request, so every storage rule of a pushed
 * transaction applies unchanged: base-profile and record validation (checked line by line before the batch, so an
 * invalid line is reported alone), the organisation tag and ownership,
 * patient moves refused, the care-relationship index. HAPI tries the batch as one transaction first and
 * falls back to entry by entry, so one bad record costs only itself. Writes are by id: importing the same
 * file again changes nothing, and the lines the organisation imported before exactly so, their records untouched
 * since, are not even sent to HAPI ({@link ImportDigests}).
 *
 * <p>One such step per tier of types ({@code ReferenceOrder.TIERS}): a tier starts when the one before is
 * written, so what a record refers to is there before it; the chunks of a tier run in parallel, and a record
 * whose reference target is in a chunk of its own tier still being written is sent again shortly.
 */
class WriteImportTier implements IJobStepWorker<ImportJobParameters, ImportWork, ImportWork> {

    private static final Logger log = LoggerFactory.getLogger(WriteImportTier.class);
    static final Duration WAIT_FOR_REFERENCES = Duration.ofSeconds(30);
    /** HAPI's "Resource X not found, specified in path: Y" (referential integrity on write). */
    private static final String MISSING_REFERENCE = "HAPI-1094";

    private final FhirContext fhir;
    private final IFhirSystemDao<Bundle, ?> systemDao;
    private final ObjectProvider<RestfulServer> server;
    private final Set<String> storedTypes;
    private final ImportDigests digests;
    private final RecordValidation validation;
    private final ImportChunkStore chunks;
    private final OnePassChunkWrite onePass;
    /** The types this step writes; null: every type no earlier step wrote. */
    private final Set<String> tier;

    WriteImportTier(
            Set<String> tier,
            FhirContext fhir,
            IFhirSystemDao<Bundle, ?> systemDao,
            ObjectProvider<RestfulServer> server,
            Set<String> storedTypes,
            ImportDigests digests,
            RecordValidation validation,
            ImportChunkStore chunks,
            OnePassChunkWrite onePass) {
        this.onePass = onePass;
        this.tier = tier;
        this.chunks = chunks;
        this.validation = validation;
        this.digests = digests;
        this.fhir = fhir;
        this.systemDao = systemDao;
        this.server = server;
        this.storedTypes = storedTypes;
    }

    @Override
    public RunOutcome run(
            StepExecutionDetails<ImportJobParameters, ImportWork> details, IJobDataSink<ImportWork> sink) {
        ImportWork work = details.getData();
        if (work.getChunk() == null
                || tier != null && !tier.contains(work.getChunk().getType())) {
            sink.accept(work); // written already, or its turn is later
            return new RunOutcome(0);
        }
        ImportChunk chunk = work.getChunk();
        Jwt token = details.getParameters().importerToken();
        CareClaims claims = CareClaims.from(token);
        ImportOutcome outcome = ImportOutcome.of(chunk);
        ImportOutcome.Counts counts = outcome.countsFor(chunk.getUrl(), chunk.getType());
        List<Candidate> candidates = new ArrayList<>();
        IParser parser = fhir.newJsonParser();
        String ndjson = chunk.getNdjson() != null
                ? chunk.getNdjson()
                : chunks.lines(details.getInstance().getInstanceId(), chunk.id());
        if (ndjson == null) {
            log.warn("a copy of {} reached a step after its job ended: nothing to write", chunk.id());
            return new RunOutcome(0);
        }
        String[] lines = ndjson.split("\n");
        for (String numbered : lines) {
            int tab = numbered.indexOf('\t');
            long line = Long.parseLong(numbered.substring(0, tab));
            String json = numbered.substring(tab + 1);
            if (line < 0 || json.equals(ImportChunk.EARLIER_RAW_NUL)) { // refused as read (ImportChunk.refusedLine)
                reject(outcome, counts, chunk, Math.abs(line), null, line < 0 ? json : ImportChunk.RAW_NUL);
                continue;
            }
            IBaseResource resource;
            try {
                resource = parser.parseResource(json);
            } catch (DataFormatException e) {
                reject(outcome, counts, chunk, line, null, "not a FHIR resource: " + e.getMessage());
                continue;
            }
            String problem = problemWith(resource, chunk.getType(), claims);
            if (problem != null) {
                reject(outcome, counts, chunk, line, describe(resource), problem);
                continue;
            }
            candidates.add(new Candidate(line, (Resource) resource, json, ImportDigests.digest(json)));
        }
        // lines this organisation imported before exactly so, their records untouched since: nothing to write
        Set<String> ids = new HashSet<>();
        candidates.forEach(c -> ids.add(c.id()));
        Map<String, byte[]> lastImported = digests.asLastImported(claims.organisation(), chunk.getType(), ids);
        Bundle batch = new Bundle().setType(Bundle.BundleType.BATCH);
        List<Candidate> entries = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (Arrays.equals(lastImported.get(candidate.id()), candidate.digest())) {
                counts.unchanged++;
                continue;
            }
            String invalid = validation.problemBeforeStoring(candidate.resource());
            if (invalid != null) {
                reject(outcome, counts, chunk, candidate.line(), describe(candidate.resource()), invalid);
                continue;
            }
            String url = candidate.resource().fhirType() + "/" + candidate.id();
            batch.addEntry()
                    .setFullUrl(url)
                    .setResource(candidate.resource())
                    .getRequest()
                    .setMethod(Bundle.HTTPVerb.PUT)
                    .setUrl(url);
            entries.add(candidate);
        }
        if (!batch.getEntry().isEmpty()) {
            String job = details.getInstance().getInstanceId();
            String step = details.getWorkChunk().getTargetStepId();
            String self = details.getChunkId();
            write(
                    chunk,
                    token,
                    claims,
                    batch,
                    entries,
                    outcome,
                    counts,
                    () -> chunks.othersStillWriting(job, step, self));
        }
        sink.accept(ImportWork.written(outcome));
        return new RunOutcome(lines.length);
    }

    /**
     * Writes the chunk's records; those refused only because a record they refer to is not there yet (it is in
     * a chunk being written beside this one) are sent again, alone, every half second for up to
     * {@link #WAIT_FOR_REFERENCES}, then reported with HAPI's reason. Only while other chunks of this step are still
     * to be written: once none is, what is missing will not come, and waiting would only hold a worker every import
     * shares (found from outside: a file referring to records that do not exist held one 30 s a chunk).
     */
    private void write(
            ImportChunk chunk,
            Jwt token,
            CareClaims claims,
            Bundle batch,
            List<Candidate> entries,
            ImportOutcome outcome,
            ImportOutcome.Counts counts,
            BooleanSupplier othersStillWriting) {
        if (writtenInOnePass(chunk, token, claims, batch, entries, counts)) {
            return;
        }
        // HAPI's way, which answers for each record: the one-pass attempt changed the records, so from the lines
        for (int i = 0; i < entries.size(); i++) {
            batch.getEntry().get(i).setResource(asRead(entries.get(i), claims));
        }
        List<ImportDigests.Written> written = new ArrayList<>();
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < batch.getEntry().size(); i++) {
            pending.add(i);
        }
        Instant giveUp = Instant.now().plus(WAIT_FOR_REFERENCES);
        while (!pending.isEmpty()) {
            Bundle attempt = new Bundle().setType(Bundle.BundleType.BATCH);
            pending.forEach(i -> attempt.addEntry(batch.getEntry().get(i)));
            Bundle response;
            try {
                response = transaction(token, claims, attempt, true);
            } catch (BaseServerResponseException refused) {
                throw refused;
            } catch (RuntimeException failed) {
                // HAPI falls back to entry by entry only when its all-in-one attempt is refused with a FHIR error; any
                // other failure (a deadlock between chunks, say) is sent again entry by entry, from the lines as read
                // (the attempt may have changed the records), so one record's failure costs only that record
                log.warn(
                        "a chunk of {} could not be written as one transaction ({}); writing it record by record",
                        chunk.getType(),
                        failed.getClass().getSimpleName());
                Bundle again = new Bundle().setType(Bundle.BundleType.BATCH);
                pending.forEach(i -> {
                    Bundle.BundleEntryComponent entry = batch.getEntry().get(i);
                    again.addEntry()
                            .setFullUrl(entry.getFullUrl())
                            .setResource(asRead(entries.get(i), claims))
                            .setRequest(entry.getRequest());
                });
                response = transaction(token, claims, again, false);
            }
            List<Integer> waiting = new ArrayList<>();
            Map<Integer, String> refused = new LinkedHashMap<>();
            List<Integer> missingReference = new ArrayList<>();
            int writtenBefore = written.size();
            for (int j = 0; j < pending.size(); j++) {
                Bundle.BundleEntryResponseComponent result =
                        response.getEntry().get(j).getResponse();
                if (result.getStatus() != null && result.getStatus().startsWith("2")) {
                    Candidate entry = entries.get(pending.get(j));
                    written.add(new ImportDigests.Written(
                            entry.id(), entry.digest(), new IdType(result.getLocation()).getVersionIdPartAsLong()));
                    switch (storageCode(result)) {
                        case "SUCCESSFUL_UPDATE_NO_CHANGE" -> counts.unchanged++;
                        case "SUCCESSFUL_UPDATE" -> counts.updated++;
                        default -> counts.created++;
                    }
                } else if (diagnostics(result).contains(MISSING_REFERENCE)) {
                    missingReference.add(j);
                } else {
                    refused.put(pending.get(j), diagnostics(result));
                }
            }
            // what is missing may yet come from a record this round wrote (a later line of this chunk), or from a
            // chunk of this step still unfinished; otherwise it will not, and waiting only holds a shared worker
            boolean mayYetCome = !missingReference.isEmpty()
                    && Instant.now().isBefore(giveUp)
                    && (written.size() > writtenBefore || othersStillWriting.getAsBoolean());
            for (int j : missingReference) {
                if (mayYetCome) {
                    waiting.add(pending.get(j));
                } else {
                    refused.put(
                            pending.get(j),
                            diagnostics(response.getEntry().get(j).getResponse()));
                }
            }
            refused.forEach((i, problem) -> reject(
                    outcome,
                    counts,
                    chunk,
                    entries.get(i).line(),
                    batch.getEntry().get(i).getFullUrl(),
                    problem));
            pending = waiting;
            if (!pending.isEmpty()) {
                pause();
            }
        }
        digests.remember(claims.organisation(), chunk.getType(), written);
    }

    /**
     * The chunk written all at once, each record stored once ({@link OnePassChunkWrite}); false, with nothing
     * written, if any record was refused.
     */
    private boolean writtenInOnePass(
            ImportChunk chunk,
            Jwt token,
            CareClaims claims,
            Bundle batch,
            List<Candidate> entries,
            ImportOutcome.Counts counts) {
        List<OnePassChunkWrite.Written> results;
        try {
            results = asImporter(
                    token,
                    claims,
                    batch,
                    request -> onePass.write(
                            request,
                            entries.stream()
                                    .map(e -> new OnePassChunkWrite.Line(e.resource(), e.json()))
                                    .toList()));
        } catch (RuntimeException refused) {
            log.info("a chunk of {} is written HAPI's way: {}", chunk.getType(), OnePassChunkWrite.reason(refused));
            return false;
        }
        List<ImportDigests.Written> written = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            OnePassChunkWrite.Written result = results.get(i);
            written.add(new ImportDigests.Written(
                    entries.get(i).id(), entries.get(i).digest(), result.version()));
            switch (result.result()) {
                case UNCHANGED -> counts.unchanged++;
                case UPDATED -> counts.updated++;
                case CREATED -> counts.created++;
            }
        }
        digests.remember(claims.organisation(), chunk.getType(), written);
        return true;
    }

    /** A checked line's record as read and checked, again: a write that failed may have changed the one it was given. */
    private Resource asRead(Candidate line, CareClaims claims) {
        try {
            return BulkRecordRules.readAgain(line.json(), storedTypes, claims, fhir);
        } catch (UnprocessableEntityException broken) {
            throw new IllegalStateException(
                    "a line that passed its checks fails them read again: " + broken.getMessage(), broken);
        }
    }

    /** A line that passed the checks: where it was, its record, and the digest of its text. */
    private record Candidate(long line, Resource resource, String json, byte[] digest) {
        String id() {
            return resource.getIdElement().getIdPart();
        }
    }

    private Bundle transaction(Jwt token, CareClaims claims, Bundle batch, boolean asOneTransactionFirst) {
        return asImporter(token, claims, batch, request -> {
            // HAPI writes the batch as one transaction if it can, and entry by entry if any entry fails. The retry
            // count is what makes the first attempt a transaction: with none, HAPI goes straight to entry by entry
            // (a database transaction and a commit per record; JFR put a third of an import's time there)
            if (asOneTransactionFirst) {
                request.addHeader(
                        TransactionSemanticsHeader.HEADER_NAME,
                        TransactionSemanticsHeader.newBuilder()
                                .withTryBatchAsTransactionFirst(true)
                                .withRetryCount(1)
                                .build()
                                .toHeaderValue());
            }
            return systemDao.transaction(request, batch);
        });
    }

    /** A write made as the importing system: its claims on the request and in the security context. */
    private <T> T asImporter(Jwt token, CareClaims claims, Bundle batch, Function<SystemRequestDetails, T> write) {
        SystemRequestDetails request = KeptClaims.requesterOf(claims)
                .attachTo(new SystemRequestDetails(server.getObject().getInterceptorService()));
        // the system's own writes, as its transactions over HTTP are: what the batch answers (each entry's storage
        // outcome, "unchanged" among them) is not a read of records to be decided again
        request.setResource(batch);
        SecurityContext before = SecurityContextHolder.getContext();
        SecurityContextHolder.setContext(new SecurityContextImpl(new JwtAuthenticationToken(token)));
        try {
            return write.apply(request);
        } finally {
            SecurityContextHolder.setContext(before);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for referenced records", e);
        }
    }

    /** Why a line may not be imported, or null: a {@code $load} line's rules, and the type its source declared. */
    private String problemWith(IBaseResource resource, String declaredType, CareClaims claims) {
        if (!resource.fhirType().equals(declaredType)) {
            return "a " + resource.fhirType() + " in a source declared as " + declaredType;
        }
        return BulkRecordRules.problemWith(resource, storedTypes, claims, fhir);
    }

    private static void reject(
            ImportOutcome outcome,
            ImportOutcome.Counts counts,
            ImportChunk chunk,
            long line,
            String resource,
            String problem) {
        counts.rejected++;
        outcome.getRejected().add(new ImportOutcome.Rejected(chunk.getUrl(), line, resource, problem));
    }

    private static String describe(IBaseResource resource) {
        return resource.fhirType()
                + (resource.getIdElement().hasIdPart()
                        ? "/" + resource.getIdElement().getIdPart()
                        : "");
    }

    private static String storageCode(Bundle.BundleEntryResponseComponent result) {
        if (result.getOutcome() instanceof OperationOutcome outcome) {
            return outcome.getIssue().stream()
                    .flatMap(i -> i.getDetails().getCoding().stream())
                    .filter(c -> StorageResponseCodeEnum.SYSTEM.equals(c.getSystem()))
                    .map(c -> c.getCode())
                    .findFirst()
                    .orElse("");
        }
        return "";
    }

    /**
     * HAPI's reason for an entry it did not write; not the database's own words, which HAPI passes on for a write the
     * database refused (the SQL of the insert, its table and values: found by review) and the client has no use for.
     */
    private static String diagnostics(Bundle.BundleEntryResponseComponent result) {
        if (result.getOutcome() instanceof OperationOutcome outcome && outcome.hasIssue()) {
            String said = String.valueOf(outcome.getIssueFirstRep().getDiagnostics());
            return DATABASE_WORDS.matcher(said).find()
                    ? "the database refused the write, most often because another write to the same record came at the"
                            + " same moment: import the line again"
                    : said;
        }
        return "not written (" + result.getStatus() + ")";
    }

    private static final Pattern DATABASE_WORDS =
            Pattern.compile("could not execute|(?i:\\binsert into\\b|\\bupdate hfj_|\\bsql\\b)");
}
