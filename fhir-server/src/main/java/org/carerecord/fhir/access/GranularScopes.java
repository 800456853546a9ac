package org.carerecord.fhir.access;

import ca.uhn.fhir.jpa.searchparam.matcher.SearchParamMatcher;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.List;
import java.util.stream.Stream;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.Interaction;
import org.carerecord.security.token.SmartScope;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Whether a token's scopes cover one resource it is about to be shown — its type at all (an
 * {@code _include} can bring in types the request did not name) and, for SMART v2 granular scopes such as
 * {@code user/Condition.rs?category=problem-list-item}, the scope's query, matched in memory by HAPI's
 * search-parameter matcher against the resource itself.
 */
@Component
public class GranularScopes {

    private final SearchParamMatcher matcher;

    public GranularScopes(@Lazy SearchParamMatcher matcher) {
        this.matcher = matcher;
    }

    /** True when some granted scope lets this type be read, whole or in part. */
    public boolean coversAny(CareClaims claims, String type) {
        return readScopes(claims, type).findAny().isPresent();
    }

    /** Whether some scope covers this type without a query: then every resource of the type is covered. */
    public boolean coversWholeType(CareClaims claims, String type) {
        return readScopes(claims, type).anyMatch(GranularScopes::unrestricted);
    }

    /** The queries of the granted scopes that let this type be read (empty when none is granular), sorted. */
    public List<String> queriesFor(CareClaims claims, String type) {
        return readScopes(claims, type)
                .filter(s -> !unrestricted(s))
                .map(SmartScope::query)
                .sorted()
                .toList();
    }

    public boolean cover(CareClaims claims, IBaseResource resource, RequestDetails request) {
        String type = resource.fhirType();
        List<SmartScope> covering = readScopes(claims, type).toList();
        if (covering.stream().anyMatch(GranularScopes::unrestricted)) {
            return true;
        }
        return covering.stream()
                .anyMatch(s ->
                        matcher.match(type + "?" + s.query(), resource, request).matched());
    }

    /** The granted scopes that let this type be read or searched. */
    private static Stream<SmartScope> readScopes(CareClaims claims, String type) {
        return claims.scopes().stream()
                .filter(s -> s.covers(type, Interaction.READ) || s.covers(type, Interaction.SEARCH));
    }

    private static boolean unrestricted(SmartScope scope) {
        return scope.query() == null || scope.query().isBlank();
    }
}
