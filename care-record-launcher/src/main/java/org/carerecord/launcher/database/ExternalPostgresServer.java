package org.carerecord.launcher.database;

/**
 * A server someone else runs, named by a JDBC URL of any database on it
 * (e.g. {@code jdbc:postgresql://db:5432/postgres}).
 */
public record ExternalPostgresServer(String baseUrl, String username, String password) implements PostgresServer {

    @Override
    public String jdbcUrl(String database) {
        int slash = baseUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = baseUrl.indexOf('?');
        String prefix = slash < 0 ? baseUrl : baseUrl.substring(0, slash);
        String params = query < 0 ? "" : baseUrl.substring(query);
        return prefix + "/" + database + params;
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
