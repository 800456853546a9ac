package org.carerecord.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.carerecord.launcher.database.EmbeddedPostgresServer;
import org.carerecord.launcher.database.ExternalPostgresServer;
import org.carerecord.launcher.database.PostgresServer;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.demo.NotificationListener;
import org.carerecord.launcher.service.CareRecordStack;
import org.carerecord.launcher.service.ServiceProcess;
import org.carerecord.launcher.service.StackPorts;
import org.carerecord.launcher.service.TokenClient;
import org.carerecord.security.dev.DevCredentials;

/** The Java side of {@code ./care-record}: {@code up}, {@code token <persona>}, {@code listen <system>}, {@code status}. */
public final class CareRecordLauncher {

    static final String PERSONAS = """
              gp.clinician     R8000 Clinical Practitioner, GP practice A81001
              hospital.nurse   R8001 Nurse, hospital trust RTD
              social.worker    R0243 social care, council NENC-LA1
              ward.clerk       R8010 Clerical, RTD (demographics and admissions only)
              gp.locum         R8000 at A81001 with a granular scope: encounter diagnoses only
              privacy.officer  R0001 Privacy Officer, RTD (audit trail, no clinical data)
              caldicott.guardian R5105 Caldicott Guardian, RTD
              patient.<id>     a patient, e.g. patient.amelia-hartley
              rtd-pas          hospital PAS system client (RTD)
              gp-system        GP system client (A81001)
              prometheus       metrics scraper (metrics.read on the management ports; no data)""";

