package org.carerecord.security.token;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
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

    private OperationOutcomeErrors() {}

    public static AuthenticationEntryPoint entryPoint() {
        BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
        return (request, response, exception) -> {
            bearer.commence(request, response, exception);
            write(response, "login", "A valid bearer access token is required: " + exception.getMessage());
        };
    }

    static AccessDeniedHandler accessDenied() {
        return accessDenied((claims, path) -> {});
    }

    /** A token that was valid but not enough for the path (a clinician at a governance endpoint, say). */
    @FunctionalInterface
    public interface RefusalRecorder {
        void refused(CareClaims claims, String path);
    }

    /**
     * The 403, told first to the recorder (each service writes the refusal into the audit trail), then
     * answered; a recorder that fails leaves the refusal unrecorded but still refused (fail closed).
     */
    public static AccessDeniedHandler accessDenied(RefusalRecorder recorder) {
        BearerTokenAccessDeniedHandler bearer = new BearerTokenAccessDeniedHandler();
        return (request, response, exception) -> {
            if (SecurityContextHolder.getContext().getAuthentication() != null
                    && SecurityContextHolder.getContext().getAuthentication().getPrincipal() instanceof Jwt jwt) {
                try {
                    recorder.refused(CareClaims.from(jwt), request.getMethod() + " " + request.getRequestURI());
                } catch (RuntimeException e) {
                    LoggerFactory.getLogger(OperationOutcomeErrors.class)
                            .error("a refusal of {} could not be recorded: {}", request.getRequestURI(), e.toString());
                }
            }
            bearer.handle(request, response, exception);
            write(response, "forbidden", "The access token does not allow this request");
        };
    }

    /** An error answered outside any FHIR framework (a filter, the servlet container) as an OperationOutcome. */
    public static void write(HttpServletResponse response, String code, String diagnostics) throws IOException {
        response.setContentType("application/fhir+json;charset=UTF-8");
        response.getOutputStream().write(json(code, diagnostics).getBytes(StandardCharsets.UTF_8));
    }

    /** The OperationOutcome itself, for a writer that has only a character stream (Tomcat's error reporter). */
    public static String json(String code, String diagnostics) {
        try {
            return JSON.writeValueAsString(Map.of(
                    "resourceType",
                    "OperationOutcome",
                    "issue",
                    List.of(Map.of("severity", "error", "code", code, "diagnostics", diagnostics))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
