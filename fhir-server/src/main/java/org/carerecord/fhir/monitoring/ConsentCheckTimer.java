package org.carerecord.fhir.monitoring;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;
import org.carerecord.fhir.consent.RequestDecisions;
import org.carerecord.fhir.jpa.FhirServerInterceptor;
import org.springframework.stereotype.Component;

/**
 * What the access check cost each request, as the metric {@code care.consent.check} (p50/p95/p99 at
 * {@code /actuator/metrics/care.consent.check.percentile}): the consent benchmark reads it, and an
 * operator sees a slow or uncached consent path there first.
 */
@Component
@Interceptor
public class ConsentCheckTimer implements FhirServerInterceptor {

    private final Timer timer;

    public ConsentCheckTimer(MeterRegistry meters) {
        this.timer = Timer.builder("care.consent.check")
                .description("time a request spent in access checks")
                .publishPercentiles(0.5, 0.95, 0.99)
                .register(meters);
    }

    @Hook(Pointcut.SERVER_PROCESSING_COMPLETED)
    public void completed(RequestDetails request) {
        long nanos = RequestDecisions.of(request).checkNanos();
        if (nanos > 0) {
            timer.record(nanos, TimeUnit.NANOSECONDS);
        }
    }
}
