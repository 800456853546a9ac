package org.carerecord.fhir.error;

import java.io.IOException;
import java.io.Writer;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.carerecord.security.token.OperationOutcomeErrors;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/**
 * Requests Tomcat refuses before any servlet sees them (a NUL or malformed escape in the path, found by
 * generated requests) were answered with Tomcat's HTML error page; a FHIR client gets an OperationOutcome
 * like every other error. Replaces the host's error report valve (Spring Boot's is added first, so this runs
 * after it).
 */
@Configuration(proxyBeanMethods = false)
class ContainerErrorsConfig {

    @Bean
    ErrorPagesAsOperationOutcomes operationOutcomeErrorPages() {
        return new ErrorPagesAsOperationOutcomes();
    }

    /** Runs after Spring Boot's own Tomcat customizer, which adds the valve this one replaces. */
    static final class ErrorPagesAsOperationOutcomes
            implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

        @Override
        public void customize(TomcatServletWebServerFactory factory) {
            factory.addContextCustomizers(context -> {
                var pipeline = context.getParent().getPipeline();
                for (Valve valve : pipeline.getValves()) {
                    if (valve instanceof ErrorReportValve) {
                        pipeline.removeValve(valve);
                    }
                }
                pipeline.addValve(new OperationOutcomeErrorValve());
                if (context.getParent() instanceof StandardHost host) {
                    // else the host adds Tomcat's own HTML valve again when it starts
                    host.setErrorReportValveClass(OperationOutcomeErrorValve.class.getName());
                }
            });
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST_PRECEDENCE;
        }
    }

    /** An error Tomcat itself answers, written as a FHIR OperationOutcome: no HTML, no server name or version. */
    public static final class OperationOutcomeErrorValve extends ErrorReportValve {

        public OperationOutcomeErrorValve() {
            setShowReport(false);
            setShowServerInfo(false);
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            try {
                response.setContentType("application/fhir+json");
                response.setCharacterEncoding("UTF-8");
                Writer writer = response.getReporter();
                if (writer != null) {
                    writer.write(
                            status < 500
                                    ? OperationOutcomeErrors.json(
                                            "invalid",
                                            "The request is not a valid HTTP request (its path or headers could not be read)")
                                    : OperationOutcomeErrors.json(
                                            "exception", "The server could not complete the request"));
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // the client has gone, or the response was already under way: nothing more to say
            }
        }
    }
}
