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
    /** The services with a management port of their own (metrics); the others answer health on their one port. */
    private static final java.util.Set<String> WITH_MANAGEMENT_PORT =
            java.util.Set.of("fhir-server", "consent-service", "audit-service");

    private final List<ServiceProcess> processes = new ArrayList<>();
    private final Map<String, Map<String, String>> environments = new HashMap<>();
    private final Map<String, List<ServiceProcess>> replicaGroups = new HashMap<>();
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
        return start(home, postgres, databasePrefix, ports, 1, masterSecret, logDirectory, extraEnvironment);
    }

    /**
     * The same with {@code replicas} fhir-servers and consent-services behind a load balancer ({@link LoadBalancer},
     * on the public ports) when more than one: every replica on the same databases, started one after another (HAPI
     * brings its schema up to date on start), with the caches that would not see another replica's writes off.
     */
    public static CareRecordStack start(
            Path home,
            PostgresServer postgres,
            String databasePrefix,
            StackPorts ports,
            int replicas,
            String masterSecret,
            Path logDirectory,
            Map<String, String> extraEnvironment)
            throws SQLException {
        if (replicas < 1) {
            throw new IllegalArgumentException("replicas: at least 1, not " + replicas);
        }
        CareRecordStack stack = new CareRecordStack(ports, masterSecret, postgres, databasePrefix);
        DevCredentials credentials = stack.credentials;
        try {
            Map<String, String> common = new HashMap<>(extraEnvironment);
            List<Integer> fhirReplicas = replicaPorts(ports.fhirServer(), replicas);
            List<Integer> consentReplicas = replicaPorts(ports.consentService(), replicas);
            if (replicas > 1) {
                // the relationship index is read afresh by every decision (one replica's write binds all at once);
                // notifications and links name the public address, not a replica's
                common.putIfAbsent("CARE_FHIR_RELATIONSHIP_CACHE_TTL", "0s");
                common.putIfAbsent("CARE_FHIR_BASE_URL", stack.fhirBaseUrl());
                stack.processes.add(LoadBalancer.start(
                        logDirectory.resolveSibling("load-balancer"),
                        new LoadBalancer.Pool("fhir-server", ports.fhirServer(), fhirReplicas),
                        ports.fhirTls(),
                        new LoadBalancer.Pool("consent-service", ports.consentService(), consentReplicas),
                        logDirectory));
            }
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
            Map<String, String> consentEnvironment = with(
                    withDatabase(common, postgres, databasePrefix + "consent"),
                    Map.of("CARE_IDP_CLIENT_SECRET", credentials.clientSecret("consent-service")));
            stack.launch(home, "consent-service", consentReplicas.get(0), "384m", consentEnvironment, logDirectory);
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
            Map<String, String> fhirEnvironment = with(
                    withDatabase(common, postgres, databasePrefix + "fhir"),
                    Map.of("CARE_IDP_CLIENT_SECRET", credentials.clientSecret("fhir-server")));
            stack.launch(home, "fhir-server", fhirReplicas.get(0), "1536m", fhirEnvironment, logDirectory);
            // the clinician viewer holds no secret and no data: a public SMART app's pages
            stack.launch(home, "clinician-viewer", ports.viewer(), "96m", common, logDirectory);
            for (ServiceProcess process : stack.processes) {
                process.awaitHealthy(Duration.ofMinutes(5));
            }
            for (int i = 1; i < replicas; i++) {
                stack.startReplica(home, "consent-service", consentReplicas.get(i), "384m", consentEnvironment);
                stack.startReplica(home, "fhir-server", fhirReplicas.get(i), "1536m", fhirEnvironment);
            }
            return stack;
        } catch (RuntimeException | SQLException e) {
            stack.close();
            throw e;
        }
    }

    /** One replica: the public port itself; several: free ports of their own behind it. */
    private static List<Integer> replicaPorts(int publicPort, int replicas) {
        if (replicas == 1) {
            return List.of(publicPort);
        }
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            ports.add(StackPorts.freePort());
        }
        return ports;
    }

    private void startReplica(Path home, String name, int port, String heap, Map<String, String> env) {
        ServiceProcess replica = launch(home, name, name + "-" + (replicas(name).size() + 1), port, heap, env, logs);
        replicaGroups.get(name).add(replica);
        replica.awaitHealthy(Duration.ofMinutes(5));
    }

    /**
     * A service's replicas, first started first (one unless started with replicas; the first is also
     * {@link #service}). Each answers on its own port ({@link ServiceProcess#baseUrl()}) besides the balancer's.
     */
    public List<ServiceProcess> replicas(String name) {
        return replicaGroups.getOrDefault(name, List.of());
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
        environments.putIfAbsent(name, env);
        ServiceProcess process =
                launch(home, name, name + (environments.get(name) == env ? "" : "-" + port), port, heap, env, logs);
        if (environments.get(name) == env) {
            replicaGroups.computeIfAbsent(name, n -> new ArrayList<>()).add(process);
        }
        return process;
    }

    private ServiceProcess launch(
            Path home, String name, String processName, int port, String heap, Map<String, String> env, Path logs) {
        this.home = home;
        this.logs = logs;
        Path jar = home.resolve(VERSIONLESS_JAR.formatted(name));
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap));
        String jvmOptions = System.getProperty(
                "care.record.jvm-opts", System.getenv().getOrDefault("CARE_RECORD_JVM_OPTS", SERVER_JVM_OPTS));
        options.addAll(List.of(jvmOptions.trim().split("\\s+")));
        int managementPort = WITH_MANAGEMENT_PORT.contains(name) ? ports.managementPortFor(port) : 0;
        ServiceProcess process = ServiceProcess.start(processName, jar, port, managementPort, options, env, logs);
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

    /** Stops an instance {@link #startAnother} started; the stack carries on without it. */
    public void stopAnother(ServiceProcess another) {
        another.close();
        processes.remove(another);
    }

    /** One of the running services by name (e.g. {@code audit-service}), for fault tests. */
    public ServiceProcess service(String name) {
        return processes.stream()
                .filter(p -> p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service " + name));
    }

    /** Every service's Prometheus endpoint (on its management port), replicas included. */
    public List<String> metricsUrls() {
        return processes.stream()
                .filter(ServiceProcess::hasManagementPort)
                .map(p -> p.managementUrl() + "/actuator/prometheus")
                .toList();
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
