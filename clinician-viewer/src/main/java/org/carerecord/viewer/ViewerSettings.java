package org.carerecord.viewer;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param fhirBaseUrl the FHIR server a standalone launch signs in to (an EHR launch names its own, which
 *                    must be this one: the page's content security policy allows no other)
 * @param issuer      the identity provider the app exchanges its code with
 * @param clientId    the app's registration ({@code care-viewer}, public)
 */
@ConfigurationProperties("care.viewer")
public record ViewerSettings(String fhirBaseUrl, String issuer, String clientId) {}
