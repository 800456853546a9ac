package org.carerecord.fhir.jpa;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import jakarta.persistence.EntityManagerFactory;
import java.util.Properties;
import javax.sql.DataSource;
import org.hl7.fhir.dstu2.model.Subscription;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * HAPI FHIR's JPA server for R4 on PostgreSQL. HAPI brings its DAOs, search and resource providers;
 * we supply the storage settings, the entity manager and the transaction manager. HAPI manages its own
 * tables (Hibernate schema update, as HAPI's starter does); our own tables live in schema {@code care}
 * under Flyway.
 */
@Configuration(proxyBeanMethods = false)
@Import({
    JpaR4Config.class,
    HapiJpaConfig.class,
    SubscriptionChannelConfig.class,
    SubscriptionSubmitterConfig.class,
    SubscriptionProcessorConfig.class,
    ThreadPoolFactoryConfig.class,
    JpaBatch2Config.class,
    Batch2JobsConfig.class
})
public class JpaServerConfig {

    @Bean
    JpaStorageSettings storageSettings() {
        JpaStorageSettings settings = new JpaStorageSettings();
        // Providers push records with their own stable ids (e.g. Patient/amelia-hartley) as well as
        // server-assigned ones; UUIDs keep the two from colliding.
        settings.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.ANY);
        settings.setResourceServerIdStrategy(JpaStorageSettings.IdStrategyEnum.UUID);
        settings.setAllowExternalReferences(false);
        settings.setAutoCreatePlaceholderReferenceTargets(false);
        settings.setEnforceReferentialIntegrityOnWrite(true);
        // Provider bundles (Synthea's among them) point at shared records by business identifier,
        // e.g. "Practitioner?identifier=https://fhir.nhs.uk/Id/sds-user-id|123": resolved on write.
        settings.setAllowInlineMatchUrlReferences(true);
        // ...and the same few practitioners and hospitals are named by every encounter, claim and report:
        // a resolved match URL is remembered instead of searched again per reference
        settings.setMatchUrlCacheEnabled(true);
        settings.setExpungeEnabled(false);
        settings.setDeleteExpungeEnabled(false);
        settings.setAllowMultipleDelete(false);
        settings.setIndexMissingFields(JpaStorageSettings.IndexEnabledEnum.DISABLED);
        settings.setHibernateSearchIndexSearchParams(false);
        // A stored search holds what was shown to the user who ran it: HAPI would hand the same stored results
        // to another user running the same query within a minute, decided for the first (found by
        // PagingLinkReplayIT: a nurse's first page came from a GP's search). Every search is run for its user.
        settings.setReuseCachedSearchResultsForMillis(null);
        // batch2 jobs ($import) move on as soon as a step's work is done, not at the next once-a-minute maintenance
        settings.setJobFastTrackingEnabled(true);
        // A bulk export is decided for the system that asked ($export): HAPI would hand a finished export with the
        // same parameters to another client asking within the hour (the search-reuse leak again, for files)
        settings.setEnableBulkExportJobReuse(false);
        // Export files are patient data at rest outside any record: HAPI purges job and files after this
        settings.setBulkExportFileRetentionPeriodHours(2);
        return settings;
    }

    @Bean
    PartitionSettings partitionSettings() {
        return new PartitionSettings();
    }

    @Bean
    SubscriptionSettings subscriptionSettings() {
        // HAPI matches each committed write against active rest-hook Subscriptions (a matched write's message is
        // kept in PostgreSQL until processed); the notification package decides, audits and delivers each match
        SubscriptionSettings settings = new SubscriptionSettings();
        settings.addSupportedSubscriptionType(Subscription.SubscriptionChannelType.RESTHOOK);
        return settings;
    }

    @Bean
    @Primary
    LocalContainerEntityManagerFactoryBean entityManagerFactory(
            DataSource dataSource,
            ConfigurableListableBeanFactory beanFactory,
            FhirContext fhirContext,
            JpaStorageSettings storageSettings) {
        LocalContainerEntityManagerFactoryBean factory =
                HapiEntityManagerFactoryUtil.newEntityManagerFactory(beanFactory, fhirContext, storageSettings);
        factory.setPersistenceUnitName("HAPI_PU");
        factory.setDataSource(dataSource);
        Properties hibernate = new Properties();
        hibernate.put("hibernate.dialect", HapiFhirPostgresDialect.class.getName());
        hibernate.put("hibernate.hbm2ddl.auto", "update");
        hibernate.put("hibernate.search.enabled", "false");
        hibernate.put("hibernate.jdbc.batch_size", "50");
        hibernate.put("hibernate.order_inserts", "true");
        hibernate.put("hibernate.order_updates", "true");
        hibernate.put("hibernate.format_sql", "false");
        hibernate.put("hibernate.show_sql", "false");
        factory.setJpaProperties(hibernate);
        return factory;
    }

    @Bean
    @Primary
    JpaTransactionManager transactionManager(EntityManagerFactory entityManagerFactory) {
        return new JpaTransactionManager(entityManagerFactory);
    }
}
