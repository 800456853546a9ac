package org.carerecord.fhir.export;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.util.Batch2JobDefinitionConstants;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.access.ScopeInterceptor;
import org.carerecord.fhir.consent.RecordConsentService;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.fhir.jpa.FhirServerProperties;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.Interaction;
import org.hl7.fhir.instance.model.api.IBaseBinary;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Parameters;
import org.springframework.context.annotation.Lazy;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * FHIR Bulk Data export ({@code $export}, {@code Patient/$export}, {@code Group/[id]/$export}) runs as HAPI's own
 * bulk-export job; this is what the record adds around it. Only care providers' systems may ask, for the types
 * their scopes let them read (asked-for types not allowed: 403; none asked: narrowed to those allowed). Every
 * record is let into the export only if the same decision as a read, made as a disclosure to the system's
 * organisation, allows it ({@link ExportRecordFilter}) — patients it has no care relationship with,
 * who opted out or barred it, and sensitive categories stay out — and each patient whose records go in is
 * audited once before the file is written. The status, the cancel and the files answer only to the client that
 * asked (anyone else: 404, as for an export that does not exist); files and job expire after HAPI's retention.
 */
@Component
@Interceptor
public class BulkExportAccess implements FhirServerInterceptor {

    /** Names the requester of an export on its job and on each of its files (Binary.securityContext). */
    static final String EXPORT_ID_SYSTEM = "https://care-record.example.org/Id/bulk-export";

    private final ExportRequesters requesters;
    private final IJobCoordinator jobs;
    private final DaoRegistry daos;
    private final JpaStorageSettings storage;
    private final List<String> storedTypes;

    public BulkExportAccess(
            ExportRequesters requesters,
            @Lazy IJobCoordinator jobs,
            @Lazy DaoRegistry daos,
            JpaStorageSettings storage,
            FhirServerProperties properties) {
        this.requesters = requesters;
        this.jobs = jobs;
        this.daos = daos;
        this.storage = storage;
        this.storedTypes = List.copyOf(properties.resourceTypes());
    }

    /** Before HAPI starts the job: who may ask, for which types; the requester kept with the job. */
    @Hook(Pointcut.STORAGE_INITIATE_BULK_EXPORT)
    public void initiate(BulkExportJobParameters parameters, RequestDetails request) {
        CareClaims claims = Requester.of(request).claims();
        if (!claims.isSystem()) {
            throw new ForbiddenOperationException("Bulk export is for care providers' systems");
        }
        if (parameters.isIncludeHistory()) {
            // an earlier version would be judged by what it said then: a record since labelled sensitive would leave
            throw new InvalidRequestException(
                    "_includeHistory is not offered: an export holds each record as it is now");
        }
        for (String filter : concat(parameters.getFilters(), parameters.getPostFetchFilterUrls())) {
            if (filter.contains("_has") || filter.contains("_security")) {
                // "patients who have a PSY record": it would tell who is in a category whose records are withheld
                throw new InvalidRequestException(
                        "_typeFilter may not use _has or _security: it could reveal records withheld from the export");
            }
        }
        parameters.setResourceTypes(typesFor(claims, parameters.getResourceTypes(), askedTypes(request)));
        UUID exportId = requesters.register(claims);
        parameters.setBinarySecurityContextIdentifierSystem(EXPORT_ID_SYSTEM);
        parameters.setBinarySecurityContextIdentifierValue(exportId.toString());
    }

