package org.carerecord.fhir.support;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * HAPI's exceptions thrown from plain Spring controllers (exports, reports) answer as HAPI's own
 * endpoint would: the exception's status and an OperationOutcome, never a stack trace.
 */
@RestControllerAdvice
public class FhirErrorAdvice {

    private final FhirContext fhirContext;

    public FhirErrorAdvice(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    @ExceptionHandler(BaseServerResponseException.class)
    ResponseEntity<String> handle(BaseServerResponseException exception) {
        OperationOutcome outcome = new OperationOutcome();
        outcome.addIssue()
                .setSeverity(OperationOutcome.IssueSeverity.ERROR)
                .setCode(
                        exception.getStatusCode() == 403
                                ? OperationOutcome.IssueType.FORBIDDEN
                                : OperationOutcome.IssueType.PROCESSING)
                .setDiagnostics(exception.getMessage());
        return ResponseEntity.status(exception.getStatusCode())
                .contentType(MediaType.valueOf("application/fhir+json"))
                .body(fhirContext.newJsonParser().encodeResourceToString(outcome));
    }
}
