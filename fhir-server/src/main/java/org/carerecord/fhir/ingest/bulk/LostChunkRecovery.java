package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.batch2.api.IJobMaintenanceService;
import java.lang.management.ManagementFactory;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Sends again the import chunks a server took down with it. HAPI's batch2 keeps every chunk in PostgreSQL but
 * hands it to a worker through an in-memory queue, and expects a durable broker to redeliver: a fhir-server
 * killed mid-import lost the chunks it had queued or was writing, and the job stayed "in progress" for good (a
 * region import found it hours later; {@code JobPacer} kept asking for a maintenance pass every second for it).
 *
 * <p>A chunk is taken for lost when it is still queued, being written or failed-for-retry, its times are all from
 * before this server started (so this server neither made nor took it up; HAPI queues a chunk without setting a
 * time, so one made before and queued since counts as old), no import chunk anywhere has been created, taken up
 * or finished for {@code care.fhir.import.stalled-after}, and none taken up since this server started is still
 * being written (a long chunk of its own, with more queued behind it, is not a stall). Such chunks go back to
 * READY and HAPI's maintenance pass queues them again. Judged across all imports, not per job, so a job waiting
 * its turn behind another's chunks is not taken for lost. Writing a chunk again while its first writing is still
 * running is what this avoids: in a gated job the later copy can leave a stray chunk behind the next gate. A
 * chunk written again after its server died is counted once ({@link CollectImportReport}). (HAPI moves chunks
 * between states without touching {@code update_time}: activity is read from the creation, start and end times.)
 *
 * <p>A job lost while still reading its sources (the first step: moments for a file, as long as the source takes
 * for an HTTP one, during which the reading marks its chunk alive every quarter of the limit) starts again from
 * its sources: the chunks its first reading made, not all known, are removed
 * with their lines, and the first step is queued again; what was read is read again, and as writes are by id, what
 * of it was written is found unchanged. Not recovered: with replicas, chunks of a replica that died after the
 * checking one started, until a server that started after them checks.
 */
@Component
class LostChunkRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LostChunkRecovery.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final IJobMaintenanceService maintenance;
    private final Duration stalledAfter;
    /** When this JVM started: no chunk with all its times before then was made or taken up by this server. */
    private final Timestamp started =
            new Timestamp(ManagementFactory.getRuntimeMXBean().getStartTime());

    LostChunkRecovery(
            JdbcTemplate jdbc,
            TransactionTemplate transaction,
            IJobMaintenanceService maintenance,
            @Value("${care.fhir.import.stalled-after:2m}") Duration stalledAfter) {
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.maintenance = maintenance;
        this.stalledAfter = stalledAfter;
    }

    /** Chunks ({@code c}) a server stopped with: see the class's comment; parameters from {@link #lostArguments}. */
    private static final String LOST = """
            c.stat in ('QUEUED', 'IN_PROGRESS', 'ERRORED')
              and greatest(c.create_time, c.start_time, c.update_time) < ?
              and c.instance_id in (select i.id from bt2_job_instance i
                                    where i.definition_id = ? and i.stat in ('QUEUED', 'IN_PROGRESS', 'ERRORED')
                                      and not i.job_cancelled)
              and not exists (select 1 from bt2_work_chunk w join bt2_job_instance j on j.id = w.instance_id
                              where j.definition_id = ?
                                and (greatest(w.create_time, w.start_time, w.end_time, w.update_time) >= ?
                                     or w.stat = 'IN_PROGRESS' and w.start_time >= ?))""";

    private Object[] lostArguments(Object... before) {
        // HAPI writes these times from this JVM's clock: compared with a time from the same clock, not now()
        Timestamp quietSince = Timestamp.from(Instant.now().minus(stalledAfter));
        List<Object> arguments = new ArrayList<>(List.of(before));
        arguments.addAll(List.of(started, BulkImportJob.JOB, BulkImportJob.JOB, quietSince, started));
        return arguments.toArray();
    }

    @Scheduled(
            fixedDelayString = "${care.fhir.import.stall-check:10s}",
            initialDelayString = "${care.fhir.import.stall-check:10s}")
    void requeueLostChunks() {
        // marked as this server's: queued again here, they are never taken for lost by it again
        Timestamp now = new Timestamp(System.currentTimeMillis());
        List<String> rereading = jdbc.queryForList(
                "select c.instance_id from bt2_work_chunk c where c.tgt_step_id = 'read-sources' and " + LOST,
                String.class,
                lostArguments());
        List<String> reread = new ArrayList<>();
        for (String job : rereading) {
            // what the lost first reading made goes, all at once: reading again makes every chunk afresh. Only if the
            // reading is still as found (not finished meanwhile, not taken by another server checking at once)
            Boolean again = transaction.execute(status -> {
                if (jdbc.update(
                                "update bt2_work_chunk c set stat = 'READY', update_time = ? where c.instance_id = ?"
                                        + " and c.tgt_step_id = 'read-sources' and " + LOST,
                                lostArguments(now, job))
                        != 1) {
                    return false;
                }
                jdbc.update("delete from bt2_work_chunk where instance_id = ? and tgt_step_id <> 'read-sources'", job);
                jdbc.update("delete from care.import_chunk where instance_id = ?", job);
                return true;
            });
            if (Boolean.TRUE.equals(again)) {
                reread.add(job);
            }
        }
        int requeued = reread.size()
                + jdbc.update(
                        "update bt2_work_chunk c set stat = 'READY', update_time = ? where c.tgt_step_id like 'write-%'"
                                + " and " + LOST,
                        lostArguments(now));
        if (!reread.isEmpty()) {
            LOG.warn("import job(s) {} stopped while reading their sources: reading them again", reread);
        }
        if (requeued > 0) {
            LOG.warn(
                    "{} import chunk(s) queued or being written had not moved, nor any other, for {}: a server stopped"
                            + " with them; queued again",
                    requeued,
                    stalledAfter);
            maintenance.triggerMaintenancePass();
        }
    }
}
