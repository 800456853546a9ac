package org.carerecord.viewer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import org.springframework.http.CacheControl;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The page settings the scripts read ({@code /config.js}) and the headers every page carries: a content
 * security policy letting scripts talk only to this record's FHIR server and identity provider (an EHR
 * launch naming another {@code iss} fails there, before a token could travel), no framing, no referrer.
 */
@RestController
public class ViewerPages {

    private final ViewerSettings settings;
    private final ObjectMapper json = new ObjectMapper();

    ViewerPages(ViewerSettings settings) {
        this.settings = settings;
    }

    @GetMapping(value = "/config.js", produces = "text/javascript")
    ResponseEntity<String> config() throws JsonProcessingException {
        String body = "window.CARE_VIEWER = "
                + json.writeValueAsString(
                        Map.of("fhirBaseUrl", settings.fhirBaseUrl(), "clientId", settings.clientId()))
                + ";\n";
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).body(body);
    }

    @Component
    static class SecurityHeaders extends OncePerRequestFilter {

        private final String policy;

        SecurityHeaders(ViewerSettings settings) {
            this.policy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                    + "connect-src 'self' " + origin(settings.fhirBaseUrl()) + " " + origin(settings.issuer())
                    + "; form-action 'self' " + origin(settings.issuer()) + "; frame-ancestors 'none'; base-uri 'none'";
        }

        private static String origin(String url) {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            response.setHeader("Content-Security-Policy", policy);
            response.setHeader("X-Content-Type-Options", "nosniff");
            response.setHeader("Referrer-Policy", "no-referrer");
            response.setHeader("Cache-Control", "no-store");
            chain.doFilter(request, response);
        }
    }
}
