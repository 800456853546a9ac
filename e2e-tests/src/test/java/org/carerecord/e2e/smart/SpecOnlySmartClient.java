package org.carerecord.e2e.smart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A SMART App Launch 2.x client written from the specification only: it learns every endpoint from the FHIR
 * server's {@code .well-known/smart-configuration}, makes its own PKCE pair (S256), and walks the browser's
 * part (sign-in form, patient picker) as plain HTTP with a cookie jar. Nothing in it knows this project's
 * code; the sign-in form and the picker are read as HTML forms, as a browser would.
 */
final class SpecOnlySmartClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern INPUT = Pattern.compile("<input[^>]*name=\"([^\"]+)\"[^>]*value=\"([^\"]*)\"");

    final String fhirBase;
    final String clientId;
    final String clientSecret;
    final String redirectUri;
    final JsonNode configuration;
    private final HttpClient browser = HttpClient.newBuilder()
            .cookieHandler(new CookieManager())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private String verifier;

    SpecOnlySmartClient(String fhirBase, String clientId, String clientSecret, String redirectUri) {
        this.fhirBase = fhirBase;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.redirectUri = redirectUri;
        this.configuration = json(send(HttpRequest.newBuilder(URI.create(fhirBase + "/.well-known/smart-configuration"))
                .GET()
                .build()));
    }

    /** The authorization request URL (SMART: response_type, client_id, redirect_uri, scope, state, aud, PKCE). */
    String authorizeUrl(String scope, String state, String launch, boolean pkce) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("response_type", "code");
        params.put("client_id", clientId);
        params.put("redirect_uri", redirectUri);
        params.put("scope", scope);
        params.put("state", state);
        params.put("aud", fhirBase);
        if (launch != null) {
            params.put("launch", launch);
        }
        if (pkce) {
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            params.put("code_challenge", challenge(verifier));
            params.put("code_challenge_method", "S256");
        }
        return configuration.path("authorization_endpoint").asText() + "?" + form(params);
    }

    /** GET in the browser, Accept HTML; the raw response (redirects are not followed). */
    HttpResponse<String> browse(String url) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Accept", "text/html")
                .GET()
                .build());
    }

    /** Follows redirects within the identity provider until one leaves it (to the app) or a page is shown. */
    HttpResponse<String> follow(HttpResponse<String> response) {
        int hops = 0;
        while (response.statusCode() / 100 == 3 && hops++ < 10) {
            String next = response.request()
                    .uri()
                    .resolve(response.headers().firstValue("Location").orElseThrow())
                    .toString();
            if (!sameOrigin(next, response.request().uri())) {
                return response;
            }
            response = browse(next);
        }
        return response;
    }

    private static boolean sameOrigin(String url, URI base) {
        URI u = URI.create(url);
        return u.getHost().equals(base.getHost()) && u.getPort() == base.getPort();
    }

    /** Fills and submits the first form on the page with these fields (hidden inputs kept, e.g. a CSRF token). */
    HttpResponse<String> submit(HttpResponse<String> page, Map<String, String> fields) {
        return submit(page, page.body(), fields);
    }

    /** Submits the one form on the page that holds {@code marker} (a page with a form per row: the row's button). */
    HttpResponse<String> submitFormHolding(HttpResponse<String> page, String marker, Map<String, String> fields) {
        String body = page.body();
        int at = body.indexOf(marker);
        if (at < 0) {
            throw new IllegalStateException("no form holds " + marker);
        }
        int start = body.lastIndexOf("<form", at);
        int end = body.indexOf("</form>", at) + "</form>".length();
        return submit(page, body.substring(start, end), fields);
    }

    private HttpResponse<String> submit(HttpResponse<String> page, String html, Map<String, String> fields) {
        Matcher action = Pattern.compile("<form[^>]*method=\"post\"[^>]*action=\"([^\"]+)\"")
                .matcher(html);
        String target = action.find() ? action.group(1) : page.request().uri().getPath();
        Map<String, String> values = new LinkedHashMap<>();
        StringBuilder ticked = new StringBuilder();
        Matcher input = INPUT.matcher(html);
        while (input.find()) {
            String tag = html.substring(Math.max(0, input.start()), input.end());
            if (tag.contains("type=\"hidden\"")) {
                values.put(input.group(1), unescape(input.group(2)));
            } else if (tag.contains("type=\"checkbox\"")) {
                // a consent page: the user approves everything the app asked for
                ticked.append('&').append(form(Map.of(input.group(1), unescape(input.group(2)))));
            }
        }
        values.putAll(fields);
        return send(HttpRequest.newBuilder(page.request().uri().resolve(unescape(target)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(form(values) + ticked))
                .build());
    }

    private static String unescape(String html) {
        return html.replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&lt;", "<")
                .replace("&gt;", ">");
    }

    /** True when the identity provider asks the user to approve the app (a consent form with the asked scopes). */
    static boolean asksConsent(HttpResponse<String> page) {
        return page.statusCode() == 200
                && page.body().contains("name=\"scope\"")
                && page.body().contains("consent");
    }

    /** Query parameters of the redirect back to the app. */
    static Map<String, String> query(HttpResponse<String> redirect) {
        String location = redirect.headers().firstValue("Location").orElseThrow();
        String query = URI.create(location).getRawQuery();
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                    kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
        }
        return params;
    }

    /** Exchanges the code at the token endpoint (with the secret if confidential; always the PKCE verifier). */
    HttpResponse<String> exchange(String code) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", "authorization_code");
        params.put("code", code);
        params.put("redirect_uri", redirectUri);
        params.put("code_verifier", verifier);
        return tokenRequest(params);
    }

    HttpResponse<String> refresh(String refreshToken) {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", "refresh_token");
        params.put("refresh_token", refreshToken);
        return tokenRequest(params);
    }

    private HttpResponse<String> tokenRequest(Map<String, String> params) {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create(configuration.path("token_endpoint").asText()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json");
        if (clientSecret != null) {
            request.header("Authorization", basic(clientId, clientSecret));
        } else {
            params.put("client_id", clientId);
        }
        return send(
                request.POST(HttpRequest.BodyPublishers.ofString(form(params))).build());
    }

    HttpResponse<String> introspect(String token) {
        return send(HttpRequest.newBuilder(
                        URI.create(configuration.path("introspection_endpoint").asText()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", basic(clientId, clientSecret))
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("token", token))))
                .build());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return browser.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("not JSON (" + response.statusCode() + "): " + response.body(), e);
        }
    }

    private static String basic(String id, String secret) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((URLEncoder.encode(id, StandardCharsets.UTF_8) + ":"
                                        + URLEncoder.encode(secret, StandardCharsets.UTF_8))
                                .getBytes(StandardCharsets.UTF_8));
    }

    static String form(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    private static String challenge(String verifier) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
