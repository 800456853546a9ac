package org.carerecord.launcher.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.carerecord.security.dev.DevCredentials;

/** Gets a persona's access token from the dev identity provider (client credentials, the persona's own secret). */
public final class TokenClient {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuer;
    private final DevCredentials credentials;

    public TokenClient(String issuer, DevCredentials credentials) {
        this.issuer = issuer;
        this.credentials = credentials;
    }

    /** The persona's token, got with its own client secret. */
    public String token(String persona) {
        String basic = Base64.getEncoder()
                .encodeToString((persona + ":" + credentials.clientSecret(persona)).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            JsonNode body = JSON.readTree(response.body());
            if (response.statusCode() != 200 || !body.hasNonNull("access_token")) {
                throw new IllegalStateException(
                        "no token for " + persona + ": HTTP " + response.statusCode() + " " + response.body());
            }
            return body.get("access_token").asText();
        } catch (IOException e) {
            throw new IllegalStateException("identity provider unreachable at " + issuer, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
