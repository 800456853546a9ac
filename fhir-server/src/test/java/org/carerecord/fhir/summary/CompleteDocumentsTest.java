package org.carerecord.fhir.summary;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Composition;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

/** A document shaped as HAPI's IPS generator leaves it, completed: references that resolve, a narrative per section. */
class CompleteDocumentsTest {

    private static final String BASE = "http://localhost:8080/fhir";

    private static Bundle generated() {
        Bundle document = new Bundle().setType(Bundle.BundleType.DOCUMENT);
        Composition composition = new Composition();
        Organization author = new Organization().setName("Shared care record service");
        composition.setSubject(new Reference("Patient/p1")).addAuthor(new Reference("urn:uuid:aaaa"));
        Composition.SectionComponent problems = composition.addSection().setTitle("Problem List");
        problems.addEntry(new Reference("Condition/c1"));
        Composition.SectionComponent admissions = composition.addSection().setTitle("Recent Hospital Admissions");
        admissions.addEntry(new Reference(BASE + "/Encounter/e1/_history/1"));
        document.addEntry().setFullUrl("urn:uuid:cccc").setResource(composition);
        document.addEntry().setFullUrl(BASE + "/Patient/p1").setResource(new Patient().setId("p1"));
        Condition condition = new Condition().setCode(new CodeableConcept().setText("Asthma"));
        condition.setId("c1");
        condition.getMeta().addTag("https://care-record.example.org/CodeSystem/source-organisation", "A81001", null);
        document.addEntry().setFullUrl(BASE + "/Condition/c1").setResource(condition);
        Encounter encounter =
                new Encounter().setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", null));
        encounter.setId("e1");
        encounter.setServiceProvider(new Reference("Organization/RTD"));
        document.addEntry().setFullUrl(BASE + "/Encounter/e1").setResource(encounter);
        document.addEntry().setFullUrl("urn:uuid:aaaa").setResource(author);
        return document;
    }

    @Test
    void madeUpEntriesJoinTheServersBaseAndReferencesFollow() {
        Bundle document = (Bundle) CompleteDocuments.complete(generated());
        Composition composition = (Composition) document.getEntryFirstRep().getResource();
        assertThat(document.getEntryFirstRep().getFullUrl()).isEqualTo(BASE + "/Composition/cccc");
        assertThat(document.getEntry().get(4).getFullUrl()).isEqualTo(BASE + "/Organization/aaaa");
        assertThat(composition.getAuthorFirstRep().getReference()).isEqualTo("Organization/aaaa");
        assertThat(composition.getSubject().getReference()).isEqualTo("Patient/p1");
    }

    @Test
    void everySectionGetsANarrativeNamingItsItems() {
        Bundle document = (Bundle) CompleteDocuments.complete(generated());
        Composition composition = (Composition) document.getEntryFirstRep().getResource();
        String problems = FhirContext.forR4Cached()
                .newXmlParser()
                .encodeToString(composition.getSection().get(0).getText());
        assertThat(problems).contains("Asthma", "A81001");
        // an admission with no type is shown by its class, and where it was (a versioned absolute reference resolves)
        String admissions = composition.getSection().get(1).getText().getDivAsString();
        assertThat(admissions).contains("IMP", "RTD");
    }

    @Test
    void aNarrativeAlreadyThereIsKept() {
        Bundle generated = generated();
        Composition composition = (Composition) generated.getEntryFirstRep().getResource();
        composition
                .getSection()
                .get(0)
                .getText()
                .setDivAsString("<div xmlns=\"http://www.w3.org/1999/xhtml\">HAPI's</div>");
        Composition completed = (Composition) ((Bundle) CompleteDocuments.complete(generated))
                .getEntryFirstRep()
                .getResource();
        assertThat(completed.getSection().get(0).getText().getDivAsString()).contains("HAPI's");
    }
}
