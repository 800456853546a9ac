package org.carerecord.fhir.jpa;

/** Marker for HAPI interceptor beans the FHIR endpoint registers, in {@code @Order} order. */
public interface FhirServerInterceptor {}
