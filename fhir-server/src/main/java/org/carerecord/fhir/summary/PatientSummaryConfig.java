package org.carerecord.fhir.summary;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.ips.generator.IIpsGeneratorSvc;
import ca.uhn.fhir.jpa.ips.generator.IpsGeneratorSvcImpl;
import ca.uhn.fhir.jpa.ips.provider.IpsOperationProvider;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Set;
import org.carerecord.fhir.consent.ConsentEnforcement;
import org.carerecord.fhir.consent.PatientCompartment;
import org.carerecord.fhir.consent.RecordStamps;
import org.carerecord.fhir.jpa.FhirServerProperties;
import org.carerecord.security.region.CareRegion;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code Patient/{id}/$summary}: an International Patient Summary document over the JPA store, with this
 * record's sections (see CareRecordSummaryStrategy), assembled as HAPI's generator assembles it (see SummaryAssembler), prepared ahead for recently opened patients (see
 * PreparedSections) and reuse of unchanged documents (see CachedPatientSummaries). Each record in a reader's
 * document passes the same consent check as on every other path, so what the user may not see is withheld,
 * and the document says what was withheld (see RedactionNotice).
 */
@Configuration(proxyBeanMethods = false)
public class PatientSummaryConfig {

    @Bean
    CareRecordSummaryStrategy ipsGenerationStrategy(
            FhirServerProperties fhir, SummaryProperties summary, CareRegion region) {
        // DaoRegistry and FhirContext are autowired into HAPI's base class
        return new CareRecordSummaryStrategy(
                Set.copyOf(fhir.resourceTypes()),
                Clock.systemUTC(),
                region.zone(),
                summary.admissionsWindow(),
                summary.hapiNarratives());
    }

    @Bean
    PreparedSections preparedSections(
            CareRecordSummaryStrategy strategy,
            RecordStamps stamps,
            SummaryProperties summary,
            ObjectProvider<ConsentEnforcement> consent) {
        PreparedSections prepared = new PreparedSections(
                strategy, stamps, summary.prepareAhead(), summary.preparedPatients(), summary.preparedIdle());
        ConsentEnforcement enforcement = consent.getIfAvailable(); // absent only where consent checks are off
        strategy.readThrough(new ReaderSections(
                strategy, prepared, enforcement == null ? (request, record) -> true : enforcement::mayShow));
        return prepared;
    }

    @Bean
    PrepareOnWrite prepareOnWrite(PreparedSections prepared, PatientCompartment compartment) {
        return new PrepareOnWrite(prepared, compartment);
    }

    @Bean
    EncodedSummaries encodedSummaries() {
        return new EncodedSummaries();
    }

    @Bean
    IIpsGeneratorSvc ipsGenerator(
            FhirContext fhirContext,
            CareRecordSummaryStrategy strategy,
            PreparedSections prepared,
            SummaryProperties summary,
            MeterRegistry meters) {
        IIpsGeneratorSvc assembler = summary.hapiGenerator() || summary.hapiNarratives()
                ? new CompleteDocuments(new IpsGeneratorSvcImpl(fhirContext, strategy))
                : new SummaryAssembler(fhirContext, strategy);
        return new CachedPatientSummaries(
                assembler, prepared, summary.cacheTtl(), summary.cacheDocuments(), summary.preparedIdle(), meters);
    }

    @Bean
    IpsOperationProvider ipsOperationProvider(IIpsGeneratorSvc generator) {
        return new IpsOperationProvider(generator);
    }
}
