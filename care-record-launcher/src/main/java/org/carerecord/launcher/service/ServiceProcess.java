package org.carerecord.launcher.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** One service jar run as a child process, with its log in a file and its health polled over HTTP. */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final int port;
    private final int managementPort;
    private final ProcessBuilder builder;
    private final Path log;
    private Process process;

    private ServiceProcess(String name, int port, int managementPort, ProcessBuilder builder, Path log)
            throws IOException {
        this.name = name;
        this.port = port;
        this.managementPort = managementPort;
        this.builder = builder;
        this.log = log;
        this.process = builder.start();
    }

    public static ServiceProcess start(
            String name,
            Path jar,
            int port,
            int managementPort,
            List<String> jvmOptions,
            Map<String, String> environment,
            Path logDirectory) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (./mvnw -DskipTests package)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(jar.toString());
        Path log = logDirectory.resolve(name + ".log");
        Map<String, String> env = new java.util.HashMap<>(environment);
        env.put("SERVER_PORT", String.valueOf(port));
        if (managementPort > 0) {
            env.put("MANAGEMENT_SERVER_PORT", String.valueOf(managementPort));
        }
        // The service writes its own log, rolled at 10 MB and kept 7 files deep (Spring Boot's logback);
        // standard output keeps only what comes before logging starts (a JVM that will not start).
        env.put("LOGGING_FILE_NAME", log.toString());
        env.put("LOGGING_PATTERN_CONSOLE", "");
        env.putIfAbsent("LOGGING_LOGBACK_ROLLINGPOLICY_MAX_FILE_SIZE", "10MB");
        env.putIfAbsent("LOGGING_LOGBACK_ROLLINGPOLICY_MAX_HISTORY", "7");
        if ("json".equalsIgnoreCase(System.getenv("CARE_LOG_FORMAT"))) {
            env.put("LOGGING_STRUCTURED_FORMAT_FILE", "ecs"); // one JSON object a line
        }
        return command(name, command, port, managementPort, env, logDirectory.resolve(name + ".out"), log);
    }

    /**
     * Any command as a child process (the load balancer), its output in {@code output}, its health read at
     * {@code port}'s {@code /actuator/health} ({@code log} names where to look when it fails).
     */
    static ServiceProcess command(
            String name, List<String> command, int port, Map<String, String> environment, Path output, Path log) {
        return command(name, command, port, 0, environment, output, log);
    }

    private static ServiceProcess command(
            String name,
            List<String> command,
            int port,
            int managementPort,
            Map<String, String> environment,
            Path output,
            Path log) {
        try {
            Files.createDirectories(output.getParent());
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(output.toFile()));
            builder.environment().putAll(environment);
            return new ServiceProcess(name, port, managementPort, builder, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public String baseUrl() {
        return "http://localhost:" + port;
    }

    /**
     * Where its metrics ({@code /actuator/prometheus}, with a token carrying {@code metrics.read}) and full health
     * are: the management port, or the public one for a service without.
     */
    public String managementUrl() {
        return "http://localhost:" + (managementPort > 0 ? managementPort : port);
    }

    public boolean hasManagementPort() {
        return managementPort > 0;
    }

    public Path log() {
        return log;
    }

    /** Waits until {@code /actuator/health} answers UP; fails fast if the process dies. */
    public void awaitHealthy(Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            if (isHealthy(baseUrl())) {
                return;
            }
            sleep(Duration.ofMillis(500));
        }
        throw new IllegalStateException(name + " not healthy after " + timeout + "; see " + log);
    }

    public static boolean isHealthy(String baseUrl) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(baseUrl + "/actuator/health"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 && response.body().contains("\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Starts the same command again after {@link #close()} or {@link #kill()}; fault tests use it. */
    public synchronized void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " is still running");
        }
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not restart " + name, e);
        }
    }

    /** SIGKILL: the process gets no chance to finish what it is doing. */
    public void kill() {
        try {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM for a graceful Spring shutdown, then force after a grace period. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
