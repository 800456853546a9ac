package org.carerecord.audit.alerts;

import java.time.Duration;
import java.time.LocalTime;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.io.Resource;

/**
 * The unusual-access rules and their thresholds ({@code care.audit.alerts.*}): local policy that a
 * Caldicott Guardian tunes, so none of it is in code.
 *
 * @param enabled        whether the trail is watched at all
 * @param interval       how often the detector reads what has arrived
 * @param thresholdRefresh how often the counting rules' thresholds are read from the policy in force
 *                       (consent-service); these here hold until then
 * @param manyPatients   distinct patients one user views within a window
 * @param repeatedDenials refusals one user gets within a window
 * @param breakGlass     emergency overrides one user states within a window
 * @param outOfHours     views outside working hours that are also unusual for this user
 * @param family         a user viewing a patient who shares their surname and address
 * @param noRelationship a view on a relationship the user stated because the record showed none
 * @param staffDirectory staff surnames and home addresses (an HR extract; the demo ships its own)
 */
@ConfigurationProperties("care.audit.alerts")
public record AlertRulesProperties(
        boolean enabled,
        Duration interval,
        @DefaultValue("30s") Duration thresholdRefresh,
        Threshold manyPatients,
        Threshold repeatedDenials,
        Threshold breakGlass,
        OutOfHours outOfHours,
        Toggle family,
        Toggle noRelationship,
        Resource staffDirectory) {

    public record Threshold(boolean enabled, int count, Duration window) {}

    /**
     * @param start, end  the working day; views outside it are candidates
     * @param history     how far back a user's own habits are read
     * @param minHistory  fewer views than this in the history: judged by working hours alone
     * @param usualShare  a candidate hour that held at least this share of the user's history is usual for them
     */
    public record OutOfHours(
            boolean enabled, LocalTime start, LocalTime end, Duration history, int minHistory, double usualShare) {}

    public record Toggle(boolean enabled) {}
}
