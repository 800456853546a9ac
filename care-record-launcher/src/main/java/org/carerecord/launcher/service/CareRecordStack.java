package org.carerecord.launcher.service;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.carerecord.launcher.database.PostgresServer;
import org.carerecord.security.dev.DevCredentials;

/**
 * The four services on one PostgreSQL server, wired to each other: what {@code ./care-record up}
 * runs and what the end-to-end tests run against.
 */
public final class CareRecordStack implements AutoCloseable {

    /**
     * What {@code ./care-record up} runs services with: a server's JVM (both JIT tiers, a throughput collector, and
     * a process that stops rather than limps on when its heap is exhausted). {@code CARE_RECORD_JVM_OPTS} or
     * {@code -Dcare.record.jvm-opts} override it.
     */
    public static final String SERVER_JVM_OPTS = "-XX:+UseParallelGC -XX:+ExitOnOutOfMemoryError";
    /**
     * Quick start-up at the cost of peak speed (C1 only, serial GC): for the end-to-end tests, which start the
     * stack once and care about start-up on a 2-core machine, never for a running service.
     */
    public static final String QUICK_START_JVM_OPTS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1";

    private static final String VERSIONLESS_JAR = "%1$s/target/%1$s.jar";

    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Map<String, Map<String, String>> environments = new HashMap<>();
    private Path home;
    private Path logs;
    private final StackPorts ports;
    private final DevCredentials credentials;
    private final PostgresServer postgres;
    private final String databasePrefix;

    private CareRecordStack(StackPorts ports, String masterSecret, PostgresServer postgres, String databasePrefix) {
        this.ports = ports;
        this.credentials = new DevCredentials(masterSecret);
        this.postgres = postgres;
        this.databasePrefix = databasePrefix;
    }

    /**
     * @param home          repository root holding the built jars
     * @param databasePrefix prefix of the three databases (lets several stacks share one server)
     */
    public static CareRecordStack start(
            Path home,
            PostgresServer postgres,
            String databasePrefix,
            StackPorts ports,
            String masterSecret,
            Path logDirectory,
            Map<String, String> extraEnvironment)
            throws SQLException {
        CareRecordStack stack = new CareRecordStack(ports, masterSecret, postgres, databasePrefix);
        DevCredentials credentials = stack.credentials;
        try {
            Map<String, String> common = new HashMap<>(extraEnvironment);
            common.put("CARE_IDP_ISSUER", stack.issuer());
            common.put("CARE_CONSENT_URL", stack.consentUrl());
            common.put("CARE_AUDIT_URL", stack.auditUrl());
            common.put("CARE_FHIR_URL", stack.fhirBaseUrl());
            common.put("CARE_CONSOLE_REDIRECT_URI", stack.auditUrl() + "/login/oauth2/code/care-idp");
            common.put("CARE_VIEWER_URL", stack.viewerUrl());
            // each service gets its own client's secret only; the identity provider alone holds the master
            stack.launch(
                    home,
                    "identity-provider",
                    ports.identityProvider(),
                    "256m",
                    with(common, Map.of("CARE_IDP_MASTER_SECRET", masterSecret)),
                    logDirectory);
            stack.launch(
                    home,
                    "consent-service",
                    ports.consentService(),
                    "384m",
                    with(
                            withDatabase(common, postgres, databasePrefix + "consent"),
                            Map.of("CARE_IDP_CLIENT_SECRET", credentials.clientSecret("consent-service"))),
                    logDirectory);
            stack.launch(
                    home,
                    "audit-service",
                    ports.auditService(),
                    "384m",
                    with(
                            withDatabase(common, postgres, databasePrefix + "audit"),
                            Map.of(
                                    "CARE_IDP_CLIENT_SECRET", credentials.clientSecret("audit-service"),
                                    "CARE_CONSOLE_CLIENT_SECRET", credentials.clientSecret("governance-console"))),
                    logDirectory);
            stack.launch(
                    home,
                    "fhir-server",
                    ports.fhirServer(),
                    "1536m",
                    with(
                            withDatabase(common, postgres, databasePrefix + "fhir"),
                            Map.of("CARE_IDP_CLIENT_SECRET", credentials.clientSecret("fhir-server"))),
                    logDirectory);
            // the clinician viewer holds no secret and no data: a public SMART app's pages
            stack.launch(home, "clinician-viewer", ports.viewer(), "96m", common, logDirectory);
            for (ServiceProcess process : stack.processes) {
                process.awaitHealthy(Duration.ofMinutes(5));
            }
            return stack;
        } catch (RuntimeException | SQLException e) {
            stack.close();
            throw e;
        }
    }

