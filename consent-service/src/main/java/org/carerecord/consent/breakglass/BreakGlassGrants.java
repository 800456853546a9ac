package org.carerecord.consent.breakglass;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.carerecord.consent.changes.DecisionChanges;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.BreakGlassGrant;
import org.carerecord.security.decision.DecisionFeed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Break-glass overrides: recorded once when a user states a reason, then covering the same user and
 * patient for the policy's window. Every grant raises an alert (a WARN line for log alerting and a place
 * in the review queue) until a privacy officer reviews it.
 */
@Repository
public class BreakGlassGrants {

    private static final Logger alerts = LoggerFactory.getLogger("care.alert.break-glass");

    private final JdbcClient jdbc;
    private final DecisionChanges changes;

    public BreakGlassGrants(JdbcClient jdbc, DecisionChanges changes) {
        this.jdbc = jdbc;
        this.changes = changes;
    }

    /** The grant still covering this user and patient, if any. */
    public Optional<BreakGlassGrant> active(String subject, String patientId, Instant now) {
        return jdbc.sql(
                        SELECT
                                + " where g.subject = ? and g.patient_id = ? and g.expires_at > ? order by g.granted_at desc limit 1")
                .params(subject, patientId, Timestamp.from(now))
                .query(BreakGlassGrants::row)
                .optional();
    }

    public BreakGlassGrant grant(AccessRequest request, String decisionId, Duration window, Instant now) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into break_glass (id, subject, nhs_role, organisation, patient_id, purpose, reason, decision_id,
                                         granted_at, expires_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(
                        id,
                        request.subject(),
                        request.nhsRole(),
                        request.organisation(),
                        request.patientId(),
                        request.purposeOfUse(),
                        request.breakGlassReason(),
                        decisionId,
                        Timestamp.from(now),
                        Timestamp.from(now.plus(window)))
                .update();
        changes.patientChanged(request.patientId()); // this user's next decisions for the patient differ
        changes.awaitEvicted(DecisionFeed.EVICTION_WAIT); // inside the emergency request's decision: short
        alerts.warn(
                "BREAK-GLASS by {} ({} at {}) for patient {}: \"{}\" — awaiting privacy officer review (id {})",
                request.subject(),
                request.nhsRole(),
                request.organisation(),
                request.patientId(),
                request.breakGlassReason(),
                id);
        return active(request.subject(), request.patientId(), now).orElseThrow();
    }

    /** The review queue: newest first; {@code unreviewedOnly} leaves out what has been reviewed. */
    public List<BreakGlassGrant> queue(boolean unreviewedOnly, int limit) {
        return jdbc.sql(SELECT + (unreviewedOnly ? " where r.break_glass_id is null" : "")
                        + " order by g.granted_at desc limit ?")
                .param(limit)
                .query(BreakGlassGrants::row)
                .list();
    }

    public Optional<BreakGlassGrant> find(UUID id) {
        return jdbc.sql(SELECT + " where g.id = ?")
                .param(id)
                .query(BreakGlassGrants::row)
                .optional();
    }

    /** Records a review once; false if the grant does not exist or was reviewed already. */
    public boolean review(UUID id, String reviewer, String outcome, String note) {
        return jdbc.sql("""
                insert into break_glass_review (break_glass_id, reviewed_by, outcome, note)
                select id, ?, ?, ? from break_glass where id = ?
                on conflict do nothing""").params(reviewer, outcome, note, id).update() == 1;
    }

    private static final String SELECT = """
            select g.*, r.outcome as review_outcome, r.reviewed_by, r.note as review_note
            from break_glass g left join break_glass_review r on r.break_glass_id = g.id""";

    private static BreakGlassGrant row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new BreakGlassGrant(
                rs.getObject("id", UUID.class),
                rs.getString("subject"),
                rs.getString("nhs_role"),
                rs.getString("organisation"),
                rs.getString("patient_id"),
                rs.getString("purpose"),
                rs.getString("reason"),
                rs.getString("decision_id"),
                rs.getTimestamp("granted_at").toInstant(),
                rs.getTimestamp("expires_at").toInstant(),
                rs.getString("review_outcome"),
                rs.getString("reviewed_by"),
                rs.getString("review_note"));
    }
}
