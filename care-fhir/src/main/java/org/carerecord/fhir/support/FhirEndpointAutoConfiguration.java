package org.carerecord.fhir.support;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;

/**
 * Serves every {@link IResourceProvider} bean of a service under {@code /fhir} with HAPI's plain
 * server, so consent-service and audit-service speak real FHIR (search bundles, OperationOutcome
 * errors, content negotiation) without a JPA server of their own. Where HAPI JPA is on the class path
 * (fhir-server) it serves /fhir itself, with its own error handling, and none of this applies.
 */
@AutoConfiguration
@ConditionalOnMissingClass("ca.uhn.fhir.jpa.api.dao.DaoRegistry")
public class FhirEndpointAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FhirContext fhirContext() {
        return FhirContext.forR4Cached();
    }

    @Bean
    FhirErrorAdvice fhirErrorAdvice(FhirContext fhirContext) {
        return new FhirErrorAdvice(fhirContext);
    }

    @Bean
    @ConditionalOnBean(IResourceProvider.class)
    ServletRegistrationBean<RestfulServer> fhirEndpoint(
            FhirContext fhirContext,
            List<IResourceProvider> providers,
            ObjectProvider<FhirEndpointInterceptor> interceptors,
            // a search without _count is paged this many at a time (its next link follows); 0: not paged
            @org.springframework.beans.factory.annotation.Value("${care.fhir.default-page-size:0}")
                    int defaultPageSize) {
        RestfulServer server = new RestfulServer(fhirContext) {
            @Override
            public void addHeadersToResponse(jakarta.servlet.http.HttpServletResponse response) {
                // no X-Powered-By: a product and version help an attacker choose an exploit; no client needs them
            }
        };
        server.setResourceProviders(providers);
        server.setDefaultResponseEncoding(EncodingEnum.JSON);
        server.setDefaultPrettyPrint(false);
        if (defaultPageSize > 0) {
            server.setDefaultPageSize(defaultPageSize);
        }
        interceptors.orderedStream().forEach(server::registerInterceptor);
        ServletRegistrationBean<RestfulServer> registration = new ServletRegistrationBean<>(server, "/fhir/*");
        registration.setName("fhir");
        registration.setLoadOnStartup(1);
        return registration;
    }
}
