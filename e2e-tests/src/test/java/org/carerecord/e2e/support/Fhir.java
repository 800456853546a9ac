package org.carerecord.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Plain HTTP calls as any FHIR client would make them, with a persona's bearer token. */
public final class Fhir {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    public record Response(int status, JsonNode body, String requestId, java.net.http.HttpHeaders headers) {

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String diagnostics() {
            return body.path("issue").path(0).path("diagnostics").asText();
        }

        /** The first resource the answer holds (a search's first match), or a missing node. */
        public JsonNode firstResource() {
            return body.path("entry").path(0).path("resource");
        }

        public int total() {
            return body.path("entry").size();
        }
    }

    private Fhir() {}

    public static Response get(String url, String token) {
        return get(url, token, Map.of());
    }

    public static Response get(String url, String token, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(URI.create(url.replace("|", "%7C"))).GET(), token, headers);
    }

    public static Response post(String url, String token, String body) {
        return send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                token,
                Map.of());
    }

    public static Response put(String url, String token, String body) {
        return send(
                HttpRequest.newBuilder(URI.create(url.replace("|", "%7C")))
                        .header("Content-Type", "application/fhir+json")
                        .PUT(HttpRequest.BodyPublishers.ofString(body)),
                token,
                Map.of());
    }

    /** A FHIR patch: {@code application/json-patch+json} or a FHIRPath Patch {@code Parameters}. */
    public static Response patch(String url, String token, String contentType, String body) {
        return send(
                HttpRequest.newBuilder(URI.create(url.replace("|", "%7C")))
                        .header("Content-Type", contentType)
                        .method("PATCH", HttpRequest.BodyPublishers.ofString(body)),
                token,
                Map.of());
    }

    public static Response delete(String url, String token) {
        return send(HttpRequest.newBuilder(URI.create(url)).DELETE(), token, Map.of());
    }

    /** A non-FHIR download (CSV export): status and raw text. */
    public static HttpResponse<String> getText(String url, String token) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Response send(HttpRequest.Builder builder, String token, Map<String, String> headers) {
        builder.header("Accept", "application/fhir+json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        headers.forEach(builder::header);
        // a bound on every call: a pooled connection the server closed as it was reused once hung a run
        builder.timeout(Duration.ofSeconds(90));
        try {
            HttpRequest request = builder.build();
            HttpResponse<String> response;
            try {
                response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            } catch (java.net.http.HttpTimeoutException e) {
                if (!"GET".equals(request.method())) {
                    throw e;
                }
                response = HTTP.send(request, HttpResponse.BodyHandlers.ofString()); // a read is safe to ask again
            }
            JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
            return new Response(
                    response.statusCode(),
                    body,
                    response.headers().firstValue("X-Request-ID").orElse(null),
                    response.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
