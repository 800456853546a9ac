package org.carerecord.fhir.error;

import jakarta.servlet.http.HttpServletResponse;
import org.carerecord.security.token.OperationOutcomeErrors;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.firewall.RequestRejectedHandler;

/**
 * A request Spring Security's firewall refuses (an encoded percent, slash or NUL in the path, found by generated
 * requests) is answered with a 400 OperationOutcome, not forwarded to Spring Boot's HTML error page.
 */
@Configuration(proxyBeanMethods = false)
class RejectedRequests {

    @Bean
    RequestRejectedHandler operationOutcomeForRejectedRequests() {
        return (request, response, rejected) -> {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            OperationOutcomeErrors.write(
                    response,
                    "invalid",
                    "The request path is not one this server accepts (encoded characters such as %25, %2F or %00)");
        };
    }
}
