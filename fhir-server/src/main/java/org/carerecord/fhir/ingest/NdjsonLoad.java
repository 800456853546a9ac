package org.carerecord.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.PayloadTooLargeException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPInputStream;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.jpa.FhirOperationProvider;
import org.carerecord.fhir.jpa.FhirServerProperties;
import org.carerecord.fhir.limits.RequestLimitsProperties;
import org.carerecord.security.token.CareClaims;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.stereotype.Component;

/**
 * The bulk path for a care provider's initial load: {@code POST [base]/$load} with a body of FHIR NDJSON
 * (one resource per line, each with its id; {@code Content-Encoding: gzip} accepted), from a provider
 * system whose scopes allow writing every type in it.
 * <ol>
 * <li>The whole body is read and checked before anything is written: each line parses, is a type this
 * record holds and the token may write, has an id, passes the same record rules as a pushed bundle (NHS
 * number check digit, required codings) and refers to others by {@code Type/id} or a conditional reference
 * ({@code Practitioner?identifier=...}), never {@code urn:uuid}; and no record is on two lines (two versions would
 * both be written, and again on every reload). Any problem: 422 with an OperationOutcome
 * naming the lines (at most 50), and nothing is written.</li>
 * <li>Then the records are written by type, referenced types first (organisations, practitioners, patients,
 * encounters, then clinical records, claims and provenance: references must resolve when written), in
 * chunks of {@value #CHUNK} updates-by-id, each one database transaction ({@link OnePassChunkWrite}; as a HAPI
 * transaction if any record is refused, for HAPI's answer). Every storage rule of the transaction path applies
 * unchanged (provenance tag, only the owner may change a record, patient moves refused, relationship
 * index), and so does idempotence: loading the same file again writes nothing new. Chunks of one type
 * are written by {@code care.fhir.bulk-writers} threads at once (default 2).</li>
 * <li>Progress is streamed as NDJSON lines ({@code {"phase":"writing","written":...,"of":...,"perSecond":...}})
 * and the last line says {@code complete} or {@code failed} with the line numbers of the chunk that failed;
 * chunks before it stay written, and loading the file again resumes (what is there is unchanged).</li>
 * </ol>
 */
@Component
public class NdjsonLoad implements FhirOperationProvider {

    private static final Logger log = LoggerFactory.getLogger(NdjsonLoad.class);
    static final int CHUNK = 1000;
    private static final int MAX_PROBLEMS = 50;
    private final FhirContext fhir;
    private final IFhirSystemDao<Bundle, ?> systemDao;
    private final List<String> storedTypes;
    /** Threads that check lines (pass 1) and write chunks (pass 2) at once. */
    private final int writers;

    private final RecordValidation validation;
    private final OnePassChunkWrite onePass;
    private final int maxLineChars;
    private final long maxInflated;

    public NdjsonLoad(
            FhirContext fhir,
            IFhirSystemDao<Bundle, ?> systemDao,
            FhirServerProperties properties,
            RecordValidation validation,
            OnePassChunkWrite onePass,
            RequestLimitsProperties limits) {
        this.onePass = onePass;
        this.maxLineChars = NdjsonLines.maxLineChars(limits);
        this.maxInflated = limits.maxBulkBody().toBytes();
        this.validation = validation;
        this.fhir = fhir;
        this.systemDao = systemDao;
        this.storedTypes = properties.resourceTypes();
        this.writers = Math.max(1, properties.bulkWriters());
    }

