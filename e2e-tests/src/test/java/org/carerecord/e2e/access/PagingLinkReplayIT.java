package org.carerecord.e2e.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.e2e.support.TestPatients.TestPatient;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A paging link is the search of the one who ran it. Found from outside: the GP's
 * {@code Condition?patient=..&_count=1&_sort=-_id} next link gave the social worker the patient's depression,
 * and links served the ward clerk, the locum, the privacy officer and another patient's token. Every persona
 * × every search path that pages × every link of another persona (and the same search id with another
 * {@code _count} or offset): refused exactly as an expired search is, with nothing of the record.
 */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PagingLinkReplayIT {

    private static final List<String> STAFF = List.of(
            "gp.clinician",
            "hospital.nurse",
            "social.worker",
            "ward.clerk",
            "gp.locum",
            "privacy.officer",
            "caldicott.guardian",
            "rtd-pas",
            "gp-system");

    private CareRecordStack stack;
    private TestPatient patient;

    @BeforeAll
    void records(CareRecordStack stack) {
        this.stack = stack;
        DemoData.load(stack);
        patient = TestPatients.davidLike(stack);
        TestPatients.davidLike(stack); // a second patient born the same day: a demographic search with pages
    }

    /** Who ran which search (P: the test patient). */
    Stream<Arguments> searches() {
        return Stream.of(
                Arguments.of("gp.clinician", "Condition?patient=P&_count=1&_sort=-_id"),
                Arguments.of("hospital.nurse", "Condition?patient=amelia-hartley&_count=1"),
                Arguments.of("gp.clinician", "Patient/P/$everything?_count=1"),
                Arguments.of("gp.clinician", "Patient?birthdate=1981-09-02&_count=1"),
                Arguments.of("social.worker", "Patient?birthdate=1981-09-02&_count=1"),
                Arguments.of("gp-system", "Condition?patient=P&_count=1&_sort=-_id"),
                Arguments.of("patient.P", "Condition?_count=1"));
    }

    @ParameterizedTest(name = "{0} ran {1}")
    @MethodSource("searches")
    void anotherPersonasLinkIsAnExpiredSearch(String creator, String search) {
        List<String> links = pagingLinks(as(creator), search);
        assertThat(links).as("the search pages").isNotEmpty();
        List<String> readers = new ArrayList<>(STAFF);
        readers.add("patient.amelia-hartley");
        readers.add("patient." + patient.id());
        readers.remove(as(creator));
        for (String reader : readers) {
            for (String link : variants(links)) {
                Fhir.Response replayed = Fhir.get(link, token(reader));
                assertThat(replayed.status()).as(reader + " replays " + link).isEqualTo(410);
                assertThat(replayed.diagnostics()).contains("does not exist and may have expired");
                assertThat(replayed.body().path("entry").isMissingNode()).isTrue();
            }
        }
    }

    /** Found by the matrix above: HAPI reused a GP's stored search, filtered for the GP, for a nurse's same query. */
    @Test
    void theSameSearchRunByAnotherPersonaIsDecidedForThem() {
        String search = stack.fhirBaseUrl() + "/Condition?patient=" + patient.id() + "&_count=1&_sort=-_id";
        Fhir.Response gp = Fhir.get(search, token("gp.clinician"));
        assertThat(gp.status()).isEqualTo(200);
        Fhir.Response socialWorker = Fhir.get(search, token("social.worker"));
        assertThat(socialWorker.status()).isEqualTo(200);
        assertThat(socialWorker.body().toString()).doesNotContain("35489007");
        for (String link : pagingLinks("social.worker", "Condition?patient=P&_count=1&_sort=-_id")) {
            Fhir.Response page = Fhir.get(link, token("social.worker"));
            assertThat(page.status()).as("her own link").isEqualTo(200);
            assertThat(page.body().toString()).doesNotContain("35489007");
        }
    }

    @Test
    void anUnknownSearchIdIsAnsweredTheSameWay() {
        String link =
                pagingLinks("gp.clinician", "Condition?patient=P&_count=1").get(0);
        Fhir.Response unknown = Fhir.get(
                link.replaceAll("_getpages=[^&]+", "_getpages=00000000-0000-0000-0000-000000000000"),
                token("social.worker"));
        Fhir.Response foreign = Fhir.get(link, token("social.worker"));
        assertThat(unknown.status()).isEqualTo(foreign.status()).isEqualTo(410);
        assertThat(unknown.diagnostics().replaceAll("\"[^\"]+\"", "\"id\""))
                .isEqualTo(foreign.diagnostics().replaceAll("\"[^\"]+\"", "\"id\""));
    }

    @Test
    void theOwnerPagesThroughAndEachPageIsFilteredForThem() {
        List<String> seen = new ArrayList<>();
        String next = stack.fhirBaseUrl() + "/Condition?patient=" + patient.id() + "&_count=1&_sort=-_id";
        int pages = 0;
        while (next != null && pages++ < 10) {
            Fhir.Response page = Fhir.get(next, token("social.worker"));
            assertThat(page.status()).isEqualTo(200);
            assertThat(page.body().toString()).doesNotContain("35489007").doesNotContain("Depressive");
            page.body()
                    .path("entry")
                    .forEach(e ->
                            seen.add(e.path("resource").path("resourceType").asText()));
            next = link(page.body(), "next");
        }
        assertThat(seen).contains("Condition");
        // the GP's pages hold the depression: the same path, its own identity
        String gpPages = String.join(
                " ",
                pagingLinks("gp.clinician", "Condition?patient=P&_count=1&_sort=-_id").stream()
                        .map(l -> Fhir.get(l, token("gp.clinician")))
                        .peek(r -> assertThat(r.status()).isEqualTo(200))
                        .map(r -> r.body().toString())
                        .toList());
        String gpFirst = Fhir.get(
                        stack.fhirBaseUrl() + "/Condition?patient=" + patient.id() + "&_count=1&_sort=-_id",
                        token("gp.clinician"))
                .body()
                .toString();
        assertThat(gpFirst + gpPages).contains("35489007");
    }

    /** The first page's paging links (next, previous, last...), run as the creator. */
    private List<String> pagingLinks(String creator, String search) {
        String path = search.replace("=P&", "=" + patient.id() + "&").replace("/P/", "/" + patient.id() + "/");
        Fhir.Response first = Fhir.get(stack.fhirBaseUrl() + "/" + path, token(creator));
        assertThat(first.status()).as(creator + " " + path + " " + first.body()).isEqualTo(200);
        List<String> links = new ArrayList<>();
        for (JsonNode link : first.body().path("link")) {
            if (link.path("url").asText().contains("_getpages")) {
                links.add(link.path("url").asText());
            }
        }
        return links;
    }

    /** Each link as given, and its search id asked for with another page size and offset. */
    private static List<String> variants(List<String> links) {
        List<String> all = new ArrayList<>(links);
        for (String link : links) {
            all.add(link.replaceAll("_getpagesoffset=\\d+", "_getpagesoffset=0")
                    .replaceAll("_count=\\d+", "_count=100"));
        }
        return all;
    }

    private static String link(JsonNode bundle, String relation) {
        for (JsonNode link : bundle.path("link")) {
            if (relation.equals(link.path("relation").asText())) {
                return link.path("url").asText();
            }
        }
        return null;
    }

    private String as(String persona) {
        return "patient.P".equals(persona) ? "patient." + patient.id() : persona;
    }

    private String token(String persona) {
        return stack.tokens().token(persona);
    }
}
