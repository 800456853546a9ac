package org.carerecord.audit.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import javax.sql.DataSource;
import org.carerecord.audit.EmbeddedAuditDatabase;
import org.carerecord.audit.ledger.ChainHash;
import org.carerecord.audit.ledger.ChainVerifier;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/** A trail written before monthly partitioning (schema V2) survives the move intact and keeps counting. */
class PartitioningMigrationIT {

    @Test
    void recordsFromTheUnpartitionedTrailAreCarriedOverWithTheirChain() throws SQLException {
        try (Connection admin = EmbeddedAuditDatabase.superuser();
                Statement s = admin.createStatement()) {
            s.execute("drop database if exists legacy_audit");
            s.execute("create database legacy_audit");
        }
        DataSource legacy = EmbeddedAuditDatabase.postgres().getDatabase("postgres", "legacy_audit");
        flyway(legacy, "2").migrate();
        String previous = ChainHash.GENESIS;
        try (Connection c = legacy.getConnection()) {
            for (int i = 0; i < 4; i++) {
                String resource = "{\"resourceType\":\"AuditEvent\",\"id\":\"legacy-" + i + "\"}";
                String hash = ChainHash.next(previous, resource);
                try (PreparedStatement insert = c.prepareStatement("""
                        insert into audit_event (event_id, recorded, received_at, outcome, resource, prev_hash, hash)
                        values (?, now(), now() - make_interval(days => ?), '0', ?, ?, ?)""")) {
                    insert.setString(1, "legacy-" + i);
                    insert.setInt(2, 70 - i * 20); // spread over about three months
                    insert.setString(3, resource);
                    insert.setString(4, previous);
                    insert.setString(5, hash);
                    insert.executeUpdate();
                }
                previous = hash;
            }
        }

        flyway(legacy, "latest").migrate();

        ChainVerifier.Result result = new ChainVerifier(
                        legacy, new org.springframework.jdbc.datasource.DataSourceTransactionManager(legacy))
                .verify();
        assertThat(result.intact()).isTrue();
        assertThat(result.recordsChecked()).isEqualTo(4);
        try (Connection c = legacy.getConnection();
                Statement s = c.createStatement()) {
            assertThat(single(s, "select count(*) from audit_event_id")).isEqualTo(4);
            assertThat(single(s, "select count(distinct tableoid) from audit_event"))
                    .isGreaterThanOrEqualTo(3);
            assertThat(single(s, "select count(*) from audit_event_default")).isZero();
            s.execute("set role audit_app");
            s.execute("insert into audit_event_id values ('after-migration')");
            s.execute("""
                    insert into audit_event (event_id, recorded, outcome, resource, prev_hash, hash)
                    values ('after-migration', now(), '0', '{}', 'x', 'y')""");
            assertThat(single(s, "select seq from audit_event where event_id = 'after-migration'"))
                    .isEqualTo(5);
        }
    }

    private static Flyway flyway(DataSource dataSource, String target) {
        return Flyway.configure()
                .dataSource(dataSource)
                .target(target)
                .placeholders(Map.of("app_role", "audit_app"))
                .load();
    }

    private static long single(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
