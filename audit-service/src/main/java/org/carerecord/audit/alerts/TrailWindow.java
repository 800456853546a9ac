package org.carerecord.audit.alerts;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.carerecord.security.audit.AuditVocabulary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reads the trail for the alert rules: what arrived after a position, and one user's records in a window. */
@Repository
class TrailWindow {

    // the flags are kept as a record arrives; records stored before they were are read from their text
    private static final String COLUMNS = """
            seq, event_id, recorded, outcome, user_id, user_role, organisation, purpose, patient_ids,
            coalesce(stated_relationship, strpos(resource, :stated) > 0) as stated,
            coalesce(broke_glass, strpos(resource, :reason) > 0) as broke_glass
            """;

    /** What a counting rule counts, as a condition each served by its own partial index (V5). */
    enum Counted {
        REFUSALS("outcome <> '0'"),
        BREAK_GLASS("(broke_glass or (broke_glass is null and strpos(resource, :reason) > 0))");

        private final String condition;

        Counted(String condition) {
            this.condition = condition;
        }
    }

    static final int MOST = 5_000;

    private final JdbcClient jdbc;

    public TrailWindow(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Records after {@code seq}, in chain order. */
    public List<TrailRecord> after(long seq, int limit) {
        return jdbc.sql("select " + COLUMNS + " from audit_event where seq > :seq order by seq limit :limit")
                .param("stated", AuditVocabulary.CLAIMED_RELATIONSHIP_EXTENSION)
                .param("reason", AuditVocabulary.BREAK_GLASS_REASON_EXTENSION)
                .param("seq", seq)
                .param("limit", limit)
                .query(TrailWindow::record)
                .list();
    }

    /**
     * One user's records of one counted kind recorded in {@code (from, to]}, oldest first (at most the newest
     * {@value #MOST}): read through that kind's own index, so a user's ordinary views, however many, are not read.
     */
    public List<TrailRecord> ofUser(String userId, Counted counted, Instant from, Instant to) {
        return jdbc.sql("select * from (select " + COLUMNS + """
                         from audit_event where user_id = :user and recorded > :from and recorded <= :to and """
                        + " " + counted.condition + " order by recorded desc, seq desc limit " + MOST
                        + ") newest order by recorded, seq")
                .param("stated", AuditVocabulary.CLAIMED_RELATIONSHIP_EXTENSION)
                .param("reason", AuditVocabulary.BREAK_GLASS_REASON_EXTENSION)
                .param("user", userId)
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .query(TrailWindow::record)
                .list();
    }

    /** How many of a user's views fell in each local hour of the day, over {@code (from, to]}. */
    public long[] hoursOfDay(String userId, Instant from, Instant to, String zone) {
        long[] hours = new long[24];
        jdbc.sql("""
                select extract(hour from recorded at time zone :zone)::int as hour, count(*) as views
                from audit_event where user_id = :user and recorded > :from and recorded <= :to and outcome = '0'
                group by 1""")
                .param("zone", zone)
                .param("user", userId)
                .param("from", Timestamp.from(from))
                .param("to", Timestamp.from(to))
                .query(rs -> {
                    hours[rs.getInt("hour")] = rs.getLong("views");
                });
        return hours;
    }

    private static TrailRecord record(ResultSet rs, int row) throws SQLException {
        Array patients = rs.getArray("patient_ids");
        return new TrailRecord(
                rs.getLong("seq"),
                rs.getString("event_id"),
                rs.getTimestamp("recorded").toInstant(),
                rs.getString("outcome"),
                rs.getString("user_id"),
                rs.getString("user_role"),
                rs.getString("organisation"),
                rs.getString("purpose"),
                patients == null ? List.of() : List.of((String[]) patients.getArray()),
                rs.getBoolean("stated"),
                rs.getBoolean("broke_glass"));
    }
}
