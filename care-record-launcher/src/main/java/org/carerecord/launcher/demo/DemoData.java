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
 */
public final class DemoData {

    /** Demo bundle on the classpath → the system persona that pushes it. */
    private static final Map<String, String> BUNDLES = Map.of(
            "demo/gp-system-bundle.json", "gp-system",
            "demo/rtd-pas-bundle.json", "rtd-pas");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private DemoData() {
    }

    public static void load(CareRecordStack stack) {
        for (var bundle : new java.util.TreeMap<>(BUNDLES).entrySet()) {
            push(stack, stack.tokens().token(bundle.getValue()), read(bundle.getKey()));
        }
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
                throw new IllegalStateException("demo bundle rejected: HTTP " + response.statusCode() + " " + response.body());
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
