package org.carerecord.consent.whatif;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Proposed changes to the role policy: stored as proposed, replayed, then approved or rejected once, with a note. */
@Repository
class PolicyProposals {

    /** One proposal; {@code simulation} is its last what-if replay (null until replayed). */
    record Proposal(
            UUID id,
            String title,
            String rationale,
            String proposedBy,
            Instant proposedAt,
            String baseVersion,
            JsonNode policy,
            String status,
            String decidedBy,
            Instant decidedAt,
            String decisionNote,
            JsonNode simulation,
            Instant simulatedAt) {}

    private static final String SELECT = """
            select id, title, rationale, proposed_by, proposed_at, base_version, policy::text, status, decided_by,
                   decided_at, decision_note, simulation::text, simulated_at
            from policy_proposal""";

    private final JdbcClient jdbc;
    private final ObjectMapper json;

    PolicyProposals(JdbcClient jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    UUID propose(String title, String rationale, String by, String baseVersion, JsonNode policy) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                        insert into policy_proposal (id, title, rationale, proposed_by, base_version, policy)
                        values (?, ?, ?, ?, ?, cast(? as jsonb))""")
                .params(id, title, rationale, by, baseVersion, write(policy))
                .update();
        return id;
    }

    List<Proposal> list() {
        return jdbc.sql(SELECT + " order by proposed_at desc limit 200")
                .query(this::row)
                .list();
    }

    Optional<Proposal> find(UUID id) {
        return jdbc.sql(SELECT + " where id = ?").param(id).query(this::row).optional();
    }

    void simulated(UUID id, WhatIfReport report) {
        jdbc.sql("update policy_proposal set simulation = cast(? as jsonb), simulated_at = now() where id = ?")
                .params(write(report), id)
                .update();
    }

    /** @return false if it was decided already (by someone else, a moment ago) */
    boolean decide(UUID id, String status, String by, String note) {
        return jdbc.sql("""
                        update policy_proposal set status = ?, decided_by = ?, decided_at = now(), decision_note = ?
                        where id = ? and status = 'proposed'""").params(status, by, note, id).update() == 1;
    }

    private Proposal row(ResultSet rs, int n) throws SQLException {
        return new Proposal(
                rs.getObject(1, UUID.class),
                rs.getString(2),
                rs.getString(3),
                rs.getString(4),
                rs.getTimestamp(5).toInstant(),
                rs.getString(6),
                read(rs.getString(7)),
                rs.getString(8),
                rs.getString(9),
                rs.getTimestamp(10) == null ? null : rs.getTimestamp(10).toInstant(),
                rs.getString(11),
                read(rs.getString(12)),
                rs.getTimestamp(13) == null ? null : rs.getTimestamp(13).toInstant());
    }

    private JsonNode read(String text) {
        try {
            return text == null ? null : json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
