package org.carerecord.fhir.ingest.bulk;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.batch2.api.ChunkExecutionDetails;
import ca.uhn.fhir.batch2.api.IJobDataSink;
import ca.uhn.fhir.batch2.api.IWarningProcessor;
import ca.uhn.fhir.batch2.api.StepExecutionDetails;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.WorkChunkData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollectImportReportTest {

    private static final String SOURCE = "file:///imports/patients.ndjson";

    /** The jobs whose report was made (their chunks' lines are then let go). */
    private final List<String> reported = new ArrayList<>();

    @Test
    void aChunkThatReachesTheReportTwiceIsCountedOnceAsItsFirstWritingLeftIt() {
        CollectImportReport collect = new CollectImportReport(reported::add);
        // the first writing created 500 records; the server was killed before it recorded the step done, and the
        // step's second run found them as the first left them
        collect.consume(details(outcome(chunk(1), 500, 0, 0)));
        collect.consume(details(outcome(chunk(501), 480, 0, 20)));
        collect.consume(details(outcome(chunk(1), 0, 500, 0)));

        ImportOutcome.Counts counts = report(collect).getSources().get(SOURCE);
        assertThat(counts.created).isEqualTo(980);
        assertThat(counts.unchanged).isZero();
        assertThat(counts.rejected).isEqualTo(20);
        assertThat(counts.stored()).as("each line of the 1,000 once").isEqualTo(980);
        assertThat(reported)
                .as("the job's lines are let go once it has its report")
                .containsExactly("job");
    }

    @Test
    void theSecondWritingIsKeptWhenItIsTheOneThatWrote() {
        CollectImportReport collect = new CollectImportReport(reported::add);
        collect.consume(details(outcome(chunk(1), 0, 500, 0)));
        collect.consume(details(outcome(chunk(1), 500, 0, 0)));

        assertThat(report(collect).getSources().get(SOURCE).created).isEqualTo(500);
    }

    @Test
    void oneUrlNamedByTwoInputsOfDifferentTypesIsCountedForBoth() {
        CollectImportReport collect = new CollectImportReport(reported::add);
        collect.consume(details(outcome(chunk(1), 500, 0, 0)));
        collect.consume(details(outcome(new ImportChunk("Condition", SOURCE, 1), 0, 0, 500)));

        ImportOutcome.Counts counts = report(collect).getSources().get(SOURCE);
        assertThat(counts.created).isEqualTo(500);
        assertThat(counts.rejected).isEqualTo(500);
    }

    @Test
    void aReportListsAtMostItsLimitOfRejectedLinesInSourceOrderAndCountsThemAll() {
        CollectImportReport collect = new CollectImportReport(reported::add);
        // chunks of 300 rejected lines (the limit falls inside one), finishing last first
        int chunks = 2 * ImportOutcome.LISTED / 300 + 3;
        for (int c = chunks - 1; c >= 0; c--) {
            ImportOutcome outcome = outcome(chunk(1 + 500L * c), 200, 0, 300);
            for (int line = 0; line < 300; line++) {
                outcome.getRejected()
                        .add(new ImportOutcome.Rejected(SOURCE, 1 + 500L * c + line, null, "not a FHIR resource"));
            }
            collect.consume(details(outcome));
        }

        ImportOutcome report = report(collect);
        assertThat(report.rejectedLines()).isEqualTo(300 * chunks);
        assertThat(report.getRejected()).hasSize(ImportOutcome.LISTED);
        assertThat(report.getRejected())
                .as("in source order")
                .isSortedAccordingTo(java.util.Comparator.comparingLong(ImportOutcome.Rejected::getLine));
    }

    private static ImportChunk chunk(long firstLine) {
        return new ImportChunk("Patient", SOURCE, firstLine);
    }

    private static ImportOutcome outcome(ImportChunk chunk, int created, int unchanged, int rejected) {
        ImportOutcome outcome = ImportOutcome.of(chunk);
        ImportOutcome.Counts counts = outcome.countsFor(chunk.getUrl(), chunk.getType());
        counts.created = created;
        counts.unchanged = unchanged;
        counts.rejected = rejected;
        return outcome;
    }

    private static ChunkExecutionDetails<ImportJobParameters, ImportWork> details(ImportOutcome outcome) {
        return new ChunkExecutionDetails<>(ImportWork.written(outcome), new ImportJobParameters(), "job", "chunk");
    }

    private static ImportOutcome report(CollectImportReport collect) {
        List<ImportOutcome> reports = new ArrayList<>();
        JobInstance job = new JobInstance();
        job.setInstanceId("job");
        collect.run(
                StepExecutionDetails.createReductionStepDetails(new ImportJobParameters(), null, job, null),
                new IJobDataSink<>() {
                    @Override
                    public void accept(WorkChunkData<ImportOutcome> data) {
                        reports.add(data.getData());
                    }

                    @Override
                    public void recoveredError(String message) {}

                    @Override
                    public void setWarningProcessor(IWarningProcessor processor) {}
                });
        assertThat(reports).hasSize(1);
        return reports.get(0);
    }
}
