package org.carerecord.e2e.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Bundles;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.e2e.support.TestPatients;
import org.carerecord.launcher.database.PostgresServer;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * PostgreSQL restarts under a steady read load. Reads during the outage fail (never succeed without
 * their audit record); every read that returned data is audited exactly once once things settle.
 */
@ExtendWith(RunningStack.class)
class DatabaseRestartFaultIT {

    record Outcome(int status, String requestId) {}

    @Test
    void everyReadThatReturnedDataIsAuditedOnceThroughADatabaseRestart(CareRecordStack stack, PostgresServer postgres)
            throws Exception {
        assumeTrue(postgres.canRestart(), "only the embedded server can be restarted from the test");
        underReadLoad(stack, "database restart", postgres::restart);
    }

    /**
     * PostgreSQL killed -9 (postmaster and backends) under the read load, then recovering from its log: with
     * {@code synchronous_commit} off (zonky's default, as the outside test found) the last acknowledged
     * commits — outbox rows of reads already answered — could be lost; on, none is.
     */
    @Test
    void everyReadThatReturnedDataIsAuditedOnceThroughADatabaseCrash(CareRecordStack stack, PostgresServer postgres)
            throws Exception {
        assumeTrue(postgres.canRestart(), "only the embedded server can be crashed from the test");
        underReadLoad(stack, "database killed -9", postgres::crashAndRecover);
    }

    private static void underReadLoad(CareRecordStack stack, String fault, Runnable causeIt) throws Exception {
        Fhir.Response pushed = Fhir.post(
                stack.fhirBaseUrl(),
                stack.tokens().token("rtd-pas"),
                Bundles.admission(TestPatients.nhsNumber(), "RTD"));
        assertThat(pushed.status()).isEqualTo(200);
        String patientUrl = stack.fhirBaseUrl() + "/"
                + pushed.body().at("/entry/0/response/location").asText().replaceAll("/_history/.*", "");
        String token = stack.tokens().token("gp.clinician");

        java.time.Instant started = java.time.Instant.now();
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            while (running.get()) {
                Fhir.Response response = Fhir.get(patientUrl, token);
                if (response.status() == 200) {
                    assertThat(response.body().path("resourceType").asText()).isEqualTo("Patient");
                }
                outcomes.add(new Outcome(response.status(), response.requestId()));
            }
        });
        load.start();
        Audit.pause(Duration.ofSeconds(2));
        causeIt.run();
        Audit.pause(Duration.ofSeconds(8));
        running.set(false);
        load.join();

        List<String> served = outcomes.stream()
                .filter(o -> o.status() == 200)
                .map(Outcome::requestId)
                .toList();
        long failed = outcomes.stream().filter(o -> o.status() >= 500).count();
        assertThat(served).isNotEmpty();
        Audit.awaitOutboxDrained(stack);
        java.util.Map<String, Long> audited = Audit.recordsOf(stack, served, started);
        for (String requestId : served) {
            assertThat(audited.get(requestId))
                    .as("audit records of request %s", requestId)
                    .isEqualTo(1);
        }
        assertThat(Audit.count(stack, "audit", "select count(*) - count(distinct event_id) from audit_event"))
                .isZero();
        System.out.printf(
                "%s: %d reads, %d returned data (each audited once), %d refused with 5xx"
                        + " while PostgreSQL was down, 0 lost, 0 duplicated%n",
                fault, outcomes.size(), served.size(), failed);
    }
}
