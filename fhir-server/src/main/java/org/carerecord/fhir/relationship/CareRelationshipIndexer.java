package org.carerecord.fhir.relationship;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.decision.CareRelationship;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CareTeam;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.EpisodeOfCare;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.springframework.stereotype.Component;

/**
 * Keeps the care relationship index in step with the record, inside the storage transaction (a write
 * and its relationships commit or roll back together). A record is attributed to the organisation of the
 * system that pushed it, and to the organisations it names as providing the care: the patient's
 * registered GP practice, an encounter's service provider, an episode's managing organisation, a care
 * team's managing and member organisations.
 */
@Component
@Interceptor
public class CareRelationshipIndexer implements FhirServerInterceptor {

    private final CareRelationships relationships;
    private final OrganisationCodes organisationCodes;

    public CareRelationshipIndexer(CareRelationships relationships, OrganisationCodes organisations) {
        this.relationships = relationships;
        this.organisationCodes = organisations;
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        index(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
        index(newResource, request);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
    public void deleted(IBaseResource resource) {
        if (isIndexed(resource)) {
            relationships.replace(key(resource), List.of());
        }
    }

    /** Indexes a stored record again, without a request: only the organisations it names count. */
    public void reindex(IBaseResource resource) {
        index(resource, null);
    }

    private void index(IBaseResource resource, RequestDetails request) {
        if (!isIndexed(resource)) {
            return;
        }
        String pusher = Requester.organisationOf(request);
        List<CareRelationships.Row> rows = new ArrayList<>();
        String key = key(resource);
        if (resource instanceof Patient patient) {
            for (Reference gp : patient.getGeneralPractitioner()) {
                add(
                        rows,
                        ods(gp),
                        patient.getIdElement().getIdPart(),
                        new CareRelationship(CareRelationship.REGISTERED_GP, key, null, null, null));
            }
        } else if (resource instanceof Encounter encounter) {
            CareRelationship r = new CareRelationship(
                    CareRelationship.ENCOUNTER,
                    key,
                    encounter.hasStatus() ? encounter.getStatus().toCode() : null,
                    start(encounter.getPeriod()),
                    end(encounter.getPeriod()));
            for (String org : organisations(pusher, encounter.getServiceProvider())) {
                add(rows, org, patientOf(encounter.getSubject()), r);
            }
        } else if (resource instanceof EpisodeOfCare episode) {
            CareRelationship r = new CareRelationship(
                    CareRelationship.EPISODE_OF_CARE,
                    key,
                    episode.hasStatus() ? episode.getStatus().toCode() : null,
                    start(episode.getPeriod()),
                    end(episode.getPeriod()));
            for (String org : organisations(pusher, episode.getManagingOrganization())) {
                add(rows, org, patientOf(episode.getPatient()), r);
            }
        } else if (resource instanceof CareTeam team) {
            CareRelationship r = new CareRelationship(
                    CareRelationship.CARE_TEAM,
                    key,
                    team.hasStatus() ? team.getStatus().toCode() : null,
                    start(team.getPeriod()),
                    end(team.getPeriod()));
            List<Reference> named = new ArrayList<>(team.getManagingOrganization());
            team.getParticipant().forEach(p -> {
                named.add(p.getMember());
                named.add(p.getOnBehalfOf());
            });
            for (String org : organisations(pusher, named.toArray(Reference[]::new))) {
                add(rows, org, patientOf(team.getSubject()), r);
            }
        }
        relationships.replace(key, rows);
    }

    private static boolean isIndexed(IBaseResource resource) {
        return resource instanceof Patient
                || resource instanceof Encounter
                || resource instanceof EpisodeOfCare
                || resource instanceof CareTeam;
    }

    private static String key(IBaseResource resource) {
        return resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    }

    private static void add(
            List<CareRelationships.Row> rows, String organisation, String patientId, CareRelationship r) {
        if (organisation != null && patientId != null) {
            rows.add(new CareRelationships.Row(organisation, patientId, r));
        }
    }

    private Set<String> organisations(String pusher, Reference... named) {
        Set<String> orgs = new LinkedHashSet<>();
        if (pusher != null) {
            orgs.add(pusher);
        }
        for (Reference reference : named) {
            String ods = ods(reference);
            if (ods != null) {
                orgs.add(ods);
            }
        }
        return orgs;
    }

    /** The ODS code of a referenced organisation: its identifier, else the stored Organization's, else its id. */
    private String ods(Reference reference) {
        if (reference == null || reference.isEmpty()) {
            return null;
        }
        if (reference.hasIdentifier()
                && AuditVocabulary.ODS_SYSTEM.equals(reference.getIdentifier().getSystem())) {
            return reference.getIdentifier().getValue();
        }
        var id = reference.getReferenceElement();
        if (!"Organization".equals(id.getResourceType()) || !id.hasIdPart()) {
            return null;
        }
        return organisationCodes.odsCodeOf(id.getIdPart());
    }

    private static String patientOf(Reference reference) {
        var id = reference.getReferenceElement();
        return "Patient".equals(id.getResourceType()) && id.hasIdPart() ? id.getIdPart() : null;
    }

    private static Instant start(Period period) {
        return instant(period == null ? null : period.getStart());
    }

    private static Instant end(Period period) {
        return instant(period == null ? null : period.getEnd());
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
