package org.carerecord.fhir.ingest.bulk;

import ca.uhn.fhir.batch2.model.JobDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.server.RestfulServer;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.carerecord.fhir.ingest.NdjsonLines;
import org.carerecord.fhir.ingest.OnePassChunkWrite;
import org.carerecord.fhir.ingest.RecordValidation;
import org.carerecord.fhir.ingest.ReferenceOrder;
import org.carerecord.fhir.jpa.FhirServerProperties;
import org.carerecord.fhir.limits.RequestLimitsProperties;
import org.hl7.fhir.r4.model.Bundle;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * {@code $import} as a job of HAPI's batch2 framework: HAPI persists the job, its chunks and their state in
 * PostgreSQL, runs chunks on its worker threads, reports progress and cancels (the chunks a stopped server had
 * in its in-memory queue are queued again by {@link LostChunkRecovery}, so a job resumes after a restart); the
 * steps are this record's (read allow-listed sources keeping line numbers, write as the importer under every
 * storage rule, add up a report). HAPI's own bulk-import job writes as the system, with no importer to tag
 * records with or check scopes against, and loses line numbers: its framework serves, its steps do not.
 */
@Configuration(proxyBeanMethods = false)
public class BulkImportJob {

    static final String JOB = "care-bulk-import";
    /**
     * Version 2 passes a chunk's name from step to step, its lines held by {@link ImportChunkStore}; version 1 passed
     * the lines. A server of version 1 cannot write a version 2 chunk (it would find no lines): it does not know the
     * version, and leaves the chunk to a server that does. This version runs both, so version 1 jobs started before
     * an upgrade finish after it.
     */
    static final int VERSION = 2;

    private final ImportSources sources;
    private final FhirContext fhir;
    private final IFhirSystemDao<Bundle, ?> systemDao;
    private final ObjectProvider<RestfulServer> server;
    private final FhirServerProperties properties;
    private final JdbcTemplate jdbc;
    private final RecordValidation validation;
    private final ImportChunkStore chunks;
    private final OnePassChunkWrite onePass;
    private final RequestLimitsProperties limits;
    /** How long LostChunkRecovery waits without a sign of life before it takes an import's chunks for lost. */
    private final Duration stalledAfter;

    BulkImportJob(
            ImportSources sources,
            FhirContext fhir,
            IFhirSystemDao<Bundle, ?> systemDao,
            ObjectProvider<RestfulServer> server,
            FhirServerProperties properties,
            JdbcTemplate jdbc,
            RecordValidation validation,
            ImportChunkStore chunks,
            OnePassChunkWrite onePass,
            RequestLimitsProperties limits,
            @Value("${care.fhir.import.stalled-after:2m}") Duration stalledAfter) {
        this.stalledAfter = stalledAfter;
        this.onePass = onePass;
        this.limits = limits;
        this.sources = sources;
        this.fhir = fhir;
        this.systemDao = systemDao;
        this.server = server;
        this.properties = properties;
        this.jdbc = jdbc;
        this.validation = validation;
        this.chunks = chunks;
    }

    @Bean
    JobDefinition<ImportJobParameters> careBulkImportJob() {
        return definition(VERSION);
    }

    @Bean
    JobDefinition<ImportJobParameters> careBulkImportJobVersion1() {
        return definition(1);
    }

    private JobDefinition<ImportJobParameters> definition(int version) {
        ImportDigests digests = new ImportDigests(jdbc);
        Set<String> stored = Set.copyOf(properties.resourceTypes());
        JobDefinition.Builder<ImportJobParameters, ImportWork> job = JobDefinition.newBuilder()
                .setJobDefinitionId(JOB)
                .setJobDescription("FHIR bulk import ($import) of NDJSON from allow-listed sources")
                .setJobDefinitionVersion(version)
                .setParametersType(ImportJobParameters.class)
                .gatedExecution()
                .addFirstStep(
                        "read-sources",
                        "Read each source into chunks of lines",
                        ImportWork.class,
                        new FetchImportFiles(
                                sources, chunks, NdjsonLines.maxLineChars(limits), stalledAfter.dividedBy(4)));
        // a tier at a time (a gated step each), so what records refer to is written before them
        List<List<String>> tiers = ReferenceOrder.TIERS;
        for (int i = 0; i < tiers.size(); i++) {
            job = job.addIntermediateStep(
                    "write-tier-" + (i + 1),
                    "Write " + String.join(", ", tiers.get(i)),
                    ImportWork.class,
                    new WriteImportTier(
                            Set.copyOf(tiers.get(i)),
                            fhir,
                            systemDao,
                            server,
                            stored,
                            digests,
                            validation,
                            chunks,
                            onePass));
        }
        return job.addIntermediateStep(
                        "write-the-rest",
                        "Write every other type",
                        ImportWork.class,
                        new WriteImportTier(
                                null, fhir, systemDao, server, stored, digests, validation, chunks, onePass))
                .addFinalReducerStep(
                        "report",
                        "Add up what was written and rejected",
                        ImportOutcome.class,
                        new CollectImportReport(chunks::forget))
                .build();
    }
}
