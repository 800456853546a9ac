package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Sends again the import chunks a server took down with it. HAPI's batch2 keeps every chunk in PostgreSQL but
 * hands it to a worker through an in-memory queue, and expects a durable broker to redeliver: a fhir-server
 * killed mid-import lost the chunks it had queued or was writing, and the job stayed "in progress" for good (a
 * region import found it hours later; {@code JobPacer} kept asking for a maintenance pass every second for it).
 *
 * <p>When no import chunk anywhere has changed for {@code care.fhir.import.stalled-after}, no server is working on
 * imports: the write steps' chunks still queued, running or failed-for-retry then go back to READY, and HAPI's
 * maintenance pass queues them again. Judged across all imports, not per job, so a job waiting its turn behind
 * another's chunks is not taken for lost. Writing a chunk again is harmless: a line whose record is as an import
 * left it is counted unchanged ({@link ImportDigests}). Not recovered: a job lost while still reading its sources
 * (the first step, which takes moments); its chunks are not all known, and reading again would make duplicates.
 */
@Component
class LostChunkRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LostChunkRecovery.class);

    private final JdbcTemplate jdbc;
    private final IJobMaintenanceService maintenance;
    private final Duration stalledAfter;

    LostChunkRecovery(
            JdbcTemplate jdbc,
            IJobMaintenanceService maintenance,
            @Value("${care.fhir.import.stalled-after:2m}") Duration stalledAfter) {
        this.jdbc = jdbc;
        this.maintenance = maintenance;
        this.stalledAfter = stalledAfter;
    }

    @Scheduled(
            fixedDelayString = "${care.fhir.import.stall-check:10s}",
            initialDelayString = "${care.fhir.import.stall-check:10s}")
    void requeueLostChunks() {
        // HAPI writes these times from this JVM's clock: compared with a time from the same clock, not now()
        Timestamp quietSince = Timestamp.from(Instant.now().minus(stalledAfter));
        int requeued = jdbc.update(
                """
                update bt2_work_chunk c set stat = 'READY', update_time = ?
                where c.stat in ('QUEUED', 'IN_PROGRESS', 'ERRORED') and c.tgt_step_id like 'write-%'
                  and c.instance_id in (select i.id from bt2_job_instance i
                                        where i.definition_id = ? and i.stat in ('IN_PROGRESS', 'ERRORED')
                                          and not i.job_cancelled)
                  and not exists (select 1 from bt2_work_chunk w join bt2_job_instance j on j.id = w.instance_id
                                  where j.definition_id = ? and w.update_time >= ?)""", new Timestamp(System.currentTimeMillis()), BulkImportJob.JOB, BulkImportJob.JOB, quietSince);
        if (requeued > 0) {
            LOG.warn(
                    "{} import chunk(s) queued or being written had not moved for {}: a server stopped with them;"
                            + " queued again",
                    requeued,
                    stalledAfter);
            maintenance.triggerMaintenancePass();
        }
    }
}
