package org.carerecord.fhir.match;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.StringParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.consent.ConsentEnforcement;
import org.carerecord.fhir.jpa.FhirOperationProvider;
import org.carerecord.security.identity.NhsNumber;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * {@code POST [base]/Patient/$match} (FHIR R4, IHE PDQm style): a {@code Parameters} with the patient as the asker
 * knows them ({@code resource}: NHS number, names, birth date, sex, postcode), {@code onlyCertainMatches} and
 * {@code count}; answers a searchset of candidates, each with its {@code search.score} and a {@code match-grade}
 * ({@link MatchGrade}: NHS number first, a verified one outranking any demographics). Nothing is created. With
 * {@code onlyCertainMatches} it answers one certain match or none: two it cannot tell apart are not a match.
 *
 * <p>Each candidate is shown only if the asker may see that patient, by the same decision as a read of the
 * patient; one they may not is simply absent, with no notice and no count, so a match answers nothing about who
 * exists that a search would not (a user without a relationship learns nothing).
 */
@Component
public class PatientMatch implements FhirOperationProvider {

    static final String MATCH_GRADE = "http://hl7.org/fhir/StructureDefinition/match-grade";
    private static final int MOST = 50;

    private final DaoRegistry daos;
    /** Absent only where consent checks are switched off (the benchmarks' comparison server): all shown. */
    private final ConsentEnforcement consent;

    public PatientMatch(@Lazy DaoRegistry daos, ObjectProvider<ConsentEnforcement> consent) {
        this.daos = daos;
        this.consent = consent.getIfAvailable();
    }

    @Operation(name = "$match", type = Patient.class, idempotent = false)
    public Bundle match(
            @OperationParam(name = "resource", min = 1, max = 1) Patient asked,
            @OperationParam(name = "onlyCertainMatches", max = 1) BooleanType onlyCertainMatches,
            @OperationParam(name = "count", max = 1) IntegerType count,
            RequestDetails request) {
        if (asked == null) { // HAPI does not hold a POSTed Parameters to min = 1
            throw new InvalidRequestException("Give the patient to match as a Patient in the 'resource' parameter");
        }
        String nhs = MatchGrade.nhsNumber(asked);
        if (nhs != null && !NhsNumber.isValid(nhs)) {
            throw new InvalidRequestException(
                    "'" + nhs + "' is not a valid NHS number (10 digits, modulus-11 check digit)");
        }
        if (nhs == null && (MatchGrade.family(asked) == null || !asked.hasBirthDate())) {
            throw new InvalidRequestException("Give the patient's NHS number, or their surname and birth date");
        }
        int most = count == null || count.getValue() == null ? 10 : Math.max(1, Math.min(MOST, count.getValue()));
        boolean onlyCertain = onlyCertainMatches != null && Boolean.TRUE.equals(onlyCertainMatches.getValue());

        List<Candidate> shown = new ArrayList<>();
        for (Patient record : candidates(asked, nhs)) {
            MatchGrade grade = MatchGrade.of(asked, record);
            if (grade.shown()
                    && (!onlyCertain || MatchGrade.CERTAIN.equals(grade.grade()))
                    && mayShow(request, record)) {
                shown.add(new Candidate(record, grade));
            }
        }
        shown.sort(
                Comparator.comparingDouble((Candidate c) -> c.grade().score()).reversed());
        if (onlyCertain && shown.size() > 1) {
            shown.clear(); // two certain matches cannot be told apart: neither is certain
        }
        Bundle bundle = new Bundle().setType(Bundle.BundleType.SEARCHSET);
        for (Candidate candidate : shown.subList(0, Math.min(most, shown.size()))) {
            Bundle.BundleEntryComponent entry = bundle.addEntry()
                    .setFullUrl(candidate
                            .record()
                            .getIdElement()
                            .toUnqualifiedVersionless()
                            .getValue())
                    .setResource(candidate.record());
            entry.getSearch()
                    .setMode(Bundle.SearchEntryMode.MATCH)
                    .setScore(Math.round(candidate.grade().score() * 1000) / 1000.0)
                    .addExtension(MATCH_GRADE, new CodeType(candidate.grade().grade()));
        }
        return bundle;
    }

    private record Candidate(Patient record, MatchGrade grade) {}

    /** Records that could be the patient: by NHS number, and by surname with birth date, sex or postcode. */
    private List<Patient> candidates(Patient asked, String nhs) {
        Map<String, Patient> found = new LinkedHashMap<>();
        if (nhs != null) {
            search(new SearchParameterMap().add("identifier", new TokenParam(NhsNumber.SYSTEM, nhs)), found);
        }
        String family = MatchGrade.family(asked);
        if (family != null && asked.hasBirthDate()) {
            search(
                    new SearchParameterMap()
                            .add("family", new StringParam(family).setExact(true))
                            .add(
                                    "birthdate",
                                    new DateParam(asked.getBirthDateElement().getValueAsString())),
                    found);
        }
        return new ArrayList<>(found.values());
    }

    private void search(SearchParameterMap query, Map<String, Patient> found) {
        query.setLoadSynchronousUpTo(MOST);
        for (IBaseResource resource : daos.getResourceDao(Patient.class)
                .search(query, new SystemRequestDetails())
                .getAllResources()) {
            found.putIfAbsent(resource.getIdElement().toUnqualifiedVersionless().getValue(), (Patient) resource);
        }
    }

    /**
     * The decision a read of this patient would get, asked on a request of its own: what is withheld here must not
     * reach the match's response as a withheld notice or count.
     */
    private boolean mayShow(RequestDetails request, Patient record) {
        return consent == null || consent.mayShow(Requester.of(request).attachTo(new SystemRequestDetails()), record);
    }
}
