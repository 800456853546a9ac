package org.carerecord.fhir.consent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** Shouts when consent checks are switched off (benchmarks only): nobody should find out from an incident. */
@Component
@ConditionalOnProperty(name = "care.consent.enabled", havingValue = "false")
class ConsentChecksOffWarning {

    private static final Logger log = LoggerFactory.getLogger(ConsentChecksOffWarning.class);

    @EventListener(ApplicationReadyEvent.class)
    public void warn() {
        log.error("CONSENT CHECKS ARE OFF (care.consent.enabled=false): only token scopes limit access. "
                + "This setting exists for side-by-side benchmarks and must never be used with real data.");
    }
}
