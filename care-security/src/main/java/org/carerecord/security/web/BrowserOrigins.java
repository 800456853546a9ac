package org.carerecord.security.web;

import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * Which browser origins may call a service from their own page (CORS): the registered SMART apps' only.
 * Bearer tokens, never cookies, so credentials stay off; the headers a FHIR app sends (the break-glass
 * ones included) and reads back ({@code Location}, {@code ETag}, {@code Content-Location}) are listed.
 */
public final class BrowserOrigins {

    private BrowserOrigins() {}

    /**
     * The origins of redirect URIs: a loopback redirect ({@code http://127.0.0.1/callback}, any port by RFC 8252)
     * allows that loopback host on any port.
     */
    public static List<String> ofRedirectUris(Collection<String> redirectUris) {
        Set<String> origins = new LinkedHashSet<>();
        for (String uri : redirectUris) {
            URI u = URI.create(uri);
            boolean loopback = "127.0.0.1".equals(u.getHost()) || "[::1]".equals(u.getHost());
            origins.add(u.getScheme() + "://" + u.getHost()
                    + (loopback ? ":[*]" : u.getPort() < 0 ? "" : ":" + u.getPort()));
        }
        return List.copyOf(origins);
    }

    /** CORS for these origin patterns ({@code http://127.0.0.1:[*]} style) on every path; none if the list is empty. */
    public static CorsConfigurationSource allowing(Collection<String> originPatterns) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (originPatterns.isEmpty()) {
            return source;
        }
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOriginPatterns(List.copyOf(originPatterns));
        cors.setAllowedMethods(List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
        cors.setAllowedHeaders(List.of(
                "Authorization",
                "Content-Type",
                "Accept",
                "Prefer",
                "If-Match",
                "If-None-Exist",
                "If-None-Match",
                "If-Modified-Since",
                "X-Purpose-Of-Use",
                "X-Break-Glass-Reason",
                "X-Request-Id"));
        cors.setExposedHeaders(List.of(
                "Location",
                "Content-Location",
                "ETag",
                "Last-Modified",
                "X-Progress",
                "X-Request-Id",
                "X-Break-Glass-Until"));
        cors.setAllowCredentials(false);
        cors.setMaxAge(600L);
        source.registerCorsConfiguration("/**", cors);
        return source;
    }
}
