package org.carerecord.fhir.summary;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.LinkedHashSet;
import java.util.Set;
import org.carerecord.fhir.consent.PatientCompartment;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.fhir.jpa.TransactionScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Tells {@link PreparedSections} whose records a write changed, once the write has committed: the patients
 * whose records a transaction touched are gathered and handed over once, after commit (a 500-record bundle is
 * one preparation, not 500). Only patients whose summaries were opened recently are prepared again.
 */
@Interceptor
// public: HAPI calls hook methods by reflection, without setAccessible
public final class PrepareOnWrite implements FhirServerInterceptor {

    private static final Object TOUCHED = PrepareOnWrite.class;

    private final PreparedSections sections;
    private final PatientCompartment compartment;

    PrepareOnWrite(PreparedSections sections, PatientCompartment compartment) {
        this.sections = sections;
        this.compartment = compartment;
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource) {
        touched(resource);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource oldResource, IBaseResource newResource) {
        touched(oldResource); // a record moved to another patient changes both records
        touched(newResource);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
    public void deleted(IBaseResource resource) {
        touched(resource);
    }

    private void touched(IBaseResource resource) {
        if (!sections.keepsAny()) {
            return; // nobody opened a summary: a bulk load does not walk every record for its owner
        }
        String patient = compartment.ownerOf(resource);
        if (patient == null) {
            return;
        }
        if (!TransactionScoped.active()) {
            sections.changed(Set.of(patient));
            return;
        }
        Set<String> patients = TransactionScoped.value(TOUCHED, LinkedHashSet::new, sections::changed);
        patients.add(patient);
    }
}
