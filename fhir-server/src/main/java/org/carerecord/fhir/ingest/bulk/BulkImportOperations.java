package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.JobInstanceStartRequest;
import ca.uhn.fhir.batch2.model.StatusEnum;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import ca.uhn.fhir.util.JsonUtil;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.carerecord.fhir.access.KeptClaims;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.access.ScopeInterceptor;
import org.carerecord.fhir.jpa.FhirOperationProvider;
import org.carerecord.fhir.jpa.FhirServerProperties;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.Interaction;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.stereotype.Component;

/**
 * FHIR Bulk Data import for care providers' systems (the Bulk Data IG's {@code $import} as HAPI and Smile
 * CDR offer it):
 * <pre>
 * POST [base]/$import            Parameters: inputFormat application/fhir+ndjson; input (type, url)...
 *                                Prefer: respond-async  →  202, Content-Location: [base]/$import-poll-status?_jobId=…
 * GET  [base]/$import-poll-status?_jobId=…          →  202 + X-Progress while it runs; 200 + manifest when done
 * GET  [base]/$import-poll-status?_jobId=…&amp;_errors=true  →  NDJSON of OperationOutcomes, one per rejected line
 * DELETE [base]/$import-poll-status?_jobId=…        →  202, the job is cancelled (409 once it has ended)
 * </pre>
 * Only system clients; every input's type must be one the token may write, every url under an allowed
 * source ({@link ImportSources}), all checked before the job starts (400/403, nothing started). A job is
 * visible only to the client that started it (another gets 404, as for a job that does not exist).
 */
@Component
public class BulkImportOperations implements FhirOperationProvider {

    private static final String NDJSON = "application/fhir+ndjson";

    private final IJobCoordinator jobs;
    private final ImportSources sources;
    private final FhirContext fhir;
    private final List<String> storedTypes;
    private final ObjectMapper json = new ObjectMapper();

    public BulkImportOperations(
            IJobCoordinator jobs, ImportSources sources, FhirContext fhir, FhirServerProperties properties) {
        this.jobs = jobs;
        this.sources = sources;
        this.fhir = fhir;
        this.storedTypes = properties.resourceTypes();
    }

    @Operation(name = "$import", manualRequest = true, manualResponse = true)
    public void startImport(ServletRequestDetails request, HttpServletResponse response) throws IOException {
        CareClaims claims = Requester.of(request).claims();
        String prefer = request.getHeader("Prefer");
        if (prefer == null || !prefer.contains("respond-async")) {
            throw new InvalidRequestException("$import runs asynchronously: send 'Prefer: respond-async'");
        }
        ImportJobParameters parameters = parametersOf(request, claims);
        String jobId = jobs.startInstance(request, new JobInstanceStartRequest(BulkImportJob.JOB, parameters))
                .getInstanceId();
        response.setStatus(202);
        response.setHeader("Content-Location", statusUrl(request, jobId));
        writeOutcome(
                response,
                OperationOutcome.IssueSeverity.INFORMATION,
                "Import " + jobId + " started: " + parameters.getInputs().size()
                        + " sources; poll the Content-Location for progress");
    }

