package org.carerecord.benchmarks;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Fills the audit trail with millions of realistic AuditEvent rows, straight into monthly partitions, for
 * the search benchmark: going through ingest would take a quarter of an hour per 10 M rows and measure
 * nothing new. Each month is loaded into a bare table, indexed, then attached — how a bulk back-load
 * would be done. The rows carry no valid hash chain: run {@code verify} before this.
 */
final class SyntheticTrail {

    static final String HEAVY_PATIENT = "frequent-attender";

    private SyntheticTrail() {}

    /**
     * @param records     rows in all, spread evenly over {@code months} months before the current one
     * @param patients    patients the rows name, uniformly; one more, {@link #HEAVY_PATIENT}, is named by
     *                    one row in 2,000 (5,000 rows in 10 M): the worst case for a search
     */
    static void load(Connection owner, long records, int months, int patients) throws SQLException {
        LocalDate thisMonth = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1);
        long perMonth = records / months;
        try (Statement s = owner.createStatement()) {
            for (int m = months; m >= 1; m--) {
                LocalDate first = thisMonth.minusMonths(m);
                String name = "audit_event_" + first.getYear() + "_" + String.format("%02d", first.getMonthValue());
                s.execute("drop table if exists " + name);
                s.execute("create table " + name + " (like audit_event including defaults)");
                s.execute("""
                        insert into %s (seq, event_id, recorded, received_at, action, outcome, user_id, user_role,
                                        organisation, purpose, patient_ids, resource, prev_hash, hash)
                        select nextval('audit_event_seq_v3'), id, t, t, 'R', '0', 'user-' || (g %% 3000), 'R8000',
                               org, 'TREAT', array[patient], format(%s, id, to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'user-' || (g %% 3000), org, patient), '', ''
                        from generate_series(1, %d) g,
                             lateral (select md5(g::text || '%s') as id,
                                             timestamptz '%s 00:00:00+00' + ((g - 1)::float8 / %d)
                                                 * (timestamptz '%s 00:00:00+00' - timestamptz '%s 00:00:00+00') as t,
                                             (array['RTD','A81001','NENC-LA1','RR7','A82003'])[1 + g %% 5] as org,
                                             case when g %% 2000 = 0 then '%s'
                                                  else 'bench-' || (random() * %d)::int end as patient) x
                        """.formatted(
                                name,
                                RESOURCE,
                                perMonth,
                                name,
                                first,
                                perMonth,
                                first.plusMonths(1),
                                first,
                                HEAVY_PATIENT,
                                patients));
                s.execute("alter table " + name + " add primary key (seq, received_at)");
                s.execute("create index on " + name + " using gin (patient_ids)");
                s.execute("create index on " + name + " (recorded)");
                s.execute("create index on " + name + " (user_id, recorded)");
                s.execute(
                        "alter table audit_event attach partition %s for values from ('%s 00:00:00+00') to ('%s 00:00:00+00')"
                                .formatted(name, first, first.plusMonths(1)));
                s.execute("analyze " + name);
            }
        }
    }

    /** A read audited as fhir-server writes it (IHE BALP PatientRead), about 1.2 KB like the real ones. */
    private static final String RESOURCE = """
            '{"resourceType":"AuditEvent","id":"%s","meta":{"profile":["https://profiles.ihe.net/ITI/BALP/StructureDefinition/IHE.BasicAudit.PatientRead"]},\
            "type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},\
            "subtype":[{"system":"http://hl7.org/fhir/restful-interaction","code":"read"}],"action":"R","recorded":"%s","outcome":"0",\
            "agent":[{"type":{"coding":[{"system":"http://dicom.nema.org/resources/ontology/DCM","code":"110153"}]},"requestor":false,\
            "who":{"identifier":{"value":"fhir-server"}},"network":{"address":"10.0.0.1","type":"2"}},\
            {"requestor":true,"who":{"identifier":{"system":"https://care-record.example.org/Id/user","value":"%s"}},\
            "role":[{"coding":[{"system":"https://fhir.nhs.uk/Id/sds-role-code","code":"R8000"}]}],\
            "purposeOfUse":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"TREAT"}]}]},\
            {"requestor":false,"who":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"%s"}}}],\
            "source":{"observer":{"display":"fhir-server"}},\
            "entity":[{"what":{"reference":"Patient/%s"},"type":{"system":"http://terminology.hl7.org/CodeSystem/audit-entity-type","code":"1"}}]}'""";
}
