package org.carerecord.fhir.ingest.bulk;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which lines of a chunk the importing organisation has imported before exactly as they are now, and that nothing
 * has changed since ({@code care.import_digest} against HAPI's current version of each record): those are left
 * out before HAPI sees them and counted unchanged. Anything else — a new line, a changed one, a record written or
 * deleted another way since, another organisation's import — goes through every storage rule as before.
 */
class ImportDigests {

    /** A line written: its record, the digest of the line, and the version it is now. */
    record Written(String id, byte[] digest, long version) {}

    private final JdbcTemplate jdbc;

    ImportDigests(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** SHA-256 of the line's text as sent (a line written differently is a change, even if it means the same). */
    static byte[] digest(String line) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(line.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The digests this organisation's earlier imports left for these records of one type, for those still at the
     * version that import made (no write or delete since); a line is unchanged when its digest is the one here.
     */
    Map<String, byte[]> asLastImported(String organisation, String type, Set<String> ids) {
        Map<String, byte[]> digests = new HashMap<>();
        if (ids.isEmpty()) {
            return digests;
        }
        jdbc.query(
                """
                select d.res_id, d.digest from care.import_digest d
                join hfj_resource r on r.res_type = d.res_type and r.fhir_id = d.res_id
                                   and r.res_ver = d.res_ver and r.res_deleted_at is null
                where d.res_type = ? and d.organisation = ? and d.res_id = any(?)""",
                rs -> {
                    digests.put(rs.getString(1), rs.getBytes(2));
                },
                type,
                organisation,
                ids.toArray(String[]::new));
        return digests;
    }

    /** Remembers what this organisation's lines of one type became. */
    void remember(String organisation, String type, List<Written> written) {
        jdbc.batchUpdate("""
                insert into care.import_digest (res_type, res_id, organisation, digest, res_ver) values (?, ?, ?, ?, ?)
                on conflict (res_type, res_id) do update
                    set organisation = excluded.organisation, digest = excluded.digest, res_ver = excluded.res_ver""", written, 500, (statement, line) -> {
            statement.setString(1, type);
            statement.setString(2, line.id());
            statement.setString(3, organisation);
            statement.setBytes(4, line.digest());
            statement.setLong(5, line.version());
        });
    }
}