    private CareRecordLauncher() {}

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        RunDirectory run = new RunDirectory(Path.of(System.getProperty("care.record.home", "."))
                .toAbsolutePath()
                .normalize());
        switch (command) {
            case "up" -> up(run, replicas(args));
            case "token" -> {
                if (args.length != 2) {
                    fail("usage: care-record token <persona>");
                }
                try {
                    System.out.println(
                            new TokenClient(issuer(), new DevCredentials(run.existingSecret())).token(args[1]));
                } catch (IllegalStateException e) {
                    fail(e.getMessage());
                }
            }
            case "password" -> {
                if (args.length != 2 || !args[1].contains(".")) {
                    fail("usage: care-record password <user persona, e.g. gp.clinician>");
                }
                System.out.println(new DevCredentials(run.existingSecret()).password(args[1]));
            }
            case "compose-env" -> {
                // docker compose has no launcher to hand out secrets: the same ones, as a .env file
                DevCredentials credentials = new DevCredentials(run.secret());
                System.out.printf(
                        "CARE_IDP_MASTER_SECRET=%s%nCARE_FHIR_CLIENT_SECRET=%s%nCARE_CONSENT_CLIENT_SECRET=%s%n"
                                + "CARE_AUDIT_CLIENT_SECRET=%s%nCARE_CONSOLE_CLIENT_SECRET=%s%n"
                                + "CARE_PROMETHEUS_CLIENT_SECRET=%s%n",
                        run.secret(),
                        credentials.clientSecret("fhir-server"),
                        credentials.clientSecret("consent-service"),
                        credentials.clientSecret("audit-service"),
                        credentials.clientSecret("governance-console"),
                        credentials.clientSecret("prometheus"));
            }
            case "status" -> status();
            case "listen" -> {
                if (args.length < 2 || args.length > 3) {
                    fail(
                            "usage: care-record listen <system persona, e.g. gp-system> [criteria, e.g. Encounter?class=IMP]");
                }
                TokenClient tokens = new TokenClient(issuer(), new DevCredentials(run.existingSecret()));
                NotificationListener.listen(
                        System.getenv()
                                .getOrDefault(
                                        "CARE_FHIR_BASE_URL",
                                        "http://localhost:"
                                                + StackPorts.defaults().fhirServer() + "/fhir"),
                        () -> tokens.token(args[1]),
                        args.length == 3 ? args[2] : "Encounter?class=IMP");
            }
            default ->
                fail("usage: care-record up | token <persona> | password <persona> | listen <system> | status | down");
        }
    }

    /** {@code up --replicas N}: N fhir-servers and N consent-services behind HAProxy (default 1, no balancer). */
    private static int replicas(String[] args) {
        if (args.length == 1) {
            return 1;
        }
        if (args.length == 3 && args[1].equals("--replicas") && args[2].matches("[1-9]")) {
            return Integer.parseInt(args[2]);
        }
        fail("usage: care-record up [--replicas N]  (N from 1 to 9)");
        return 1;
    }

    private static void up(RunDirectory run, int replicas) throws Exception {
        Instant started = Instant.now();
        PostgresServer postgres = database(run);
        CareRecordStack stack;
        try {
            stack = CareRecordStack.start(
                    run.home(), postgres, "", StackPorts.defaults(), replicas, run.secret(), run.logs(), Map.of());
        } catch (Exception e) {
            postgres.close();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            postgres.close();
            stopped.countDown();
        }));
        DemoData.load(stack);
        System.out.printf(
                """
                Shared care record is up in %d s (logs: %s)
                  FHIR R4 server      %s%s
                  consent-service     %s
                  audit-service       %s
                  governance console  %s/  (sign in as privacy.officer; password: ./care-record password privacy.officer)
                  clinician viewer    %s/  (SMART app; sign in as gp.clinician: ./care-record password gp.clinician)
                  clinical system     %s/ehr  (simulated: EHR-launches the viewer for a chosen patient)
                  identity provider   %s
                  metrics             %s
                                      (Prometheus format on each service's management port; a token with
                                       metrics.read: ./care-record token prometheus)
                Personas (./care-record token <persona>):
                %s
                READY%n""",
                Duration.between(started, Instant.now()).toSeconds(),
                run.logs(),
                stack.fhirBaseUrl(),
                replicas == 1
                        ? ""
                        : "  (HAProxy over " + replicas + " fhir-servers and " + replicas
                                + " consent-services; TLS: https://localhost:"
                                + StackPorts.defaults().fhirTls()
                                + "/fhir, development certificate in .care-record/load-balancer)",
                stack.consentUrl(),
                stack.auditUrl(),
                stack.auditUrl(),
                stack.viewerUrl(),
                stack.issuer(),
                stack.issuer(),
                String.join("\n                      ", stack.metricsUrls()),
                PERSONAS.indent(2).stripTrailing());
        stopped.await();
    }

    private static PostgresServer database(RunDirectory run) {
        String url = System.getenv("CARE_RECORD_DB_URL");
        if (url != null && !url.isBlank()) {
            return new ExternalPostgresServer(
                    url,
                    System.getenv().getOrDefault("CARE_RECORD_DB_USER", "postgres"),
                    System.getenv().getOrDefault("CARE_RECORD_DB_PASSWORD", ""));
        }
        int port = Integer.parseInt(System.getenv().getOrDefault("CARE_RECORD_DB_PORT", "5433"));
        return EmbeddedPostgresServer.start(port, run.pgdata(), true);
    }

    private static void status() {
        StackPorts ports = StackPorts.defaults();
        boolean allUp = true;
        for (var service : Map.of(
                        "identity-provider",
                        ports.identityProvider(),
                        "fhir-server",
                        ports.fhirServer(),
                        "consent-service",
                        ports.consentService(),
                        "audit-service",
                        ports.auditService(),
                        "clinician-viewer",
                        ports.viewer())
                .entrySet()) {
            boolean up = ServiceProcess.isHealthy("http://localhost:" + service.getValue());
            allUp &= up;
            System.out.printf(
                    "%-18s %-5s http://localhost:%d%n", service.getKey(), up ? "UP" : "DOWN", service.getValue());
        }
        System.exit(allUp ? 0 : 1);
    }

    private static String issuer() {
        return System.getenv()
                .getOrDefault(
                        "CARE_IDP_ISSUER",
                        "http://localhost:" + StackPorts.defaults().identityProvider());
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }
}
