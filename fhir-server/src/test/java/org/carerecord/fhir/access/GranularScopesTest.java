package org.carerecord.fhir.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.SmartScope;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which types a token's SMART scopes let it read, whole or through a granular query — decided before any record
 * is matched (matching a record against a query is HAPI's matcher, covered end to end by
 * {@code AccessMatrixIT#aGranularScopeShowsOnlyTheRecordsItsQueryMatches}).
 */
class GranularScopesTest {

    private static final GranularScopes SCOPES = new GranularScopes(null);

    static Stream<Arguments> scopes() {
        return Stream.of(
                // scopes granted, type asked: covers any of it, covers every record of it, the queries that narrow it
                Arguments.of("user/*.rs", "Condition", true, true, List.of()),
                Arguments.of("user/Condition.rs", "Condition", true, true, List.of()),
                Arguments.of("user/Condition.rs", "Observation", false, false, List.of()),
                Arguments.of(
                        "user/Condition.rs?category=encounter-diagnosis",
                        "Condition",
                        true,
                        false,
                        List.of("category=encounter-diagnosis")),
                Arguments.of(
                        "user/Condition.rs?category=problem-list-item user/Condition.rs?category=encounter-diagnosis",
                        "Condition",
                        true,
                        false,
                        List.of("category=encounter-diagnosis", "category=problem-list-item")),
                Arguments.of(
                        "user/Condition.rs?category=problem-list-item user/Condition.rs",
                        "Condition",
                        true,
                        true,
                        List.of("category=problem-list-item")),
                Arguments.of("user/Condition.s", "Condition", true, true, List.of()),
                Arguments.of("user/Condition.c", "Condition", false, false, List.of()),
                Arguments.of(
                        "patient/Observation.rs?category=vital-signs",
                        "Observation",
                        true,
                        false,
                        List.of("category=vital-signs")),
                Arguments.of("openid fhirUser launch/patient", "Patient", false, false, List.of()));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("scopes")
    void whatTheScopesCover(String granted, String type, boolean any, boolean whole, List<String> queries) {
        CareClaims claims = claims(granted);
        assertThat(SCOPES.coversAny(claims, type)).as("covers some of " + type).isEqualTo(any);
        assertThat(SCOPES.coversWholeType(claims, type))
                .as("covers all of " + type)
                .isEqualTo(whole);
        assertThat(SCOPES.queriesFor(claims, type))
                .as("queries narrowing " + type)
                .isEqualTo(queries);
    }

    private static CareClaims claims(String granted) {
        List<SmartScope> scopes = Stream.of(granted.split(" "))
                .map(SmartScope::parse)
                .flatMap(Optional::stream)
                .toList();
        return new CareClaims("user-1", "care-viewer", scopes, "Practitioner/pr-1", "R8000", "A81001", null, null);
    }
}
