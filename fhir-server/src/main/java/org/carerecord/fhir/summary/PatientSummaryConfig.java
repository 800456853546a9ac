package org.carerecord.fhir.summary;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.ips.generator.IIpsGeneratorSvc;
import ca.uhn.fhir.jpa.ips.generator.IpsGeneratorSvcImpl;
import ca.uhn.fhir.jpa.ips.jpa.DefaultJpaIpsGenerationStrategy;
import ca.uhn.fhir.jpa.ips.provider.IpsOperationProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code Patient/{id}/$summary}: HAPI's International Patient Summary generator over the JPA store
 * (problems, medications, allergies, results, procedures...). It reads through the request, so the
 * same consent enforcement as every other path withholds what the user may not see, and the document
 * says what was withheld (see RedactionNotice).
 */
@Configuration(proxyBeanMethods = false)
public class PatientSummaryConfig {

    @Bean
    DefaultJpaIpsGenerationStrategy ipsGenerationStrategy() {
        return new DefaultJpaIpsGenerationStrategy(); // DaoRegistry and FhirContext are autowired
    }

    @Bean
    IIpsGeneratorSvc ipsGenerator(FhirContext fhirContext, DefaultJpaIpsGenerationStrategy strategy) {
        return new IpsGeneratorSvcImpl(fhirContext, strategy);
    }

    @Bean
    IpsOperationProvider ipsOperationProvider(IIpsGeneratorSvc generator) {
        return new IpsOperationProvider(generator);
    }
}
