package org.carerecord.fhir.jpa;

/**
 * Marker for HAPI interceptor beans registered with HAPI's storage-wide interceptor service rather than the FHIR
 * endpoint's: hooks HAPI calls where there may be no request (a bulk export's records, the Subscription pipeline).
 */
public interface StorageWideInterceptor {}
