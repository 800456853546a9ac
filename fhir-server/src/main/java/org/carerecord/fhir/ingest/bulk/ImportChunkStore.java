package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.batch2.api.JobExecutionFailedException;
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

    String lines(String job, String chunk) {
        List<String> lines = jdbc.queryForList(
                "select ndjson from care.import_chunk where instance_id = ? and chunk = ?", String.class, job, chunk);
        if (lines.isEmpty()) {
            // only a job that has ended has its lines removed: nothing left to write them for
            throw new JobExecutionFailedException("the lines of " + chunk + " are no longer held; the job has ended");
        }
        return lines.get(0);
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
        return jdbc.update("""
                delete from care.import_chunk c
                where not exists (select 1 from bt2_job_instance i
                                  where i.id = c.instance_id
                                    and i.stat in ('QUEUED', 'IN_PROGRESS', 'FINALIZE', 'ERRORED')
                                    and not i.job_cancelled)""");
    }
}
