package org.carerecord.fhir.access;

import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseCoding;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The organisation whose system pushed a stored record: the tag {@code ingest.SourceOrganisation} writes on
 * every record ({@code meta.tag}, system {@link #TAG_SYSTEM}, code the ODS code). Read where what a record's
 * reader may do depends on whose it is: an organisation changes only what it pushed, and a system reads back
 * its own organisation's records where another's are a disclosure to it.
 */
public final class PushedBy {

    public static final String TAG_SYSTEM = "https://care-record.example.org/CodeSystem/source-organisation";

    /**
     * Directory records — organisations, practitioners, locations, medications — are shared reference data that
     * several providers send: tagged with their last sender, owned by no one, read by every system.
     */
    public static final Set<String> SHARED =
            Set.of("Organization", "Location", "Practitioner", "PractitionerRole", "Medication");

    private PushedBy() {}

    /** The ODS code of the organisation that pushed this record, or null if it was never tagged. */
    public static String organisationOf(IBaseResource resource) {
        return resource.getMeta().getTag().stream()
                .filter(t -> TAG_SYSTEM.equals(t.getSystem()))
                .map(IBaseCoding::getCode)
                .findFirst()
                .orElse(null);
    }

    /** The {@code _tag} search value that matches only this organisation's records. */
    public static String tagOf(String organisation) {
        return TAG_SYSTEM + "|" + organisation;
    }

    /** Whether the requester's organisation pushed this record (its own record, read back). */
    public static boolean requestersOwn(Requester requester, IBaseResource resource) {
        String organisation = requester.claims().organisation();
        return organisation != null && organisation.equals(organisationOf(resource));
    }
}
