package org.carerecord.fhir.monitoring;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.carerecord.fhir.jpa.FhirServerProperties;
import org.springframework.stereotype.Component;

/**
 * Every FHIR request as the metric {@code care.fhir.requests}, by interaction ({@code read}, {@code search-type},
 * {@code transaction}, {@code extended-operation-type}...), resource type and HTTP status: Spring's own
 * {@code http.server.requests} sees HAPI's servlet as one unknown path. Request rate, consent refusals (403), errors
 * and latency per kind of request come from here; refusals before HAPI (401 without a valid token, 403 for a scope)
 * are in {@code http.server.requests}. The labels are bounded: a type this server does not hold, or none, is
 * {@code none}.
 */
@Component
@Interceptor
public class FhirRequestMetrics implements FhirServerInterceptor {

    private static final String NONE = "none";
    // a few buckets, not Micrometer's ~70: this timer has a series per interaction, type and status
    private static final Duration[] BUCKETS = Stream.of(25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)
            .map(Duration::ofMillis)
            .toArray(Duration[]::new);

    private final MeterRegistry meters;
    private final Set<String> types;

    public FhirRequestMetrics(MeterRegistry meters, FhirServerProperties properties) {
        this.meters = meters;
        this.types = Set.copyOf(properties.resourceTypes()); // what this server holds, not all of R4
    }

    @Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
    public void completed(RequestDetails request, ServletRequestDetails servlet) {
        String type = request.getResourceName();
        Timer.builder("care.fhir.requests")
                .description("FHIR requests answered, and the time each took")
                .tag(
                        "interaction",
                        request.getRestOperationType() == null
                                ? NONE
                                : request.getRestOperationType().getCode())
                .tag("type", type != null && types.contains(type) ? type : NONE)
                .tag(
                        "status",
                        servlet == null
                                ? NONE
                                : String.valueOf(servlet.getServletResponse().getStatus()))
                .serviceLevelObjectives(BUCKETS)
                .register(meters)
                .record(request.getRequestStopwatch().getMillis(), TimeUnit.MILLISECONDS);
    }
}
