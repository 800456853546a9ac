package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.batch2.api.ChunkExecutionDetails;
import ca.uhn.fhir.batch2.api.IJobDataSink;
import ca.uhn.fhir.batch2.api.IReductionStepWorker;
import ca.uhn.fhir.batch2.api.RunOutcome;
import ca.uhn.fhir.batch2.api.StepExecutionDetails;
import ca.uhn.fhir.batch2.model.ChunkOutcome;

/** The job's last step: the chunks' outcomes added up into the report the status endpoint answers with. */
class CollectImportReport implements IReductionStepWorker<ImportJobParameters, ImportWork, ImportOutcome> {

    private final ImportOutcome report = new ImportOutcome();

    @Override
    public ChunkOutcome consume(ChunkExecutionDetails<ImportJobParameters, ImportWork> chunk) {
        if (chunk.getData().getOutcome() != null) {
            report.add(chunk.getData().getOutcome());
        }
        return ChunkOutcome.SUCCESS();
    }

    @Override
    public RunOutcome run(
            StepExecutionDetails<ImportJobParameters, ImportWork> details, IJobDataSink<ImportOutcome> sink) {
        sink.accept(report);
        return RunOutcome.SUCCESS;
    }

    @Override
    public IReductionStepWorker<ImportJobParameters, ImportWork, ImportOutcome> newInstance() {
        return new CollectImportReport();
    }
}
