package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import ca.uhn.fhir.batch2.model.StatusEnum;
import java.util.Set;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Moves imports on promptly. HAPI's batch2 queues a new job's first chunk, and retries a chunk, in a maintenance
 * pass it schedules once a minute (so a one-line import took a minute before it began); while an import is
 * active a pass is asked for every second (a no-op when one is running; needs job fast-tracking, on in
 * {@code JpaServerConfig}, which also moves a job to its next step as soon as a step is done).
 */
@Component
class ImportJobPacer {

    private static final Set<StatusEnum> ACTIVE =
            Set.of(StatusEnum.QUEUED, StatusEnum.IN_PROGRESS, StatusEnum.FINALIZE, StatusEnum.ERRORED);

    private final IJobCoordinator jobs;
    private final IJobMaintenanceService maintenance;

    ImportJobPacer(IJobCoordinator jobs, IJobMaintenanceService maintenance) {
        this.jobs = jobs;
        this.maintenance = maintenance;
    }

    @Scheduled(fixedDelayString = "${care.fhir.import.pace:1s}")
    void advanceActiveImports() {
        if (!jobs.getJobInstancesByJobDefinitionIdAndStatuses(BulkImportJob.JOB, ACTIVE, 1, 0)
                .isEmpty()) {
            maintenance.triggerMaintenancePass();
        }
    }
}
