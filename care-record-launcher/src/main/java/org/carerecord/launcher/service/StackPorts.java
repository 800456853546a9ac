package org.carerecord.launcher.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * Where each part listens. DESIGN.md fixes the defaults; tests take free ports. With replicas, the fhir-server and
 * consent-service ports are the load balancer's, which also serves the FHIR API over TLS on {@code fhirTls}.
 */
public record StackPorts(
        int identityProvider, int fhirServer, int consentService, int auditService, int viewer, int fhirTls) {

    public static StackPorts defaults() {
        return new StackPorts(9000, 8080, 8081, 8082, 8083, 8443);
    }

    public static StackPorts free() {
        return new StackPorts(freePort(), freePort(), freePort(), freePort(), freePort(), freePort());
    }

    /**
     * Where the service on {@code servicePort} serves metrics and full health: 1000 above the default ports of
     * fhir-server, consent-service and audit-service (9080–9082), else a free port (tests, replicas).
     */
    public int managementPortFor(int servicePort) {
        boolean defaultService =
                servicePort == fhirServer || servicePort == consentService || servicePort == auditService;
        return equals(defaults()) && defaultService ? servicePort + 1000 : freePort();
    }

    /** A port nothing listens on now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