    @Operation(name = "$import-poll-status", manualResponse = true, idempotent = true, deleteEnabled = true)
    public void importStatus(
            @OperationParam(name = "_jobId", min = 1) StringType jobId,
            @OperationParam(name = "_errors") StringType errors,
            ServletRequestDetails request,
            HttpServletResponse response)
            throws IOException {
        JobInstance job = ownJob(request, jobId == null ? null : jobId.getValue());
        if (request.getRequestType() == RequestTypeEnum.DELETE) {
            // a job that has ended has nothing left to cancel: saying 202 "cancelled" would tell the client its
            // records were not all written (found from outside)
            switch (job.getStatus()) {
                case COMPLETED, FAILED ->
                    throw new ResourceVersionConflictException("Import " + job.getInstanceId()
                            + " has already " + (job.getStatus() == StatusEnum.COMPLETED ? "completed" : "failed")
                            + ": there is nothing to cancel (its manifest or failure stays readable here)");
                case CANCELLED ->
                    throw new ResourceNotFoundException("Import " + job.getInstanceId() + " was cancelled");
                default -> jobs.cancelInstance(job.getInstanceId());
            }
            response.setStatus(202);
            writeOutcome(
                    response,
                    OperationOutcome.IssueSeverity.INFORMATION,
                    "Import " + job.getInstanceId()
                            + " cancelled: chunks already written stay written (importing the sources again changes nothing)");
            return;
        }
        switch (job.getStatus()) {
            case COMPLETED -> {
                ImportOutcome report = JsonUtil.deserialize(job.getReport(), ImportOutcome.class);
                if (errors != null && "true".equals(errors.getValue())) {
                    writeErrors(response, report);
                } else {
                    writeManifest(request, response, job, report);
                }
            }
            case FAILED -> {
                response.setStatus(500);
                writeOutcome(
                        response,
                        OperationOutcome.IssueSeverity.ERROR,
                        "Import " + job.getInstanceId() + " failed: " + toldToClient(job.getErrorMessage()));
            }
            case CANCELLED -> throw new ResourceNotFoundException("Import " + job.getInstanceId() + " was cancelled");
            default -> {
                response.setStatus(202);
                response.setHeader(
                        "X-Progress",
                        String.format(
                                "%.0f%% of chunks written (%s)",
                                job.getProgress() * 100,
                                job.getStatus().name().toLowerCase().replace('_', ' ')));
                response.setHeader("Retry-After", "2");
            }
        }
    }

    /** The job, if it exists and this client started it; otherwise 404 either way (no oracle of others' jobs). */
    private JobInstance ownJob(ServletRequestDetails request, String jobId) {
        String client = Requester.of(request).claims().clientId();
        try {
            JobInstance job = jobs.getInstance(jobId);
            if (BulkImportJob.JOB.equals(job.getJobDefinitionId())
                    && job.getParameters(ImportJobParameters.class).clientId().equals(client)) {
                return job;
            }
        } catch (ResourceNotFoundException | IllegalArgumentException unknown) {
            // answered below, as for another client's job
        }
        throw new ResourceNotFoundException("No import " + jobId + " of this client");
    }

    private ImportJobParameters parametersOf(ServletRequestDetails request, CareClaims claims) {
        Parameters body;
        try {
            body = fhir.newJsonParser()
                    .parseResource(Parameters.class, new String(request.loadRequestContents(), StandardCharsets.UTF_8));
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new InvalidRequestException("$import needs a Parameters resource: " + e.getMessage());
        }
        String format = body.getParameter().stream()
                .filter(p -> "inputFormat".equals(p.getName()) && p.hasValue())
                .map(p -> p.getValue().primitiveValue())
                .findFirst()
                .orElse(null);
        if (!NDJSON.equals(format)) {
            throw new InvalidRequestException("inputFormat must be " + NDJSON);
        }
        ImportJobParameters parameters =
                new ImportJobParameters().setClaims(KeptClaims.ofThisRequest()).setRequestUrl(request.getCompleteUrl());
        for (Parameters.ParametersParameterComponent input : body.getParameters("input")) {
            String type = partValue(input, "type");
            String url = partValue(input, "url");
            if (type == null || url == null) {
                throw new InvalidRequestException("each input needs a type and a url");
            }
            if (!storedTypes.contains(type)) {
                throw new InvalidRequestException("input type " + type + " is not a type this record holds");
            }
            ScopeInterceptor.require(claims, type, Interaction.UPDATE);
            sources.checkBeforeStart(claims.organisation(), url);
            parameters.getInputs().add(new ImportJobParameters.Input(type, url));
        }
        if (parameters.getInputs().isEmpty()) {
            throw new InvalidRequestException("$import needs at least one input (type and url)");
        }
        return parameters;
    }

    /** Marks the part of a job's failure written for the client (a source it could not read, and why). */
    static final String TOLD_TO_CLIENT = "[for the client] ";

