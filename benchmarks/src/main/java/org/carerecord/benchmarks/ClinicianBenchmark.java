package org.carerecord.benchmarks;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.carerecord.benchmarks.ClinicianSetup.Scenario;
import org.carerecord.launcher.service.CareRecordStack;

/**
 * What clinicians do, at a given concurrency, side by side: the full server and a second fhir-server on the
 * same database with consent and audit off. Synthea patients are loaded by the hospital's system; a
 * hospital nurse (who has a relationship with the patients the hospital pushed) then reads a patient,
 * searches their conditions, active medications and recent admissions, opens their summary ({@code $summary},
 * always the median-sized patient; also while the hospital's system adds to that patient's record every
 * {@code bench.write-millis}, default 500 ms) and the first page of {@code $everything}. Each scenario runs for a fixed
 * time on one server then the other, in rounds that alternate the order, so both see the same noise.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar clinician [patients] [seed]</pre>
 * Knobs: {@code -Dbench.clients} (concurrent clinicians, default 8), {@code -Dbench.seconds} (per phase,
 * default 10), {@code -Dbench.rounds} (default 2), {@code -Dbench.off} (the second server's switches, to
 * price one layer at a time), {@code -Dbench.scenarios} (names, by prefix, comma-separated),
 * {@code -Dbench.replicas=N} (the stack runs N replicas behind HAProxy; the side by side is then one replica,
 * read directly, against all of them through the balancer).
 */
final class ClinicianBenchmark {

    /**
     * HAPI reuses an identical search's results for 60 s, but not while a consent service is registered
     * (results differ per user), so the layers-off server would answer repeats from its cache and the full
     * server never could. By default both are asked for fresh results ({@code Cache-Control: no-cache});
     * {@code -Dbench.cache=true} lets the second server use its cache.
     */
    private static final boolean REUSE_CACHED_SEARCHES = Boolean.getBoolean("bench.cache");

    private ClinicianBenchmark() {}

    static void main(String[] args) throws Exception {
        SyntheaData data = SyntheaData.fromArgs(args);
        BenchStack.run(stack -> run(stack, data));
    }

    private static void run(CareRecordStack stack, SyntheaData data) throws Exception {
        int clients = Integer.getInteger("bench.clients", 8);
        int seconds = Integer.getInteger("bench.seconds", 10);
        int rounds = Integer.getInteger("bench.rounds", 2);
        ClinicianSetup setup = ClinicianSetup.prepare(stack, data);
        String off = setup.off();
        String nurse = setup.nurseToken();
        List<String> visible = setup.visible();
        String median = setup.median();
        List<Scenario> scenarios = setup.scenarios(REUSE_CACHED_SEARCHES ? null : "no-cache");

        boolean replicas = stack.replicas("fhir-server").size() > 1;
        System.out.printf(
                replicas
                        ? "%n%d concurrent clinicians, %d s per phase, %d rounds; first = one fhir-server (a replica, directly),"
                                + " second = every replica behind HAProxy%n"
                        : "%n%d concurrent clinicians, %d s per phase, %d rounds; full = consent + audit on, off = both off%n",
                clients,
                seconds,
                rounds);
        System.out.printf(
                "second server: %s; %s%n",
                replicas
                        ? stack.replicas("fhir-server").size() + " fhir-servers and "
                                + stack.replicas("consent-service").size() + " consent-services behind HAProxy"
                        : SideBySide.switchedOff(),
                REUSE_CACHED_SEARCHES
                        ? "repeated searches may be answered from HAPI's result cache"
                        : "fresh results on both (Cache-Control: no-cache)");
        System.out.printf(
                "%-28s %-48s %-48s %s%n",
                "scenario",
                replicas ? "one fhir-server" : "full server",
                replicas ? "all replicas behind HAProxy" : "second server",
                "throughput ratio");
        String only = System.getProperty("bench.scenarios");
        for (Scenario scenario : scenarios) {
            if (only != null && java.util.Arrays.stream(only.split(",")).noneMatch(scenario.name()::startsWith)) {
                continue;
            }
            Phase full = new Phase();
            Phase without = new Phase();
            warmUp(setup.full(), off, scenario, visible, nurse);
            for (int round = 0; round < rounds; round++) {
                Phase first = round % 2 == 0 ? full : without;
                Phase second = round % 2 == 0 ? without : full;
                first.run(first == full ? setup.full() : off, scenario, setup, clients, seconds);
                second.run(second == full ? setup.full() : off, scenario, setup, clients, seconds);
            }
            System.out.printf(
                    "%-28s %-48s %-48s %.2f%n",
                    scenario.name(), full.summary(), without.summary(), full.throughput() / without.throughput());
        }
    }

