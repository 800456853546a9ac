package org.carerecord.audit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * One real PostgreSQL for the module's tests (embedded: these tests need no Docker engine). The service
 * connects as the superuser that owns the schema, then drops to the append-only role as in production.
 */
public final class EmbeddedAuditDatabase {

    private static EmbeddedPostgres postgres;

    private EmbeddedAuditDatabase() {}

    public static synchronized EmbeddedPostgres postgres() {
        if (postgres == null) {
            try {
                postgres = EmbeddedPostgres.builder()
                        .setServerConfig("fsync", "off")
                        .start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    postgres.close();
                } catch (IOException ignored) {
                    // the JVM is going anyway
                }
            }));
        }
        return postgres;
    }

    public static void register(DynamicPropertyRegistry registry) {
        String url = postgres().getJdbcUrl("postgres", "postgres");
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    /**
     * A database of the test's own on the same server (created if absent), for a test whose premise another test
     * would spoil: a chain no other test has broken, say.
     */
    public static void registerOwn(DynamicPropertyRegistry registry, String database) {
        try (Connection c = superuser();
                var s = c.createStatement();
                var exists = s.executeQuery("select 1 from pg_database where datname = '" + database + "'")) {
            if (!exists.next()) {
                s.execute("create database " + database);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        String url = postgres().getJdbcUrl("postgres", database);
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
    }

    /** A superuser connection to the test's own database (see {@link #registerOwn}). */
    public static Connection superuser(String database) throws SQLException {
        return postgres().getDatabase("postgres", database).getConnection();
    }

    /** A superuser connection: what an attacker with database rights, or the test's time machine, uses. */
    public static Connection superuser() throws SQLException {
        return postgres().getPostgresDatabase().getConnection();
    }
}
