package org.carerecord.e2e.summary;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Bundles;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The clinician's patient summary ($summary, an IPS document), filtered like every other path. */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PatientSummaryIT {

    private CareRecordStack stack;

    @BeforeAll
    void demoData(CareRecordStack stack) {
        this.stack = stack;
        DemoData.load(stack);
    }

    @Test
    void theGpGetsAnIpsDocumentWithProblemsMedicationsAndAllergiesAndWhereEachCameFrom() {
        Fhir.Response summary = summary("amelia-hartley", "gp.clinician");

        assertThat(summary.status()).as(summary.body().toString()).isEqualTo(200);
        assertThat(summary.body().path("type").asText()).isEqualTo("document");
        JsonNode composition = summary.body().path("entry").path(0).path("resource");
        assertThat(composition.path("resourceType").asText()).isEqualTo("Composition");
        assertThat(composition.path("section").toString()).contains("Problem", "Medication", "Allerg");
        String body = summary.body().toString();
        assertThat(body).contains("44054006", "195967001", "Metformin", "Salbutamol", "91936005");
        assertThat(body).contains("https://care-record.example.org/CodeSystem/source-organisation");
    }

    @Test
    void recentAdmissionsAreASectionAndSayWhichOrganisationRecordedThem() {
        Fhir.Response summary = summary("amelia-hartley", "gp.clinician");

        JsonNode composition = summary.body().path("entry").path(0).path("resource");
        JsonNode admissions = section(composition, "46240-8");
        assertThat(admissions.isMissingNode()).as(composition.toString()).isFalse();
        assertThat(admissions.path("entry")).hasSize(1);
        assertThat(admissions.path("text").path("div").asText()).contains("Hospital admission", "Dyspnoea", "RTD");
        assertThat(composition.path("title").asText()).startsWith("Patient summary as of ");
        assertThat(summary.body().toString()).doesNotContain("University of Cyprus");
    }

    /** Found from outside: a PAS feed's admission has no Encounter.type (optional in FHIR); every summary was a 500. */
    @Test
    void anAdmissionWithoutATypeIsShownByItsClass() {
        String nhsNumber = TestPatients.nhsNumber();
        assertThat(Fhir.post(stack.fhirBaseUrl(), stack.tokens().token("rtd-pas"), Bundles.admission(nhsNumber, "RTD"))
                        .status())
                .isEqualTo(200);
        String patient = Fhir.get(
                        stack.fhirBaseUrl() + "/Patient?identifier=https://fhir.nhs.uk/Id/nhs-number|" + nhsNumber,
                        stack.tokens().token("rtd-pas"))
                .body()
                .path("entry")
                .path(0)
                .path("resource")
                .path("id")
                .asText();

        Fhir.Response summary = summary(patient, "hospital.nurse");

        assertThat(summary.status()).as(summary.body().toString()).isEqualTo(200);
        JsonNode admissions = section(summary.body().path("entry").path(0).path("resource"), "46240-8");
        assertThat(admissions.path("entry")).hasSize(1);
        assertThat(admissions.path("text").path("div").asText()).contains("IMP", "RTD");
    }

    @Test
    void anUnchangedRecordIsServedAgainAndAChangeShowsAtOnce() {
        String first = summary("amelia-hartley", "gp.clinician")
                .body()
                .path("identifier")
                .path("value")
                .asText();
        Fhir.Response again = summary("amelia-hartley", "gp.clinician");
        assertThat(again.body().path("identifier").path("value").asText())
                .as("the same document, reused while the record stands still")
                .isEqualTo(first);

        Fhir.Response created =
                Fhir.post(stack.fhirBaseUrl() + "/Condition", stack.tokens().token("gp-system"), """
                {"resourceType":"Condition",
                 "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
                 "code":{"coding":[{"system":"http://snomed.info/sct","code":"55822004","display":"Hyperlipidaemia"}]},
                 "subject":{"reference":"Patient/amelia-hartley"}}""");
        assertThat(created.status()).isEqualTo(201);
        Fhir.Response changed = summary("amelia-hartley", "gp.clinician");
        assertThat(changed.body().path("identifier").path("value").asText()).isNotEqualTo(first);
        assertThat(changed.body().toString()).contains("55822004");

        assertThat(Fhir.delete(
                                stack.fhirBaseUrl() + "/Condition/"
                                        + created.body().path("id").asText(),
                                stack.tokens().token("gp-system"))
                        .status())
                .isEqualTo(200);
        assertThat(summary("amelia-hartley", "gp.clinician").body().toString())
                .as("a deleted record leaves the summary at once")
                .doesNotContain("55822004");
    }

    /**
     * A reused document's JSON is written once and served again (EncodedSummaries): it must be what HAPI's own
     * writer gives for the same document (forced here with {@code _pretty=true}, which is left to HAPI), with
     * the same headers, and every view must still be audited on its own.
     */
    @Test
    void aReusedSummaryIsWrittenAsHapiWritesItAndEachViewIsAudited() {
        String url = stack.fhirBaseUrl() + "/Patient/amelia-hartley/$summary";
        String token = stack.tokens().token("gp.clinician");
        Fhir.Response first = Fhir.get(url, token);
        Fhir.Response again = Fhir.get(url, token);
        Fhir.Response byHapi = Fhir.get(url + "?_pretty=true", token);

        assertThat(again.body().path("identifier"))
                .as("the same document")
                .isEqualTo(first.body().path("identifier"));
        assertThat(again.body()).isEqualTo(first.body());
        assertThat(byHapi.body()).as("HAPI's writer, same document").isEqualTo(again.body());
        for (String header : java.util.List.of("Content-Type", "Content-Location", "Last-Modified")) {
            assertThat(again.header(header)).as(header).isEqualTo(byHapi.header(header));
        }
        assertThat(again.header("Content-Type")).startsWith("application/fhir+json");
        for (Fhir.Response view : java.util.List.of(first, again, byHapi)) {
            JsonNode audit = Audit.awaitRecordOf(stack, view.requestId());
            assertThat(audit.path("entity").toString())
                    .as("each view is recorded")
                    .contains("amelia-hartley");
        }
        // another encoding is HAPI's to write
        java.net.http.HttpResponse<String> xml = Fhir.getText(url + "?_format=xml", token);
        assertThat(xml.statusCode()).isEqualTo(200);
        assertThat(xml.body()).startsWith("<Bundle xmlns=\"http://hl7.org/fhir\">");
    }

    @Test
    void aReusedSummaryStillSaysWhatWasWithheld() {
        for (int i = 0; i < 2; i++) {
            Fhir.Response summary = summary("david-robson", "social.worker");
            assertThat(summary.body().toString())
                    .doesNotContain("35489007")
                    .contains(
                            "Some items were withheld: restricted category (from ", "Problem List", "Medication List");
        }
    }

    @Test
    void whatTheUserMayNotSeeIsLeftOutAndTheDocumentSaysSo() {
        Fhir.Response summary = summary("david-robson", "social.worker");

        assertThat(summary.status()).isEqualTo(200);
        String body = summary.body().toString();
        assertThat(body)
                .contains("279039007")
                .doesNotContain("35489007")
                .doesNotContain("Sertraline")
                .doesNotContain("Depressive");
        assertThat(body).contains("Some items were withheld: restricted category (from Medication List, Problem List");
    }

    /**
     * Sections are prepared once per patient for every reader: the GP (who may see david's depression) opening
     * the summary first must not let the social worker's document, assembled from the same prepared sections
     * a moment later, show it — and the GP's must still show it after the social worker's.
     */
    @Test
    void sectionsPreparedForOneReaderAreNarrowedForTheNext() {
        for (int round = 0; round < 2; round++) {
            assertThat(summary("david-robson", "gp.clinician").body().toString())
                    .contains("35489007", "Sertraline");
            assertThat(summary("david-robson", "social.worker").body().toString())
                    .contains("279039007")
                    .doesNotContain("35489007")
                    .doesNotContain("Sertraline")
                    .contains("Some items were withheld: restricted category");
        }
    }

    /**
     * Never stale while sections are prepared ahead: every write shows in the very next summary, while other
     * clinicians keep opening the same patient (so preparations triggered by the writes and by their requests
     * are in flight when the next summary is asked for).
     */
    @Test
    void everyWriteShowsInTheVeryNextSummaryWhileOthersReadTheSamePatient() throws Exception {
        String gpSystem = stack.tokens().token("gp-system");
        java.util.concurrent.atomic.AtomicBoolean reading = new java.util.concurrent.atomic.AtomicBoolean(true);
        java.util.concurrent.ExecutorService others = java.util.concurrent.Executors.newFixedThreadPool(2);
        java.util.List<java.util.concurrent.Future<Integer>> readers = new java.util.ArrayList<>();
        for (int i = 0; i < 2; i++) {
            readers.add(others.submit(() -> {
                int read = 0;
                while (reading.get()) {
                    assertThat(summary("susan-armstrong", "gp.clinician").status())
                            .isEqualTo(200);
                    read++;
                }
                return read;
            }));
        }
        java.util.List<String> created = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 8; i++) {
                String text = "Write " + i + " of " + java.util.UUID.randomUUID();
                Fhir.Response write = Fhir.post(stack.fhirBaseUrl() + "/Condition", gpSystem, """
                        {"resourceType":"Condition",
                         "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
                         "code":{"coding":[{"system":"http://snomed.info/sct","code":"38341003"}],"text":"%s"},
                         "subject":{"reference":"Patient/susan-armstrong"}}""".formatted(text));
                assertThat(write.status()).isEqualTo(201);
                created.add(write.body().path("id").asText());
                assertThat(summary("susan-armstrong", "gp.clinician").body().toString())
                        .as("the summary asked for right after write %d", i)
                        .contains(text);
            }
        } finally {
            reading.set(false);
            others.shutdown();
            for (String id : created) {
                Fhir.delete(stack.fhirBaseUrl() + "/Condition/" + id, gpSystem);
            }
        }
        for (java.util.concurrent.Future<Integer> reader : readers) {
            assertThat(reader.get()).as("summaries read meanwhile").isPositive();
        }
    }

    /**
     * After a write, the documents of those who recently opened the patient are assembled before they ask (off
     * the request path, standing in for each reader). Such a document must be exactly the one the reader's own
     * request would assemble — the same records in every section and the same withheld notice — for a reader
     * who sees everything and one from whom a category is withheld.
     */
    @Test
    void aSummaryAssembledAheadAfterAWriteIsTheOneTheReadersOwnRequestWouldAssemble() throws Exception {
        java.util.List<String> personas = java.util.List.of("gp.clinician", "social.worker");
        personas.forEach(persona -> summary("david-robson", persona)); // they open David's record
        double aheadBefore = documentsAssembled("ahead");
        String text = "Assembled ahead " + java.util.UUID.randomUUID();
        Fhir.Response write =
                Fhir.post(stack.fhirBaseUrl() + "/Condition", stack.tokens().token("gp-system"), """
                {"resourceType":"Condition",
                 "clinicalStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/condition-clinical","code":"active"}]},
                 "code":{"coding":[{"system":"http://snomed.info/sct","code":"38341003"}],"text":"%s"},
                 "subject":{"reference":"Patient/david-robson"}}""".formatted(text));
        assertThat(write.status()).isEqualTo(201);
        try {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
            while (documentsAssembled("ahead") < aheadBefore + personas.size() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(documentsAssembled("ahead"))
                    .as("both readers' documents assembled before they asked")
                    .isGreaterThanOrEqualTo(aheadBefore + personas.size());
            for (String persona : personas) {
                Fhir.Response ahead = summary("david-robson", persona);
                Fhir.Response own = Fhir.get(
                        stack.fhirBaseUrl() + "/Patient/david-robson/$summary",
                        stack.tokens().token(persona),
                        java.util.Map.of("Cache-Control", "no-store"));
                assertThat(ahead.body().toString()).as(persona).contains(text);
                assertThat(storedRecordsBySection(ahead.body()))
                        .as(persona)
                        .isEqualTo(storedRecordsBySection(own.body()));
                assertThat(noticeOf(ahead.body())).as(persona).isEqualTo(noticeOf(own.body()));
            }
        } finally {
            Fhir.delete(
                    stack.fhirBaseUrl() + "/Condition/"
                            + write.body().path("id").asText(),
                    stack.tokens().token("gp-system"));
        }
    }

    /** care.summary.documents{assembled=...} from fhir-server's metrics (its management port, the scraper's token). */
    private double documentsAssembled(String how) throws java.io.IOException {
        java.net.http.HttpResponse<String> metric = Fhir.getText(
                stack.service("fhir-server").managementUrl() + "/actuator/metrics/care.summary.documents?tag=assembled:"
                        + how,
                stack.tokens().token("prometheus"));
        assertThat(metric.statusCode()).as(metric.body()).isEqualTo(200);
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(metric.body())
                .path("measurements")
                .path(0)
                .path("value")
                .asDouble();
    }

    /** Section code -> the stored records it lists (Type/id; made-up entries such as "no information" left out). */
    private static java.util.Map<String, java.util.Set<String>> storedRecordsBySection(JsonNode document) {
        java.util.Map<String, String> stored = new java.util.HashMap<>();
        for (JsonNode entry : document.path("entry")) {
            JsonNode resource = entry.path("resource");
            if (resource.path("meta").has("versionId")) {
                stored.put(
                        resource.path("resourceType").asText() + "/"
                                + resource.path("id").asText(),
                        "");
            }
        }
        java.util.Map<String, java.util.Set<String>> sections = new java.util.TreeMap<>();
        for (JsonNode section : document.path("entry").path(0).path("resource").path("section")) {
            java.util.Set<String> records = new java.util.TreeSet<>();
            for (JsonNode reference : section.path("entry")) {
                String ref = reference.path("reference").asText();
                if (stored.containsKey(ref)) {
                    records.add(ref);
                }
            }
            sections.put(
                    section.path("code").path("coding").path(0).path("code").asText(), records);
        }
        return sections;
    }

    private static String noticeOf(JsonNode document) {
        for (JsonNode entry : document.path("entry")) {
            if ("OperationOutcome"
                    .equals(entry.path("resource").path("resourceType").asText())) {
                return entry.path("resource")
                        .path("issue")
                        .path(0)
                        .path("diagnostics")
                        .asText();
            }
        }
        return null;
    }

    @Test
    void noRelationshipNoSummary() {
        Fhir.Response summary = summary("david-robson", "hospital.nurse");
        assertThat(summary.status()).isEqualTo(403);
        assertThat(summary.diagnostics()).contains("No legitimate relationship");
    }

    @Test
    void everythingTakesTypeAndCountAndPagesThroughTheSameFilter() {
        String token = stack.tokens().token("gp.clinician");
        Fhir.Response first = Fhir.get(
                stack.fhirBaseUrl() + "/Patient/amelia-hartley/$everything?_type=Condition,MedicationRequest&_count=2",
                token);
        assertThat(first.status()).isEqualTo(200);
        java.util.Set<String> types = new java.util.HashSet<>();
        int seen = 0;
        Fhir.Response page = first;
        for (int pages = 0; pages < 10; pages++) {
            for (JsonNode entry : page.body().path("entry")) {
                types.add(entry.path("resource").path("resourceType").asText());
                seen++;
            }
            String next = null;
            for (JsonNode link : page.body().path("link")) {
                if ("next".equals(link.path("relation").asText())) {
                    next = link.path("url").asText();
                }
            }
            if (next == null) {
                break;
            }
            page = Fhir.get(next, token);
            assertThat(page.status()).isEqualTo(200);
        }
        assertThat(types)
                .containsOnly("Patient", "Condition", "MedicationRequest"); // the patient comes with its compartment
        assertThat(seen).as("3 conditions and 3 medications over several pages").isGreaterThanOrEqualTo(6);
    }

    private static JsonNode section(JsonNode composition, String loincCode) {
        for (JsonNode section : composition.path("section")) {
            if (loincCode.equals(
                    section.path("code").path("coding").path(0).path("code").asText())) {
                return section;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private Fhir.Response summary(String patient, String persona) {
        return Fhir.get(
                stack.fhirBaseUrl() + "/Patient/" + patient + "/$summary",
                stack.tokens().token(persona));
    }
}
