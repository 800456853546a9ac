package org.carerecord.fhir.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.Map;
import java.util.Set;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.SystemRestfulInteraction;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.springframework.stereotype.Component;

/**
 * The CapabilityStatement lists what a client may use, not everything HAPI's JPA server could do: a generic
 * client or a conformance tester reading it must not be sent to {@code $expunge}, {@code $validate},
 * {@code $lastn} or a system-wide history, all refused here (ScopeInterceptor), nor to {@code _has} or
 * {@code _security} (RecordConsentService refuses them). What only care providers' systems may use (a type's
 * history) says so.
 */
@Component
@Interceptor
public class CapabilityStatementNarrowing implements FhirServerInterceptor {

    private static final Set<SystemRestfulInteraction> SYSTEM_INTERACTIONS =
            Set.of(SystemRestfulInteraction.TRANSACTION, SystemRestfulInteraction.BATCH);
    /** The server-level operations, all for care providers' systems, as the statement describes them. */
    private static final Map<String, String> BULK_DOCUMENTATION = Map.of(
            "$load",
                    "Care providers' systems: FHIR NDJSON, one resource a line, each with its id (Content-Type "
                            + "application/fhir+ndjson); checked whole before anything is written; progress streamed back as NDJSON lines",
            "$import",
                    "Care providers' systems: FHIR Bulk Data import (Parameters: inputFormat application/fhir+ndjson, "
                            + "input type and url from an allow-listed source; Prefer: respond-async); 202 and a status url",
            "$import-poll-status",
                    "The status of an $import (202 with X-Progress, then 200 with a manifest; "
                            + "_errors=true for the rejected lines as OperationOutcomes); DELETE cancels",
            "$export",
                    "Care providers' systems: FHIR Bulk Data export (Prefer: respond-async; _type, _since, _typeFilter); "
                            + "only the records a read for the system's organisation would show, each patient exported audited",
            "$export-poll-status",
                    "The status of an $export (202 with X-Progress, then 200 with a manifest of NDJSON files "
                            + "readable as Binary by the requesting client only, for 2 hours); DELETE cancels");
    /** Type-level operations beyond the reads a scope grants: bulk export of a patient list or a group. */
    private static final Map<String, String> TYPE_EXPORT_DOCUMENTATION = Map.of(
            "Patient", "Care providers' systems: bulk export of the patients' records (see $export)",
            "Group", "Care providers' systems: bulk export of the records of a group's members (see $export)");

    private static final String SYSTEMS_ONLY =
            "Care providers' systems only: it could reveal records withheld from a user";

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void narrow(IBaseConformance statement) {
        if (!(statement instanceof CapabilityStatement capabilities)) {
            return;
        }
        for (CapabilityStatementRestComponent rest : capabilities.getRest()) {
            rest.getInteraction().removeIf(i -> !SYSTEM_INTERACTIONS.contains(i.getCode()));
            rest.getOperation().removeIf(o -> !BULK_DOCUMENTATION.containsKey(operation(o.getName())));
            rest.getOperation().forEach(o -> o.setDocumentation(BULK_DOCUMENTATION.get(operation(o.getName()))));
            rest.getSecurity()
                    .setCors(false)
                    .setDescription("OAuth2 bearer tokens (SMART on FHIR v2 scopes) from the "
                            + "region's identity provider; every request is decided by consent-service and audited");
            if (!rest.getSecurity().hasService()) { // HAPI may hand the same statement to this hook again
                rest.getSecurity()
                        .addService()
                        .addCoding()
                        .setSystem("http://terminology.hl7.org/CodeSystem/restful-security-service")
                        .setCode("SMART-on-FHIR");
            }
            rest.getResource().forEach(CapabilityStatementNarrowing::narrow);
        }
    }

    /** An operation's name as requests carry it: HAPI lists some with their '$' and some without. */
    private static String operation(String name) {
        return "$" + name.replaceFirst("^\\$", "");
    }

    private static void narrow(CapabilityStatementRestResourceComponent resource) {
        String export = TYPE_EXPORT_DOCUMENTATION.get(resource.getType());
        resource.getOperation()
                .removeIf(o -> !ScopeInterceptor.READ_OPERATIONS.contains(operation(o.getName()))
                        && !(export != null && operation(o.getName()).equals("$export")));
        resource.getOperation().stream()
                .filter(o -> operation(o.getName()).equals("$export"))
                .forEach(o -> o.setDocumentation(export));
        if (resource.getType().equals("Binary")) {
            resource.getInteraction().removeIf(i -> i.getCode() != TypeRestfulInteraction.READ);
            resource.getSearchParam().clear();
            resource.setDocumentation("Bulk export files: read by id, by the client that asked for the export only");
        }
        resource.getInteraction().stream()
                .filter(i -> i.getCode() == TypeRestfulInteraction.HISTORYTYPE)
                .forEach(i -> i.setDocumentation(SYSTEMS_ONLY));
        // refused to every client: they answer from records before anything is withheld
        resource.getSearchParam()
                .removeIf(p -> p.getName().equals("_has") || p.getName().equals("_security"));
    }
}
