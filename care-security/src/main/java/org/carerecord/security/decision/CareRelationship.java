package org.carerecord.security.decision;

import java.time.Instant;

/**
 * Evidence, read from the record itself, that an organisation is caring for a patient: the patient is
 * registered with it, or it recorded (or is named on) an encounter, episode of care or care team.
 * fhir-server gathers the evidence; consent-service judges whether it is active or recent enough.
 *
 * @param basis     registered-gp, encounter, episode-of-care or care-team
 * @param resource  the record that shows it, e.g. Encounter/123
 * @param status    that record's status (in-progress, finished, active...), null for registration
 * @param start     when the care began, if recorded
 * @param end       when it ended; null while it continues
 */
public record CareRelationship(String basis, String resource, String status, Instant start, Instant end) {

    public static final String REGISTERED_GP = "registered-gp";
    public static final String ENCOUNTER = "encounter";
    public static final String EPISODE_OF_CARE = "episode-of-care";
    public static final String CARE_TEAM = "care-team";
}
