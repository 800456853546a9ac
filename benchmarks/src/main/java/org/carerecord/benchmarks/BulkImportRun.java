package org.carerecord.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code $import} timed end to end: NDJSON files (one per type) written where the server may read them (its
 * default source, in the hospital's own folder: {@code ${java.io.tmpdir}/care-record-import/RTD/}), the job started, polled to its manifest; then
 * the same files imported again (nothing changes: the idempotent path).
 */
final class BulkImportRun {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TYPE = Pattern.compile("\"resourceType\"\\s*:\\s*\"(\\w+)\"");

    private BulkImportRun() {}

    static void measure(String base, String token, String ndjson, long resources) throws Exception {
        try (Sources sources = Sources.of(ndjson)) {
            double[] seconds = firstAndAgain(base, () -> token, sources);
            double first = seconds[0];
            double again = seconds[1];
            System.out.printf(
                    "%nbulk import ($import, %d sources, full server), the same %d resources as new records:%n",
                    sources.types(), resources);
            System.out.printf(
                    "  first import: %.1f s, %.0f resources/s end to end (read, write tier by tier, report)%n",
                    first, resources / first);
            System.out.printf(
                    "  the same files again (nothing changes): %.1f s, %.0f resources/s; %.1fx faster%n",
                    again, resources / again, first / again);
        }
    }

    /** Seconds for the first import of these lines and for the same files imported again (nothing changes). */
    static double[] firstAndAgain(String base, Supplier<String> token, String ndjson) throws Exception {
        try (Sources sources = Sources.of(ndjson)) {
            return firstAndAgain(base, token, sources);
        }
    }

    private static double[] firstAndAgain(String base, Supplier<String> token, Sources sources) throws Exception {
        return new double[] {
            run(base, token, sources.parameters(), "first import"),
            run(base, token, sources.parameters(), "again, unchanged")
        };
    }

    /** One import of these NDJSON lines, end to end: seconds from the request to the manifest. */
    static double once(String base, Supplier<String> token, String ndjson, String label) throws Exception {
        try (Sources sources = Sources.of(ndjson)) {
            return run(base, token, sources.parameters(), label);
        }
    }

    /** The lines as one NDJSON file per type where the server may read them, and the Parameters naming them. */
    private record Sources(Path directory, int types, String parameters) implements AutoCloseable {

        static Sources of(String ndjson) throws IOException {
            Path directory = Files.createDirectories(Path.of(
                    System.getProperty("java.io.tmpdir"), "care-record-import", "RTD", "bench-" + System.nanoTime()));
            Map<String, StringBuilder> byType = new LinkedHashMap<>();
            for (String line : ndjson.split("\n")) {
                Matcher type = TYPE.matcher(line);
                if (type.find()) {
                    byType.computeIfAbsent(type.group(1), t -> new StringBuilder())
                            .append(line)
                            .append('\n');
                }
            }
            StringBuilder inputs = new StringBuilder();
            for (Map.Entry<String, StringBuilder> type : byType.entrySet()) {
                Path file = directory.resolve(type.getKey() + ".ndjson");
                Files.writeString(file, type.getValue());
                inputs.append(inputs.isEmpty() ? "" : ",").append("""
                        {"name":"input","part":[{"name":"type","valueCode":"%s"},{"name":"url","valueUri":"%s"}]}""".formatted(type.getKey(), file.toUri()));
            }
            return new Sources(directory, byType.size(), """
                    {"resourceType":"Parameters","parameter":[{"name":"inputFormat","valueCode":"application/fhir+ndjson"},%s]}""".formatted(inputs));
        }

        /** The files go with the run: a region's worth is gigabytes. */
        @Override
        public void close() throws IOException {
            try (var files = Files.list(directory)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(directory);
        }
    }

    private static double run(String base, Supplier<String> token, String parameters, String label) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> started = CLIENT.send(
                HttpRequest.newBuilder(URI.create(base + "/$import"))
                        .header("Authorization", "Bearer " + token.get())
                        .header("Content-Type", "application/fhir+json")
                        .header("Prefer", "respond-async")
                        .POST(HttpRequest.BodyPublishers.ofString(parameters))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (started.statusCode() != 202) {
            throw new IllegalStateException("$import answered " + started.statusCode() + ": " + started.body());
        }
        String status = started.headers().firstValue("Content-Location").orElseThrow();
        while (true) {
            HttpResponse<String> poll = CLIENT.send(
                    HttpRequest.newBuilder(URI.create(status))
                            .header("Authorization", "Bearer " + token.get())
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (poll.statusCode() == 200) {
                double seconds = (System.nanoTime() - start) / 1e9;
                JsonNode manifest = JSON.readTree(poll.body());
                long rejected = 0;
                for (JsonNode output : manifest.path("output")) {
                    rejected += output.path("rejected").asLong();
                }
                System.out.printf("  %s: %.1f s, %d lines rejected%n", label, seconds, rejected);
                return seconds;
            }
            if (poll.statusCode() != 202) {
                throw new IllegalStateException("import status answered " + poll.statusCode() + ": " + poll.body());
            }
            Thread.sleep(500);
        }
    }

    /** {@link #measure}, for callers that cannot throw checked exceptions. */
    static void measureUnchecked(String base, String token, String ndjson, long resources) {
        try {
            measure(base, token, ndjson, resources);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
