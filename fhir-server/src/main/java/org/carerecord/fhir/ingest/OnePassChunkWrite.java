package org.carerecord.fhir.ingest;

import ca.uhn.fhir.interceptor.model.RequestPartitionId;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.api.model.DaoMethodOutcome;
import ca.uhn.fhir.jpa.api.svc.IIdHelperService;
import ca.uhn.fhir.jpa.api.svc.ResolveIdentityMode;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.model.cross.IResourceLookup;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.storage.TransactionDetails;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.persistence.EntityManager;
import jakarta.persistence.FlushModeType;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Writes a chunk of import records by id in one database transaction through HAPI's resource DAOs, each record
 * indexed and stored once. HAPI's batch-as-transaction stores every new record twice (a first pass that stores and
 * indexes it, a second that indexes and stores it again once placeholder ids are known); an import's records have
 * no placeholders, so that second pass is pure cost (JFR: ~22 % of an import's samples each pass).
 *
 * <p>Everything else is HAPI's own write: the DAO update a transaction's PUT entry makes, with indexing, so every
 * storage hook (validation, organisation tag and ownership, patient moves, relationship index, summaries,
 * Subscription queueing) runs on each record. Two differences from HAPI's transaction, which the hooks here allow
 * for: HAPI holds a transaction's pre-commit hooks back until every entry is written and flushed, while here each
 * record's run as it is written, before the chunk's rows are flushed (no hook here reads HAPI's tables by SQL; what
 * they write is rolled back with the chunk); and a refused record's chunk has already run the hooks of the records
 * before it (rolled back the same way). As HAPI's transaction does, it looks up the chunk's ids in one query before
 * writing and flushes at commit, so inserts are batched.
 *
 * <p>{@code care.bulk.chunks} counts the attempts: {@code written="in-one-pass"} when one wrote its chunk,
 * {@code written="hapis-way"} when a record was refused (or a conflict with a chunk beside it rolled it back) and the
 * caller wrote the chunk HAPI's way: many of the second say bulk writes are paying twice.
 *
 * <p>All or nothing: any record the DAO refuses (a reference to a record not there yet, a conflict with a chunk
 * beside it) rolls the whole chunk back and the caller writes it HAPI's way, which names the refused record
 * ({@code $import}'s batch each one, {@code $load}'s transaction the first).
 */
@Component
public class OnePassChunkWrite {

    private final DaoRegistry daos;
    private final IHapiTransactionService transactions;
    private final IIdHelperService<JpaPid> ids;
    private final Counter inOnePass;
    private final Counter hapisWay;

    @PersistenceContext
    private EntityManager entityManager;

    public OnePassChunkWrite(
            @Lazy DaoRegistry daos,
            IHapiTransactionService transactions,
            IIdHelperService<JpaPid> ids,
            MeterRegistry meters) {
        this.daos = daos;
        this.transactions = transactions;
        this.ids = ids;
        this.inOnePass = chunks(meters, "in-one-pass");
        this.hapisWay = chunks(meters, "hapis-way");
    }

    private static Counter chunks(MeterRegistry meters, String written) {
        return Counter.builder("care.bulk.chunks")
                .description("Bulk import and load chunks, by how they were written")
                .tag("written", written)
                .register(meters);
    }

    /** What became of one record. */
    public enum Result {
        CREATED,
        UPDATED,
        UNCHANGED
    }

    /** A record to write, and the text it was read from. */
    public record Line(Resource resource, String json) {}

    /** One record written: its result and the version it now has. */
    public record Written(Result result, long version) {}

    /**
     * Writes every record or none; the results in the order given. Throws whatever the DAO threw for the first
     * record it refused, after the database transaction is rolled back. The records are changed by the write
     * (meta, tags; HAPI puts back only ids and references when it rolls back), so a caller that writes them again
     * reads them afresh, through the line rules.
     */
    public List<Written> write(RequestDetails request, List<Line> records) {
        List<Written> written;
        try {
            written = writeAll(request, records);
        } catch (RuntimeException refused) {
            hapisWay.increment();
            throw refused;
        }
        inOnePass.increment();
        return written;
    }

    /**
     * Why a write was refused, for the log: the exception's type and HAPI's code, never its text, which names records
     * (a reference by criteria holds a patient's id).
     */
    public static String reason(RuntimeException refused) {
        String message = refused.getMessage() == null ? "" : refused.getMessage();
        return refused.getClass().getSimpleName()
                + (message.matches("(?s)HAPI-\\d+:.*") ? " " + message.substring(0, message.indexOf(':')) : "");
    }

    private List<Written> writeAll(RequestDetails request, List<Line> records) {
        TransactionDetails details = new TransactionDetails();
        return transactions.withRequest(request).withTransactionDetails(details).execute(() -> {
            FlushModeType before = entityManager.getFlushMode();
            // as HAPI's transaction does: no flush before each lookup, so the chunk's inserts go as batches
            entityManager.setFlushMode(FlushModeType.COMMIT);
            try {
                knownOrNew(records, details);
                Map<Line, Written> written = new IdentityHashMap<>();
                for (Line record : referencedFirst(records)) {
                    written.put(record, write(record.resource(), request, details));
                }
                entityManager.flush();
                return records.stream().map(written::get).toList();
            } finally {
                entityManager.setFlushMode(before);
            }
        });
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Written write(Resource record, RequestDetails request, TransactionDetails details) {
        IFhirResourceDao dao = daos.getResourceDao(record.fhirType());
        record.setId(new IdType(record.fhirType(), record.getIdElement().getIdPart()));
        DaoMethodOutcome outcome = dao.update(record, null, true, false, request, details);
        Result result = outcome.isNop()
                ? Result.UNCHANGED
                : Boolean.TRUE.equals(outcome.getCreated()) ? Result.CREATED : Result.UPDATED;
        return new Written(result, outcome.getId().getVersionIdPartAsLong());
    }

    /**
     * The chunk's ids looked up in one query, as HAPI's transaction pre-fetch does: a record found is updated, one
     * not found is created without a lookup of its own.
     */
    private void knownOrNew(List<Line> records, TransactionDetails details) {
        List<IIdType> wanted = new ArrayList<>();
        records.forEach(r -> wanted.add(
                new IdType(r.resource().fhirType(), r.resource().getIdElement().getIdPart())));
        Map<IIdType, IResourceLookup<JpaPid>> found = ids.resolveResourceIdentities(
                RequestPartitionId.allPartitions(),
                wanted,
                ResolveIdentityMode.includeDeleted().cacheOk());
        Set<String> known = new HashSet<>();
        found.forEach((id, lookup) -> {
            known.add(id.toUnqualifiedVersionless().getValue());
            details.addResolvedResourceId(id.toUnqualifiedVersionless(), lookup.getPersistentId());
        });
        for (IIdType id : wanted) {
            if (!known.contains(id.toUnqualifiedVersionless().getValue())) {
                details.addResolvedResourceId(id.toUnqualifiedVersionless(), null);
            }
        }
    }

    /**
     * The records in an order where one another record of the chunk refers to comes before it (an Observation's
     * members before the panel), so referential integrity holds record by record. Read from the records' text (a
     * chunk holds one type, so only references to that type can point inside it). A cycle cannot be ordered:
     * a record of it is refused for want of the other (when they are new), which sends the chunk HAPI's way.
     */
    static List<Line> referencedFirst(List<Line> lines) {
        Map<String, Line> byId = new LinkedHashMap<>();
        lines.forEach(l -> byId.put(l.resource().getIdElement().getIdPart(), l));
        if (lines.isEmpty() || byId.size() < lines.size()) {
            return lines; // an id twice: written in the order sent, the later line last, as HAPI would
        }
        List<Line> ordered = new ArrayList<>(lines.size());
        Set<String> placed = new HashSet<>();
        Set<String> visiting = new HashSet<>();
        Pattern toSameType = Pattern.compile(
                "\"reference\"\\s*:\\s*\"" + lines.get(0).resource().fhirType() + "/([^\"/]+)(?:/_history/[^\"/]+)?\"");
        for (String id : byId.keySet()) {
            place(id, byId, toSameType, placed, visiting, ordered);
        }
        return ordered;
    }

    private static void place(
            String id,
            Map<String, Line> byId,
            Pattern toSameType,
            Set<String> placed,
            Set<String> visiting,
            List<Line> ordered) {
        if (placed.contains(id) || !visiting.add(id)) {
            return;
        }
        Line line = byId.get(id);
        Matcher reference = toSameType.matcher(line.json());
        while (reference.find()) {
            if (byId.containsKey(reference.group(1))) {
                place(reference.group(1), byId, toSameType, placed, visiting, ordered);
            }
        }
        visiting.remove(id);
        placed.add(id);
        ordered.add(line);
    }
}
