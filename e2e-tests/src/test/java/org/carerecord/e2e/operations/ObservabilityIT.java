package org.carerecord.e2e.operations;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Bundles;
import org.carerecord.e2e.support.Metrics;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.e2e.support.TestPatients.TestPatient;
import org.carerecord.e2e.support.TraceReceiver;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an on-call engineer relies on, against the running services: metrics only on each service's management
 * port and only for the scraper's token; the figures of the dashboard (deploy/grafana) published and moving with
 * traffic; one request id on the answer, the log line and the audit record; a trace that follows a request from
 * service to service to an OTLP collector.
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ObservabilityIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> SERVICES = List.of("fhir-server", "consent-service", "audit-service");
    /** Every other token the identity provider issues: users, a patient, care providers' systems, the services. */
    private static final List<String> NOT_THE_SCRAPER = List.of(
            "gp.clinician",
            "gp.locum",
            "hospital.nurse",
            "social.worker",
            "ward.clerk",
            "privacy.officer",
            "caldicott.guardian",
            "patient.amelia-hartley",
            "rtd-pas",
            "gp-system",
            "fhir-server",
            "consent-service",
            "audit-service");

    private CareRecordStack stack;
    private TraceReceiver traces;

    @BeforeAll
    void stack(CareRecordStack stack, TraceReceiver traces) {
        this.stack = stack;
        this.traces = traces;
    }

    @Test
    void metricsAreOnTheManagementPortOnlyAndOnlyForTheScrapersToken() {
        for (String service : SERVICES) {
            String publicUrl = stack.service(service).baseUrl();
            String management = stack.service(service).managementUrl();
            assertThat(management).as(service + " has a port of its own").isNotEqualTo(publicUrl);

            assertThat(get(publicUrl + "/actuator/prometheus", null).statusCode())
                    .as(service)
                    .isEqualTo(401);
            assertThat(get(publicUrl + "/actuator/prometheus", token("prometheus"))
                            .statusCode())
                    .as(service + ": the public port never serves metrics")
                    .isIn(403, 404);
            assertThat(get(publicUrl + "/actuator/metrics", token("prometheus")).statusCode())
                    .as(service)
                    .isIn(403, 404);

            assertThat(get(management + "/actuator/prometheus", null).statusCode())
                    .as(service)
                    .isEqualTo(401);
            for (String persona : NOT_THE_SCRAPER) {
                assertThat(get(management + "/actuator/prometheus", token(persona))
                                .statusCode())
                        .as(service + " metrics for " + persona)
                        .isEqualTo(403);
            }
            HttpResponse<String> scraped = get(management + "/actuator/prometheus", token("prometheus"));
            assertThat(scraped.statusCode()).as(service).isEqualTo(200);
            assertThat(scraped.body()).contains("# TYPE jvm_memory_used_bytes gauge");
            // nothing else of the actuator, and no data, on the management port
            assertThat(get(management + "/actuator/env", token("prometheus")).statusCode())
                    .as(service)
                    .isIn(403, 404);
            assertThat(get(management + "/fhir/metadata", token("prometheus")).statusCode())
                    .as(service)
                    .isIn(403, 404);

            // probes open (a kubelet has no token); the public port's health says UP and nothing more
            assertThat(get(management + "/actuator/health/readiness", null).body())
                    .contains("\"UP\"");
            assertThat(get(management + "/actuator/health/liveness", null).body())
                    .contains("\"UP\"");
            HttpResponse<String> health = get(publicUrl + "/actuator/health", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("{\"status\":\"UP\"}");
        }
    }

    @Test
    void theFiguresAnOnCallEngineerWatchesMoveWithTraffic() {
        TestPatient patient = TestPatients.davidLike(stack);
        Map<String, String> before = scrapeAll();

        String read = stack.fhirBaseUrl() + "/Patient/" + patient.id();
        assertThat(get(read, token("gp.clinician")).statusCode()).isEqualTo(200);
        assertThat(get(stack.fhirBaseUrl() + "/Condition?patient=" + patient.id(), token("ward.clerk"))
                        .statusCode())
                .isEqualTo(403);
        Audit.awaitOutboxDrained(stack);
        Map<String, String> after = scrapeAll();

        String fhirRead = "care_fhir_requests_seconds_count{interaction=\"read\",status=\"200\",type=\"Patient\"}";
        assertThat(sum(after.get("fhir-server"), fhirRead) - sum(before.get("fhir-server"), fhirRead))
                .isGreaterThanOrEqualTo(1);
        String refused =
                "care_fhir_requests_seconds_count{interaction=\"search-type\",status=\"403\",type=\"Condition\"}";
        assertThat(sum(after.get("fhir-server"), refused) - sum(before.get("fhir-server"), refused))
                .isGreaterThanOrEqualTo(1);
        // a patient never seen before: both asked consent-service, one permitted and one refused
        String permits = "care_consent_decisions_seconds_count{decision=\"PERMIT\"}";
        String denials = "care_consent_decisions_seconds_count{decision=\"DENY\"}";
        assertThat(sum(after.get("consent-service"), permits) - sum(before.get("consent-service"), permits))
                .isGreaterThanOrEqualTo(1);
        assertThat(sum(after.get("consent-service"), denials) - sum(before.get("consent-service"), denials))
                .isGreaterThanOrEqualTo(1);
        // The gauge counts the outbox live. Another record may enter it after the drain above: the stack is shared,
        // and an earlier class's notification (an admission HAPI matched in its 5 s pass, tried again after a
        // restart) is audited when it is sent. So the gauge must come down to zero, not read zero at one instant.
        Instant drained = Instant.now().plusSeconds(30);
        double backlog;
        while ((backlog = sum(scrape("fhir-server"), "care_audit_outbox_backlog")) != 0
                && Instant.now().isBefore(drained)) {
            Audit.pause(Duration.ofMillis(200));
        }
        assertThat(backlog).isZero();
        assertThat(names(after.get("fhir-server")))
                .contains("care_audit_outbox_lag_seconds", "care_consent_check_seconds_count");
        assertThat(names(after.get("audit-service")))
                .contains(
                        "care_audit_alerts_open",
                        "care_audit_chain_unverified",
                        "care_audit_chain_intact",
                        "care_audit_chain_verified_age_seconds");

        // an officer's verification shows on the metrics (read back every second here, 15 s by default)
        HttpResponse<String> verified = get(stack.auditUrl() + "/audit/verify", token("privacy.officer"));
        assertThat(verified.statusCode()).as(verified.body()).isEqualTo(200);
        assertThat(verified.body()).contains("\"intact\":true");
        Instant deadline = Instant.now().plusSeconds(20);
        String audit;
        do {
            audit = scrapeAll().get("audit-service");
        } while (sum(audit, "care_audit_chain_intact") != 1.0 && Instant.now().isBefore(deadline));
        assertThat(sum(audit, "care_audit_chain_intact")).as(audit).isEqualTo(1.0);
        assertThat(sum(audit, "care_audit_chain_verified_age_seconds")).isBetween(0.0, 60.0);
        assertThat(sum(audit, "care_audit_chain_unverified")).isBetween(0.0, 1e9);
        assertThat(sum(audit, "care_audit_alerts_open")).isBetween(0.0, 1e9);
    }

    @Test
    void everyFigureOnTheDashboardAndInTheAlertRulesIsOneTheServicesPublish() throws IOException {
        // traffic first: a histogram's series appear with its first observation
        TestPatient patient = TestPatients.davidLike(stack);
        get(stack.fhirBaseUrl() + "/Patient/" + patient.id(), token("gp.clinician"));
        Audit.awaitOutboxDrained(stack);
        Set<String> published = new TreeSet<>();
        scrapeAll().values().forEach(scraped -> published.addAll(names(scraped)));
        Path monitoring = home().resolve("deploy/kubernetes/base/monitoring");
        JsonNode panels = new ObjectMapper()
                .readTree(monitoring.resolve("care-record-dashboard.json").toFile())
                .path("panels");
        assertThat(panels.size()).isGreaterThanOrEqualTo(8);
        List<String> queries = new java.util.ArrayList<>();
        for (JsonNode panel : panels) {
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
            panel.path("targets")
                    .forEach(target -> queries.add(target.path("expr").asText()));
        }
        JsonNode alerts = new ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(monitoring.resolve("alerts.yaml").toFile());
        alerts.at("/spec/groups/0/rules")
                .forEach(rule -> queries.add(rule.path("expr").asText()));
        Set<String> used = new TreeSet<>();
        Pattern metric = Pattern.compile("\\b((?:care|http_server|jvm|hikaricp|process|system)_[a-z0-9_]+)\\b");
        for (String query : queries) {
            Matcher m = metric.matcher(query);
            assertThat(m.find()).as(query).isTrue();
            do {
                used.add(m.group(1));
            } while (m.find());
        }
        assertThat(published)
                .as("metrics the dashboard and the alert rules read")
                .containsAll(used);
    }

    @Test
    void oneRequestIdIsOnTheAnswerTheLogLineAndTheAuditRecord() throws Exception {
        TestPatient patient = TestPatients.davidLike(stack);
        String id =
                "obs" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
        HttpResponse<String> refused =
                send(HttpRequest.newBuilder(URI.create(stack.fhirBaseUrl() + "/Condition?patient=" + patient.id()))
                        .header("Authorization", "Bearer " + token("ward.clerk"))
                        .header("X-Request-ID", id)
                        .GET());
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.headers().allValues("X-Request-ID")).containsExactly(id);

        // the refusal's one INFO line, in JSON, carries the id (and the trace it belongs to)
        Map<String, String> line = awaitLogLine(stack.service("fhir-server").log(), id, "answered 403");
        assertThat(line).containsEntry("log.level", "INFO").containsKey("traceId");
        assertThat(Audit.awaitRecordOf(stack, id).toString()).contains(id);

        // a caller's id that could forge a log line is replaced, not echoed
        HttpResponse<String> forged = send(HttpRequest.newBuilder(URI.create(stack.fhirBaseUrl() + "/metadata"))
                .header("X-Request-ID", "x\"} {\"log.level\":\"ERROR")
                .GET());
        assertThat(forged.headers().firstValue("X-Request-ID")).get().asString().matches("[A-Za-z0-9]{16}");
    }

    @Test
    void aTraceFollowsARequestAcrossTheServices() throws Exception {
        TestPatient patient = TestPatients.davidLike(stack);
        // a caller's trace that is not sampled is followed but not exported (the suite samples nothing itself)
        String unsampled = traceId();
        assertThat(send(HttpRequest.newBuilder(URI.create(stack.fhirBaseUrl() + "/metadata"))
                                .header("traceparent", "00-" + unsampled + "-" + spanId() + "-00")
                                .GET())
                        .statusCode())
                .isEqualTo(200);
        // fhir-server asks consent-service (a patient it has not decided for yet, so nothing is cached)
        String readTrace = traceId();
        HttpResponse<String> read =
                send(HttpRequest.newBuilder(URI.create(stack.fhirBaseUrl() + "/Patient/" + patient.id()))
                        .header("Authorization", "Bearer " + token("gp.clinician"))
                        .header("traceparent", "00-" + readTrace + "-" + spanId() + "-01")
                        .GET());
        assertThat(read.statusCode()).isEqualTo(200);
        // consent-service writes a directive's change into audit-service's trail before it commits
        String consentTrace = traceId();
        HttpResponse<String> optOut = send(HttpRequest.newBuilder(URI.create(stack.consentUrl() + "/fhir/Consent"))
                .header("Authorization", "Bearer " + token("gp-system"))
                .header("Content-Type", "application/fhir+json")
                .header("traceparent", "00-" + consentTrace + "-" + spanId() + "-01")
                .POST(HttpRequest.BodyPublishers.ofString(Bundles.optOut(patient.id()))));
        assertThat(optOut.statusCode()).as(optOut.body()).isEqualTo(201);

        Duration wait = Duration.ofSeconds(45);
        assertThat(traces.awaitSpan("fhir-server", readTrace, wait))
                .as("fhir-server's span")
                .isTrue();
        assertThat(traces.awaitSpan("consent-service", readTrace, wait))
                .as("consent-service's span of the decision fhir-server asked for")
                .isTrue();
        assertThat(traces.awaitSpan("consent-service", consentTrace, wait)).isTrue();
        assertThat(traces.awaitSpan("audit-service", consentTrace, wait))
                .as("audit-service's span of the record consent-service delivered")
                .isTrue();
        // exported after the unsampled request was answered, and it is not among them
        assertThat(traces.awaitSpan("fhir-server", unsampled, Duration.ofMillis(1)))
                .isFalse();
    }

    // -- helpers

    private Map<String, String> scrapeAll() {
        Map<String, String> scraped = new LinkedHashMap<>();
        for (String service : SERVICES) {
            scraped.put(service, scrape(service));
        }
        return scraped;
    }

    private String scrape(String service) {
        HttpResponse<String> response =
                get(stack.service(service).managementUrl() + "/actuator/prometheus", token("prometheus"));
        assertThat(response.statusCode()).as(service).isEqualTo(200);
        return response.body();
    }

    /** The names of the series an exposition holds. */
    static Set<String> names(String exposition) {
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(exposition);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    static double sum(String exposition, String series) {
        return Metrics.sum(exposition, series);
    }

    private static Map<String, String> awaitLogLine(Path log, String requestId, String message) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            for (String line : Files.readAllLines(log)) {
                if (line.contains(requestId)) {
                    Map<String, String> fields = new LinkedHashMap<>();
                    try {
                        flatten("", json.readTree(line), fields);
                    } catch (com.fasterxml.jackson.core.JsonProcessingException halfWritten) {
                        continue; // the service is still writing this line: read it again on the next pass
                    }
                    if (requestId.equals(fields.get("http.request.id"))
                            && fields.getOrDefault("message", "").contains(message)) {
                        return fields;
                    }
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no JSON log line with http.request.id " + requestId + " and '" + message + "'");
    }

    /** ECS nests dotted names ({"log":{"level":..}}) or not, by version: both read as "log.level". */
    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(prefix + e.getKey() + ".", e.getValue(), into));
        } else {
            into.put(prefix.substring(0, prefix.length() - 1), node.asText());
        }
    }

    private static String traceId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong())
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    private static String spanId() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    private static Path home() {
        return Path.of(System.getProperty("care.record.home", ".."))
                .toAbsolutePath()
                .normalize();
    }

    private String token(String persona) {
        return stack.tokens().token(persona);
    }

    private static HttpResponse<String> get(String url, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
