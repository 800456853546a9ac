package org.carerecord.consent.whatif;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.carerecord.consent.changes.FeedListener;
import org.carerecord.consent.policy.RolePolicies;
import org.carerecord.consent.policy.RolePolicySet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The versions of the role policy governance has put in force, newest last. At start-up the newest becomes the
 * live policy (the shipped {@code roles.json} until governance approves a change); an approval or a restore adds
 * a version and makes it live. Versions are never changed or removed, so any earlier one can be restored.
 */
@Repository
class PolicyVersions implements FeedListener {

    /** One version as governance sees it in the history. */
    record Version(
            String version, String source, UUID proposalId, String approvedBy, Instant approvedAt, String note) {}

    static final String SHIPPED = "shipped";

    private final JdbcClient jdbc;
    private final ObjectMapper json;
    private final RolePolicies live;

    PolicyVersions(JdbcClient jdbc, ObjectMapper json, RolePolicies live) {
        this.jdbc = jdbc;
        this.json = json;
        this.live = live;
        newest().ifPresent(live::replace);
    }

    /**
     * Another replica put a version in force: this one decides by it from now on. Looked for at a new epoch, and at
     * any other change too (one name read), in case the replica that recorded it stopped before it began the epoch.
     */
    @Override
    public void changed(boolean newEpoch) {
        String newest = jdbc.sql("select version from policy_version order by seq desc limit 1")
                .query(String.class)
                .optional()
                .orElse(live.shipped().version());
        if (newEpoch || !newest.equals(live.current().version())) {
            newest().ifPresent(live::replace);
        }
    }

    private Optional<RolePolicySet> newest() {
        return jdbc.sql("select policy::text from policy_version order by seq desc limit 1")
                .query(String.class)
                .optional()
                .map(this::parse);
    }

    List<Version> history() {
        return jdbc.sql("""
                        select version, source, proposal_id, approved_by, approved_at, note
                        from policy_version order by seq desc""")
                .query((rs, n) -> new Version(
                        rs.getString(1),
                        rs.getString(2),
                        rs.getObject(3, UUID.class),
                        rs.getString(4),
                        rs.getTimestamp(5).toInstant(),
                        rs.getString(6)))
                .list();
    }

    /** A version by name: one governance put in force, or the shipped file's. */
    Optional<RolePolicySet> find(String version) {
        if (version.equals(live.shipped().version())) {
            return Optional.of(live.shipped());
        }
        return jdbc.sql("select policy::text from policy_version where version = ?")
                .param(version)
                .query(String.class)
                .optional()
                .map(this::parse);
    }

    /** Thrown when the version in force is no longer the one a change was made on. */
    static final class Superseded extends RuntimeException {
        Superseded(String message) {
            super(message);
        }
    }

    /**
     * Records {@code policy} under a new version name ({@code <date>.gov<n>}) with who decided and why; the caller
     * holds the transaction and, once it commits, puts it in force ({@link RolePolicies#replace}) and broadcasts.
     * Changes are taken one at a time (a transaction lock, so across replicas too), and one made on {@code base}
     * is refused ({@link Superseded}) if another version was put in force since; null: a restore, made on any.
     */
    RolePolicySet record(RolePolicySet policy, String base, String source, UUID proposalId, String by, String note) {
        jdbc.sql("select pg_advisory_xact_lock(hashtext('policy_version'))")
                .query()
                .singleRow();
        String newest = jdbc.sql("select version from policy_version order by seq desc limit 1")
                .query(String.class)
                .optional()
                .orElse(live.shipped().version());
        if (base != null && !base.equals(newest)) {
            throw new Superseded("the policy changed since this was proposed (from " + base + " to " + newest
                    + "): propose it again on the policy in force");
        }
        long n = jdbc.sql("select count(*) + 1 from policy_version")
                .query(Long.class)
                .single();
        RolePolicySet named = policy.asVersion(LocalDate.now(ZoneOffset.UTC) + ".gov" + n, json);
        jdbc.sql("""
                        insert into policy_version (version, policy, source, proposal_id, approved_by, note)
                        values (?, cast(? as jsonb), ?, ?, ?, ?)""")
                .params(named.version(), write(named), source, proposalId, by, note)
                .update();
        return named;
    }

    private RolePolicySet parse(String text) {
        try {
            return RolePolicySet.parse(json.readTree(text), json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String write(RolePolicySet policy) {
        try {
            return json.writeValueAsString(policy.source());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