    private static Map<String, String> with(Map<String, String> env, Map<String, String> more) {
        Map<String, String> all = new HashMap<>(env);
        all.putAll(more);
        return all;
    }

    private static Map<String, String> withDatabase(
            Map<String, String> common, PostgresServer postgres, String database) throws SQLException {
        postgres.ensureDatabase(database);
        Map<String, String> env = new HashMap<>(common);
        env.put("SPRING_DATASOURCE_URL", postgres.jdbcUrl(database));
        env.put("SPRING_DATASOURCE_USERNAME", postgres.username());
        env.put("SPRING_DATASOURCE_PASSWORD", postgres.password());
        return env;
    }

    private ServiceProcess launch(Path home, String name, int port, String heap, Map<String, String> env, Path logs) {
        this.home = home;
        this.logs = logs;
        environments.putIfAbsent(name, env);
        Path jar = home.resolve(VERSIONLESS_JAR.formatted(name));
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap));
        String jvmOptions = System.getProperty(
                "care.record.jvm-opts", System.getenv().getOrDefault("CARE_RECORD_JVM_OPTS", SERVER_JVM_OPTS));
        options.addAll(List.of(jvmOptions.trim().split("\\s+")));
        ServiceProcess process = ServiceProcess.start(
                name + (environments.get(name) == env ? "" : "-" + port), jar, port, options, env, logs);
        processes.add(process);
        return process;
    }

    /**
     * A second instance of a service on another port, configured like the first but for the given
     * overrides (benchmarks compare e.g. fhir-server with and without auditing, side by side).
     */
    public ServiceProcess startAnother(String name, int port, String heap, Map<String, String> overrides) {
        Map<String, String> env = new HashMap<>(environments.get(name));
        env.putAll(overrides);
        ServiceProcess process = launch(home, name, port, heap, env, logs);
        process.awaitHealthy(Duration.ofMinutes(5));
        return process;
    }

    /** One of the running services by name (e.g. {@code audit-service}), for fault tests. */
    public ServiceProcess service(String name) {
        return processes.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + name));
    }

    public String issuer() {
        return "http://localhost:" + ports.identityProvider();
    }

    public String fhirBaseUrl() {
        return "http://localhost:" + ports.fhirServer() + "/fhir";
    }

    /** The clinician viewer (a SMART app). */
    public String viewerUrl() {
        return "http://localhost:" + ports.viewer();
    }

    public String consentUrl() {
        return "http://localhost:" + ports.consentService();
    }

    public String auditUrl() {
        return "http://localhost:" + ports.auditService();
    }

    /** A direct connection to one service's database as its owner, e.g. {@code connect("audit")}. */
    public java.sql.Connection connect(String database) throws SQLException {
        return java.sql.DriverManager.getConnection(
                postgres.jdbcUrl(databasePrefix + database), postgres.username(), postgres.password());
    }

    public StackPorts ports() {
        return ports;
    }

    /** What a user persona signs in with at the dev identity provider (its own, derived from the install's master). */
    public String password(String persona) {
        return credentials.password(persona);
    }

    /** Every client's and user's dev credential, as the launcher hands them out. */
    public DevCredentials credentials() {
        return credentials;
    }

    public TokenClient tokens() {
        return new TokenClient(issuer(), credentials);
    }

    /** Stops in reverse order, so fhir-server's relay can still deliver to audit-service on the way out. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            processes.get(i).close();
        }
        processes.clear();
    }
}
