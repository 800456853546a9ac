package org.carerecord.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Timed HTTP calls that fail loudly on anything but the expected status. */
final class Http {

    // HTTP/1.1 as clinical systems speak it (no h2c upgrade attempt on every connection)
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Http() {}

    static String get(String url, String token, Latencies latencies) {
        return send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token)
                        .GET()
                        .build(),
                latencies);
    }

    /** GET with the body discarded: only the status (load phases, visibility checks). */
    static int status(String url, String token) {
        return status(url, null, token);
    }

    /** The same, with a Cache-Control header (null: none). */
    static int status(String url, String cacheControl, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/fhir+json");
        if (cacheControl != null) {
            request.header("Cache-Control", cacheControl);
        }
        try {
            return CLIENT.send(request.GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String post(String url, String token, String body, Latencies latencies) {
        return post(url, token, body, "application/fhir+json", latencies);
    }

    static String postJson(String url, String token, String body, Latencies latencies) {
        return post(url, token, body, "application/json", latencies);
    }

    static String postNdjson(String url, String token, String body) {
        return post(url, token, body, "application/fhir+ndjson", null);
    }

    private static String post(String url, String token, String body, String contentType, Latencies latencies) {
        return send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token)
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                latencies);
    }

    private static String send(HttpRequest request, Latencies latencies) {
        long start = System.nanoTime();
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            if (latencies != null) {
                latencies.add(System.nanoTime() - start);
            }
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(
                        request.uri() + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
