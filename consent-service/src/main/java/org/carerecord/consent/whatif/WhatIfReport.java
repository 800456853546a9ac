package org.carerecord.consent.whatif;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a proposed policy would have decided, replayed over the logged decisions of a past window beside the
 * policy in force: how many past decisions flip, and where.
 *
 * @param replayed         decisions replayed
 * @param permitToDeny     permitted now, refused under the proposal
 * @param denyToPermit     refused now, permitted under the proposal
 * @param scopeChanged     permitted under both, with other record types or sensitive categories shown
 * @param differFromLogged decisions whose replay under the policy in force differs from what was decided then
 *                         (the patient's wishes or a break-glass window have changed since): not counted as flips
 * @param byRole           flips by NHS role code: kind → count
 * @param byOrganisation   flips by the requester's organisation
 * @param byResourceType   flips by the record type asked for
 * @param examples         some flips, with the reason given before and under the proposal
 * @param alerts           users for whom the repeated-refusals alert ({@code alertRule}) would fire, or would no
 *                         longer fire, counted over the replayed decisions
 */
public record WhatIfReport(
        String currentVersion,
        String proposedVersion,
        Instant from,
        Instant to,
        long replayed,
        long permitToDeny,
        long denyToPermit,
        long scopeChanged,
        long differFromLogged,
        Map<String, Map<Flip, Long>> byRole,
        Map<String, Map<Flip, Long>> byOrganisation,
        Map<String, Map<Flip, Long>> byResourceType,
        List<Example> examples,
        String alertRule,
        List<AlertChange> alerts,
        long elapsedMillis) {

    /** A user the repeated-refusals rule would judge differently: the most refusals in one window, now and proposed. */
    public record AlertChange(
            String userId, String role, String organisation, boolean wouldFire, long mostNow, long mostProposed) {}

    /** How one decision changes. */
    public enum Flip {
        PERMIT_TO_DENY,
        DENY_TO_PERMIT,
        SCOPE_CHANGED
    }

    /** One past decision that the proposal would change. */
    public record Example(
            String decisionId,
            Instant decidedAt,
            String subject,
            String role,
            String organisation,
            String patientId,
            List<String> resourceTypes,
            Flip flip,
            String reasonNow,
            String reasonProposed) {}
}
