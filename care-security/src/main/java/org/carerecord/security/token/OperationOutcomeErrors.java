package org.carerecord.security.token;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * 401 and 403 from the security filters as FHIR OperationOutcomes, with the standard
 * {@code WWW-Authenticate: Bearer ...} header kept, so FHIR clients see the same error shape everywhere.
 */
public final class OperationOutcomeErrors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private OperationOutcomeErrors() {
    }

    public static AuthenticationEntryPoint entryPoint() {
        BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
        return (request, response, exception) -> {
            bearer.commence(request, response, exception);
            write(response, "login", "A valid bearer access token is required: " + exception.getMessage());
        };
    }

    static AccessDeniedHandler accessDenied() {
        BearerTokenAccessDeniedHandler bearer = new BearerTokenAccessDeniedHandler();
        return (request, response, exception) -> {
            bearer.handle(request, response, exception);
            write(response, "forbidden", "The access token does not allow this request");
        };
    }

    private static void write(HttpServletResponse response, String code, String diagnostics) throws IOException {
        response.setContentType("application/fhir+json");
        JSON.writeValue(response.getOutputStream(), Map.of(
                "resourceType", "OperationOutcome",
                "issue", List.of(Map.of("severity", "error", "code", code, "diagnostics", diagnostics))));
    }
}
