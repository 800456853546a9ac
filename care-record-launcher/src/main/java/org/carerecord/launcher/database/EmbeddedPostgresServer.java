package org.carerecord.launcher.database;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real PostgreSQL binaries from Maven Central (zonky), run as a child process: the default when no
 * Docker engine or external server is available. With a data directory, data survives restarts.
 */
public final class EmbeddedPostgresServer implements PostgresServer {

    private final Path dataDirectory;
    private final boolean fsync;
    private final int port;
    private EmbeddedPostgres postgres;

    private EmbeddedPostgresServer(Path dataDirectory, boolean fsync, int port) {
        this.dataDirectory = dataDirectory;
        this.fsync = fsync;
        this.postgres = launch(port, dataDirectory, fsync);
        this.port = postgres.getPort();
    }

    /**
     * @param port          0 for any free port
     * @param dataDirectory null for a throw-away database
     * @param fsync         off only where losing data on a crash does not matter (tests)
     */
    public static EmbeddedPostgresServer start(int port, Path dataDirectory, boolean fsync) {
        return new EmbeddedPostgresServer(dataDirectory, fsync, port);
    }

    private static EmbeddedPostgres launch(int port, Path dataDirectory, boolean fsync) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", fsync ? "on" : "off")
                    // zonky's default is off: a crash of PostgreSQL could then lose commits already acknowledged —
                    // audit outbox rows of views already answered. Always on: with fsync off (tests) a commit is
                    // still written to the OS before it returns, so it survives PostgreSQL being killed.
                    .setServerConfig("synchronous_commit", "on");
            if (port > 0) {
                builder.setPort(port);
            }
            if (dataDirectory != null) {
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            return builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }

    @Override
    public String jdbcUrl(String database) {
        return postgres.getJdbcUrl("postgres", database);
    }

    @Override
    public String username() {
        return "postgres";
    }

    @Override
    public String password() {
        return "";
    }

    @Override
    public boolean canRestart() {
        return dataDirectory != null;
    }

    @Override
    public synchronized void restart() {
        if (!canRestart()) {
            PostgresServer.super.restart();
        }
        close();
        postgres = launch(port, dataDirectory, fsync);
    }

    @Override
    public synchronized void crashAndRecover() {
        if (!canRestart()) {
            PostgresServer.super.crashAndRecover();
        }
        try {
            long postmaster = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid"))
                    .get(0)
                    .trim());
            ProcessHandle process = ProcessHandle.of(postmaster).orElseThrow();
            java.util.List<ProcessHandle> all =
                    new java.util.ArrayList<>(process.descendants().toList());
            all.add(process);
            all.forEach(ProcessHandle::destroyForcibly);
            for (ProcessHandle each : all) {
                each.onExit().get(); // a new postmaster will not start while an old backend holds shared memory
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e);
        }
        try {
            postgres.close(); // its stop finds no server; what it does is release zonky's lock on the data directory
        } catch (IOException | RuntimeException alreadyDead) {
            // nothing to stop
        }
        postgres = launch(port, dataDirectory, fsync); // crash recovery replays the write-ahead log
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
