package org.carerecord.fhir.summary;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.ips.generator.IIpsGeneratorSvc;
import ca.uhn.fhir.jpa.ips.generator.IpsGeneratorSvcImpl;
import ca.uhn.fhir.jpa.ips.provider.IpsOperationProvider;
import java.time.Clock;
import java.util.Set;
import org.carerecord.fhir.consent.RecordStamps;
import org.carerecord.fhir.jpa.FhirServerProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code Patient/{id}/$summary}: HAPI's International Patient Summary generator over the JPA store, with
 * this record's sections (see CareRecordSummaryStrategy) and reuse of unchanged documents (see
 * CachedPatientSummaries). It reads through the request, so the same consent enforcement as every other
 * path withholds what the user may not see, and the document says what was withheld (see RedactionNotice).
 */
@Configuration(proxyBeanMethods = false)
public class PatientSummaryConfig {

    @Bean
    CareRecordSummaryStrategy ipsGenerationStrategy(FhirServerProperties fhir, SummaryProperties summary) {
        // DaoRegistry and FhirContext are autowired into HAPI's base class
        return new CareRecordSummaryStrategy(Set.copyOf(fhir.resourceTypes()), Clock.systemUTC(), summary.admissionsWindow(),
                summary.hapiNarratives());
    }

    @Bean
    IIpsGeneratorSvc ipsGenerator(FhirContext fhirContext, CareRecordSummaryStrategy strategy, RecordStamps stamps,
            SummaryProperties summary) {
        return new CachedPatientSummaries(new CompleteDocuments(new IpsGeneratorSvcImpl(fhirContext, strategy)), stamps, summary.cacheTtl(),
                summary.cacheDocuments());
    }

    @Bean
    IpsOperationProvider ipsOperationProvider(IIpsGeneratorSvc generator) {
        return new IpsOperationProvider(generator);
    }
}
