package org.carerecord.fhir.notification;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.carerecord.fhir.access.ProbingParameters;
import org.carerecord.fhir.access.PushedBy;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.fhir.jpa.FhirServerProperties;
import org.carerecord.security.token.CareClaims;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Subscription;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Subscriptions are care providers' systems' own: only a system may create one (users: 403), for its own
 * organisation; it sees, changes and deletes only its own (another's: 404, as for one that does not exist), and
 * a search lists only its organisation's. What one may ask for, checked when it is written (422 with the reason):
 * a rest-hook channel to an allowed endpoint ({@link NotificationProperties#allowedEndpoints}), criteria on a type
 * this record holds, and a payload of {@code application/fhir+json} whose content (Subscriptions Backport IG
 * extension on {@code channel.payload}) is {@code id-only} — the default — or {@code full-resource}. The system
 * writing it is kept as the one it notifies ({@link SubscriptionRecipients}).
 */
@Component
@Interceptor
public class SubscriptionRules implements FhirServerInterceptor {

    static final String PAYLOAD_CONTENT =
            "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content";
    private static final Set<RestOperationTypeEnum> ONE_SUBSCRIPTION = Set.of(
            RestOperationTypeEnum.READ,
            RestOperationTypeEnum.VREAD,
            RestOperationTypeEnum.HISTORY_INSTANCE,
            RestOperationTypeEnum.UPDATE,
            RestOperationTypeEnum.PATCH,
            RestOperationTypeEnum.DELETE,
            RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE);
    /** Headers the server sets itself on a delivery: a Subscription may not name them (nor could they be sent). */
    private static final Set<String> RESTRICTED_HEADERS =
            Set.of("host", "content-length", "connection", "expect", "upgrade", "transfer-encoding", "content-type");

    private final SubscriptionRecipients recipients;
    private final DaoRegistry daos;
    private final Pattern allowedEndpoints;
    private final List<String> storedTypes;

    public SubscriptionRules(
            SubscriptionRecipients recipients,
            @Lazy DaoRegistry daos,
            NotificationProperties notifications,
            FhirServerProperties fhir) {
        this.recipients = recipients;
        this.daos = daos;
        this.allowedEndpoints = Pattern.compile(notifications.allowedEndpoints());
        this.storedTypes = List.copyOf(fhir.resourceTypes());
    }

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void onlyTheSubscriber(RequestDetails request, RestOperationTypeEnum operation) {
        if (!"Subscription".equals(request.getResourceName())) {
            return;
        }
        CareClaims claims = Requester.of(request).claims();
        if (!claims.isSystem()) {
            throw new ForbiddenOperationException("Subscriptions are for care providers' systems");
        }
        if (operation == RestOperationTypeEnum.HISTORY_TYPE) {
            throw new ForbiddenOperationException(
                    "The history of all Subscriptions is not available; read your own by id");
        }
        if (ONE_SUBSCRIPTION.contains(operation)
                && request.getId() != null
                && request.getId().hasIdPart()) {
            String id = request.getId().getIdPart();
            boolean theirs = recipients
                    .clientOf(id)
                    .map(claims.clientId()::equals)
                    .orElseGet(() -> operation == RestOperationTypeEnum.UPDATE && !exists(id));
            if (!theirs) {
                throw new ResourceNotFoundException("No Subscription " + id + " of this client");
            }
        }
    }

    /** A search of Subscriptions lists the searching system's organisation's only. */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_POST_PROCESSED)
    public boolean ownOrganisationsOnly(RequestDetails request) {
        if ("Subscription".equals(request.getResourceName())
                && request.getRestOperationType() == RestOperationTypeEnum.SEARCH_TYPE) {
            Map<String, String[]> parameters = new LinkedHashMap<>(request.getParameters());
            parameters.put("_tag", new String[] {
                PushedBy.TAG_SYSTEM + "|" + Requester.of(request).claims().organisation()
            });
            request.setParameters(parameters);
        }
        return true;
    }

    /**
     * Whatever path shows Subscriptions — a search, a history, a batch's entries, an include — each shows only the
     * asking system's own: its endpoint and headers (a receiver's secret, often) are no one else's business.
     */
    @Hook(Pointcut.STORAGE_PRESHOW_RESOURCES)
    public void showOnlyOwn(IPreResourceShowDetails shown, RequestDetails request) {
        if (request == null || request instanceof SystemRequestDetails) {
            return;
        }
        String client = null;
        for (int i = 0; i < shown.size(); i++) {
            if (shown.getResource(i) instanceof Subscription subscription) {
                if (client == null) {
                    client = Requester.of(request).claims().clientId();
                }
                String id = subscription.getIdElement().getIdPart();
                if (!recipients.clientOf(id).map(client::equals).orElse(false)) {
                    shown.setResource(i, null);
                }
            }
        }
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void creating(IBaseResource resource, RequestDetails request) {
        check(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updating(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
        check(newResource, request);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        keep(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
    public void updated(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
        keep(newResource, request);
    }

    private void check(IBaseResource resource, RequestDetails request) {
        if (!(resource instanceof Subscription subscription) || request instanceof SystemRequestDetails) {
            return; // HAPI's own status changes (requested → active) are made as the system
        }
        if (!Requester.of(request).claims().isSystem()) {
            throw new ForbiddenOperationException("Subscriptions are for care providers' systems");
        }
        Subscription.SubscriptionChannelComponent channel = subscription.getChannel();
        if (channel.getType() != Subscription.SubscriptionChannelType.RESTHOOK) {
            throw new UnprocessableEntityException("Only rest-hook Subscriptions are offered (channel.type rest-hook)");
        }
        if (!channel.hasEndpoint()
                || !allowedEndpoints.matcher(channel.getEndpoint()).matches()) {
            throw new UnprocessableEntityException("channel.endpoint " + channel.getEndpoint()
                    + " is not an allowed endpoint (https, or http on loopback for a demo)");
        }
        for (org.hl7.fhir.r4.model.StringType header : channel.getHeader()) {
            String value = header.getValue() == null ? "" : header.getValue();
            int colon = value.indexOf(':');
            if (colon < 1
                    || RESTRICTED_HEADERS.contains(
                            value.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT))) {
                throw new UnprocessableEntityException("channel.header '" + value.split(":", 2)[0]
                        + "' is not a header a notification may carry (Name: value; not Host, Content-Length...)");
            }
        }
        if (channel.hasPayload() && !"application/fhir+json".equals(channel.getPayload())) {
            throw new UnprocessableEntityException("channel.payload must be application/fhir+json (or absent)");
        }
        contentOf(subscription);
        String criteria = subscription.getCriteria();
        String type = watchedType(subscription);
        if (!storedTypes.contains(type) || type.equals("Subscription")) {
            throw new UnprocessableEntityException(
                    "criteria must name a type this record holds, e.g. Encounter?class=IMP, not '" + criteria + "'");
        }
        // HAPI matches the criteria against every record written, before anything is withheld: a reverse chain
        // there would tell the system which patients have a diagnosis whenever their record changes
        ProbingParameters.refuseIn(criteria, "a Subscription's criteria");
    }

    private void keep(IBaseResource resource, RequestDetails request) {
        if (resource instanceof Subscription subscription && !(request instanceof SystemRequestDetails)) {
            recipients.keep(
                    subscription.getIdElement().getIdPart(),
                    Requester.of(request).claims(),
                    contentOf(subscription),
                    watchedType(subscription));
        }
    }

    /** The type of record the Subscription's criteria are about: Encounter for Encounter?class=IMP. */
    static String watchedType(Subscription subscription) {
        String criteria = subscription.getCriteria();
        return criteria == null ? "" : criteria.split("\\?", 2)[0];
    }

    /** The payload content asked for: id-only unless full-resource is asked for. */
    private static String contentOf(Subscription subscription) {
        Extension content = subscription.getChannel().getPayloadElement().getExtensionByUrl(PAYLOAD_CONTENT);
        String asked = content == null ? null : content.getValue().primitiveValue();
        if (asked == null || asked.equals(SubscriptionRecipients.ID_ONLY)) {
            return SubscriptionRecipients.ID_ONLY;
        }
        if (asked.equals(SubscriptionRecipients.FULL_RESOURCE)) {
            return SubscriptionRecipients.FULL_RESOURCE;
        }
        throw new UnprocessableEntityException("payload content must be id-only or full-resource, not " + asked);
    }

    private boolean exists(String id) {
        try {
            daos.getResourceDao("Subscription")
                    .read(new org.hl7.fhir.r4.model.IdType("Subscription", id), new SystemRequestDetails());
            return true;
        } catch (ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException gone) {
            return false;
        }
    }
}
