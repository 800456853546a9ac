package org.carerecord.fhir.jpa;

import ca.uhn.fhir.batch2.jobs.export.BulkDataExportProvider;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.ips.provider.IpsOperationProvider;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The FHIR endpoint at {@code /fhir}: HAPI's RestfulServer over the JPA providers, limited to the
 * record's resource types, with every {@link FhirServerInterceptor} bean registered (access, consent,
 * audit, ingest checks).
 */
@Configuration(proxyBeanMethods = false)
public class FhirServletConfig {

    @Bean
    RestfulServer restfulServer(
            IFhirSystemDao<?, ?> systemDao,
            ResourceProviderFactory resourceProviders,
            IJpaSystemProvider systemProvider,
            JpaStorageSettings storageSettings,
            ISearchParamRegistry searchParams,
            IValidationSupport validation,
            DatabaseBackedPagingProvider paging,
            FhirServerProperties properties,
            ObjectProvider<FhirServerInterceptor> interceptors,
            IpsOperationProvider patientSummary,
            BulkDataExportProvider bulkExport,
            ObjectProvider<FhirOperationProvider> operations) {
        RestfulServer server = new RestfulServer(systemDao.getContext()) {
            @Override
            public void addHeadersToResponse(HttpServletResponse response) {
                // no X-Powered-By: a product and version help an attacker choose an exploit; no client needs them
            }
        };
        // HAPI keeps its internal types (SearchParameter, Provenance, Task...) in storage; clients reach
        // only the record's own types, every other type is an unknown resource type (404) — and Binary, which
        // holds bulk export files, each read only by the client that asked for the export (export package).
        server.registerProviders(resourceProviders.createProviders().stream()
                .filter(p -> !(p instanceof IResourceProvider rp)
                        || properties
                                .resourceTypes()
                                .contains(rp.getResourceType().getSimpleName())
                        || rp.getResourceType().getSimpleName().equals("Binary"))
                .toList());
        server.registerProvider(systemProvider);
        server.registerProvider(patientSummary);
        server.registerProvider(bulkExport); // $export, Patient/$export, Group/[id]/$export, $export-poll-status
        operations.orderedStream().forEach(server::registerProvider);
        server.setServerConformanceProvider(
                new JpaCapabilityStatementProvider(server, systemDao, storageSettings, searchParams, validation));
        paging.setDefaultPageSize(properties.defaultPageSize());
        paging.setMaximumPageSize(properties.maxPageSize());
        server.setPagingProvider(paging);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        interceptors.orderedStream().forEach(server::registerInterceptor);
        return server;
    }

    @Bean
    ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
