package org.carerecord.audit.records;

import ca.uhn.fhir.context.FhirContext;
import java.time.Clock;
import java.time.Duration;
import org.carerecord.security.client.ServiceClients;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.client.InMemoryOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.web.client.RestClient;

/** The FHIR server as audit-service's own system client (client credentials, cached until it expires, fetched within 5 s). */
@Configuration(proxyBeanMethods = false)
public class RecordServerConfig {

    @Bean
    PatientDirectory patientDirectory(
            @Value("${care.audit.fhir-url}") String fhirUrl,
            ClientRegistrationRepository registrations,
            FhirContext fhir,
            RestClient.Builder builder) {
        var tokens = ServiceClients.manager(registrations, new InMemoryOAuth2AuthorizedClientService(registrations));
        RestClient record = ServiceClients.client(
                builder.clone(), tokens, PatientDirectory.REGISTRATION, fhirUrl, Duration.ofSeconds(5));
        return new PatientDirectory(record, fhir, Clock.systemUTC());
    }
}
