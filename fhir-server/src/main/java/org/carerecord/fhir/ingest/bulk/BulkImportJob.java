package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.batch2.model.JobDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.util.List;
import java.util.Set;
import org.carerecord.fhir.jpa.FhirServerProperties;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@code $import} as a job of HAPI's batch2 framework: HAPI persists the job, its chunks and their state in
 * PostgreSQL, runs chunks on its worker threads, resumes after a restart, reports progress and cancels; the
 * steps are this record's (read allow-listed sources keeping line numbers, write as the importer under every
 * storage rule, add up a report). HAPI's own bulk-import job writes as the system, with no importer to tag
 * records with or check scopes against, and loses line numbers: its framework serves, its steps do not.
 */
@Configuration(proxyBeanMethods = false)
public class BulkImportJob {

    static final String JOB = "care-bulk-import";

    /**
     * The order records are written in, a tier at a time: what a record refers to is in an earlier tier
     * (organisations, then practitioners and places, patients, their encounters, clinical records, what refers
     * to those, claims, their explanations, and provenance — which may point at anything — last). Types not
     * named are written in the last tier. Found by importing Synthea's records: with procedures beside the
     * conditions they give as reasons, 264 procedures waited for conditions queued behind them.
     */
    static final List<Set<String>> TIERS = List.of(
            Set.of("Organization"),
            Set.of("Location", "Practitioner", "Medication"),
            Set.of("PractitionerRole", "Patient"),
            Set.of("Device", "EpisodeOfCare"),
            Set.of("Encounter"),
            Set.of("Condition", "AllergyIntolerance", "Observation", "Immunization", "MedicationRequest",
                    "MedicationStatement", "CareTeam", "DocumentReference", "ImagingStudy"),
            // reasons, results and plans: Procedure.reasonReference, DiagnosticReport.result, CarePlan.addresses
            Set.of("Procedure", "MedicationAdministration", "DiagnosticReport", "CarePlan"),
            Set.of("Claim", "SupplyDelivery"),
            Set.of("ExplanationOfBenefit"));

    @Bean
    JobDefinition<ImportJobParameters> careBulkImportJob(ImportSources sources, FhirContext fhir,
            IFhirSystemDao<Bundle, ?> systemDao, ObjectProvider<RestfulServer> server, FhirServerProperties properties) {
        Set<String> stored = Set.copyOf(properties.resourceTypes());
        JobDefinition.Builder<ImportJobParameters, ImportWork> job = JobDefinition.newBuilder()
                .setJobDefinitionId(JOB)
                .setJobDescription("FHIR bulk import ($import) of NDJSON from allow-listed sources")
                .setJobDefinitionVersion(1)
                .setParametersType(ImportJobParameters.class)
                .gatedExecution()
                .addFirstStep("read-sources", "Read each source into chunks of lines", ImportWork.class,
                        new FetchImportFiles(sources));
        for (int i = 0; i < TIERS.size(); i++) {
            job = job.addIntermediateStep("write-tier-" + (i + 1), "Write " + String.join(", ", TIERS.get(i)),
                    ImportWork.class, new WriteImportTier(TIERS.get(i), fhir, systemDao, server, stored));
        }
        return job.addIntermediateStep("write-the-rest", "Write every other type", ImportWork.class,
                        new WriteImportTier(null, fhir, systemDao, server, stored))
                .addFinalReducerStep("report", "Add up what was written and rejected", ImportOutcome.class,
                        new CollectImportReport())
                .build();
    }
}
