package org.carerecord.audit.ledger;

import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Walks the chain in order and names the first record whose hash or link does not hold. When retention
 * has dropped old months, the chain starts from the last anchored hash instead of genesis.
 */
@Service
public class ChainVerifier {

    public record Result(boolean intact, long recordsChecked, Long firstBrokenSeq, String firstBrokenEventId,
                         Long anchoredAfterSeq) {
    }

    private record Anchor(long lastSeq, String lastHash) {
    }

    private final JdbcTemplate jdbc;

    public ChainVerifier(DataSource dataSource) {
        // Its own template: streaming the chain wants a fetch size the rest of the service does not.
        this.jdbc = new JdbcTemplate(dataSource);
        this.jdbc.setFetchSize(5_000);
    }

    @Transactional(readOnly = true)
    public Result verify() {
        Anchor anchor = jdbc.query("select last_seq, last_hash from audit_chain_anchor order by last_seq desc limit 1",
                rs -> rs.next() ? new Anchor(rs.getLong(1), rs.getString(2)) : null);
        var state = new Object() {
            String previous = anchor == null ? ChainHash.GENESIS : anchor.lastHash();
            long checked;
            Long brokenSeq;
            String brokenId;
        };
        jdbc.query("select seq, event_id, resource, prev_hash, hash from audit_event order by seq", rs -> {
            if (state.brokenSeq != null) {
                return;
            }
            String resource = rs.getString(3);
            String prevHash = rs.getString(4);
            String hash = rs.getString(5);
            if (!state.previous.equals(prevHash) || !ChainHash.next(prevHash, resource).equals(hash)) {
                state.brokenSeq = rs.getLong(1);
                state.brokenId = rs.getString(2);
                return;
            }
            state.previous = hash;
            state.checked++;
        });
        return new Result(state.brokenSeq == null, state.checked, state.brokenSeq, state.brokenId,
                anchor == null ? null : anchor.lastSeq());
    }
}
