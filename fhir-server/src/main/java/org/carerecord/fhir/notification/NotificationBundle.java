package org.carerecord.fhir.notification;

import java.util.Date;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;

/**
 * A notification as the FHIR Subscriptions Backport IG shapes one for R4: a {@code history} Bundle whose first
 * entry is the subscription status ({@code Parameters}: which Subscription, event number, the focus), then the
 * focus — by reference only ({@code id-only}, the default) or with the record itself ({@code full-resource}).
 */
final class NotificationBundle {

    private static final String BACKPORT = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";

    private NotificationBundle() {}

    /**
     * @param base         this server's FHIR base url
     * @param focus        the record written, unversioned ({@code Encounter/123})
     * @param record       the record itself for {@code full-resource}, else null
     */
    static Bundle of(String base, String subscriptionId, long eventNumber, String focus, Resource record) {
        Parameters status = new Parameters();
        status.getMeta().addProfile(BACKPORT + "backport-subscription-status-r4");
        status.addParameter().setName("subscription").setValue(new Reference(base + "/Subscription/" + subscriptionId));
        status.addParameter().setName("status").setValue(new CodeType("active"));
        status.addParameter().setName("type").setValue(new CodeType("event-notification"));
        Parameters.ParametersParameterComponent event = status.addParameter().setName("notification-event");
        event.addPart().setName("event-number").setValue(new StringType(Long.toString(eventNumber)));
        event.addPart().setName("timestamp").setValue(new InstantType(new Date()));
        event.addPart().setName("focus").setValue(new Reference(base + "/" + focus));

        Bundle bundle = new Bundle().setType(Bundle.BundleType.HISTORY).setTimestamp(new Date());
        bundle.getMeta().addProfile(BACKPORT + "backport-subscription-notification-r4");
        bundle.addEntry()
                .setFullUrl("urn:uuid:" + UUID.randomUUID())
                .setResource(status)
                .setRequest(new Bundle.BundleEntryRequestComponent()
                        .setMethod(Bundle.HTTPVerb.GET)
                        .setUrl(base + "/Subscription/" + subscriptionId + "/$status"))
                .setResponse(new Bundle.BundleEntryResponseComponent().setStatus("200"));
        Bundle.BundleEntryComponent entry = bundle.addEntry()
                .setFullUrl(base + "/" + focus)
                .setRequest(new Bundle.BundleEntryRequestComponent()
                        .setMethod(Bundle.HTTPVerb.PUT)
                        .setUrl(focus))
                .setResponse(new Bundle.BundleEntryResponseComponent().setStatus("200"));
        if (record != null) {
            entry.setResource(record);
        }
        return bundle;
    }
}
