package org.carerecord.e2e.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.carerecord.launcher.database.EmbeddedPostgresServer;
import org.carerecord.launcher.database.ExternalPostgresServer;
import org.carerecord.launcher.database.PostgresServer;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

/**
 * A real PostgreSQL for the tests: the server named by {@code CARE_RECORD_TEST_DB_URL} if set, else a
 * Testcontainers container where a Docker engine runs, else embedded PostgreSQL binaries (zonky).
 */
public final class TestDatabase {

    private TestDatabase() {}

    public static PostgresServer start() {
        String url = System.getenv("CARE_RECORD_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            return new ExternalPostgresServer(
                    url,
                    System.getenv().getOrDefault("CARE_RECORD_TEST_DB_USER", "postgres"),
                    System.getenv().getOrDefault("CARE_RECORD_TEST_DB_PASSWORD", ""));
        }
        if (dockerAvailable()) {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:16-alpine");
            container.start();
            return new ContainerServer(container);
        }
        try {
            // a data directory of its own, so a fault test can restart the server with its data
            Path data = Files.createTempDirectory("care-record-it-pg");
            return EmbeddedPostgresServer.start(0, data, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private record ContainerServer(PostgreSQLContainer<?> container) implements PostgresServer {

        @Override
        public String jdbcUrl(String database) {
            return new ExternalPostgresServer(container.getJdbcUrl(), username(), password()).jdbcUrl(database);
        }

        @Override
        public String username() {
            return container.getUsername();
        }

        @Override
        public String password() {
            return container.getPassword();
        }

        @Override
        public void close() {
            container.stop();
        }
    }
}