    /**
     * The types exported: those asked for, each a type this record holds and the token may read (else 403);
     * with none asked, every such type among those HAPI would export.
     */
    private List<String> typesFor(CareClaims claims, List<String> expanded, List<String> asked) {
        if (!asked.isEmpty()) {
            for (String type : asked) {
                if (!storedTypes.contains(type)) {
                    throw new InvalidRequestException("_type " + type + " is not a type this record holds");
                }
                ScopeInterceptor.require(claims, type, Interaction.READ);
            }
            return asked;
        }
        List<String> allowed = expanded.stream()
                .filter(storedTypes::contains)
                .filter(type -> claims.permits(type, Interaction.READ))
                .toList();
        if (allowed.isEmpty()) {
            throw new ForbiddenOperationException("The token's scopes allow reading none of the types exported");
        }
        return allowed;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a == null ? List.of() : a);
        all.addAll(b == null ? List.of() : b);
        return all;
    }

    private static List<String> askedTypes(RequestDetails request) {
        List<String> asked = new ArrayList<>();
        String[] query = request.getParameters().get("_type");
        if (query != null) {
            Arrays.stream(query).forEach(asked::add);
        }
        if (request.getResource() instanceof Parameters body) {
            body.getParameters("_type").stream()
                    .filter(p -> p.hasValue() && p.getValue().primitiveValue() != null)
                    .forEach(p -> asked.add(p.getValue().primitiveValue()));
        }
        return asked.stream()
                .flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::trim)
                .filter(type -> !type.isEmpty())
                .distinct()
                .toList();
    }

    /**
     * Export files are written by the export job alone: no client creates, changes or deletes a Binary, by any path
     * (a transaction's entries included).
     */
    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void noBinaryCreated(IBaseResource resource, RequestDetails request) {
        refuseClientBinaryWrite(resource, request);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void noBinaryChanged(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
        refuseClientBinaryWrite(newResource, request);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void noBinaryDeleted(IBaseResource resource, RequestDetails request) {
        refuseClientBinaryWrite(resource, request);
    }

    private static void refuseClientBinaryWrite(IBaseResource resource, RequestDetails request) {
        if (resource instanceof IBaseBinary && request != null && !(request instanceof SystemRequestDetails)) {
            throw new ForbiddenOperationException("Binary holds bulk export files: no client writes or deletes one");
        }
    }

    /** The status, the cancel and the files of an export answer only to the client that asked for it. */
    @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
    public void onlyTheRequester(RequestDetails request, RestOperationTypeEnum operation) {
        if ("$export".equals(request.getOperation()) && request.getResource() instanceof Parameters body) {
            // HAPI binds the parameters by name; one without a name fails inside it (a 500 for a client's mistake)
            if (body.getParameter().stream()
                    .anyMatch(p -> p.getName() == null || p.getName().isBlank())) {
                throw new InvalidRequestException("every parameter of $export needs a name");
            }
        }
        if ("$export-poll-status".equals(request.getOperation())) {
            ownJob(request, jobIdOf(request));
        } else if ("Binary".equals(request.getResourceName())) {
            ownFile(request, operation);
        }
    }

    private void ownJob(RequestDetails request, String jobId) {
        String client = Requester.of(request).claims().clientId();
        try {
            JobInstance job = jobs.getInstance(jobId);
            if (Batch2JobDefinitionConstants.BULK_EXPORT.equals(job.getJobDefinitionId())
                    && exportIdOf(job.getParameters(BulkExportJobParameters.class))
                            .flatMap(requesters::clientOf)
                            .filter(client::equals)
                            .isPresent()) {
                return;
            }
        } catch (ResourceNotFoundException | IllegalArgumentException unknown) {
            // answered below, as for another client's export
        }
        throw new ResourceNotFoundException("No export " + jobId + " of this client");
    }

    private void ownFile(RequestDetails request, RestOperationTypeEnum operation) {
        if (operation != RestOperationTypeEnum.READ
                || request.getId() == null
                || !request.getId().hasIdPart()) {
            throw new ForbiddenOperationException("Binary holds bulk export files: each may only be read, by id");
        }
        String client = Requester.of(request).claims().clientId();
        Binary file;
        try {
            file = (Binary) daos.getResourceDao("Binary")
                    .read(request.getId().toUnqualifiedVersionless(), new SystemRequestDetails());
        } catch (ResourceNotFoundException unknown) {
            file = null;
        }
        boolean own = file != null
                && EXPORT_ID_SYSTEM.equals(
                        file.getSecurityContext().getIdentifier().getSystem())
                && exportIdOf(file.getSecurityContext().getIdentifier().getValue())
                        .flatMap(requesters::clientOf)
                        .filter(client::equals)
                        .isPresent();
        if (!own) {
            throw new ResourceNotFoundException(
                    "No export file " + request.getId().getIdPart() + " of this client");
        }
        RecordConsentService.ownExportFile(request);
    }

    private static String jobIdOf(RequestDetails request) {
        String[] query = request.getParameters().get("_jobId");
        if (query != null && query.length == 1) {
            return query[0];
        }
        if (request.getResource() instanceof Parameters body
                && body.getParameter("_jobId") != null
                && body.getParameter("_jobId").hasValue()
                && body.getParameter("_jobId").getValue().primitiveValue() != null) {
            return body.getParameter("_jobId").getValue().primitiveValue();
        }
        throw new InvalidRequestException("$export-poll-status needs the _jobId of the export");
    }

    static Optional<UUID> exportIdOf(BulkExportJobParameters parameters) {
        return EXPORT_ID_SYSTEM.equals(parameters.getBinarySecurityContextIdentifierSystem())
                ? exportIdOf(parameters.getBinarySecurityContextIdentifierValue())
                : Optional.empty();
    }

    private static Optional<UUID> exportIdOf(String value) {
        try {
            return Optional.ofNullable(value).map(UUID::fromString);
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
    }

    /** Requesters of exports whose job and files HAPI has purged (its retention, with an hour to spare). */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT5M")
    void forgetExpired() {
        requesters.forgetBefore(
                Instant.now().minus(Duration.ofHours(storage.getBulkExportFileRetentionPeriodHours() + 1L)));
    }
}
