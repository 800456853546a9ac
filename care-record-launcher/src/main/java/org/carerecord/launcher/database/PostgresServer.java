package org.carerecord.launcher.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** A PostgreSQL server the stack puts its databases on: embedded, a container, or an external one. */
public interface PostgresServer extends AutoCloseable {

    /** JDBC URL of a database on this server. */
    String jdbcUrl(String database);

    String username();

    String password();

    /** Creates the database unless it exists. */
    default void ensureDatabase(String database) throws SQLException {
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("unsafe database name " + database);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"), username(), password());
                Statement s = c.createStatement()) {
            var rs = s.executeQuery("select 1 from pg_database where datname = '" + database + "'");
            if (!rs.next()) {
                s.execute("create database " + database);
            }
        }
    }

    /** Whether {@link #restart()} is available (fault tests restart an embedded server). */
    default boolean canRestart() {
        return false;
    }

    /** Stops the server and starts it again on the same port with the same data. */
    default void restart() {
        throw new UnsupportedOperationException("this PostgreSQL server cannot be restarted from here");
    }

    /**
     * Kills the server as a crash would (SIGKILL to the postmaster and every backend, nothing flushed on the
     * way out), then starts it again on the same data: PostgreSQL recovers from its write-ahead log.
     */
    default void crashAndRecover() {
        throw new UnsupportedOperationException("this PostgreSQL server cannot be crashed from here");
    }

    @Override
    void close();
}
