package org.carerecord.fhir.notification;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.carerecord.fhir.audit.DisclosureAudit;
import org.carerecord.fhir.consent.PatientCompartment;
import org.carerecord.fhir.consent.RecordConsentService;
import org.carerecord.fhir.notification.NotificationOutbox.Due;
import org.carerecord.fhir.notification.SubscriptionRecipients.Recipient;
import org.carerecord.security.decision.AccessRequest;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Lazy;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Delivers the notification outbox: for each match, decided when it is sent (a Consent or relationship may have
 * changed since the write) as a disclosure to the subscribing system's organisation
 * ({@link RecordConsentService#mayDisclose}); withheld, it is dropped and nothing is sent. Allowed, it is audited
 * as a disclosure of that patient's record to that system before it is sent, then posted to the endpoint; a failure
 * (no answer, not 2xx, consent-service unavailable) is tried again after 1 s, 2 s, 4 s… up to
 * {@link NotificationProperties#maxBackoff}, for {@link NotificationProperties#giveUpAfter}. A notification is sent
 * only while its Subscription is active: dropped once it is deleted or switched off, kept waiting while it reads
 * requested or error (HAPI activates it again).
 */
@Component
class NotificationRelay {

    private static final Logger log = LoggerFactory.getLogger(NotificationRelay.class);

    private final NotificationOutbox outbox;
    private final SubscriptionRecipients recipients;
    private final RecordConsentService consent;
    private final PatientCompartment compartment;
    private final DisclosureAudit audit;
    private final DaoRegistry daos;
    private final FhirContext fhir;
    private final NotificationProperties properties;
    private static final int BATCH = 50;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService senders = Executors.newFixedThreadPool(8, runnable -> {
        Thread sender = new Thread(runnable, "notification-sender");
        sender.setDaemon(true);
        return sender;
    });

    NotificationRelay(
            NotificationOutbox outbox,
            SubscriptionRecipients recipients,
            RecordConsentService consent,
            PatientCompartment compartment,
            DisclosureAudit audit,
            @Lazy DaoRegistry daos,
            FhirContext fhir,
            NotificationProperties properties) {
        this.outbox = outbox;
        this.recipients = recipients;
        this.consent = consent;
        this.compartment = compartment;
        this.audit = audit;
        this.daos = daos;
        this.fhir = fhir;
        this.properties = properties;
    }

    /**
     * Each batch's notifications are sent side by side (one slow or silent endpoint — at most 5 s each — holds up
     * no one else's for long; found by an outside test: six Subscriptions to an endpoint that waits 30 s delayed
     * another practice's notification by 70 s when they were sent one after another).
     */
    @Scheduled(fixedDelayString = "${care.fhir.notifications.relay-interval:1s}")
    void deliverDue() throws InterruptedException {
        List<Callable<Void>> batch = outbox.lease(BATCH).stream()
                .map(due -> (Callable<Void>) () -> {
                    deliverOrPutOff(due);
                    return null;
                })
                .toList();
        if (!batch.isEmpty()) {
            senders.invokeAll(batch);
        }
    }

    @PreDestroy
    void stop() {
        senders.shutdownNow();
    }

    private void deliverOrPutOff(Due due) {
        try {
            deliver(due);
        } catch (RuntimeException | IOException e) {
            failed(due, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failed(due, "interrupted");
        }
    }

    private void deliver(Due due) throws IOException, InterruptedException {
        Optional<Recipient> recipient = recipients.recipientOf(due.subscriptionId());
        Optional<Resource> record = current(due.focus());
        if (recipient.isEmpty() || record.isEmpty()) {
            outbox.done(due.id()); // the Subscription or the record is gone: nothing to tell
            return;
        }
        Optional<Subscription.SubscriptionStatus> status = statusOf(due.subscriptionId());
        if (status.isEmpty() || status.get() == Subscription.SubscriptionStatus.OFF) {
            // deleted or switched off since the match: the system asked not to be told any more, and a queued
            // notification would otherwise go on being tried (and disclosed) for a day (found by an outside review)
            log.info(
                    "notification of {} to Subscription/{} dropped: the Subscription is deleted or switched off",
                    due.focus(),
                    due.subscriptionId());
            outbox.done(due.id());
            return;
        }
        if (status.get() != Subscription.SubscriptionStatus.ACTIVE) {
            // requested (a system re-saving it, as the spec has clients do) or in error: HAPI activates it again
            // shortly; what was matched while it was active waits for that, it is not lost (hazard H18)
            failed(
                    due,
                    "Subscription/" + due.subscriptionId() + " is "
                            + status.get().toCode());
            return;
        }
        Resource focus = record.get();
        if (!consent.mayDisclose(recipient.get().requester(), focus, AccessRequest.NOTIFICATION)) {
            log.info(
                    "notification of {} withheld from Subscription/{} (not disclosed to its organisation)",
                    due.focus(),
                    due.subscriptionId());
            outbox.done(due.id());
            return;
        }
        String unversioned = new IdType(due.focus()).toUnqualifiedVersionless().getValue();
        String patient = compartment.ownerOfStored(focus);
        if (patient != null) {
            audit.recordOnce(
                    "notification|" + due.id(),
                    "notification",
                    due.endpoint(),
                    due.id().toString(),
                    recipient.get().requester(),
                    patient,
                    "Notified Subscription/" + due.subscriptionId() + " (" + due.endpoint() + ") of " + unversioned);
        }
        boolean full =
                SubscriptionRecipients.FULL_RESOURCE.equals(recipient.get().content());
        String body = fhir.newJsonParser()
                .encodeResourceToString(NotificationBundle.of(
                        properties.baseUrl(), due.subscriptionId(), due.seq(), unversioned, full ? focus : null));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(due.endpoint()))
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/fhir+json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (String header : due.headers()) {
            int colon = header.indexOf(':');
            if (colon > 0) {
                request.header(
                        header.substring(0, colon).trim(),
                        header.substring(colon + 1).trim());
            }
        }
        HttpResponse<Void> answer = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
        if (answer.statusCode() / 100 != 2) {
            failed(due, "endpoint answered " + answer.statusCode());
            return;
        }
        outbox.done(due.id());
    }

    /** The Subscription's status as stored now; empty if it is deleted. */
    private Optional<Subscription.SubscriptionStatus> statusOf(String subscriptionId) {
        return current("Subscription/" + subscriptionId).map(stored -> ((Subscription) stored).getStatus());
    }

    /** The record as stored now (the version written, or a later one: a receiver reads the current record anyway). */
    private Optional<Resource> current(String focus) {
        IdType id = new IdType(focus);
        try {
            return Optional.of((Resource)
                    daos.getResourceDao(id.getResourceType()).read(id.toVersionless(), new SystemRequestDetails()));
        } catch (ResourceNotFoundException | ResourceGoneException gone) {
            return Optional.empty(); // any other failure is not taken for "gone": the notification is tried again
        }
    }

    private void failed(Due due, String error) {
        if (due.created().plus(properties.giveUpAfter()).isBefore(Instant.now())) {
            log.warn(
                    "notification of {} to Subscription/{} dropped after {} attempts: {}",
                    due.focus(),
                    due.subscriptionId(),
                    due.attempts() + 1,
                    error);
            outbox.done(due.id());
            return;
        }
        Duration doubling = Duration.ofSeconds(1L << Math.min(due.attempts(), 20));
        Duration wait = doubling.compareTo(properties.maxBackoff()) > 0 ? properties.maxBackoff() : doubling;
        log.info(
                "notification of {} to Subscription/{} not delivered (attempt {}): {}; again in {}",
                due.focus(),
                due.subscriptionId(),
                due.attempts() + 1,
                error,
                wait);
        outbox.retryLater(due.id(), wait, error);
    }
}
