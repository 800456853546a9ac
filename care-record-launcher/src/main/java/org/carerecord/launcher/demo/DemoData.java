package org.carerecord.launcher.demo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.carerecord.launcher.service.CareRecordStack;

/**
 * Pushes the demo records as the care providers' own systems would: the GP practice's system and the
 * hospital's PAS each send a transaction bundle. Bundles are idempotent, so loading twice is harmless.
 * Times that decide a care relationship are written {@code {{daysAgo N HH:mm}}} and filled in at load
 * time, so "admitted 54 days ago" stays true of the demo whenever it runs.
 */
public final class DemoData {

    /** Demo bundle on the classpath → the system persona that pushes it. */
    private static final Map<String, String> BUNDLES = Map.of(
            "demo/gp-system-bundle.json", "gp-system",
            "demo/rtd-pas-bundle.json", "rtd-pas");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private DemoData() {}

    public static void load(CareRecordStack stack) {
        for (var bundle : new java.util.TreeMap<>(BUNDLES).entrySet()) {
            push(
                    stack,
                    stack.tokens().token(bundle.getValue()),
                    withDates(read(bundle.getKey()), java.time.LocalDate.now(java.time.ZoneOffset.UTC)));
        }
    }

    private static final java.util.regex.Pattern DAYS_AGO =
            java.util.regex.Pattern.compile("\\{\\{daysAgo (\\d+) (\\d\\d:\\d\\d)}}");

    /** The bundle with its {@code {{daysAgo N HH:MM}}} placeholders as dates before {@code today}. */
    public static String withDates(String bundle, java.time.LocalDate today) {
        return DAYS_AGO.matcher(bundle)
                .replaceAll(m -> today.minusDays(Long.parseLong(m.group(1))) + "T" + m.group(2) + ":00Z");
    }

    private static void push(CareRecordStack stack, String token, String bundle) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(stack.fhirBaseUrl()))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(bundle))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "demo bundle rejected: HTTP " + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String read(String resource) {
        try (InputStream in = DemoData.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " missing from the launcher jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
