package org.carerecord.security.management;

import java.util.Map;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.HealthEndpointGroups;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /actuator/health} on the public port, as DESIGN.md promises every service (load balancers and the launcher
 * check it there), once the actuator has moved to the management port: the status only, answered 503 when the
 * service is down. Details (databases, disk, probes) are on the management port.
 */
@RestController
public class PublicHealth {

    private final HealthEndpoint health;
    private final HealthEndpointGroups groups;

    public PublicHealth(HealthEndpoint health, HealthEndpointGroups groups) {
        this.health = health;
        this.groups = groups;
    }

    @GetMapping(path = "/actuator/health", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<Map<String, String>> health() {
        var status = health.health().getStatus();
        int code = groups.getPrimary().getHttpCodeStatusMapper().getStatusCode(status);
        return ResponseEntity.status(code).body(Map.of("status", status.getCode()));
    }
}
