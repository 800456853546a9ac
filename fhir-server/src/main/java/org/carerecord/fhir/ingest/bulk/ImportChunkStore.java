package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.batch2.api.JobExecutionFailedException;
import java.sql.Timestamp;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The lines of each chunk of a running import, kept once from when its sources are read until its report. HAPI's
 * batch2 passes a step's output to the next as a stored unit of work: a chunk of lines passed on by every tier
 * before its own was stored and read again each time (a chunk of ExplanationOfBenefit nine times; by JFR ~7 % of
 * an import's CPU, and most of a re-import's time). The work passed on now names its chunk instead. Lines of a
 * job that ended otherwise than by its report (cancelled, failed) are removed by {@link #removeEnded}.
 */
@Component
class ImportChunkStore {

    /**
     * A job of HAPI's still running, as {@code i}: its lines are held while this holds, so a chunk that finds none
     * where it holds is a fault, and where it does not, a copy left after its job ended.
     */
    private static final String RUNNING =
            "i.stat in ('QUEUED', 'IN_PROGRESS', 'FINALIZE', 'ERRORED') and not i.job_cancelled";

    private final JdbcTemplate jdbc;

    ImportChunkStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Keeps a chunk's lines (again, if the first step runs twice after a restart: the same lines). */
    void keep(String job, String chunk, String ndjson) {
        jdbc.update("""
                insert into care.import_chunk (instance_id, chunk, ndjson) values (?, ?, ?)
                on conflict (instance_id, chunk) do update set ndjson = excluded.ndjson""", job, chunk, ndjson);
    }

    /**
     * The chunk's lines; null when its job has ended (reported, cancelled or failed) and they were let go: a stray
     * copy of a chunk written again after a kill ({@link LostChunkRecovery}) finds nothing left to write. Missing
     * lines of a job still running are a fault, and fail the chunk: never a chunk quietly written as empty.
     */
    String lines(String job, String chunk) {
        List<String> lines = jdbc.queryForList(
                "select ndjson from care.import_chunk where instance_id = ? and chunk = ?", String.class, job, chunk);
        if (!lines.isEmpty()) {
            return lines.get(0);
        }
        Boolean ended = jdbc.queryForObject(
                "select not exists (select 1 from bt2_job_instance i where i.id = ? and " + RUNNING + ")",
                Boolean.class,
                job);
        if (Boolean.TRUE.equals(ended)) {
            return null;
        }
        throw new JobExecutionFailedException("the lines of " + chunk + " are not held, and its job is still running");
    }

    /**
     * Whether another chunk of this job's step is still to be written or being written: a record one of them holds
     * may yet come for a line of this chunk that refers to it.
     */
    boolean othersStillWriting(String job, String step, String chunk) {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                select exists (select 1 from bt2_work_chunk where instance_id = ? and tgt_step_id = ? and id <> ?
                  and stat in ('GATE_WAITING', 'READY', 'QUEUED', 'POLL_WAITING', 'IN_PROGRESS', 'ERRORED'))""", Boolean.class, job, step, chunk));
    }

    /**
     * A job's reading of its sources is alive (its work chunk's time moved on), however long a source keeps it
     * waiting: {@link LostChunkRecovery} takes a reading whose chunk has not moved for its limit for lost.
     */
    void stillReading(String workChunk) {
        jdbc.update(
                "update bt2_work_chunk set update_time = ? where id = ? and stat = 'IN_PROGRESS'",
                new Timestamp(System.currentTimeMillis()),
                workChunk);
    }

    /** The job has its report: its lines are written or rejected, and patient data is not kept past its use. */
    void forget(String job) {
        jdbc.update("delete from care.import_chunk where instance_id = ?", job);
    }

    /** Lines of jobs no longer running (cancelled, failed, or purged by HAPI) are removed. */
    @Scheduled(
            fixedDelayString = "${care.fhir.import.chunk-sweep:10m}",
            initialDelayString = "${care.fhir.import.chunk-sweep:10m}")
    int removeEnded() {
        return jdbc.update("delete from care.import_chunk c where not exists (select 1 from bt2_job_instance i"
                + " where i.id = c.instance_id and " + RUNNING + ")");
    }
}