    /**
     * What of a failed job's message the client is shown: the part written for it, or nothing of an unexpected
     * failure, whose message (HAPI's, a database's: SQL, table names) is for the server's log only.
     */
    private static String toldToClient(String message) {
        int told = message == null ? -1 : message.lastIndexOf(TOLD_TO_CLIENT);
        return told < 0
                ? "an unexpected error; the server's log holds the cause under this job's id"
                : message.substring(told + TOLD_TO_CLIENT.length());
    }

    private static String partValue(Parameters.ParametersParameterComponent input, String name) {
        return input.getPart().stream()
                .filter(p -> name.equals(p.getName()) && p.hasValue())
                .map(p -> p.getValue().primitiveValue())
                .findFirst()
                .orElse(null);
    }

    private static String statusUrl(ServletRequestDetails request, String jobId) {
        return request.getFhirServerBase() + "/$import-poll-status?_jobId=" + jobId;
    }

    private void writeManifest(
            ServletRequestDetails request, HttpServletResponse response, JobInstance job, ImportOutcome report)
            throws IOException {
        ObjectNode manifest = json.createObjectNode();
        manifest.put(
                "transactionTime",
                job.getStartTime() == null
                        ? null
                        : job.getStartTime().toInstant().toString());
        manifest.put("request", job.getParameters(ImportJobParameters.class).getRequestUrl());
        manifest.put("requiresAccessToken", true);
        ArrayNode output = manifest.putArray("output");
        report.getSources()
                .forEach((url, counts) -> output.addObject()
                        .put("type", counts.getType())
                        .put("inputUrl", url)
                        .put("count", counts.stored())
                        .put("created", counts.created)
                        .put("updated", counts.updated)
                        .put("unchanged", counts.unchanged)
                        .put("rejected", counts.rejected));
        ArrayNode error = manifest.putArray("error");
        if (!report.getRejected().isEmpty()) {
            error.addObject()
                    .put("type", "OperationOutcome")
                    .put("count", report.getRejected().size() + (unlisted(report) > 0 ? 1 : 0))
                    .put("url", statusUrl(request, job.getInstanceId()) + "&_errors=true");
        }
        response.setStatus(200);
        response.setContentType("application/json");
        response.getWriter().write(json.writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
    }

    /** One OperationOutcome per rejected line, naming the source, the line and the record. */
    private void writeErrors(HttpServletResponse response, ImportOutcome report) throws IOException {
        response.setStatus(200);
        response.setContentType(NDJSON);
        PrintWriter out = response.getWriter();
        var parser = fhir.newJsonParser().setPrettyPrint(false);
        for (ImportOutcome.Rejected rejected : report.getRejected()) {
            OperationOutcome outcome = new OperationOutcome();
            outcome.addIssue()
                    .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.PROCESSING)
                    .setDiagnostics("line " + rejected.getLine() + " of " + rejected.getUrl()
                            + (rejected.getResource() == null ? "" : " (" + rejected.getResource() + ")") + ": "
                            + rejected.getProblem())
                    .addExpression("line " + rejected.getLine());
            out.println(parser.encodeResourceToString(outcome));
        }
        if (unlisted(report) > 0) {
            OperationOutcome more = new OperationOutcome();
            more.addIssue()
                    .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                    .setCode(OperationOutcome.IssueType.TOOCOSTLY)
                    .setDiagnostics(unlisted(report) + " more rejected lines are not listed (the first "
                            + report.getRejected().size() + " are): mend these and import the sources again");
            out.println(parser.encodeResourceToString(more));
        }
    }

    private static int unlisted(ImportOutcome report) {
        return report.rejectedLines() - report.getRejected().size();
    }

    private void writeOutcome(HttpServletResponse response, OperationOutcome.IssueSeverity severity, String text)
            throws IOException {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(severity)
                .setCode(
                        severity == OperationOutcome.IssueSeverity.ERROR
                                ? OperationOutcome.IssueType.EXCEPTION
                                : OperationOutcome.IssueType.INFORMATIONAL)
                .setDiagnostics(text);
        response.setContentType("application/fhir+json");
        response.getWriter().write(fhir.newJsonParser().encodeResourceToString(outcome));
    }
}
