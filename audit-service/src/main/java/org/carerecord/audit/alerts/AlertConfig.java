package org.carerecord.audit.alerts;

import java.util.List;
import org.carerecord.audit.records.PatientDirectory;
import org.carerecord.security.region.CareRegion;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** The rules from configuration, and the detector scheduled to follow the trail once the service is up. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AlertRulesProperties.class)
public class AlertConfig {

    @Bean
    List<AlertRule> alertRules(
            AlertRulesProperties p,
            CareRegion region,
            TrailWindow trail,
            SeenPatients seen,
            PatientDirectory patients) {
        return List.of(
                new ManyPatientsRule(p.manyPatients(), seen),
                CountInWindowRules.repeatedDenials(p.repeatedDenials(), trail),
                CountInWindowRules.frequentBreakGlass(p.breakGlass(), trail),
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
            AlertRulesProperties p, UnusualAccessDetector detector, TaskScheduler scheduler) {
        return ready -> {
            if (p.enabled()) {
                scheduler.scheduleWithFixedDelay(detector::catchUp, p.interval());
            }
        };
    }
}
