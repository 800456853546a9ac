package org.carerecord.audit.alerts;

import java.time.Duration;
import java.util.List;
import org.carerecord.audit.records.PatientDirectory;
import org.carerecord.security.client.ServiceClients;
import org.carerecord.security.region.CareRegion;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.RestClient;

/** The rules from configuration, and the detector scheduled to follow the trail once the service is up. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AlertRulesProperties.class)
public class AlertConfig {

    /** The counting rules' thresholds as the policy in force has them (consent-service), as this service's client. */
    @Bean
    PolicyAlertThresholds policyAlertThresholds(
            AlertRulesProperties p,
            @Value("${care.console.consent-url}") String consentUrl,
            ClientRegistrationRepository registrations,
            RestClient.Builder builder) {
        var tokens = ServiceClients.manager(registrations, new InMemoryOAuth2AuthorizedClientService(registrations));
        RestClient consent = ServiceClients.client(
                builder.clone(), tokens, PatientDirectory.REGISTRATION, consentUrl, Duration.ofSeconds(5));
        return new PolicyAlertThresholds(consent, p);
    }

    @Bean
    List<AlertRule> alertRules(
            AlertRulesProperties p,
            PolicyAlertThresholds thresholds,
            CareRegion region,
            TrailWindow trail,
            SeenPatients seen,
            PatientDirectory patients) {
        return List.of(
                new ManyPatientsRule(thresholds.manyPatients(), seen),
                CountInWindowRules.repeatedDenials(thresholds.repeatedDenials(), trail),
                CountInWindowRules.frequentBreakGlass(thresholds.breakGlass(), trail),
                new OutOfHoursRule(p.outOfHours(), region.zone(), trail),
                new StatedRelationshipRule(p.noRelationship(), region.zone()),
                new FamilyLookupRule(p.family(), StaffDirectory.read(p.staffDirectory()), patients));
    }

    @Bean
    UnusualAccessDetector unusualAccessDetector(
            TrailWindow trail,
            List<AlertRule> alertRules,
            AccessAlerts alerts,
            JdbcClient jdbc,
            PlatformTransactionManager transactions) {
        return new UnusualAccessDetector(trail, alertRules, alerts, jdbc, new TransactionTemplate(transactions));
    }

    @Bean
    ApplicationListener<ApplicationReadyEvent> followTrail(
            AlertRulesProperties p,
            UnusualAccessDetector detector,
            PolicyAlertThresholds thresholds,
            TaskScheduler scheduler) {
        return ready -> {
            if (p.enabled()) {
                scheduler.scheduleWithFixedDelay(thresholds::refresh, p.thresholdRefresh());
                scheduler.scheduleWithFixedDelay(detector::catchUp, p.interval());
            }
        };
    }
}
