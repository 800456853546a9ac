package org.carerecord.e2e.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.sessions.JqwikSession;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.e2e.support.TestPatients.TestPatient;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Generated requests thrown at fhir-server as several personas — searches with generated parameters and
 * values (valid, malformed, chained, reverse-chained, includes, paging controls), reads and operations on
 * real and made-up ids, other people's paging links and made-up ones, generated resources and bundles
 * (valid and not), and generated headers — asserting what must hold for any request: never a 5xx, never a
 * resource outside the persona's decision, and the server still healthy at the end. jqwik's arbitraries make
 * the requests from one seed (printed; {@code -Dfuzz.seed} repeats a run); {@code -Dfuzz.requests} sets how
 * many (10,000 in the build).
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedRequestsIT {

    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 10_000);
    private static final long SEED = Long.getLong("fuzz.seed", new Random().nextLong());
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> TYPES = List.of(
            "Patient",
            "Condition",
            "MedicationRequest",
            "Encounter",
            "Observation",
            "AllergyIntolerance",
            "CareTeam",
            "Organization",
            "Practitioner",
            "Procedure",
            "Consent",
            "AuditEvent",
            "Spaceship");
    private static final String DEPRESSION = "35489007";
    private static final String SERTRALINE = "39695211000001102";
    private static final String ABSENT_UNKNOWN = "http://hl7.org/fhir/uv/ips/CodeSystem/absent-unknown-uv-ips";

    private CareRecordStack stack;
    private TestPatient patient;
    private final List<String> knownIds = Collections.synchronizedList(new ArrayList<>());
    private final List<String> othersLinks = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> tokens = new ConcurrentHashMap<>();

    /** One generated request: who sends it, and what. */
    record Generated(String persona, String method, String path, String body, Map<String, String> headers) {}

    @BeforeAll
    void records(CareRecordStack stack) {
        this.stack = stack;
        DemoData.load(stack);
        patient = TestPatients.davidLike(stack);
        for (JsonNode e : Fhir.get(
                        stack.fhirBaseUrl() + "/Patient/" + patient.id() + "/$everything?_count=100",
                        token("gp-system"))
                .body()
                .path("entry")) {
            knownIds.add(e.path("resource").path("resourceType").asText() + "/"
                    + e.path("resource").path("id").asText());
        }
        for (String search : List.of(
                "Condition?patient=" + patient.id() + "&_count=1",
                "Patient?birthdate=1981-09-02&_count=1",
                "Condition?patient=amelia-hartley&_count=1")) {
            for (JsonNode link : Fhir.get(stack.fhirBaseUrl() + "/" + search, token("gp.clinician"))
                    .body()
                    .path("link")) {
                othersLinks.add(link.path("url").asText());
            }
        }
    }

    @Test
    void anyGeneratedRequestIsAnsweredWithoutAServerErrorAndWithinThePersonasDecision() throws Exception {
        List<Generated> all = new ArrayList<>(REQUESTS);
        JqwikSession.run(
                String.valueOf(SEED),
                () -> requests().sampleStream().limit(REQUESTS).forEach(all::add));
        System.out.printf(
                "GeneratedRequestsIT: %d requests from seed %d (-Dfuzz.seed=%d repeats them)%n", REQUESTS, SEED, SEED);
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sent = new AtomicInteger();
        long started = System.nanoTime();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        List<Future<?>> running = new ArrayList<>();
        for (Generated request : all) {
            running.add(clients.submit(() -> {
                String problem = check(request);
                sent.incrementAndGet();
                if (problem != null && failures.size() < 20) {
                    failures.add(problem + "\n    " + request);
                }
            }));
        }
        for (Future<?> f : running) {
            f.get();
        }
        clients.shutdown();
        System.out.printf(
                "GeneratedRequestsIT: %d requests in %d s, %d problems%n",
                sent.get(), (System.nanoTime() - started) / 1_000_000_000, failures.size());
        assertThat(failures).as("seed " + SEED).isEmpty();
        HttpResponse<String> health = HTTP.send(
                HttpRequest.newBuilder(URI.create(stack.fhirBaseUrl().replaceFirst("/fhir$", "") + "/actuator/health"))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.body()).contains("\"status\":\"UP\"");
    }

    /**
     * What is wrong with the answer to this request, or null. An answer in XML or Turtle is checked for its status,
     * and the same read is asked again in JSON for what it shows (the filter works before any encoding).
     */
    private String check(Generated request) {
        String problem = checkOnce(request);
        boolean otherFormat = request.headers().getOrDefault("Accept", "").contains("xml")
                || request.path().contains("_format=");
        if (problem == null && otherFormat && request.method().equals("GET")) {
            Map<String, String> json = new java.util.LinkedHashMap<>(request.headers());
            json.put("Accept", "application/fhir+json");
            problem = checkOnce(new Generated(
                    request.persona(), "GET", request.path().replaceAll("_format=[^&]*", "_format=json"), null, json));
        }
        return problem;
    }

    private String checkOnce(Generated request) {
        HttpResponse<String> response;
        try {
            HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(
                            request.path().startsWith("http")
                                    ? request.path()
                                    : stack.fhirBaseUrl() + "/" + request.path()))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token(request.persona()));
            request.headers().forEach(builder::header);
            builder.method(
                    request.method(),
                    request.body() == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(request.body()));
            response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IllegalArgumentException notAUri) {
            return null; // the client could not even send it
        } catch (Exception e) {
            return "no answer: " + e;
        }
        if (response.statusCode() >= 500) {
            return "HTTP " + response.statusCode() + " " + abbreviate(response.body());
        }
        if (response.body().contains("\tat ") || response.body().contains("<html")) {
            return "a stack trace or an HTML page: HTTP " + response.statusCode() + " " + abbreviate(response.body());
        }
        if (!response.body().isBlank() && !response.body().startsWith("{")) {
            return null; // XML or Turtle: its status is checked above, what it shows by its JSON twin
        }
        JsonNode body;
        try {
            body = response.body().isBlank()
                    ? null
                    : new com.fasterxml.jackson.databind.ObjectMapper().readTree(response.body());
        } catch (Exception notJson) {
            return "not JSON: HTTP " + response.statusCode() + " " + abbreviate(response.body());
        }
        if (body != null && body.toString().contains("\tat ")) {
            return "a stack trace in the answer";
        }
        List<JsonNode> shown = new ArrayList<>();
        collect(body, shown);
        Predicate<JsonNode> forbidden = forbiddenFor(request.persona());
        for (JsonNode resource : shown) {
            if (forbidden.test(resource)) {
                return request.persona() + " was shown " + abbreviate(resource.toString());
            }
        }
        return null;
    }

    /** The resources an answer shows (a resource, or a bundle's entries), not its OperationOutcomes. */
    private static void collect(JsonNode node, List<JsonNode> shown) {
        if (node == null || !node.has("resourceType")) {
            return;
        }
        String type = node.path("resourceType").asText();
        if ("Bundle".equals(type)) {
            node.path("entry").forEach(e -> collect(e.path("resource"), shown));
        } else if (!"OperationOutcome".equals(type) && !node.toString().contains(ABSENT_UNKNOWN)) {
            shown.add(node); // not a summary's "no information about..." placeholder, which is no one's record
        }
    }

    /** What each persona must never be shown, whatever it asks (decided by its role, relationships and scopes). */
    private Predicate<JsonNode> forbiddenFor(String persona) {
        String p = patient.id();
        Predicate<JsonNode> ofTestPatient = r -> r.toString().contains("Patient/" + p + "\"")
                || (r.path("resourceType").asText().equals("Patient")
                        && r.path("id").asText().equals(p));
        return switch (persona) {
            case "social.worker" ->
                r -> r.toString().contains(DEPRESSION)
                        || r.toString().contains(SERTRALINE)
                        || r.toString().contains("Patient/amelia-hartley\"")
                        || r.path("resourceType").asText().equals("Observation");
            case "hospital.nurse", "patient.amelia-hartley" -> ofTestPatient;
            case "ward.clerk" ->
                r -> List.of("Condition", "MedicationRequest", "Observation", "AllergyIntolerance", "Procedure")
                        .contains(r.path("resourceType").asText());
            case "privacy.officer" -> r -> !r.path("resourceType").asText().equals("CapabilityStatement");
            case "gp.locum" ->
                r -> r.path("resourceType").asText().equals("MedicationRequest")
                        || (r.path("resourceType").asText().equals("Condition")
                                && !r.toString().contains("encounter-diagnosis"));
            default -> r -> false;
        };
    }

    private Arbitrary<Generated> requests() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, search()),
                net.jqwik.api.Tuple.of(3, read()),
                net.jqwik.api.Tuple.of(1, replayedLink()),
                net.jqwik.api.Tuple.of(1, write()),
                net.jqwik.api.Tuple.of(1, bundle()));
    }

    private Arbitrary<String> personas() {
        return Arbitraries.of(
                "social.worker",
                "hospital.nurse",
                "ward.clerk",
                "privacy.officer",
                "gp.locum",
                "patient.amelia-hartley",
                "gp.clinician",
                "rtd-pas");
    }

    private Arbitrary<Generated> search() {
        Arbitrary<String> parameter =
                Combinators.combine(parameterNames(), values()).as((name, value) -> enc(name) + "=" + enc(value));
        Arbitrary<String> query = parameter.list().ofMinSize(0).ofMaxSize(4).map(list -> String.join("&", list));
        return Combinators.combine(personas(), Arbitraries.of(TYPES), query, Arbitraries.of(true, false), headers())
                .as((persona, type, q, aimed, headers) -> new Generated(
                        persona,
                        "GET",
                        type + "?" + (aimed ? "patient=" + patient.id() + (q.isEmpty() ? "" : "&") : "") + q,
                        null,
                        headers));
    }

    private Arbitrary<Generated> read() {
        Arbitrary<String> target = Arbitraries.oneOf(
                Arbitraries.of(knownIds.isEmpty() ? List.of("Patient/x") : knownIds),
                Arbitraries.of("Patient/" + patient.id(), "Patient/amelia-hartley", "Patient/david-robson"),
                Combinators.combine(Arbitraries.of(TYPES), values()).as((t, v) -> t + "/" + enc(v)));
        Arbitrary<String> suffix = Arbitraries.of(
                "",
                "",
                "/_history",
                "/_history/1",
                "/_history/999",
                "/$meta",
                "/$everything",
                "/$summary",
                "/$everything?_type=Condition,Observation&_count=2",
                "/$validate",
                "/$expunge",
                "/_history?_since=2000-01-01");
        return Combinators.combine(personas(), target, suffix, headers())
                .as((persona, t, s, headers) -> new Generated(persona, "GET", t + s, null, headers));
    }

    private Arbitrary<Generated> replayedLink() {
        Arbitrary<String> link = Arbitraries.oneOf(
                Arbitraries.of(othersLinks.isEmpty() ? List.of("Patient") : othersLinks),
                Arbitraries.strings()
                        .alpha()
                        .numeric()
                        .ofMaxLength(40)
                        .map(id -> "?_getpages=" + id + "&_getpagesoffset=0&_count=10"),
                Arbitraries.of(othersLinks.isEmpty() ? List.of("Patient") : othersLinks)
                        .map(l -> l.replaceAll("_getpagesoffset=\\d+", "_getpagesoffset=0")
                                .replaceAll("_count=\\d+", "_count=200")));
        return Combinators.combine(personas().filter(p -> !p.equals("gp.clinician")), link, headers())
                .as((persona, l, headers) -> new Generated(persona, "GET", l, null, headers));
    }

    private Arbitrary<Generated> write() {
        return Combinators.combine(
                        personas(),
                        Arbitraries.of("POST", "PUT", "DELETE", "PATCH"),
                        Arbitraries.of(TYPES),
                        resources(),
                        Arbitraries.of("", "/gen-1", "/" + patient.id()))
                .as((persona, method, type, body, id) -> new Generated(
                        persona,
                        method,
                        type + (method.equals("POST") ? "" : id),
                        method.equals("DELETE") ? null : body,
                        Map.of("Content-Type", "application/fhir+json")));
    }

    private Arbitrary<Generated> bundle() {
        Arbitrary<String> entry = Arbitraries.oneOf(
                Arbitraries.of(TYPES)
                        .map(t -> "{\"request\":{\"method\":\"GET\",\"url\":\"" + t + "?patient=" + patient.id()
                                + "\"}}"),
                Arbitraries.of(knownIds.isEmpty() ? List.of("Patient/x") : knownIds)
                        .map(id -> "{\"request\":{\"method\":\"GET\",\"url\":\"" + id + "\"}}"),
                resources()
                        .map(r -> "{\"resource\":" + r + ",\"request\":{\"method\":\"POST\",\"url\":\"Condition\"}}"),
                Arbitraries.of(
                        "{}",
                        "{\"request\":{}}",
                        "{\"request\":{\"method\":\"GET\"}}",
                        "{\"resource\":{\"resourceType\":\"Bundle\"},"
                                + "\"request\":{\"method\":\"POST\",\"url\":\"Bundle\"}}"));
        return Combinators.combine(
                        personas(),
                        Arbitraries.of("batch", "transaction", "searchset", "nonsense"),
                        entry.list().ofMaxSize(6))
                .as((persona, type, entries) -> new Generated(
                        persona,
                        "POST",
                        "",
                        "{\"resourceType\":\"Bundle\",\"type\":\"" + type + "\",\"entry\":[" + String.join(",", entries)
                                + "]}",
                        Map.of("Content-Type", "application/fhir+json")));
    }

    /** Resources of generated shape: valid-looking, missing required parts, wrong types, unknown elements, not JSON. */
    private Arbitrary<String> resources() {
        Arbitrary<String> element = Combinators.combine(
                        Arbitraries.of(
                                "status",
                                "code",
                                "subject",
                                "id",
                                "meta",
                                "extension",
                                "contained",
                                "text",
                                "category",
                                "x",
                                "clinicalStatus",
                                "identifier",
                                "onsetDateTime",
                                "birthDate",
                                "resourceType"),
                        Arbitraries.of(
                                "\"active\"",
                                "1",
                                "null",
                                "[]",
                                "{}",
                                "\"2020-99-99\"",
                                "{\"reference\":\"Patient/fuzz-nobody\"}",
                                "{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"" + DEPRESSION
                                        + "\"}]}",
                                "[{\"url\":\"http://example.org/x\",\"valueString\":\"y\"}]",
                                "[{\"resourceType\":\"Patient\",\"id\":\"c1\"}]",
                                "{\"status\":\"generated\",\"div\":\"<div><script>x</script></div>\"}",
                                "\"" + "z".repeat(300) + "\""))
                .as((k, v) -> "\"" + k + "\":" + v);
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of(TYPES), element.list().ofMaxSize(6))
                        .as((type, elements) -> "{\"resourceType\":\"" + type + "\"" + (elements.isEmpty() ? "" : ",")
                                + String.join(",", elements) + "}"),
                Arbitraries.strings().ofMaxLength(60).map(s -> "{" + s),
                Arbitraries.of(
                        "[]",
                        "null",
                        "{\"resourceType\":\"Patient\",\"birthDate\":\"" + "9".repeat(100) + "\"}",
                        "{\"resourceType\":\"Patient\"" + ",\"contained\":[{\"resourceType\":\"Patient\"".repeat(50)
                                + "}]".repeat(50) + "}"));
    }

    private Arbitrary<String> parameterNames() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "patient",
                        "subject",
                        "code",
                        "_id",
                        "birthdate",
                        "family",
                        "name",
                        "identifier",
                        "_count",
                        "_sort",
                        "_include",
                        "_revinclude",
                        "_has:Condition:subject:code",
                        "_security",
                        "date",
                        "status",
                        "category",
                        "_elements",
                        "_summary",
                        "_total",
                        "_lastUpdated",
                        "subject:Patient.family",
                        "patient.identifier",
                        "_include:iterate",
                        "_revinclude:iterate",
                        "code:text",
                        "code:not",
                        "_contained",
                        "_filter",
                        "_text",
                        "_content",
                        "_list",
                        "_getpages",
                        "_getpagesoffset",
                        "_format",
                        "_pretty"),
                Arbitraries.strings()
                        .withCharRange('a', 'z')
                        .withChars('_', ':', '.', '-')
                        .ofMinLength(1)
                        .ofMaxLength(20));
    }

    private Arbitrary<String> values() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        patient.id(),
                        "amelia-hartley",
                        "david-robson",
                        "Patient/" + patient.id(),
                        DEPRESSION,
                        "http://snomed.info/sct|" + DEPRESSION,
                        SERTRALINE,
                        "*",
                        "Condition:subject",
                        "Patient:general-practitioner",
                        "MedicationRequest:subject",
                        "*:*",
                        "gt2000-01-01",
                        "2020-13-45",
                        "notadate",
                        "ge9999",
                        "-1",
                        "0",
                        "999999999",
                        "true",
                        "count",
                        "accurate",
                        "-_id",
                        "_id",
                        "json",
                        "xml",
                        "ttl",
                        "problem-list-item",
                        "PSY",
                        "encounter-diagnosis",
                        "Robson",
                        "1981-09-02",
                        "https://fhir.nhs.uk/Id/nhs-number|" + patient.nhsNumber(),
                        "",
                        ",",
                        "|",
                        "%00",
                        "name eq \"x\"",
                        "../../etc/passwd",
                        "' or 1=1 --",
                        "<script>",
                        "\u00e9\u00e8\u4e2d\u6587"),
                Arbitraries.strings().ofMaxLength(30),
                Arbitraries.integers().map(String::valueOf));
    }

    private Arbitrary<Map<String, String>> headers() {
        Arbitrary<Map.Entry<String, String>> header = Arbitraries.oneOf(
                Arbitraries.of("ETREAT", "TREAT", "HCOMPL", "nonsense", "").map(v -> Map.entry("X-Purpose-Of-Use", v)),
                // reasons too short to be accepted, so a generated request never breaks glass
                Arbitraries.strings()
                        .ofMaxLength(8)
                        .map(v -> Map.entry("X-Break-Glass-Reason", v.strip().isEmpty() ? "." : v.strip())),
                Arbitraries.strings()
                        .alpha()
                        .ofMaxLength(8)
                        .map(v -> Map.entry("X-Care-Relationship", v.isEmpty() ? "." : v)),
                Arbitraries.of(
                                "application/fhir+json",
                                "application/fhir+xml",
                                "text/html",
                                "*/*",
                                "application/x-nonsense")
                        .map(v -> Map.entry("Accept", v)),
                Arbitraries.of("return=minimal", "return=OperationOutcome", "handling=strict", "respond-async")
                        .map(v -> Map.entry("Prefer", v)),
                Arbitraries.of("no-store", "no-cache", "max-results=5000").map(v -> Map.entry("Cache-Control", v)));
        return header.list().ofMaxSize(3).map(list -> {
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            list.forEach(e -> headers.put(e.getKey(), e.getValue().replaceAll("[\\r\\n]", "")));
            headers.entrySet().removeIf(e -> !e.getValue().chars().allMatch(c -> c >= 0x20 && c < 0x7f));
            return headers;
        });
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8)
                .replace("%3A", ":")
                .replace("%2C", ",");
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private String token(String persona) {
        return tokens.computeIfAbsent(persona, p -> stack.tokens().token(p));
    }
}
