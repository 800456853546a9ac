package org.carerecord.fhir.access;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import java.util.Set;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.Interaction;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.stereotype.Component;

/**
 * Step 1 of every request: do the token's SMART scopes cover this interaction on this resource type?
 * Transaction and batch entries are checked one by one; operations are allowed only from a short list.
 */
@Component
@Interceptor
public class ScopeInterceptor implements FhirServerInterceptor {

    /** Operations a scope can grant; anything else ($expunge, $reindex, GraphQL...) is refused. */
    static final Set<String> READ_OPERATIONS = Set.of("$everything", "$summary", "$meta", "$match");
    /** Bulk writes by care providers' systems: each record's type is checked against the scopes by the operation. */
    static final Set<String> BULK_WRITES = Set.of("$load", "$import", "$import-poll-status");
    /**
     * Bulk exports by care providers' systems (system, Patient and Group level): the types exported are checked
     * against the scopes, and the files and status guarded for their requester, by the export package.
     */
    public static final Set<String> BULK_EXPORTS = Set.of("$export", "$export-poll-status");

    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void checkScopes(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation == RestOperationTypeEnum.METADATA) {
            return;
        }
        CareClaims claims = Requester.of(request).claims();
        switch (operation) {
            case TRANSACTION, BATCH -> checkEntries(claims, request);
            case EXTENDED_OPERATION_INSTANCE, EXTENDED_OPERATION_TYPE, EXTENDED_OPERATION_SERVER -> {
                if (BULK_WRITES.contains(request.getOperation())
                        && operation == RestOperationTypeEnum.EXTENDED_OPERATION_SERVER) {
                    if (!claims.isSystem()) {
                        throw new ForbiddenOperationException("Bulk loads and imports are for care providers' systems");
                    }
                    return; // each line's (or input's) type is checked against the scopes (NdjsonLoad, bulk import)
                }
                if (BULK_EXPORTS.contains(request.getOperation())) {
                    if (!claims.isSystem()) {
                        throw new ForbiddenOperationException("Bulk export is for care providers' systems");
                    }
                    return;
                }
                if (!READ_OPERATIONS.contains(request.getOperation())) {
                    throw new ForbiddenOperationException("Operation " + request.getOperation() + " is not available");
                }
                require(claims, request.getResourceName(), Interaction.READ);
            }
            case READ -> {
                if ("Binary".equals(request.getResourceName())) {
                    if (!claims.isSystem()) {
                        throw new ForbiddenOperationException("Bulk export files are for care providers' systems");
                    }
                    return; // a bulk export's file: read only by the client that asked for it (export package)
                }
                require(claims, request.getResourceName(), Interaction.READ);
            }
            case GET_PAGE -> {
                /* the page's resources pass the consent checks one by one */
            }
            default -> {
                Interaction interaction = InteractionMapping.of(operation)
                        .orElseThrow(() -> new ForbiddenOperationException(
                                "Interaction " + operation.getCode() + " is not available"));
                if (operation == RestOperationTypeEnum.SEARCH_SYSTEM || request.getResourceName() == null) {
                    throw new ForbiddenOperationException("Searches must name a resource type");
                }
                require(claims, request.getResourceName(), interaction);
            }
        }
    }

    private static void checkEntries(CareClaims claims, RequestDetails request) {
        if (!(request.getResource() instanceof Bundle bundle)) {
            throw new InvalidRequestException("A transaction or batch must be a Bundle");
        }
        for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
            if (entry.getResource() instanceof Bundle) {
                throw new InvalidRequestException("Nested bundles are not accepted");
            }
            Bundle.HTTPVerb verb = entry.getRequest().getMethod();
            if (verb == null) {
                throw new InvalidRequestException("Every entry needs request.method");
            }
            if ((verb == Bundle.HTTPVerb.POST || verb == Bundle.HTTPVerb.PUT) && !entry.hasResource()) {
                throw new InvalidRequestException("A " + verb.toCode() + " entry needs the resource to write");
            }
            String type = entry.hasResource()
                    ? entry.getResource().fhirType()
                    : typeOf(entry.getRequest().getUrl());
            Interaction interaction = switch (verb) {
                case GET, HEAD -> entry.getRequest().getUrl().contains("?") ? Interaction.SEARCH : Interaction.READ;
                case POST -> Interaction.CREATE;
                case PUT, PATCH -> Interaction.UPDATE;
                case DELETE -> Interaction.DELETE;
                default -> throw new InvalidRequestException("Unsupported entry method " + verb);
            };
            require(claims, type, interaction);
        }
    }

    private static String typeOf(String url) {
        if (url == null || url.isBlank()) {
            throw new InvalidRequestException("Every entry needs request.url");
        }
        return url.split("[/?]", 2)[0];
    }

    /** Refuses (403) unless the token's scopes allow this interaction on this type. */
    public static void require(CareClaims claims, String type, Interaction interaction) {
        if (!claims.permits(type, interaction)) {
            throw new ForbiddenOperationException(
                    "The token's scopes do not allow " + interaction.name().toLowerCase() + " on " + type);
        }
    }
}
