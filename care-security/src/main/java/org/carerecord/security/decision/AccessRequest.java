package org.carerecord.security.decision;

import java.util.List;
import org.carerecord.security.token.PurposeOfUse;

/**
 * What fhir-server asks consent-service before patient data leaves: may this user, in this role and
 * organisation, for this purpose, see these resource types of this patient?
 *
 * @param subject             token {@code sub}
 * @param nhsRole             national RBAC role code, null for system clients
 * @param organisation        ODS code of the user's organisation
 * @param fhirUser            e.g. Practitioner/pr-1001
 * @param purposeOfUse        HL7 v3 PurposeOfUse code (break-glass: ETREAT/BTG)
 * @param breakGlassReason    free-text reason given with a break-glass request
 * @param patientId           logical id of the patient whose data is touched; null when none is known yet
 * @param resourceTypes       resource types the request returns
 * @param interaction         read, search, create, ...
 * @param relationships       the evidence in the record that the user's organisation cares for the patient
 * @param claimedRelationship a relationship the user asserts, with its reason, when the record shows none
 */
public record AccessRequest(
        String subject,
        String nhsRole,
        String organisation,
        String fhirUser,
        String purposeOfUse,
        String breakGlassReason,
        String patientId,
        List<String> resourceTypes,
        String interaction,
        List<CareRelationship> relationships,
        String claimedRelationship) {

    /**
     * The interaction of a bulk export ({@code $export}) by a care provider's system: a disclosure of records to
     * its organisation, decided as such (the relationship, the patient's wishes), not as a read-back of its own.
     */
    public static final String BULK_EXPORT = "bulk-export";
    /** The interaction of a notification sent to a care provider's system (its Subscription): a disclosure too. */
    public static final String NOTIFICATION = "notification";

    /**
     * The interaction of a care provider's system reading a record another organisation pushed: no read-back of
     * its own, so a disclosure to its organisation too.
     */
    public static final String OTHERS_RECORD_READ = "others-record-read";

    /** Whether this asks about records sent out to a system's organisation rather than read back by the system. */
    public boolean asksDisclosure() {
        return BULK_EXPORT.equals(interaction)
                || NOTIFICATION.equals(interaction)
                || OTHERS_RECORD_READ.equals(interaction);
    }

    /** Whether the request asks for break-glass (purpose ETREAT or BTG): never answered from a cache. */
    public boolean asksBreakGlass() {
        return PurposeOfUse.parse(purposeOfUse).map(PurposeOfUse::isBreakGlass).orElse(false);
    }
}
