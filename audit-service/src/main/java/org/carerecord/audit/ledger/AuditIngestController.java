package org.carerecord.audit.ledger;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /audit/events}: fhir-server's relay delivers a batch Bundle of AuditEvents; redelivery is
 * harmless. (Verification of the chain: {@code integrity.VerificationApi}.)
 */
@RestController
public class AuditIngestController {

    private final AuditLedger ledger;
    private final DeliveryReader reader;

    public AuditIngestController(AuditLedger ledger, DeliveryReader reader) {
        this.ledger = ledger;
        this.reader = reader;
    }

    @PostMapping(
            path = "/audit/events",
            consumes = {"application/fhir+json", "application/json"})
    public ResponseEntity<Map<String, Object>> ingest(@RequestBody String body) {
        List<ReceivedEvent> events;
        try {
            events = reader.read(body);
        } catch (DeliveryReader.InvalidDelivery e) {
            return ResponseEntity.badRequest().body(Map.of("error", e.getMessage()));
        }
        int stored = ledger.append(events);
        return ResponseEntity.status(HttpStatus.OK).body(Map.of("received", events.size(), "stored", stored));
    }
}
