package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.batch2.api.ChunkExecutionDetails;
import ca.uhn.fhir.batch2.api.IJobDataSink;
import ca.uhn.fhir.batch2.api.IReductionStepWorker;
import ca.uhn.fhir.batch2.api.RunOutcome;
import ca.uhn.fhir.batch2.api.StepExecutionDetails;
import ca.uhn.fhir.batch2.model.ChunkOutcome;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The job's last step: the chunks' outcomes added up into the report the status endpoint answers with, each chunk
 * once. A chunk can reach here twice: a server killed after a step passed a chunk on but before it recorded the
 * step done has the step run again ({@link LostChunkRecovery}), and HAPI keeps both copies. The second writing
 * finds the records as the first left them (unchanged), so of two outcomes of one chunk the one that wrote more
 * is what happened.
 */
class CollectImportReport implements IReductionStepWorker<ImportJobParameters, ImportWork, ImportOutcome> {

    /** Called with the job's id once its report is made: its lines are no longer needed. */
    private final Consumer<String> reported;

    private final ImportOutcome report = new ImportOutcome();
    private final Map<String, ImportOutcome> byChunk = new LinkedHashMap<>();
    /** Rejected lines held for the report: past what it lists, a chunk's are let go as it arrives. */
    private int held;

    CollectImportReport(Consumer<String> reported) {
        this.reported = reported;
    }

    @Override
    public ChunkOutcome consume(ChunkExecutionDetails<ImportJobParameters, ImportWork> chunk) {
        ImportOutcome outcome = chunk.getData().getOutcome();
        if (outcome == null) {
            return ChunkOutcome.SUCCESS();
        }
        // counted still in the chunk's counts; the report lists no more than the first the chunks bring
        List<ImportOutcome.Rejected> rejected = outcome.getRejected();
        int room = Math.max(0, ImportOutcome.LISTED - held);
        if (rejected.size() > room) {
            rejected.subList(room, rejected.size()).clear();
        }
        held += rejected.size();
        if (outcome.getChunk() == null) {
            report.add(outcome);
        } else {
            byChunk.merge(
                    outcome.getChunk(), outcome, (kept, again) -> again.written() > kept.written() ? again : kept);
        }
        return ChunkOutcome.SUCCESS();
    }

    @Override
    public RunOutcome run(
            StepExecutionDetails<ImportJobParameters, ImportWork> details, IJobDataSink<ImportOutcome> sink) {
        byChunk.values().forEach(report::add);
        // listed in source order: the inputs as named, each by line (chunks finish in any order)
        List<String> urls = details.getParameters().getInputs().stream()
                .map(ImportJobParameters.Input::getUrl)
                .toList();
        report.getRejected()
                .sort(Comparator.comparingInt((ImportOutcome.Rejected r) -> urls.indexOf(r.getUrl()))
                        .thenComparingLong(ImportOutcome.Rejected::getLine));
        sink.accept(report);
        reported.accept(details.getInstance().getInstanceId());
        return RunOutcome.SUCCESS;
    }

    @Override
    public IReductionStepWorker<ImportJobParameters, ImportWork, ImportOutcome> newInstance() {
        return new CollectImportReport(reported);
    }
}
