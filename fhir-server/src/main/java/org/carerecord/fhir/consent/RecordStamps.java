package org.carerecord.fhir.consent;

import java.sql.Timestamp;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * A cheap fingerprint of everything in a patient's record: how many records refer to the patient, the sum
 * of their version numbers and the newest change (read from HAPI's reference index and resource table, on
 * indexes HAPI keeps for its own searches). Any create, update or delete in the record, through any
 * fhir-server instance, changes it: a new record adds a reference, an update raises a version, a delete
 * removes the deleted record's references.
 */
@Repository
public class RecordStamps {

    /** The fingerprint; equal stamps mean the record has not changed in between. */
    public record RecordStamp(long records, long versions, Timestamp lastChange) {
    }

    private final JdbcTemplate jdbc;

    public RecordStamps(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public RecordStamp of(String patientId) {
        return jdbc.queryForObject("""
                with patient as (select res_id from hfj_resource where res_type = 'Patient' and fhir_id = ?)
                select count(*), coalesce(sum(r.res_ver), 0), max(r.res_updated) from hfj_resource r
                where r.res_id in (select res_id from patient)
                   or r.res_id in (select l.src_resource_id from hfj_res_link l
                                   where l.target_resource_id in (select res_id from patient))""",
                (rs, n) -> new RecordStamp(rs.getLong(1), rs.getLong(2), rs.getTimestamp(3)), patientId);
    }
}
