package org.carerecord.fhir.summary;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.ips.api.IIpsGenerationStrategy;
import ca.uhn.fhir.jpa.ips.api.ISectionResourceSupplier.InclusionTypeEnum;
import ca.uhn.fhir.jpa.ips.api.ISectionResourceSupplier.ResourceEntry;
import ca.uhn.fhir.jpa.ips.api.IpsContext;
import ca.uhn.fhir.jpa.ips.api.Section;
import ca.uhn.fhir.jpa.ips.generator.IIpsGeneratorSvc;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.util.FhirTerser;
import ca.uhn.fhir.util.ResourceReferenceInfo;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseReference;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.UrlType;

/**
 * Assembles the summary document from a generation strategy's sections: the document HAPI's IPS generator
 * gives, completed as {@link CompleteDocuments} completes it, in one pass over its records. HAPI's generator
 * walks every record already in the document after each section (to drop references to what is not in it),
 * then {@code CompleteDocuments} walks them all again to move its made-up entries under the server's base; by
 * JFR that bookkeeping was over half of assembling a median patient's summary. Here each record's references
 * are walked once, and the made-up entries are given their final ids from the start.
 *
 * <p>The same document, entry for entry ({@code SummaryAssemblerTest} holds it to HAPI's): the patient, then each
 * section's records in section order, then the author; a record in two sections appears once; a reference is kept
 * only to a record that was in the document by the end of the referring record's own section (HAPI's rule, which
 * drops, for example, a problem's reference to an admission listed later) and dropped otherwise; a section with
 * nothing in it is left out, or says "no information" where the strategy gives a resource for that.
 */
final class SummaryAssembler implements IIpsGeneratorSvc {

    /** HAPI's name for the inclusion type it keeps in each record's user data (read by its narrative templates). */
    private static final String INCLUSION = "RESOURCE_ENTRY_INCLUSION_TYPE";

    private static final String NARRATIVE_LINK = "http://hl7.org/fhir/StructureDefinition/narrativeLink";

    private final FhirContext fhirContext;
    private final IIpsGenerationStrategy strategy;

    SummaryAssembler(FhirContext fhirContext, IIpsGenerationStrategy strategy) {
        this.fhirContext = fhirContext;
        this.strategy = strategy;
        strategy.initialize();
    }

    @Override
    public Bundle generateIps(RequestDetails request, IIdType patientId, String profile) {
        return assemble(request, strategy.fetchPatient(patientId, request));
    }

    @Override
    public Bundle generateIps(RequestDetails request, TokenParam patientIdentifier, String profile) {
        return assemble(request, strategy.fetchPatient(patientIdentifier, request));
    }

    /** The records of the document so far, each with the section that brought it in (0: the patient). */
    private static final class Included {
        final Map<String, Resource> byId = new LinkedHashMap<>();
        final Map<String, Integer> sectionOf = new HashMap<>();

        void add(String id, Resource record, int section) {
            if (byId.putIfAbsent(id, record) == null) {
                sectionOf.put(id, section);
            }
        }
    }

    private Bundle assemble(RequestDetails request, IBaseResource subject) {
        String base = request.getFhirServerBase();
        Resource patient = (Resource) subject;
        IIdType subjectId = new IdType(patient.getIdElement().getValue()).toUnqualifiedVersionless();
        atBase(patient, base);
        IpsContext context = new IpsContext(patient, subjectId);
        Included included = new Included();
        included.add(patient.getIdElement().toUnqualifiedVersionless().getValue(), patient, 0);

        String documentId = UUID.randomUUID().toString();
        Resource author = (Resource) strategy.createAuthor();
        author.setId(author.fhirType() + "/" + UUID.randomUUID());
        Composition composition = new Composition();
        composition.setId("Composition/" + documentId);
        composition.setStatus(Composition.CompositionStatus.FINAL);
        composition.setSubject(
                new Reference(patient.getIdElement().toUnqualifiedVersionless().getValue()));
        composition.setType(new CodeableConcept(new Coding("http://loinc.org", "60591-5", "Patient summary Document")));
        composition.getDateElement().setValueAsString(InstantType.now().getValueAsString());
        composition.setTitle(strategy.createTitle(context));
        composition.getConfidentialityElement().setValueAsString(strategy.createConfidentiality(context));
        composition.addAuthor(new Reference(author.getIdElement().getValue()));

        List<Section> sections = strategy.getSections();
        for (int s = 0; s < sections.size(); s++) {
            Section section = sections.get(s);
            Map<String, Resource> shown = new LinkedHashMap<>();
            for (Class<? extends IBaseResource> type : section.getResourceTypes()) {
                List<ResourceEntry> entries = strategy.getSectionResourceSupplier(section)
                        .fetchResourcesForSection(context, context.newSectionContext(section, type), request);
                for (ResourceEntry entry : entries == null ? List.<ResourceEntry>of() : entries) {
                    include(entry, section, s + 1, base, included, shown);
                }
            }
            if (shown.isEmpty() && section.getNoInfoGenerator() != null) {
                // made up, so named as HAPI names it (urn:uuid, in its narrative link too) until it joins the others
                Resource noInfo = (Resource) section.getNoInfoGenerator().generate(subjectId);
                if (noInfo.getIdElement().isEmpty()) {
                    noInfo.setId(IdType.newRandomUuid());
                }
                noInfo.setUserData(INCLUSION, InclusionTypeEnum.PRIMARY_RESOURCE);
                String id = noInfo.getIdElement().toUnqualifiedVersionless().getValue();
                included.add(id, noInfo, s + 1);
                shown.put(id, noInfo);
            }
            if (!shown.isEmpty()) {
                addSection(composition, section, shown.values(), documentId);
            }
        }
        keepReferencesWithinDocument(included);
        included.byId.values().forEach(SummaryAssembler::joinOthers);

        Bundle document = new Bundle();
        document.setType(Bundle.BundleType.DOCUMENT);
        document.setIdentifier(new Identifier()
                .setSystem("urn:ietf:rfc:4122")
                .setValue(UUID.randomUUID().toString()));
        document.getTimestampElement().setValueAsString(InstantType.now().getValueAsString());
        document.getMeta().addProfile(strategy.getBundleProfile());
        addEntry(document, composition, base);
        included.byId.values().forEach(record -> addEntry(document, record, base));
        addEntry(document, author, base);
        Map<String, Resource> byLocalId = new HashMap<>();
        document.getEntry()
                .forEach(entry -> byLocalId.put(
                        entry.getResource().fhirType() + "/"
                                + entry.getResource().getIdElement().getIdPart(),
                        entry.getResource()));
        for (Composition.SectionComponent section : composition.getSection()) {
            section.setText(SectionNarratives.of(section, byLocalId));
        }
        strategy.postManipulateIpsBundle(document);
        return document;
    }

