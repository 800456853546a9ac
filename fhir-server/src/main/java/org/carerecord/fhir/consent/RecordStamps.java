package org.carerecord.fhir.consent;

import java.sql.Timestamp;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * A cheap fingerprint of everything in a patient's record: how many records refer to the patient, the sum
 * of their version numbers and the newest change (read from HAPI's reference index and resource table, on
 * indexes HAPI keeps for its own searches). Any create, update or delete in the record, through any
 * fhir-server instance, changes it: a new record adds a reference, an update raises a version, a delete
 * removes the deleted record's references. Read by key only (the patient's links, then each record by its
 * id): an {@code or} of two {@code in} lists made PostgreSQL scan the whole resource table, 23 ms at 18,000
 * resources, growing with the region. Kept per resource type, so that what depends on one type's records
 * (a summary section) can tell whether those changed.
 */
@Repository
public class RecordStamps {

    /** The fingerprint, by resource type; equal stamps mean the record has not changed in between. */
    public record RecordStamp(Map<String, TypeStamp> byType) {

        public RecordStamp {
            byType = Map.copyOf(byType);
        }

        /** Whether this record's resources of that type are as they were at {@code other}. */
        public boolean sameFor(String type, RecordStamp other) {
            return Objects.equals(byType.get(type), other.byType.get(type));
        }
    }

    /** One type's share: how many of its records refer to the patient, their versions summed, the newest change. */
    public record TypeStamp(long records, long versions, Timestamp lastChange) {}

    private final JdbcTemplate jdbc;

    public RecordStamps(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public RecordStamp of(String patientId) {
        Map<String, TypeStamp> byType = new HashMap<>();
        jdbc.query(
                """
                with patient as (select res_id from hfj_resource where res_type = 'Patient' and fhir_id = ?),
                     members as (select res_id from patient
                                 union select l.src_resource_id from hfj_res_link l
                                       join patient p on l.target_resource_id = p.res_id)
                select r.res_type, count(*), coalesce(sum(r.res_ver), 0), max(r.res_updated)
                from members m join hfj_resource r on r.res_id = m.res_id
                group by r.res_type""",
                rs -> {
                    byType.put(rs.getString(1), new TypeStamp(rs.getLong(2), rs.getLong(3), rs.getTimestamp(4)));
                },
                patientId);
        return new RecordStamp(byType);
    }
}
