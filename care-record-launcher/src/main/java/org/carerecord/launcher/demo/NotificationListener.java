package org.carerecord.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * {@code ./care-record listen <system> [criteria]}: a care provider's receiving endpoint for the demo. It listens on
 * loopback, subscribes as that system (a rest-hook Subscription on the criteria, admissions by default), prints each
 * notification as it arrives — what was written, by reference only — and removes the Subscription when stopped.
 */
public final class NotificationListener {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private NotificationListener() {}

    public static void listen(String fhirBase, Supplier<String> token, String criteria) throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/notify", exchange -> {
            try {
                print(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            } catch (IOException e) {
                System.out.println("  (a notification that is not JSON: " + e.getMessage() + ")");
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/notify";
        String subscription = """
                {"resourceType":"Subscription","status":"requested","reason":"care-record listen (demo receiver)",
                 "criteria":%s,"channel":{"type":"rest-hook","endpoint":"%s","payload":"application/fhir+json"}}""".formatted(JSON.writeValueAsString(criteria), endpoint);
        HttpResponse<String> created = HTTP.send(
                HttpRequest.newBuilder(URI.create(fhirBase + "/Subscription"))
                        .header("Authorization", "Bearer " + token.get())
                        .header("Content-Type", "application/fhir+json")
                        .POST(HttpRequest.BodyPublishers.ofString(subscription))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            receiver.stop(0);
            throw new IllegalStateException("Subscription refused (" + created.statusCode() + "): " + created.body());
        }
        String id = JSON.readTree(created.body()).path("id").asText();
        awaitActive(fhirBase, token, id); // HAPI activates a requested Subscription in the background
        System.out.printf(
                "Subscription/%s: notifications of %s to %s (Ctrl-C to stop and remove it)%n", id, criteria, endpoint);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                HTTP.send(
                        HttpRequest.newBuilder(URI.create(fhirBase + "/Subscription/" + id))
                                .header("Authorization", "Bearer " + token.get())
                                .DELETE()
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                System.out.println("Subscription/" + id + " removed.");
            } catch (IOException | InterruptedException e) {
                System.out.println("Subscription/" + id + " not removed: " + e);
            }
            receiver.stop(0);
            stopped.countDown();
        }));
        stopped.await();
    }

    private static void awaitActive(String fhirBase, Supplier<String> token, String id) throws Exception {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> read = HTTP.send(
                    HttpRequest.newBuilder(URI.create(fhirBase + "/Subscription/" + id))
                            .header("Authorization", "Bearer " + token.get())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (read.statusCode() == 200
                    && "active".equals(JSON.readTree(read.body()).path("status").asText())) {
                return;
            }
            Thread.sleep(250);
        }
        System.out.println("Subscription/" + id + " not active after 60 s; notifications may not come");
    }

    private static void print(JsonNode notification) {
        JsonNode entries = notification.path("entry");
        for (int i = 1; i < entries.size(); i++) {
            JsonNode entry = entries.get(i);
            System.out.printf(
                    "%s  %s%s%n",
                    Instant.now(), entry.path("fullUrl").asText(), entry.has("resource") ? " (with the record)" : "");
        }
    }
}
