package org.carerecord.fhir.support;

/** Marker for HAPI interceptor beans the {@code /fhir} endpoint registers. */
public interface FhirEndpointInterceptor {}
