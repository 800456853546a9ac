package org.carerecord.fhir.consent;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenParam;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.carerecord.fhir.access.GranularScopes;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.consent.RecordStamps.RecordStamp;
import org.carerecord.fhir.consent.RequestDecisions.Withholding;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.SensitiveCategory;
import org.carerecord.security.token.CareClaims;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * What a patient's record of one type holds that a requester will not be shown, worked out from the whole
 * record — never from what a search matched. A search's notice built from its matches is an oracle: "some
 * items were withheld" for {@code code=<depression>} and nothing for another code confirms the diagnosis.
 * Built from the record, the notice says the same whatever the criteria: this record holds restricted
 * information of this kind (which a clinician is meant to learn), not what matches a query.
 * Kept per patient, type, record stamp (any write makes a new one), withheld categories and scope queries.
 */
@Component
class WithheldFromRecord {

    /** The reasons some of a patient's records of a type are withheld, and whether break-glass would show them. */
    public record Withheld(Set<Withholding> reasons, boolean breakGlassWouldShowMore) {

        static final Withheld NOTHING = new Withheld(Set.of(), false);
    }

    private record Key(
            String patient,
            String type,
            RecordStamp stamp,
            Set<SensitiveCategory> categories,
            List<String> scopeQueries,
            boolean breakGlass) {}

    private final DaoRegistry daos;
    private final FhirContext fhirContext;
    private final RecordStamps stamps;
    private final SensitivityClassifier classifier;
    private final GranularScopes scopes;
    private final PatientCompartment compartment;
    private final Cache<Key, Withheld> known = Caffeine.newBuilder()
            .maximumSize(50_000)
            .expireAfterAccess(Duration.ofMinutes(30))
            .build();

    public WithheldFromRecord(
            @Lazy DaoRegistry daos,
            FhirContext fhirContext,
            RecordStamps stamps,
            SensitivityClassifier classifier,
            GranularScopes scopes,
            PatientCompartment compartment) {
        this.daos = daos;
        this.fhirContext = fhirContext;
        this.stamps = stamps;
        this.classifier = classifier;
        this.scopes = scopes;
        this.compartment = compartment;
    }

    /** What this patient's records of this type hold that the requester, under this decision, is not shown. */
    public Withheld of(RequestDetails request, String patient, String type, AccessDecision decision) {
        CareClaims claims = Requester.of(request).claims();
        Set<SensitiveCategory> categories = decision.withheldCategories() == null
                        || decision.withheldCategories().isEmpty()
                ? Set.of()
                : Set.copyOf(decision.withheldCategories());
        boolean wholeType = scopes.coversWholeType(claims, type);
        if (!decision.permitsType(type) || (categories.isEmpty() && wholeType)) {
            return Withheld.NOTHING; // nothing of this type is shown at all (refused up front), or all of it is
        }
        List<String> queries = wholeType ? List.of() : scopes.queriesFor(claims, type);
        Key key = new Key(patient, type, stamps.of(patient), categories, queries, decision.breakGlassAvailable());
        return known.get(key, k -> look(request, k, claims, wholeType, decision));
    }

    /** The same two steps as RecordConsentService's check of each shown resource (scope, then category). */
    private Withheld look(
            RequestDetails request, Key key, CareClaims claims, boolean wholeType, AccessDecision decision) {
        Set<Withholding> reasons = EnumSet.noneOf(Withholding.class);
        for (IBaseResource resource : recordOf(key.patient(), key.type())) {
            if (!key.patient().equals(compartment.ownerOf(resource))) {
                continue;
            }
            if (!wholeType && !scopes.cover(claims, resource, request)) {
                reasons.add(Withholding.SCOPE);
            } else if (classifier.withheldBy(decision, resource)) {
                reasons.add(Withholding.RESTRICTED_CATEGORY);
            }
            if (reasons.size() == 2) {
                break;
            }
        }
        return reasons.isEmpty()
                ? Withheld.NOTHING
                : new Withheld(
                        Set.copyOf(reasons), key.breakGlass() && reasons.contains(Withholding.RESTRICTED_CATEGORY));
    }

    /** Every record of this type in the patient's compartment, as stored (no request, so nothing filtered). */
    private List<IBaseResource> recordOf(String patient, String type) {
        SearchParameterMap map = SearchParameterMap.newSynchronous();
        if ("Patient".equals(type)) {
            map.add("_id", new TokenParam(patient));
        } else {
            String parameter = fhirContext.getResourceDefinition(type).getSearchParam("patient") != null
                    ? "patient"
                    : fhirContext.getResourceDefinition(type).getSearchParam("subject") != null ? "subject" : null;
            if (parameter == null) {
                return List.of();
            }
            map.add(parameter, new ReferenceParam("Patient/" + patient));
        }
        return daos.getResourceDao(type).search(map, new SystemRequestDetails()).getAllResources();
    }
}
