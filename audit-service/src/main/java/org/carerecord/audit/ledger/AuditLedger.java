package org.carerecord.audit.ledger;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Appends audit events to the hash chain. Delivery is at-least-once, so an event id already stored is
 * skipped; one advisory lock serialises writers (across instances too) so the chain stays linear. The
 * per-event work (parsing, field extraction) is done by {@link DeliveryReader} before the lock, so
 * concurrent deliveries only queue for what must be serial: de-duplication, linking and the insert.
 */
@Repository
public class AuditLedger {

    private static final long CHAIN_LOCK = 0x6175646974L; // "audit"

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    public AuditLedger(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.transaction = new TransactionTemplate(transactions);
    }

    /** Returns how many of the events were new. */
    @SuppressWarnings("ConstantConditions") // the callback never returns null
    public int append(List<ReceivedEvent> events) {
        return events.isEmpty() ? 0 : transaction.execute(status -> appendInOrder(events));
    }

    private int appendInOrder(List<ReceivedEvent> pending) {
        jdbc.queryForObject("select pg_advisory_xact_lock(?)", Object.class, CHAIN_LOCK);
        Set<String> fresh = new HashSet<>(jdbc.queryForList("""
                insert into audit_event_id (event_id) select unnest(?::text[])
                on conflict do nothing returning event_id""", String.class, (Object)
                pending.stream().map(p -> p.entry().eventId()).toArray(String[]::new)));
        String previous = jdbc.query(
                "select hash from audit_event order by seq desc limit 1", rs -> rs.next() ? rs.getString(1) : null);
        if (previous == null) {
            previous = jdbc.query(
                    "select last_hash from audit_chain_anchor order by last_seq desc limit 1",
                    rs -> rs.next() ? rs.getString(1) : ChainHash.GENESIS);
        }
        List<Object[]> rows = new ArrayList<>(fresh.size());
        for (ReceivedEvent p : pending) {
            if (!fresh.remove(p.entry().eventId())) {
                continue; // stored before, or repeated within this batch
            }
            String hash = ChainHash.next(previous, p.text());
            rows.add(new Object[] {p.entry(), p.text(), previous, hash});
            previous = hash;
        }
        jdbc.batchUpdate("""
                insert into audit_event (event_id, recorded, action, outcome, user_id, user_role, organisation,
                                         purpose, patient_ids, resource, prev_hash, hash, stated_relationship,
                                         broke_glass)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", rows, rows.size(), (PreparedStatement ps, Object[] row) -> {
            AuditEntry e = (AuditEntry) row[0];
            ps.setString(1, e.eventId());
            ps.setTimestamp(2, Timestamp.from(e.recorded()));
            ps.setString(3, e.action());
            ps.setString(4, e.outcome());
            ps.setString(5, e.userId());
            ps.setString(6, e.userRole());
            ps.setString(7, e.organisation());
            ps.setString(8, e.purpose());
            ps.setArray(
                    9, ps.getConnection().createArrayOf("text", e.patientIds().toArray()));
            ps.setString(10, (String) row[1]);
            ps.setString(11, (String) row[2]);
            ps.setString(12, (String) row[3]);
            ps.setBoolean(13, e.statedRelationship());
            ps.setBoolean(14, e.brokeGlass());
        });
        return rows.size();
    }
}
