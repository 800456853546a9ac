package org.carerecord.fhir.consent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.AccessRequest;
import org.carerecord.security.decision.Decision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

/** fhir-server never fails open: whatever goes wrong with consent-service, the answer is a refusal. */
class ConsentClientTest {

    private static final AccessRequest REQUEST = new AccessRequest(
            "gp.clinician",
            "R8000",
            "A81001",
            "Practitioner/pr-1001",
            "TREAT",
            null,
            "p1",
            List.of("Condition"),
            "read",
            List.of(),
            null);

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aPermitIsPassedThrough() throws IOException {
        AccessDecision decision = clientAnswering(200, """
                {"decisionId":"d1","decision":"PERMIT","reason":"ok","policy":"roles.json@1#R8000",
                 "permittedResourceTypes":["Condition"],"obligations":[],"withheldCategories":["HIV"],
                 "breakGlassAvailable":false}""", 0).decide(REQUEST);
        assertThat(decision.decision()).isEqualTo(Decision.PERMIT);
        assertThat(decision.permitsType("Condition")).isTrue();
    }

    @Test
    void anErrorStatusIsARefusal() throws IOException {
        assertFailedClosed(clientAnswering(500, "{}", 0).decide(REQUEST));
    }

    @Test
    void garbageIsARefusal() throws IOException {
        assertFailedClosed(
                clientAnswering(200, "<html>not a decision</html>", 0).decide(REQUEST));
        assertFailedClosed(clientAnswering(200, "{\"something\":\"else\"}", 0).decide(REQUEST));
    }

    @Test
    void anAnswerSlowerThanTheTimeoutIsARefusal() throws IOException {
        assertFailedClosed(clientAnswering(200, "{}", 1_500).decide(REQUEST));
    }

    @Test
    void anUnreachableServiceIsARefusal() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertFailedClosed(
                new ConsentClient(restClient("http://localhost:" + closedPort), inertCache()).decide(REQUEST));
    }

    private static void assertFailedClosed(AccessDecision decision) {
        assertThat(decision.decision()).isEqualTo(Decision.DENY);
        assertThat(ConsentClient.isUnavailable(decision)).isTrue();
        assertThat(decision.reason()).contains("consent service is unavailable");
    }

    private ConsentClient clientAnswering(int status, String body, long delayMillis) throws IOException {
        server = HttpServer.create(new InetSocketAddress("localhost", 0), 0);
        server.createContext("/decisions", exchange -> {
            try {
                Thread.sleep(delayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return new ConsentClient(
                restClient("http://localhost:" + server.getAddress().getPort()), inertCache());
    }

    private static RestClient restClient(String baseUrl) {
        var factory = new JdkClientHttpRequestFactory(
                HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build());
        factory.setReadTimeout(Duration.ofMillis(500));
        return RestClient.builder().baseUrl(baseUrl).requestFactory(factory).build();
    }

    /** Not following consent-service's change feed, so never used: every call reaches the server. */
    private static DecisionCache inertCache() {
        return new DecisionCache(new ConsentProperties(
                java.net.URI.create("http://unused"),
                java.time.Duration.ofSeconds(2),
                java.time.Duration.ofSeconds(30)));
    }
}