    @Operation(name = "$load", manualRequest = true, manualResponse = true)
    public void load(ServletRequestDetails request, HttpServletRequest http, HttpServletResponse response)
            throws IOException {
        CareClaims claims = Requester.of(request).claims();
        Path spool = Files.createTempDirectory("care-load-");
        try {
            Spooled checked = readAndCheck(http, claims, spool);
            response.setStatus(200);
            response.setContentType("application/x-ndjson");
            PrintWriter out = response.getWriter();
            out.printf(
                    "{\"phase\":\"checked\",\"resources\":%d,\"types\":%d}%n",
                    checked.total(), checked.byType().size());
            out.flush();
            write(request, checked.byType(), checked.total(), out);
        } finally {
            try (var files = Files.walk(spool)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The next line, or 413 naming the line (or the body) past its limit. */
    private static String next(NdjsonLines reader) throws IOException {
        try {
            return reader.next();
        } catch (NdjsonLines.TooLong e) {
            throw new PayloadTooLargeException(e.getMessage());
        }
    }

    /**
     * Pass 1: every line checked (batches of {@value #CHUNK}, split over {@code bulkWriters} threads: the
     * base-profile validation is the costly part), spooled by type as "lineNumber TAB json"; throws (422) if
     * any line fails.
     */
    private Spooled readAndCheck(HttpServletRequest http, CareClaims claims, Path spool) throws IOException {
        Map<String, BufferedWriter> spooled = new LinkedHashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        Map<String, Long> firstLineOf = new HashMap<>(); // each record's line: one line per record
        List<String> problems = new ArrayList<>();
        long total = 0;
        InputStream body = http.getInputStream();
        if ("gzip".equalsIgnoreCase(http.getHeader("Content-Encoding"))) {
            // the body's limit counted what was sent; NdjsonLines holds what it inflates to to the same limit
            body = new GZIPInputStream(body);
        }
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try (NdjsonLines reader = new NdjsonLines(body, maxLineChars, maxInflated)) {
            List<String> batch = new ArrayList<>(CHUNK);
            List<Long> numbers = new ArrayList<>(CHUNK);
            while (true) {
                String line = next(reader);
                if (line != null) {
                    long number = reader.number();
                    String unreadable = NdjsonLines.unreadable(line);
                    if (unreadable != null) {
                        if (problems.size() < MAX_PROBLEMS) {
                            problems.add("line " + number + ": " + unreadable);
                        }
                    } else if (!line.isBlank()) {
                        batch.add(line);
                        numbers.add(number);
                    }
                }
                if (batch.size() == CHUNK || line == null) {
                    List<Checked> found = checkAll(pool, batch, claims);
                    for (int i = 0; i < batch.size(); i++) {
                        Long first = found.get(i).problem() == null
                                ? firstLineOf.putIfAbsent(found.get(i).id(), numbers.get(i))
                                : null;
                        String problem = first == null
                                ? found.get(i).problem()
                                : found.get(i).id() + " is on line " + first + " too: a load holds one version of a"
                                        + " record (loading it again must change nothing)";
                        if (problem != null) {
                            if (problems.size() < MAX_PROBLEMS) {
                                problems.add("line " + numbers.get(i) + ": " + problem);
                            }
                        } else if (problems.isEmpty()) {
                            total++;
                            BufferedWriter writer =
                                    spooled.computeIfAbsent(found.get(i).type(), t -> {
                                        try {
                                            Path file = spool.resolve(t + ".ndjson");
                                            files.put(t, file);
                                            return Files.newBufferedWriter(file);
                                        } catch (IOException e) {
                                            throw new java.io.UncheckedIOException(e);
                                        }
                                    });
                            writer.write(numbers.get(i) + "\t" + batch.get(i));
                            writer.newLine();
                        }
                    }
                    batch.clear();
                    numbers.clear();
                }
                if (line == null) {
                    break;
                }
            }
        } finally {
            pool.shutdownNow();
            for (BufferedWriter writer : spooled.values()) {
                writer.close();
            }
        }
        if (!problems.isEmpty()) {
            OperationOutcome outcome = new OperationOutcome();
            problems.forEach(p -> outcome.addIssue()
                    .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.INVALID)
                    .setDiagnostics(p));
            throw new UnprocessableEntityException(fhir, outcome);
        }
        if (files.isEmpty()) {
            throw new InvalidRequestException("The body holds no resources: send FHIR NDJSON, one resource per line");
        }
        Map<String, Path> ordered = new LinkedHashMap<>();
        files.keySet().stream()
                .sorted(Comparator.comparingInt(ReferenceOrder.SEQUENCE::indexOf))
                .forEach(t -> ordered.put(t, files.get(t)));
        return new Spooled(ordered, total);
    }

    /** The checked lines, spooled one file per type in write order, and how many there are. */
    private record Spooled(Map<String, Path> byType, long total) {}

    /** One line's resource type, or what is wrong with it. */
    private record Checked(String type, String id, String problem) {

        static Checked problem(String problem) {
            return new Checked(null, null, problem);
        }
    }

    /** Each line checked, in order; the lines are split over the pool's threads. */
    private List<Checked> checkAll(ExecutorService pool, List<String> lines, CareClaims claims) {
        int slice = Math.max(1, (lines.size() + writers - 1) / writers);
        List<Future<List<Checked>>> parts = new ArrayList<>();
        for (int from = 0; from < lines.size(); from += slice) {
            List<String> part = lines.subList(from, Math.min(lines.size(), from + slice));
            parts.add(pool.submit(() -> {
                IParser parser = fhir.newJsonParser();
                List<Checked> found = new ArrayList<>(part.size());
                part.forEach(line -> found.add(check(parser, line, claims)));
                return found;
            }));
        }
        List<Checked> found = new ArrayList<>(lines.size());
        for (Future<List<Checked>> part : parts) {
            try {
                found.addAll(part.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InvalidRequestException("The load was interrupted");
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
        return found;
    }

    /** One line: its type if it passes every check, else the first problem. */
    private Checked check(IParser parser, String line, CareClaims claims) {
        IBaseResource resource;
        try {
            resource = parser.parseResource(line);
        } catch (DataFormatException e) {
            return Checked.problem("not a FHIR resource: " + e.getMessage());
        }
        String problem = BulkRecordRules.problemWith(resource, storedTypes, claims, fhir);
        if (problem != null) {
            return Checked.problem(problem);
        }
        try {
            validation.check(resource);
        } catch (BaseServerResponseException e) {
            return Checked.problem(e.getMessage());
        }
        return new Checked(
                resource.fhirType(),
                resource.fhirType() + "/" + resource.getIdElement().getIdPart(),
                null);
    }

    /**
     * Pass 2: chunks of {@value #CHUNK} updates by id, each in one database transaction, type by type (a type
     * starts when the one before is written), {@code bulkWriters} at once within a type; a progress line per chunk
     * written, in order.
     * A chunk that fails is tried once more on its own (writes are idempotent; two writers can race to
     * create the same tag or reference target), then the load stops and says where.
     */
    private void write(ServletRequestDetails request, Map<String, Path> byType, long total, PrintWriter out)
            throws IOException {
        Requester requester = Requester.of(request);
        SecurityContext security = SecurityContextHolder.getContext();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long written = 0;
        long start = System.nanoTime();
        try {
            for (Map.Entry<String, Path> type : byType.entrySet()) {
                Deque<Map.Entry<List<String>, Future<String>>> inFlight = new ArrayDeque<>();
                // read as pass 1 read the body: only \n ends a line (a raw \r is JSON whitespace inside one)
                try (NdjsonLines reader =
                        new NdjsonLines(Files.newInputStream(type.getValue()), Integer.MAX_VALUE - 8, Long.MAX_VALUE)) {
                    List<String> chunk = new ArrayList<>(CHUNK);
                    String line;
                    boolean more = true;
                    while (more || !inFlight.isEmpty()) {
                        if (more) {
                            line = reader.next();
                            more = line != null;
                            if (more) {
                                chunk.add(line);
                            }
                            if (chunk.size() == CHUNK || !more && !chunk.isEmpty()) {
                                List<String> lines = chunk;
                                inFlight.add(Map.entry(
                                        lines,
                                        pool.submit(() -> writeChunk(requester.copyFor(request), security, lines))));
                                chunk = new ArrayList<>(CHUNK);
                            }
                        }
                        if (!inFlight.isEmpty() && (inFlight.size() > writers || !more)) {
                            var done = inFlight.poll();
                            String failure = await(done.getValue());
                            if (failure != null) {
                                failure = writeChunk(requester.copyFor(request), security, done.getKey());
                            }
                            if (failure != null) {
                                inFlight.forEach(f -> await(f.getValue()));
                                out.printf(
                                        "{\"outcome\":\"failed\",\"written\":%d,\"of\":%d,\"lines\":\"%s\",\"error\":%s}%n",
                                        written, total, lineRange(done.getKey()), quote(failure));
                                out.flush();
                                log.warn("bulk load failed after {} of {} resources: {}", written, total, failure);
                                return;
                            }
                            written += done.getKey().size();
                            out.printf(
                                    "{\"phase\":\"writing\",\"type\":\"%s\",\"written\":%d,\"of\":%d,\"perSecond\":%.1f}%n",
                                    type.getKey(), written, total, written / ((System.nanoTime() - start) / 1e9));
                            out.flush();
                        }
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        log.info(
                "bulk load: {} resources in {} s ({}/s)",
                written,
                String.format("%.1f", seconds),
                String.format("%.0f", written / seconds));
        out.printf(
                "{\"outcome\":\"complete\",\"written\":%d,\"seconds\":%.1f,\"perSecond\":%.1f}%n",
                written, seconds, written / seconds);
        out.flush();
    }

    private static String await(Future<String> chunk) {
        try {
            return chunk.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (ExecutionException e) {
            return String.valueOf(e.getCause());
        }
    }

    /**
     * One chunk, as the requester: written in one pass ({@link OnePassChunkWrite}), and if any record is refused
     * there, as one HAPI transaction from the lines again, whose refusal names the record. The failure's text, or
     * null.
     */
    private String writeChunk(ServletRequestDetails request, SecurityContext security, List<String> lines) {
        SecurityContext before = SecurityContextHolder.getContext();
        SecurityContextHolder.setContext(security);
        try {
            List<OnePassChunkWrite.Line> records = readAgain(request, lines);
            try {
                onePass.write(request, records);
                return null;
            } catch (RuntimeException refused) {
                log.info(
                        "a bulk load chunk is written as a transaction for HAPI's answer: {}",
                        OnePassChunkWrite.reason(refused));
            }
            records = readAgain(request, lines); // the attempt changed the records
            Bundle transaction = new Bundle().setType(Bundle.BundleType.TRANSACTION);
            for (OnePassChunkWrite.Line record : records) {
                String url = record.resource().fhirType() + "/"
                        + record.resource().getIdElement().getIdPart();
                transaction
                        .addEntry()
                        .setFullUrl(url)
                        .setResource(record.resource())
                        .getRequest()
                        .setMethod(Bundle.HTTPVerb.PUT)
                        .setUrl(url);
            }
            systemDao.transaction(request, transaction);
            return null;
        } catch (BaseServerResponseException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            // e.g. two writers racing to create the same tag; the response is already streaming, so say it there
            log.warn("bulk load chunk failed", e);
            return "the chunk could not be written (" + e.getClass().getSimpleName() + "; see the server log)";
        } finally {
            SecurityContextHolder.setContext(before);
        }
    }

    /**
     * The chunk's spooled lines read into records again, their rules applied again ({@link
     * BulkRecordRules#readAgain}): pass 1 checked this text and spooled it as sent.
     */
    private List<OnePassChunkWrite.Line> readAgain(ServletRequestDetails request, List<String> lines) {
        CareClaims claims = Requester.of(request).claims();
        List<OnePassChunkWrite.Line> records = new ArrayList<>(lines.size());
        for (String line : lines) {
            String json = line.substring(line.indexOf('\t') + 1);
            records.add(new OnePassChunkWrite.Line(BulkRecordRules.readAgain(json, storedTypes, claims, fhir), json));
        }
        return records;
    }

    private static String lineRange(List<String> chunk) {
        return chunk.get(0).substring(0, chunk.get(0).indexOf('\t')) + "-"
                + chunk.get(chunk.size() - 1)
                        .substring(0, chunk.get(chunk.size() - 1).indexOf('\t'));
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", " ") + "\"";
    }
}
