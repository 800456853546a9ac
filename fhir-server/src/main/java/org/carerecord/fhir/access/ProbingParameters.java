package org.carerecord.fhir.access;

import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Search parameters that answer from records before anything is withheld, so they could tell a requester what it
 * may not see: a reverse chain ({@code _has}: "patients who have an HIV diagnosis") and a filter on security
 * labels ({@code _security}). Refused in searches, in conditional writes, in references by criteria and in a
 * Subscription's criteria. Names in criteria are decoded first, as HAPI decodes them when it matches
 * ({@code %5Fhas} is {@code _has}: found by a review).
 */
public final class ProbingParameters {

    private ProbingParameters() {}

    /** Whether a (decoded) parameter name probes. */
    public static boolean probes(String name) {
        return name.startsWith("_has") || name.startsWith("_security");
    }

    /**
     * Refuses criteria ({@code Type?a=b&…} or just the query) that probe.
     *
     * @param where what the criteria are, for the message ("a conditional write", "a Subscription's criteria")
     * @throws InvalidRequestException if a parameter probes or a name cannot be decoded
     */
    public static void refuseIn(String criteria, String where) {
        int question = criteria.indexOf('?');
        String query = question < 0 ? criteria : criteria.substring(question + 1);
        for (String parameter : query.split("&")) {
            String name = decoded(parameter.split("=", 2)[0]);
            if (probes(name)) {
                throw new InvalidRequestException(name.split(":")[0] + " is not available in " + where
                        + ": it could reveal records withheld from you");
            }
        }
    }

    private static String decoded(String name) {
        try {
            return URLDecoder.decode(name, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            throw new InvalidRequestException("'" + name + "' is not a parameter name (malformed %-encoding)");
        }
    }
}
