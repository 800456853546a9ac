package org.carerecord.e2e.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every path through the FHIR API that could hand over a record must withhold what the decision
 * withholds. The probe: the social worker is on david-robson's care team and may see his record, but
 * not mental health — his depression (SNOMED 35489007) and sertraline (labelled PSY) must never appear,
 * whichever way they are asked for.
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathLeakIT {

    private static final String DAVID = "david-robson";

    private CareRecordStack stack;
    private String fhir;
    private String depression;
    private String sertraline;

    @BeforeAll
    void demoData(CareRecordStack stack) {
        this.stack = stack;
        this.fhir = stack.fhirBaseUrl();
        DemoData.load(stack);
        // A care-provider system sees every category: use it to find the ids the probes aim at.
        depression = firstId(Fhir.get(fhir + "/Condition?patient=" + DAVID + "&code=35489007", token("gp-system")));
        sertraline = firstId(Fhir.get(fhir + "/MedicationRequest?patient=" + DAVID, token("gp-system")));
    }

    @Test
    void read() {
        Fhir.Response response = asSocialWorker("Condition/" + depression);
        assertThat(response.status()).isEqualTo(403);
        assertThat(response.diagnostics()).contains("restricted category");
        assertNoLeak(response);
    }

    @Test
    void vread() {
        Fhir.Response response = asSocialWorker("Condition/" + depression + "/_history/1");
        assertThat(response.status()).isEqualTo(403);
        assertNoLeak(response);
    }

    @Test
    void instanceAndTypeHistory() {
        assertNoLeak(asSocialWorker("Condition/" + depression + "/_history"));
        assertNoLeak(asSocialWorker("Condition/_history"));
        assertNoLeak(asSocialWorker("MedicationRequest/_history?_count=100"));
    }

    @Test
    void revincludeIncludeIterateAndWildcards() {
        Fhir.Response revinclude = asSocialWorker("Patient?_id=" + DAVID + "&_revinclude=Condition:subject");
        assertThat(revinclude.status()).isEqualTo(200);
        assertThat(revinclude.body().toString()).contains("\"id\":\"" + DAVID + "\"");
        assertNoLeak(revinclude);
        assertNoLeak(asSocialWorker("Patient?_id=" + DAVID + "&_revinclude=*"));
        assertNoLeak(
                asSocialWorker(
                        "CareTeam?patient=" + DAVID
                                + "&_include=CareTeam:subject&_revinclude:iterate=Condition:subject&_revinclude:iterate=MedicationRequest:subject"));
        assertNoLeak(asSocialWorker("Condition?patient=" + DAVID + "&_include=*"));
    }

    @Test
    void chainedSearchAcrossPatientsIsRefusedToUsers() {
        // names no one patient: look the patient up first (SearchOracleIT has the reason)
        Fhir.Response response =
                asSocialWorker("Condition?subject.identifier=https://fhir.nhs.uk/Id/nhs-number|9000000017");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.diagnostics()).contains("must name one patient");
        assertNoLeak(response);
    }

    @Test
    void reverseChainingIsRefusedToUsersAndSystems() {
        Fhir.Response response = asSocialWorker("Patient?_has:Condition:subject:code=35489007");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.diagnostics()).contains("_has is not available");
        // a system is shown only what it may be shown too (SystemReadBackIT)
        assertThat(Fhir.get(fhir + "/Patient?_has:Condition:subject:code=35489007", token("gp-system"))
                        .status())
                .isEqualTo(400);
    }

    @Test
    void securityLabelFiltersAreRefusedToUsers() {
        assertThat(asSocialWorker("Condition?_security=PSY").status()).isEqualTo(400);
    }

    @Test
    void everything() {
        Fhir.Response response = asSocialWorker("Patient/" + DAVID + "/$everything");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body().toString()).contains("279039007"); // low back pain: not restricted
        assertNoLeak(response);
    }

    @Test
    void pagingLinksReplayedByAnotherUser() {
        Fhir.Response first = Fhir.get(fhir + "/Condition?patient=" + DAVID + "&_count=1", token("gp-system"));
        assertThat(first.status()).isEqualTo(200);
        int replayed = 0;
        for (JsonNode link : first.body().path("link")) {
            if (link.path("url").asText().contains("_getpages")) {
                Fhir.Response page = Fhir.get(link.path("url").asText(), token("social.worker"));
                assertNoLeak(page);
                replayed++;
            }
        }
        assertThat(replayed).isPositive();
    }

    @Test
    void totalsAndCounts() {
        Fhir.Response total = asSocialWorker("Condition?patient=" + DAVID + "&_total=accurate");
        assertThat(total.status())
                .as(total.body().toString())
                .isIn(200, 400); // HAPI's consent interceptor may refuse it
        assertThat(total.body().has("total")).isFalse();
        assertNoLeak(total);
        Fhir.Response count = asSocialWorker("Condition?patient=" + DAVID + "&_summary=count");
        assertThat(count.status()).isEqualTo(400);
        assertNoLeak(count);
    }

    @Test
    void batchAndTransactionGetEntries() {
        for (String type : new String[] {"batch", "transaction"}) {
            Fhir.Response response =
                    Fhir.post(fhir, token("social.worker"), """
                    {"resourceType":"Bundle","type":"%s","entry":[
                      {"request":{"method":"GET","url":"Condition?patient=%s"}},
                      {"request":{"method":"GET","url":"Condition/%s"}},
                      {"request":{"method":"GET","url":"MedicationRequest/%s"}}]}""".formatted(type, DAVID, depression, sertraline));
            assertNoLeak(response);
        }
    }

    /** HAPI answers a batch's entries on several threads with the one request: its decisions must hold up. */
    @Test
    void aBatchOfReadsAnswersEveryEntryTheUserMaySee() {
        for (int round = 0; round < 3; round++) {
            Fhir.Response response = Fhir.post(fhir, token("gp.clinician"), """
                    {"resourceType":"Bundle","type":"batch","entry":[
                      {"request":{"method":"GET","url":"Patient/amelia-hartley"}},
                      {"request":{"method":"GET","url":"Condition?patient=amelia-hartley"}},
                      {"request":{"method":"GET","url":"MedicationRequest?patient=amelia-hartley"}},
                      {"request":{"method":"GET","url":"AllergyIntolerance?patient=amelia-hartley"}},
                      {"request":{"method":"GET","url":"Encounter?patient=amelia-hartley"}},
                      {"request":{"method":"GET","url":"Observation?patient=amelia-hartley"}}]}""");
            assertThat(response.status()).isEqualTo(200);
            for (com.fasterxml.jackson.databind.JsonNode entry : response.body().path("entry")) {
                assertThat(entry.path("response").path("status").asText())
                        .as(entry.toString())
                        .startsWith("200");
            }
        }
    }

    @Test
    void nestedBundlesAreRejected() {
        Fhir.Response response = Fhir.post(fhir, token("rtd-pas"), """
                {"resourceType":"Bundle","type":"batch","entry":[
                  {"resource":{"resourceType":"Bundle","type":"collection"},"request":{"method":"POST","url":"Bundle"}}]}""");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.diagnostics()).contains("Nested bundles");
    }

    @Test
    void anUpdateMayNotMoveARecordToAnotherPatient() {
        Fhir.Response before = Fhir.get(fhir + "/Condition/" + depression, token("gp-system"));
        ObjectNode moved = ((ObjectNode) before.body()).deepCopy();
        moved.putObject("subject").put("reference", "Patient/susan-armstrong");

        Fhir.Response plain = Fhir.put(fhir + "/Condition/" + depression, token("gp-system"), moved.toString());
        assertThat(plain.status()).isEqualTo(422);
        assertThat(plain.diagnostics()).contains("may not move it to Patient/susan-armstrong");
        moved.remove("id");
        Fhir.Response conditional = Fhir.put(
                fhir + "/Condition?identifier=https://fhir.a81001.nhs.uk/Id/condition|c-3",
                token("gp-system"),
                moved.toString());
        assertThat(conditional.status()).isEqualTo(422);
        Fhir.Response after = Fhir.get(fhir + "/Condition/" + depression, token("gp-system"));
        assertThat(after.body().path("subject").path("reference").asText()).isEqualTo("Patient/" + DAVID);
    }

    @Test
    void aSecurityLabelFromTheSourceIsHonouredWhateverTheCode() {
        // Its own patient, on the council's care team, so the demo patients stay as the other tests expect.
        Fhir.Response pushed = Fhir.post(fhir, token("gp-system"), """
                {"resourceType":"Bundle","type":"transaction","entry":[
                  {"resource":{"resourceType":"Patient","id":"leak-probe","name":[{"family":"Probe"}]},
                   "request":{"method":"PUT","url":"Patient/leak-probe"}},
                  {"resource":{"resourceType":"CareTeam","id":"leak-probe-team","status":"active",
                               "subject":{"reference":"Patient/leak-probe"},
                               "participant":[{"member":{"reference":"Organization/NENC-LA1"}}]},
                   "request":{"method":"PUT","url":"CareTeam/leak-probe-team"}},
                  {"resource":{"resourceType":"Condition","id":"leak-probe-headache",
                               "meta":{"security":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActCode","code":"PSY"}]},
                               "code":{"coding":[{"system":"http://snomed.info/sct","code":"25064002","display":"Headache"}]},
                               "subject":{"reference":"Patient/leak-probe"}},
                   "request":{"method":"PUT","url":"Condition/leak-probe-headache"}}]}""");
        assertThat(pushed.status()).isEqualTo(200);

        Fhir.Response search = asSocialWorker("Condition?patient=leak-probe");
        assertThat(search.status()).isEqualTo(200);
        assertThat(search.body().toString()).doesNotContain("25064002").contains("restricted category");
        assertThat(asSocialWorker("Condition/leak-probe-headache").status()).isEqualTo(403);
    }

    @Test
    void graphqlAndAdministrativeOperationsAreNotAvailable() {
        for (String path : new String[] {
            "$graphql?query={Patient(id:\"david-robson\"){id}}",
            "Patient/" + DAVID + "/$graphql?query={id}",
            "$expunge",
            "Patient/" + DAVID + "/$expunge",
            "$reindex"
        }) {
            Fhir.Response response = Fhir.post(
                    fhir + "/" + path.replace("{", "%7B").replace("}", "%7D").replace("\"", "%22"),
                    token("gp.clinician"),
                    "{\"resourceType\":\"Parameters\"}");
            assertThat(response.status()).as(path).isIn(400, 403, 404, 405);
            assertNoLeak(response);
        }
    }

    @Test
    void aPatientTokenSearchesOnlyItsOwnCompartment() {
        Fhir.Response own = Fhir.get(fhir + "/Condition", token("patient.amelia-hartley"));
        assertThat(own.status()).isEqualTo(200);
        for (JsonNode entry : own.body().path("entry")) {
            if ("Condition".equals(entry.path("resource").path("resourceType").asText())) {
                assertThat(entry.path("resource")
                                .path("subject")
                                .path("reference")
                                .asText())
                        .isEqualTo("Patient/amelia-hartley");
            }
        }
        assertThat(own.body().toString()).doesNotContain("35489007");
        Fhir.Response other = Fhir.get(fhir + "/Condition/" + depression, token("patient.amelia-hartley"));
        assertThat(other.status()).isEqualTo(404);
    }

    private Fhir.Response asSocialWorker(String path) {
        return Fhir.get(fhir + "/" + path, token("social.worker"));
    }

    /** Nothing of the withheld records in the answer (its links only echo what was asked). */
    private void assertNoLeak(Fhir.Response response) {
        assertThat(response.status()).as("never a server error").isLessThan(500);
        JsonNode answer = response.body().deepCopy();
        if (answer instanceof ObjectNode object) {
            object.remove("link");
        }
        String body = answer.toString();
        assertThat(body)
                .doesNotContain("35489007")
                .doesNotContain("Depressive")
                .doesNotContain("Sertraline")
                .doesNotContain("Condition/" + depression)
                .doesNotContain("MedicationRequest/" + sertraline)
                .doesNotContain("\"id\":\"" + depression + "\"")
                .doesNotContain("\"id\":\"" + sertraline + "\"");
    }

    private static String firstId(Fhir.Response search) {
        assertThat(search.status()).isEqualTo(200);
        String id =
                search.body().path("entry").path(0).path("resource").path("id").asText();
        assertThat(id).as("the probe's target exists").isNotBlank();
        return id;
    }

    private String token(String persona) {
        return stack.tokens().token(persona);
    }
}
