package org.carerecord.launcher.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * HAProxy (Debian's {@code haproxy} package) in front of the replicas of fhir-server and consent-service: the
 * public ports ({@link StackPorts#fhirServer()}, {@link StackPorts#consentService()}) become its own, and it also
 * serves the FHIR API over TLS ({@link StackPorts#fhirTls()}) with a development certificate made here by
 * {@code openssl} once and kept. Each replica is checked on {@code /actuator/health} every second and taken out
 * after two failures; a request that cannot reach a replica, and a read the replica dropped without an answer,
 * is sent to another (writes never: one the replica may have stored is not sent twice).
 */
final class LoadBalancer {

    private LoadBalancer() {}

    /** The replicas of one service behind one public port. */
    record Pool(String name, int port, List<Integer> replicas) {}

    static ServiceProcess start(Path directory, Pool fhir, int fhirTls, Pool consent, Path logs) {
        try {
            Files.createDirectories(directory);
            Path certificate = developmentCertificate(directory);
            Path config = directory.resolve("haproxy.cfg");
            Files.writeString(config, config(fhir, fhirTls, certificate, consent));
            check(config);
            return ServiceProcess.command(
                    "load-balancer",
                    List.of(haproxy(), "-f", config.toString(), "-db"),
                    fhir.port(),
                    Map.of(),
                    logs.resolve("load-balancer.log"),
                    logs.resolve("load-balancer.log"));
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the load balancer", e);
        }
    }

    static String config(Pool fhir, int fhirTls, Path certificate, Pool consent) {
        return """
                # Written by the launcher for ./care-record up --replicas N; not edited by hand.
                global
                  log stderr format raw local0 info
                  maxconn 4096

                defaults
                  mode http
                  log global
                  option httplog
                  timeout connect 2s
                  # a request's headers within 10 s (a slow client holds no connection for minutes), idle keep-alive 10 s
                  timeout http-request 10s
                  timeout http-keep-alive 10s
                  # long polls of the decision feed (25 s), large transactions and bulk loads
                  timeout client 5m
                  timeout server 5m
                  retries 2
                  option redispatch
                  retry-on conn-failure empty-response

                frontend %1$s
                  bind :%2$d
                  bind :%3$d ssl crt %4$s
                  http-request set-header X-Forwarded-Proto https if { ssl_fc }
                  http-request del-header X-Forwarded-Proto if !{ ssl_fc }
                  http-request disable-l7-retry if !METH_GET !METH_HEAD
                  # a GET that acts is not sent again once a replica may have acted on it (a bulk export's kick-off,
                  # a break-glass or a stated relationship, each recorded); a connection never made is still retried
                  http-request disable-l7-retry if { path_end /$export } || { req.hdr(X-Purpose-Of-Use) -m found } || { req.hdr(X-Care-Relationship) -m found }
                  default_backend %1$s-replicas
                %5$s
                frontend %6$s
                  bind :%7$d
                  http-request disable-l7-retry if !METH_GET !METH_HEAD
                  default_backend %6$s-replicas
                %8$s""".formatted(
                        fhir.name(),
                        fhir.port(),
                        fhirTls,
                        certificate,
                        backend(fhir),
                        consent.name(),
                        consent.port(),
                        backend(consent));
    }

    private static String backend(Pool pool) {
        String servers = pool.replicas().stream()
                .map(port -> "  server %s-%d 127.0.0.1:%d".formatted(pool.name(), port, port))
                .collect(Collectors.joining("\n"));
        return """

                backend %s-replicas
                  balance roundrobin
                  option httpchk GET /actuator/health
                  http-check expect status 200
                  # a replica taken out loses its open connections too (a long poll held by a hung replica ends)
                  default-server check inter 1s fall 2 rise 1 on-marked-down shutdown-sessions
                %s
                """.formatted(pool.name(), servers);
    }

    /** A self-signed certificate for localhost, made once per install (key and certificate in one PEM, HAProxy's form). */
    private static Path developmentCertificate(Path directory) throws IOException {
        Path pem = directory.resolve("dev-tls.pem");
        if (Files.isRegularFile(pem)) {
            return pem;
        }
        Path key = directory.resolve("dev-tls.key");
        Path certificate = directory.resolve("dev-tls.crt");
        run(List.of(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "825",
                "-subj",
                "/CN=localhost",
                "-addext",
                "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout",
                key.toString(),
                "-out",
                certificate.toString()));
        Files.writeString(pem, Files.readString(certificate) + Files.readString(key));
        Files.delete(key);
        return pem;
    }

    private static void check(Path config) {
        run(List.of(haproxy(), "-c", "-f", config.toString()));
    }

    private static String haproxy() {
        for (String candidate : List.of("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "replicas run behind HAProxy, which is not installed: apt-get install haproxy (or run one replica)");
    }

    private static void run(List<String> command) {
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(String.join(" ", command.subList(0, 1)) + " could not run", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