    /** A record a section found: into the document once, into the section if it is one of the section's own. */
    private void include(
            ResourceEntry entry,
            Section section,
            int sectionIndex,
            String base,
            Included included,
            Map<String, Resource> shown) {
        if (entry.getInclusionType() == InclusionTypeEnum.EXCLUDE) {
            return;
        }
        Resource record = (Resource) entry.getResource();
        if (!record.getIdElement().hasIdPart()) {
            throw new IllegalStateException("section " + section.getTitle() + " gave a record with no id");
        }
        boolean primary = entry.getInclusionType() == InclusionTypeEnum.PRIMARY_RESOURCE;
        String id = record.getIdElement().toUnqualifiedVersionless().getValue();
        Resource already = included.byId.get(id);
        if (already != null) {
            if (primary) {
                already.setUserData(INCLUSION, InclusionTypeEnum.PRIMARY_RESOURCE);
            }
            shown.putIfAbsent(id, already); // HAPI lists it in the section whichever way it came
            return;
        }
        record.setUserData(INCLUSION, entry.getInclusionType());
        atBase(record, base);
        included.add(id, record, sectionIndex);
        if (primary) {
            shown.put(id, record);
        }
    }

    private void addSection(Composition composition, Section section, Iterable<Resource> records, String documentId) {
        Composition.SectionComponent added = composition.addSection();
        added.setTitle(section.getTitle());
        added.getCode()
                .addCoding(
                        new Coding(section.getSectionSystem(), section.getSectionCode(), section.getSectionDisplay()));
        for (Resource record : records) {
            if (record.getUserData(INCLUSION) != InclusionTypeEnum.PRIMARY_RESOURCE) {
                continue;
            }
            if (record instanceof DomainResource domain && !domain.hasExtension(NARRATIVE_LINK)) {
                // as HAPI writes it: the Composition's original (urn:uuid) id, the record's type and full id
                domain.addExtension(
                        NARRATIVE_LINK,
                        new UrlType(CompleteDocuments.URN_UUID + documentId + "#" + record.fhirType() + "-"
                                + record.getIdElement().getValue()));
            }
            added.addEntry(new Reference(
                    madeUp(record) ? local(record) : record.getIdElement().getValue()));
        }
    }

    /**
     * Each record's references, walked once: kept to a record that was in the document by the end of the
     * referring record's section, dropped otherwise (so the document names nothing it does not hold).
     */
    private void keepReferencesWithinDocument(Included included) {
        FhirTerser terser = fhirContext.newTerser();
        for (Map.Entry<String, Resource> record : included.byId.entrySet()) {
            int section = included.sectionOf.get(record.getKey());
            for (ResourceReferenceInfo info : terser.getAllResourceReferences(record.getValue())) {
                IBaseReference reference = info.getResourceReference();
                String value = reference.getReferenceElement().getValue();
                if (value == null || value.isBlank() || value.startsWith("#")) {
                    continue;
                }
                Integer target = included.sectionOf.get(
                        new IdType(value).toUnqualifiedVersionless().getValue());
                if (target == null || target > section) {
                    reference.setReference(null);
                    reference.setResource(null);
                }
            }
        }
    }

    private static boolean madeUp(Resource record) {
        return record.getIdElement().getValue().startsWith(CompleteDocuments.URN_UUID);
    }

    /** {@code Type/<uuid>} for a made-up record ({@code urn:uuid:<uuid>}): a relative reference resolves to it. */
    private static String local(Resource record) {
        return CompleteDocuments.underBase(record, record.getIdElement().getValue());
    }

    private static void joinOthers(Resource record) {
        if (madeUp(record)) {
            record.setId(local(record));
        }
    }

    /** A stored record's id under the server's base (as HAPI's generator gives it), so its full URL is absolute. */
    private static void atBase(Resource record, String base) {
        IIdType id = record.getIdElement();
        if (!id.hasBaseUrl() && id.hasResourceType() && id.hasIdPart()) {
            record.setId(id.withServerBase(base, id.getResourceType()));
        }
    }

    private static void addEntry(Bundle document, Resource record, String base) {
        IIdType id = record.getIdElement();
        String fullUrl = id.hasBaseUrl()
                ? id.toVersionless().getValue()
                : base + "/" + id.toVersionless().getValue();
        document.addEntry().setFullUrl(fullUrl).setResource(record);
    }
}
