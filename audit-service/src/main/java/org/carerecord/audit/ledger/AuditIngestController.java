package org.carerecord.audit.ledger;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /audit/events}: fhir-server's relay delivers a batch Bundle of AuditEvents; redelivery is
 * harmless. {@code GET /audit/verify}: checks the hash chain.
 */
@RestController
public class AuditIngestController {

    private final AuditLedger ledger;
    private final ChainVerifier verifier;
    private final FhirContext fhir;

    public AuditIngestController(AuditLedger ledger, ChainVerifier verifier, FhirContext fhir) {
        this.ledger = ledger;
        this.verifier = verifier;
        this.fhir = fhir;
    }

    @PostMapping(path = "/audit/events", consumes = {"application/fhir+json", "application/json"})
    public ResponseEntity<Map<String, Object>> ingest(@RequestBody String body) {
        List<AuditEvent> events;
        try {
            Bundle bundle = fhir.newJsonParser().parseResource(Bundle.class, body);
            events = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
                    .filter(AuditEvent.class::isInstance).map(AuditEvent.class::cast).toList();
            if (events.size() != bundle.getEntry().size() || events.stream().anyMatch(e -> !e.getIdElement().hasIdPart())) {
                return ResponseEntity.badRequest().body(Map.of("error", "every entry must be an AuditEvent with an id"));
            }
        } catch (DataFormatException e) {
            return ResponseEntity.badRequest().body(Map.of("error", "not a FHIR Bundle of AuditEvents"));
        }
        int stored = ledger.append(events);
        return ResponseEntity.status(HttpStatus.OK).body(Map.of("received", events.size(), "stored", stored));
    }

    @GetMapping("/audit/verify")
    public ChainVerifier.Result verify() {
        return verifier.verify();
    }
}
