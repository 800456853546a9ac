package org.carerecord.audit.records;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.carerecord.security.identity.NhsNumber;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.http.HttpStatus;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

/**
 * Patients as the record knows them, read from the FHIR server as audit-service's own system client
 * (scope {@code system/Patient.rs}; the read is audited like any other): surnames and addresses for the
 * family-lookup rule, kept for a few minutes so a burst of views of one patient costs one read; and the
 * patient an NHS number names, for searching the trail by NHS number. The record server unreachable or
 * failing propagates (the detector retries the batch rather than judge it without the facts); a patient
 * the record refuses or does not have is simply not found.
 */
public class PatientDirectory {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PatientDirectory.class);
    public static final String REGISTRATION = "care-records";
    private static final Duration KEEP = Duration.ofMinutes(10);
    private static final int MAX_KEPT = 10_000;

    private record Kept(Optional<PatientDemographics> demographics, Instant at) {}

    private final RestClient fhir;
    private final FhirContext context;
    private final Clock clock;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    /** @param fhir the record, as audit-service's own system client (registration {@value #REGISTRATION}) */
    public PatientDirectory(RestClient fhir, FhirContext context, Clock clock) {
        this.fhir = fhir;
        this.context = context;
        this.clock = clock;
    }

    public Optional<PatientDemographics> find(String patientId) {
        Kept hit = kept.get(patientId);
        Instant now = clock.instant();
        if (hit != null && hit.at().plus(KEEP).isAfter(now)) {
            return hit.demographics();
        }
        Optional<PatientDemographics> read = read(patientId);
        if (kept.size() >= MAX_KEPT) {
            kept.clear();
        }
        kept.put(patientId, new Kept(read, now));
        return read;
    }

    /** The record's patient ids with this NHS number (normally one; none when it is not in the record). */
    public List<String> idsOfNhsNumber(String nhsNumber) {
        String json = fhir.get()
                .uri("/Patient?identifier={system}|{value}&_elements=id&_count=10", NhsNumber.SYSTEM, nhsNumber)
                .header("Accept", "application/fhir+json")
                .retrieve()
                .body(String.class);
        return context.newJsonParser().parseResource(Bundle.class, json).getEntry().stream()
                .map(e -> e.getResource().getIdElement().getIdPart())
                .toList();
    }

    private Optional<PatientDemographics> read(String patientId) {
        String json;
        try {
            json = fhir.get()
                    .uri("/Patient/{id}", patientId)
                    .header("Accept", "application/fhir+json")
                    .retrieve()
                    .body(String.class);
        } catch (HttpClientErrorException e) {
            if (e.getStatusCode() != HttpStatus.NOT_FOUND && e.getStatusCode() != HttpStatus.GONE) {
                // refused (a patient who opted out binds this client too): retrying cannot help, so this
                // patient goes unchecked rather than hold up every rule behind it
                log.warn(
                        "Patient/{} could not be read for the family-lookup check ({}); not checked",
                        patientId,
                        e.getStatusCode());
            }
            return Optional.empty();
        }
        Patient patient = context.newJsonParser().parseResource(Patient.class, json);
        return Optional.of(new PatientDemographics(
                patient.getName().isEmpty() ? null : patient.getNameFirstRep().getNameAsSingleString(),
                patient.getIdentifier().stream()
                        .filter(i -> NhsNumber.SYSTEM.equals(i.getSystem()))
                        .map(i -> i.getValue())
                        .findFirst()
                        .orElse(null),
                patient.getName().stream()
                        .map(n -> n.getFamily())
                        .filter(f -> f != null)
                        .toList(),
                patient.getAddress().stream()
                        .map(a -> new PatientDemographics.Address(
                                a.getLine().isEmpty()
                                        ? null
                                        : a.getLine().get(0).getValue(),
                                a.getPostalCode()))
                        .toList()));
    }
}
