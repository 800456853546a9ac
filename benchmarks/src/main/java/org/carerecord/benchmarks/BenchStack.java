package org.carerecord.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import org.carerecord.launcher.database.EmbeddedPostgresServer;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.StackPorts;

/**
 * The real stack for a benchmark: embedded PostgreSQL with fsync on, the four service jars with full JIT
 * (logs in benchmarks/target/logs); torn down and its data directory deleted afterwards, unless
 * {@code -Dbench.data=<directory>} names one to keep: a later run on the same directory starts on what is there
 * (the region benchmark then carries on loading where the earlier run stopped).
 */
final class BenchStack {

    interface Body {
        void run(CareRecordStack stack) throws Exception;
    }

    private BenchStack() {}

    static void run(Body body) throws Exception {
        try (Running running = open()) {
            body.run(running.stack());
        }
    }

    /** The stack, started and left running until closed (for Gatling, whose before/after hooks bracket the run). */
    static Running open() throws Exception {
        Path home = home();
        String kept = System.getProperty("bench.data");
        Path data = kept == null ? Files.createTempDirectory("care-bench-pg") : Files.createDirectories(Path.of(kept));
        System.setProperty(
                "care.record.jvm-opts", System.getProperty("care.record.jvm-opts", CareRecordStack.SERVER_JVM_OPTS));
        EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(0, data, true);
        try {
            CareRecordStack stack = CareRecordStack.start(
                    home,
                    postgres,
                    "bench_",
                    StackPorts.free(),
                    Integer.getInteger("bench.replicas", 1),
                    UUID.randomUUID().toString(),
                    home.resolve("benchmarks/target/logs"),
                    Map.of());
            System.out.printf(
                    "machine: %d cores, Java %s; PostgreSQL embedded with fsync on%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            if (kept != null) {
                System.out.printf("database kept in %s%n", data);
            }
            return new Running(stack, postgres, kept == null ? data : null);
        } catch (Exception | Error e) {
            postgres.close();
            if (kept == null) {
                deleteRecursively(data);
            }
            throw e;
        }
    }

    /** A running stack with its database; closing stops both and deletes the data directory unless it is kept (null). */
    record Running(CareRecordStack stack, EmbeddedPostgresServer postgres, Path deletedOnClose)
            implements AutoCloseable {

        /**
         * A second whole stack on the same PostgreSQL, in databases of its own ({@code name_…}), with {@code
         * environment} set in its services: for a comparison that must not share work with the first. Two
         * fhir-servers on one database share HAPI's batch2 queue, so one's import job runs partly on the other's
         * workers. The caller closes it before this one.
         */
        CareRecordStack another(String name, Map<String, String> environment) throws SQLException {
            Path home = home();
            return CareRecordStack.start(
                    home,
                    postgres,
                    name + "_",
                    StackPorts.free(),
                    UUID.randomUUID().toString(),
                    home.resolve("benchmarks/target/logs-" + name),
                    environment);
        }

        @Override
        public void close() throws Exception {
            try {
                stack.close();
                postgres.close();
            } finally {
                deleteRecursively(deletedOnClose); // tens of GB after a 10 M search run
            }
        }
    }

    private static Path home() {
        return Path.of(System.getProperty("care.record.home", "."))
                .toAbsolutePath()
                .normalize();
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (directory == null || !Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
