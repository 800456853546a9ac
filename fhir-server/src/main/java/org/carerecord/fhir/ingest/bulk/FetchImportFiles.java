package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.batch2.api.IFirstJobStepWorker;
import ca.uhn.fhir.batch2.api.IJobDataSink;
import ca.uhn.fhir.batch2.api.JobExecutionFailedException;
import ca.uhn.fhir.batch2.api.RunOutcome;
import ca.uhn.fhir.batch2.api.StepExecutionDetails;
import ca.uhn.fhir.batch2.api.VoidModel;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.carerecord.fhir.ingest.NdjsonLines;
import org.carerecord.security.token.CareClaims;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The job's first step: each source read once, in the order the inputs were sorted (referenced types first),
 * cut into chunks of {@value #LINES_PER_CHUNK} lines that keep their line numbers. HAPI stores the chunks with
 * the job, so a restarted server carries on from the chunks not yet written.
 */
class FetchImportFiles implements IFirstJobStepWorker<ImportJobParameters, ImportWork> {

    private static final Logger LOG = LoggerFactory.getLogger(FetchImportFiles.class);
    static final int LINES_PER_CHUNK = 500;

    private final ImportSources sources;
    private final ImportChunkStore chunks;
    private final int maxLineChars;

    /** A chunk is passed on once past this many characters: at most this plus one line (max-body) is held. */
    static final int MAX_CHUNK_CHARS = 8 * 1024 * 1024;

    /** How often a reading says it is alive (LostChunkRecovery restarts a reading that stopped doing so). */
    private final Duration beatEvery;

    /**
     * One thread for every reading's sign of life: it beats while the reading waits on a silent source, and stops
     * with the server (whose readings are then taken for lost).
     */
    private static final ScheduledExecutorService BEAT = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "import-reading-alive");
        thread.setDaemon(true);
        return thread;
    });

    FetchImportFiles(ImportSources sources, ImportChunkStore chunks, int maxLineChars, Duration beatEvery) {
        this.sources = sources;
        this.chunks = chunks;
        this.maxLineChars = maxLineChars;
        this.beatEvery = beatEvery;
    }

    @Override
    public RunOutcome run(StepExecutionDetails<ImportJobParameters, VoidModel> details, IJobDataSink<ImportWork> sink) {
        String reading = details.getChunkId();
        ScheduledFuture<?> alive = BEAT.scheduleWithFixedDelay(
                () -> {
                    try {
                        chunks.stillReading(reading);
                    } catch (RuntimeException missed) {
                        LOG.warn("could not mark import reading {} alive: {}", reading, missed.toString());
                    }
                },
                0,
                beatEvery.toMillis(),
                TimeUnit.MILLISECONDS);
        try {
            return read(details, sink);
        } finally {
            alive.cancel(false);
        }
    }

    private RunOutcome read(
            StepExecutionDetails<ImportJobParameters, VoidModel> details, IJobDataSink<ImportWork> sink) {
        int lines = 0;
        String job = details.getInstance().getInstanceId();
        String organisation =
                CareClaims.from(details.getParameters().importerToken()).organisation();
        List<ImportJobParameters.Input> inputs = details.getParameters().getInputs();
        RecordLines records = new RecordLines(
                inputs.stream().map(ImportJobParameters.Input::getUrl).toList());
        for (int index = 0; index < inputs.size(); index++) {
            ImportJobParameters.Input input = inputs.get(index);
            try (NdjsonLines reader = new NdjsonLines(
                    gunzipped(sources.open(organisation, input.getUrl())), maxLineChars, Long.MAX_VALUE)) {
                StringBuilder chunk = new StringBuilder();
                long first = 1;
                int inChunk = 0;
                String line;
                while ((line = reader.next()) != null) {
                    long number = reader.number();
                    if (line.isBlank()) {
                        continue;
                    }
                    if (inChunk == 0) {
                        first = number;
                    }
                    // the line number travels with the line: blank lines are skipped but still counted
                    String refused = refusedWhileReading(records, index, number, line);
                    if (refused == null) {
                        chunk.append(number).append('\t').append(line.strip()).append('\n');
                    } else {
                        chunk.append(ImportChunk.refusedLine(number, refused)).append('\n');
                    }
                    lines++;
                    // a chunk is held whole in memory and in one row: bounded in characters as well as lines
                    if (++inChunk == LINES_PER_CHUNK || chunk.length() > MAX_CHUNK_CHARS) {
                        pass(job, new ImportChunk(input.getType(), input.getUrl(), first), chunk, sink);
                        chunk.setLength(0);
                        inChunk = 0;
                    }
                }
                if (inChunk > 0) {
                    pass(job, new ImportChunk(input.getType(), input.getUrl(), first), chunk, sink);
                }
            } catch (IOException | InvalidRequestException e) {
                // unreadable, or no longer allowed (the allow-list or the file changed since the job started)
                throw new JobExecutionFailedException(
                        BulkImportOperations.TOLD_TO_CLIENT + "could not read " + input.getUrl() + ": "
                                + e.getMessage(),
                        e);
            }
        }
        return new RunOutcome(lines);
    }

    /** Why a line is refused as read, before any parsing: null for one to write. */
    private static String refusedWhileReading(RecordLines records, int input, long number, String line) {
        if (line.indexOf('\u0000') >= 0) {
            return ImportChunk.RAW_NUL;
        }
        String unreadable = NdjsonLines.unreadable(line);
        return unreadable != null ? "not a FHIR resource: " + unreadable : records.again(input, number, line);
    }

    private void pass(String job, ImportChunk chunk, CharSequence lines, IJobDataSink<ImportWork> sink) {
        chunks.keep(job, chunk.id(), lines.toString());
        sink.accept(ImportWork.toWrite(chunk));
    }

    /** Sources may be gzipped (the usual way to ship NDJSON): recognised by their first two bytes. */
    private static InputStream gunzipped(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw);
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        return first == 0x1f && second == 0x8b ? new GZIPInputStream(in) : in;
    }
}
