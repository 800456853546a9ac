package org.carerecord.fhir.ingest;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import org.carerecord.fhir.access.PushedBy;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.stereotype.Component;

/**
 * Provenance and ownership of pushed records. Every record written is tagged with the ODS code of the
 * organisation whose system pushed it ({@code meta.tag}, system {@link #SYSTEM}; a tag of that system
 * sent by the client is replaced, so provenance cannot be claimed for someone else), and only that
 * organisation's systems may update or delete it afterwards. Directory resources (organisations,
 * practitioners, locations, medications) are shared reference data that several providers send: they
 * are tagged with their last sender but not owned. Records stored before tagging began have no owner
 * until their next write.
 */
@Component
@Interceptor
public class SourceOrganisation implements FhirServerInterceptor {

    private static final String SYSTEM = PushedBy.TAG_SYSTEM;
    private static final int BEFORE_OTHER_CHECKS = -100;

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void onCreate(IBaseResource resource, RequestDetails request) {
        String pusher = Requester.organisationOf(request);
        if (pusher != null) {
            tag(resource, pusher);
        }
    }

    /**
     * Before any other check of the update: whose the record is decides first, so a refusal to another
     * organisation's system says nothing of the stored record (the patient-move check names its patient).
     */
    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED, order = BEFORE_OTHER_CHECKS)
    public void onUpdate(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
        String pusher = Requester.organisationOf(request);
        if (pusher == null) {
            return;
        }
        checkOwner(oldResource, pusher, "update");
        tag(newResource, pusher);
    }

    @Hook(value = Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED, order = BEFORE_OTHER_CHECKS)
    public void onDelete(IBaseResource resource, RequestDetails request) {
        String pusher = Requester.organisationOf(request);
        if (pusher != null) {
            checkOwner(resource, pusher, "delete");
        }
    }

    private static void checkOwner(IBaseResource stored, String pusher, String what) {
        if (PushedBy.SHARED.contains(stored.fhirType())) {
            return;
        }
        String owner = PushedBy.organisationOf(stored);
        if (owner == null) {
            // no organisation on record (stored before tagging): no system may claim it by writing to it
            throw new ForbiddenOperationException(
                    stored.fhirType() + "/" + stored.getIdElement().getIdPart()
                            + " has no recorded source organisation; no care provider's system may " + what + " it");
        }
        if (!owner.equals(pusher)) {
            throw new ForbiddenOperationException(
                    stored.fhirType() + "/" + stored.getIdElement().getIdPart() + " was pushed by " + owner + "; only "
                            + owner + "'s systems may " + what + " it");
        }
    }

    private static void tag(IBaseResource resource, String organisation) {
        resource.getMeta().getTag().removeIf(t -> SYSTEM.equals(t.getSystem()));
        resource.getMeta().addTag().setSystem(SYSTEM).setCode(organisation).setDisplay("pushed by " + organisation);
    }
}