    private static void warmUp(String full, String off, Scenario scenario, List<String> patients, String token) {
        for (int i = 0; i < Integer.getInteger("bench.warmup", 30); i++) {
            String id = patients.get(i % patients.size());
            get(full + scenario.path().apply(id), scenario.cacheControl(), token, null);
            get(off + scenario.path().apply(id), scenario.cacheControl(), token, null);
        }
    }

    /** Requests by several clients for a fixed time; latencies and throughput. */
    private static final class Phase {
        private final Latencies latencies = new Latencies();
        private long requests;
        private double seconds;
        private volatile int writes;

        void run(String base, Scenario scenario, ClinicianSetup setup, int clients, int duration)
                throws InterruptedException {
            List<String> patients = setup.visible();
            String token = setup.nurseToken();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
            ExecutorService writer = Executors.newSingleThreadExecutor();
            if (scenario.recordChanging()) {
                writer.submit(() -> keepWriting(base, setup, end));
            }
            ClosedLoop.Outcome outcome = ClosedLoop.run(clients, duration, () -> {
                String id = patients.get(ThreadLocalRandom.current().nextInt(patients.size()));
                get(base + scenario.path().apply(id), scenario.cacheControl(), token, latencies);
            });
            writer.shutdown();
            writer.awaitTermination(60, TimeUnit.SECONDS);
            requests += outcome.completed();
            seconds += outcome.seconds();
        }

        double throughput() {
            return requests / seconds;
        }

        /** The hospital's system adds an observation to the median patient's record, again and again. */
        private void keepWriting(String base, ClinicianSetup setup, long end) {
            long pause = Long.getLong("bench.write-millis", 500);
            while (System.nanoTime() < end) {
                Http.post(
                        base,
                        setup.writerToken(),
                        """
                        {"resourceType":"Bundle","type":"transaction","entry":[{"request":{"method":"POST","url":"Observation"},
                         "resource":{"resourceType":"Observation","status":"final",
                          "category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"vital-signs"}]}],
                          "code":{"coding":[{"system":"http://loinc.org","code":"8867-4","display":"Heart rate"}]},
                          "subject":{"reference":"Patient/%s"},"effectiveDateTime":"%s",
                          "valueQuantity":{"value":%d,"unit":"/min","system":"http://unitsofmeasure.org","code":"/min"}}}]}""".formatted(setup.median(), java.time.OffsetDateTime.now(), 60 + writes % 40),
                        null);
                writes++;
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        String summary() {
            return "%6.1f req/s  p50 %6.1f  p95 %6.1f  p99 %6.1f ms%s"
                    .formatted(
                            throughput(),
                            latencies.percentileMillis(50),
                            latencies.percentileMillis(95),
                            latencies.percentileMillis(99),
                            writes == 0 ? "" : " (%d writes)".formatted(writes));
        }
    }

    private static void get(String url, String cacheControl, String token, Latencies latencies) {
        long start = System.nanoTime();
        int status = Http.status(url, cacheControl, token);
        if (status != 200) {
            throw new IllegalStateException(url + " answered " + status);
        }
        if (latencies != null) {
            latencies.add(System.nanoTime() - start);
        }
    }
}
