package org.carerecord.fhir.notification;

import ca.uhn.fhir.jpa.subscription.match.deliver.email.EmailDetails;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import org.springframework.stereotype.Component;

/**
 * HAPI's subscription module wants a mail sender for email channels; this record offers rest-hook only (email would
 * carry patient data outside any decision or audit), so an email Subscription is never accepted and this never sends.
 */
@Component
class NoEmailNotifications implements IEmailSender {

    @Override
    public void send(EmailDetails details) {
        throw new UnsupportedOperationException("Subscriptions by email are not offered; use rest-hook");
    }
}
