package org.carerecord.fhir.jpa;

/**
 * Marker for plain-provider beans (HAPI {@code @Operation} methods) the FHIR endpoint registers, as
 * {@link FhirServerInterceptor} is for interceptors: the endpoint's configuration knows no feature package.
 */
public interface FhirOperationProvider {}
