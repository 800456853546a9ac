package org.carerecord.e2e.support;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import org.carerecord.launcher.database.PostgresServer;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.StackPorts;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts the whole system once per test run (the built jars on one real PostgreSQL, free ports) and
 * hands it to every end-to-end test class: one start-up shared, like one Spring context per service.
 */
public final class RunningStack implements ParameterResolver {

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == CareRecordStack.class || type == PostgresServer.class || type == TraceReceiver.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Started started = context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Started.class, k -> Started.start(), Started.class);
        Class<?> type = parameter.getParameter().getType();
        return type == PostgresServer.class
                ? started.postgres()
                : type == TraceReceiver.class ? started.traces() : started.stack();
    }

    public record Started(PostgresServer postgres, CareRecordStack stack, TraceReceiver traces)
            implements ExtensionContext.Store.CloseableResource {

        public static Started start() {
            Path home = Path.of(System.getProperty("care.record.home", ".."))
                    .toAbsolutePath()
                    .normalize();
            PostgresServer postgres = TestDatabase.start();
            TraceReceiver traces = TraceReceiver.start();
            byte[] secret = new byte[24];
            new SecureRandom().nextBytes(secret);
            String prefix = "it_" + HexFormat.of().formatHex(secret, 0, 3) + "_";
            // the suite starts the stack once on a 2-core machine: start-up matters more than peak speed here
            System.setProperty(
                    "care.record.jvm-opts",
                    System.getProperty("care.record.jvm-opts", CareRecordStack.QUICK_START_JVM_OPTS));
            try {
                CareRecordStack stack = CareRecordStack.start(
                        home,
                        postgres,
                        prefix,
                        StackPorts.free(),
                        HexFormat.of().formatHex(secret),
                        home.resolve("e2e-tests/target/e2e-logs"),
                        Map.of(
                                "CARE_AUDIT_RELAY_INTERVAL",
                                "200ms",
                                // logs as in production (ECS JSON, the request id on each line)
                                "LOGGING_STRUCTURED_FORMAT_FILE",
                                "ecs",
                                // traces go to the test's collector; only requests that ask (a sampled
                                // traceparent) are traced, so the rest of the suite exports nothing
                                "MANAGEMENT_OTLP_TRACING_ENDPOINT",
                                traces.endpoint(),
                                "MANAGEMENT_TRACING_SAMPLING_PROBABILITY",
                                "0",
                                // no scheduled chain verification between an officer's click and its result
                                // (GovernanceConsoleIT); the metrics read it back at once (ObservabilityIT)
                                "CARE_AUDIT_INTEGRITY_FIRST_RUN",
                                "24h",
                                "CARE_AUDIT_METRICS_REFRESH",
                                "1s",
                                // BulkImportIT kills fhir-server mid-import: its lost chunks are sent again
                                // sooner than a production server's two minutes (still longer than a chunk's
                                // 30 s wait for references it refers to)
                                "CARE_FHIR_IMPORT_STALLED_AFTER",
                                "60s",
                                // ...and the lines of a job it cancels are let go within seconds, not ten minutes
                                "CARE_FHIR_IMPORT_CHUNK_SWEEP",
                                "5s",
                                "CARE_FHIR_IMPORT_ALLOWED_SOURCES",
                                importSources(home).toUri() + "," + "RTD=http://127.0.0.1:" + IMPORT_HTTP_PORT
                                        + "/ndjson/"));
                return new Started(postgres, stack, traces);
            } catch (Exception e) {
                traces.close();
                postgres.close();
                throw new IllegalStateException("the stack did not start", e);
            }
        }

        /** A provider's own HTTP server $import may read from (BulkImportIT serves NDJSON on it). */
        public static final int IMPORT_HTTP_PORT = StackPorts.free().fhirServer();

        /** The shared directory $import may read from in the tests: each provider's files in its own folder under it. */
        public static Path importSources(Path home) {
            Path directory = home.resolve("e2e-tests/target/import-sources");
            try {
                return java.nio.file.Files.createDirectories(directory);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            stack.close();
            postgres.close();
            traces.close();
        }
    }
}
