package org.carerecord.e2e.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Bundles;
import org.carerecord.e2e.support.ExternalTools;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.TestDatabase;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.e2e.support.TestPatients.TestPatient;
import org.carerecord.launcher.database.PostgresServer;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.ServiceProcess;
import org.carerecord.launcher.service.StackPorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Two fhir-servers and two consent-services behind HAProxy, as {@code ./care-record up --replicas 2} runs them, on
 * one set of databases: what one replica is told binds the other on the very next request, each view is audited
 * exactly once whichever replica served it, and losing a replica of each under load loses no audit record and
 * serves nothing unaudited while the load balancer routes around them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplicasIT {

    private PostgresServer postgres;
    private CareRecordStack stack;
    private Path logs;

    /** A stack of its own, on a database server of its own: the suite's shared one runs one of each. */
    @BeforeAll
    void twoOfEach() throws Exception {
        ExternalTools.require("haproxy", "openssl");
        postgres = TestDatabase.start();
        Path home = Path.of(System.getProperty("care.record.home", ".."))
                .toAbsolutePath()
                .normalize();
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        logs = home.resolve("e2e-tests/target/e2e-logs/replicas");
        stack = CareRecordStack.start(
                home,
                postgres,
                "rep_" + HexFormat.of().formatHex(secret, 0, 3) + "_",
                StackPorts.free(),
                2,
                HexFormat.of().formatHex(secret),
                logs,
                Map.of("CARE_AUDIT_RELAY_INTERVAL", "200ms"));
        DemoData.load(stack);
    }

    @AfterAll
    void stop() {
        if (stack != null) {
            stack.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aConsentWrittenThroughOneConsentServiceBindsEveryFhirServerOnTheNextRequest() {
        TestPatient patient = TestPatients.davidLike(stack);
        for (ServiceProcess fhir : stack.replicas("fhir-server")) {
            assertThat(conditions(fhir, "gp.clinician", patient).status())
                    .as("read (and cached) on " + fhir.name())
                    .isEqualTo(200);
        }
        ServiceProcess second = stack.replicas("consent-service").get(1);
        Fhir.Response optOut =
                Fhir.post(second.baseUrl() + "/fhir/Consent", token("gp-system"), Bundles.optOut(patient.id()));
        assertThat(optOut.status()).as(optOut.body().toString()).isEqualTo(201);

        for (ServiceProcess fhir : stack.replicas("fhir-server")) {
            Fhir.Response after = conditions(fhir, "gp.clinician", patient);
            assertThat(after.status()).as("on " + fhir.name()).isEqualTo(403);
            assertThat(after.diagnostics()).contains("opted out");
        }
        // and whichever consent-service is asked directly
        for (int i = 0; i < 4; i++) {
            assertThat(Fhir.get(stack.fhirBaseUrl() + "/Condition?patient=" + patient.id(), token("gp.clinician"))
                            .status())
                    .isEqualTo(403);
        }
    }

    @Test
    void aBreakGlassThroughOneReplicaBindsTheOtherOnTheNextRequest() {
        TestPatient patient = TestPatients.davidLike(stack); // the hospital has no relationship with them
        ServiceProcess first = stack.replicas("fhir-server").get(0);
        ServiceProcess second = stack.replicas("fhir-server").get(1);
        assertThat(conditions(second, "hospital.nurse", patient).status())
                .as("refused (and the refusal cached) on the second")
                .isEqualTo(403);
        Fhir.Response emergency = Fhir.get(
                first.baseUrl() + "/fhir/Condition?patient=" + patient.id(),
                token("hospital.nurse"),
                Map.of(
                        "X-Purpose-Of-Use",
                        "ETREAT",
                        "X-Break-Glass-Reason",
                        "Unconscious in ED, no history available"));
        assertThat(emergency.status()).as(emergency.body().toString()).isEqualTo(200);
        assertThat(conditions(second, "hospital.nurse", patient).status())
                .as("the break-glass window is open on the second too")
                .isEqualTo(200);
    }

    @Test
    void aCareRelationshipWrittenThroughOneFhirServerCountsOnTheOtherAtOnce() {
        TestPatient patient = TestPatients.davidLike(stack);
        ServiceProcess first = stack.replicas("fhir-server").get(0);
        ServiceProcess second = stack.replicas("fhir-server").get(1);
        assertThat(conditions(second, "hospital.nurse", patient).status()).isEqualTo(403);
        Fhir.Response admitted =
                Fhir.post(first.baseUrl() + "/fhir", token("rtd-pas"), Bundles.admission(patient.nhsNumber(), "RTD"));
        assertThat(admitted.status()).as(admitted.body().toString()).isEqualTo(200);
        assertThat(conditions(second, "hospital.nurse", patient).status()).isEqualTo(200);
    }

    @Test
    void eachViewIsAuditedExactlyOnceWhicheverReplicaServedIt() {
        TestPatient patient = TestPatients.davidLike(stack);
        Instant since = Instant.now();
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Fhir.Response response =
                    Fhir.get(stack.fhirBaseUrl() + "/Condition?patient=" + patient.id(), token("gp.clinician"));
            assertThat(response.status()).isEqualTo(200);
            served.add(response.requestId());
        }
        Audit.awaitOutboxDrained(stack);
        assertThat(Audit.recordsOf(stack, served, since))
                .allSatisfy((id, count) ->
                        assertThat(count).as("audit records of " + id).isEqualTo(1));
        assertThat(servedBy()).as("both replicas served").hasSize(2);
    }

    /** A read and when it was answered; no response: the connection broke mid-answer (a replica killed). */
    private record Read(Fhir.Response response, Instant at) {

        boolean served() {
            return response != null && response.status() == 200;
        }
    }

    @Test
    void losingAFhirServerAndAConsentServiceUnderReadsLosesNoAuditRecordAndServesNothingUnaudited() throws Exception {
        TestPatient patient = TestPatients.davidLike(stack);
        ServiceProcess fhir = stack.replicas("fhir-server").get(1);
        ServiceProcess consent = stack.replicas("consent-service").get(1);
        Instant since = Instant.now();
        List<Read> reads = Collections.synchronizedList(new ArrayList<>());
        long stopAt = System.nanoTime() + Duration.ofSeconds(16).toNanos();
        ExecutorService readers = Executors.newFixedThreadPool(3);
        List<Future<?>> running = new ArrayList<>();
        String token = token("gp.clinician");
        for (int r = 0; r < 3; r++) {
            running.add(readers.submit(() -> {
                while (System.nanoTime() < stopAt) {
                    Fhir.Response response;
                    try {
                        response = Fhir.get(stack.fhirBaseUrl() + "/Condition?patient=" + patient.id(), token);
                    } catch (IllegalStateException brokenMidAnswer) {
                        // the killed replica had begun its answer: no balancer can retry that, a client sees it fail
                        response = null;
                    }
                    reads.add(new Read(response, Instant.now()));
                }
            }));
        }
        Instant killed = null;
        try {
            try {
                Thread.sleep(4_000);
                killed = Instant.now();
                fhir.kill();
                consent.kill();
                for (Future<?> reader : running) {
                    reader.get(60, TimeUnit.SECONDS);
                }
            } finally {
                readers.shutdownNow();
            }
            List<String> ok = new ArrayList<>();
            int refusedOrFailed = 0;
            int afterRouting = 0;
            for (Read read : reads) {
                if (read.served()) {
                    ok.add(read.response().requestId());
                } else {
                    refusedOrFailed++;
                    assertThat(read.at())
                            .as("after the balancer took the dead replicas out, every read is served ("
                                    + (read.response() == null
                                            ? "connection broken"
                                            : read.response().status())
                                    + ")")
                            .isBefore(killed.plusSeconds(4));
                }
                if (read.at().isAfter(killed.plusSeconds(4))) {
                    afterRouting++;
                }
            }
            assertThat(afterRouting).as("reads went on after the loss").isGreaterThan(10);
            Audit.awaitOutboxDrained(stack);
            assertThat(Audit.recordsOf(stack, ok, since))
                    .allSatisfy((id, count) -> assertThat(count)
                            .as("a 200 without exactly one audit record: " + id)
                            .isEqualTo(1));
            System.out.printf(
                    "replicas: %d reads, %d served and audited exactly once, %d failed around the kill%n",
                    reads.size(), ok.size(), refusedOrFailed);
        } finally {
            // restarted whatever failed above, so the class's other tests run on two of each again
            consent.restart();
            fhir.restart();
            consent.awaitHealthy(Duration.ofMinutes(3));
            fhir.awaitHealthy(Duration.ofMinutes(5));
        }
    }

    @Test
    void theBalancerServesTheFhirApiOverTlsWithItsDevelopmentCertificate() throws Exception {
        SSLContext tls = trusting(logs.resolveSibling("load-balancer").resolve("dev-tls.pem"));
        HttpClient https = HttpClient.newBuilder().sslContext(tls).build();
        TestPatient patient = TestPatients.davidLike(stack);
        HttpResponse<String> read = https.send(
                HttpRequest.newBuilder(URI.create(
                                "https://localhost:" + stack.ports().fhirTls() + "/fhir/Patient/" + patient.id()))
                        .header("Authorization", "Bearer " + token("gp.clinician"))
                        .header("Accept", "application/fhir+json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.body()).contains(patient.nhsNumber());
        HttpResponse<String> anonymous = https.send(
                HttpRequest.newBuilder(URI.create(
                                "https://localhost:" + stack.ports().fhirTls() + "/fhir/Patient/" + patient.id()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private Fhir.Response conditions(ServiceProcess fhir, String persona, TestPatient patient) {
        return Fhir.get(fhir.baseUrl() + "/fhir/Condition?patient=" + patient.id(), token(persona));
    }

    /** The fhir-server replicas the load balancer's log shows serving requests (HAProxy logs each, with its server). */
    private List<String> servedBy() {
        try {
            String log = Files.readString(logs.resolve("load-balancer.log"));
            List<String> replicas = new ArrayList<>();
            for (ServiceProcess fhir : stack.replicas("fhir-server")) {
                String port = fhir.baseUrl().substring(fhir.baseUrl().lastIndexOf(':') + 1);
                if (log.contains("fhir-server-replicas/fhir-server-" + port + " ")) {
                    replicas.add(fhir.name());
                }
            }
            return replicas;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static SSLContext trusting(Path pem) throws Exception {
        String text = Files.readString(pem);
        String certificate = text.substring(
                text.indexOf("-----BEGIN CERTIFICATE-----"), text.indexOf("-----END CERTIFICATE-----") + 25);
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry(
                "care-record-dev",
                CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(certificate.getBytes())));
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private String token(String persona) {
        return stack.tokens().token(persona);
    }
}
