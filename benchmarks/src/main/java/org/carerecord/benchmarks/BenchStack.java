package org.carerecord.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import org.carerecord.launcher.database.EmbeddedPostgresServer;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.StackPorts;

/**
 * The real stack for a benchmark: embedded PostgreSQL with fsync on, the four service jars with full JIT
 * (logs in benchmarks/target/logs); torn down and its data directory deleted afterwards.
 */
final class BenchStack {

    interface Body {
        void run(CareRecordStack stack) throws Exception;
    }

    private BenchStack() {
    }

    static void run(Body body) throws Exception {
        Path home = Path.of(System.getProperty("care.record.home", ".")).toAbsolutePath().normalize();
        Path data = Files.createTempDirectory("care-bench-pg");
        System.setProperty("care.record.jvm-opts", System.getProperty("care.record.jvm-opts", "-XX:+UseParallelGC"));
        try (EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(0, data, true);
             CareRecordStack stack = CareRecordStack.start(home, postgres, "bench_", StackPorts.free(),
                     UUID.randomUUID().toString(), home.resolve("benchmarks/target/logs"), Map.of())) {
            System.out.printf("machine: %d cores, Java %s; PostgreSQL embedded with fsync on%n",
                    Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
            body.run(stack);
        } finally {
            deleteRecursively(data); // tens of GB after a 10 M search run
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
