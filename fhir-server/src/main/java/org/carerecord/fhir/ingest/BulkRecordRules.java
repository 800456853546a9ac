package org.carerecord.fhir.ingest;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.util.ResourceReferenceInfo;
import java.util.Collection;
import org.carerecord.fhir.access.ScopeInterceptor;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.Interaction;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * What a line of a bulk write ({@code $load}, {@code $import}) must be before it is written, beyond the rules
 * every write meets: a type this record holds other than Subscription, with an id (bulk writes are updates by id,
 * so writing again changes nothing), that the system's scopes allow it to write, referring to others by
 * {@code Type/id} or a conditional reference, never by a {@code urn:uuid} only a bundle could resolve. A conditional
 * reference is confined to the system's own records where records are owned, as in a transaction ({@link OwnRecordMatching}).
 */
public final class BulkRecordRules {

    private BulkRecordRules() {}

    /**
     * A line that passed these rules and the base profile, read again to be written (a write attempt changed the
     * record it was given, or only the line's text was kept): parsed afresh, these rules applied again because they
     * also change the record (its references by criteria confined to the writer's own records: written as sent, one
     * could resolve to another organisation's record and so confirm it), and marked validated.
     *
     * @throws UnprocessableEntityException if the line now breaks a rule
     */
    public static Resource readAgain(String json, Collection<String> storedTypes, CareClaims claims, FhirContext fhir) {
        Resource record = (Resource) fhir.newJsonParser().parseResource(json);
        String problem = problemWith(record, storedTypes, claims, fhir);
        if (problem != null) {
            throw new UnprocessableEntityException(problem);
        }
        RecordValidation.markProfileChecked(record);
        return record;
    }

    /** The first rule the record breaks, or null; its conditional references confined on the way. */
    public static String problemWith(
            IBaseResource resource, Collection<String> storedTypes, CareClaims claims, FhirContext fhir) {
        String type = resource.fhirType();
        if (!storedTypes.contains(type)) {
            return type + " is not a type this record holds";
        }
        if (type.equals("Subscription")) {
            // bulk lines are written as the system's own request, which the Subscription rules (allowed endpoint,
            // criteria, the recipient kept) do not check: HAPI's own status changes are written that way
            return "a Subscription is not written in bulk: create it with POST /Subscription, where its endpoint and"
                    + " criteria are checked";
        }
        if (!resource.getIdElement().hasIdPart()) {
            return type
                    + " has no id (a bulk write puts each record under its id, so that writing again changes nothing)";
        }
        try {
            ScopeInterceptor.require(claims, type, Interaction.UPDATE);
        } catch (BaseServerResponseException e) {
            return e.getMessage();
        }
        for (ResourceReferenceInfo reference : fhir.newTerser().getAllResourceReferences(resource)) {
            String target =
                    reference.getResourceReference().getReferenceElement().getValue();
            if (target != null && target.startsWith("urn:")) {
                return reference.getName() + " refers to " + target + ": refer to Type/id or a conditional reference";
            }
            if (claims.organisation() != null) {
                try {
                    OwnRecordMatching.confine(reference.getResourceReference(), claims.organisation());
                } catch (BaseServerResponseException e) {
                    return e.getMessage();
                }
            }
        }
        return null;
    }
}
