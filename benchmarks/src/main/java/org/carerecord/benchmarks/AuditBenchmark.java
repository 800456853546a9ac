package org.carerecord.benchmarks;

import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.StringJoiner;
import java.util.UUID;
import org.carerecord.launcher.demo.DemoData;
import org.carerecord.launcher.service.CareRecordStack;

/**
 * The audit trail's figures, on this machine, with the real services: durable ingest rate (batched,
 * fsync on), chain verification time, governance search by patient, and the latency auditing adds to a
 * FHIR read — measured side by side against a second fhir-server with auditing off, interleaved.
 *
 * <p>{@code java -Dbench.events=100000 -jar benchmarks/target/benchmarks.jar}; {@code -Dbench.phases=detect}: the
 * CPU the trail costs while one busy clinician's views arrive at {@code bench.rate}/s (unusual-access detection
 * included).
 */
public final class AuditBenchmark {

    private static final int EVENTS = Integer.getInteger("bench.events", 50_000);
    private static final int BATCH = Integer.getInteger("bench.batch", 500);
    private static final int SENDERS = Integer.getInteger("bench.senders", 1);
    private static final int PATIENTS = Integer.getInteger("bench.patients", 5_000);
    private static final int SEARCHES = Integer.getInteger("bench.searches", 300);
    private static final long TRAIL = Long.getLong("bench.trail", 10_000_000L);
    private static final int TRAIL_PATIENTS = Integer.getInteger("bench.trail.patients", 100_000);
    private static final int READS = Integer.getInteger("bench.reads", 500);
    private static final java.util.List<String> PHASES = java.util.List.of(
            System.getProperty("bench.phases", "ingest,verify,search,read").split(","));

    private AuditBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchStack.run(stack -> {
            if (PHASES.contains("ingest")) {
                ingest(stack);
            }
            if (PHASES.contains("verify")) {
                verify(stack);
            }
            if (PHASES.contains("search")) {
                search(stack);
            }
            if (PHASES.contains("read")) {
                auditedRead(stack);
            }
            if (PHASES.contains("detect")) {
                detect(stack);
            }
        });
    }

    /**
     * Batches as fhir-server's relay sends them, from {@code bench.senders} concurrent senders (one per
     * fhir-server instance). Batches are built before the clock starts, and 20 warm-up batches (stored,
     * not timed) let the JIT settle first.
     */
    private static void ingest(CareRecordStack stack) throws InterruptedException {
        String token = stack.tokens().token("fhir-server");
        String url = stack.auditUrl() + "/audit/events";
        Random random = new Random(42);
        for (int i = 0; i < 20; i++) {
            Http.post(url, token, batch(BATCH, random), null);
        }
        java.util.concurrent.ConcurrentLinkedQueue<String> batches = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int sent = 0; sent < EVENTS; sent += BATCH) {
            batches.add(batch(Math.min(BATCH, EVENTS - sent), random));
        }
        Latencies perBatch = new Latencies();
        java.util.List<Thread> senders = new java.util.ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < SENDERS; i++) {
            Thread sender = new Thread(() -> {
                for (String body = batches.poll(); body != null; body = batches.poll()) {
                    Http.post(url, token, body, perBatch);
                }
            });
            sender.start();
            senders.add(sender);
        }
        for (Thread sender : senders) {
            sender.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "ingest:  %,d events in batches of %d, %d sender(s): %.1f s = %,.0f events/s; per batch %s%n",
                EVENTS, BATCH, SENDERS, seconds, EVENTS / seconds, perBatch.summary());
    }

    private static void verify(CareRecordStack stack) {
        String token = stack.tokens().token("privacy.officer");
        Latencies runs = new Latencies();
        String result = "";
        for (int i = 0; i < 3; i++) {
            result = Http.get(stack.auditUrl() + "/audit/verify", token, runs);
        }
        System.out.printf("verify:  chain of %,d+ records %s -> %s%n", EVENTS, runs.summary(), result);
    }

    /**
     * Governance search by patient, newest first, 50 a page, over a trail of {@code bench.trail} synthetic
     * records (12 monthly partitions) on top of what ingest stored; and the same for one patient with
     * thousands of records.
     */
    private static void search(CareRecordStack stack) throws java.sql.SQLException {
        int patients = PATIENTS;
        if (TRAIL > 0) {
            long start = System.nanoTime();
            try (java.sql.Connection owner = stack.connect("audit")) {
                SyntheticTrail.load(owner, TRAIL, 12, TRAIL_PATIENTS);
            }
            patients = TRAIL_PATIENTS;
            System.out.printf(
                    "search:  loaded %,d synthetic records over 12 months, %,d patients, in %.0f s%n",
                    TRAIL, TRAIL_PATIENTS, (System.nanoTime() - start) / 1e9);
        }
        String token = stack.tokens().token("privacy.officer");
        String base = stack.auditUrl() + "/fhir/AuditEvent?_count=50&patient=";
        Random random = new Random(7);
        for (int i = 0; i < 50; i++) {
            Http.get(base + "bench-" + random.nextInt(patients), token, null); // warm-up
        }
        Latencies searches = new Latencies();
        Latencies heavy = new Latencies();
        for (int i = 0; i < SEARCHES; i++) {
            Http.get(base + "bench-" + random.nextInt(patients), token, searches);
            if (TRAIL > 0 && i % 3 == 0) {
                Http.get(base + SyntheticTrail.HEAVY_PATIENT, token, heavy);
            }
        }
        System.out.printf("search:  by patient (random of %,d), %s%n", patients, searches.summary());
        if (TRAIL > 0) {
            System.out.printf("search:  one patient with %,d records, %s%n", TRAIL / 2000, heavy.summary());
        }
    }

    /** Two fhir-servers on one database, auditing on and off; reads alternate so both see the same noise. */
    private static void auditedRead(CareRecordStack stack) {
        DemoData.load(stack);
        SideBySide.compare(
                stack, "audit", Map.of("CARE_AUDIT_ENABLED", "false"), "Patient/amelia-hartley", "gp.clinician", READS);
    }

    private static String batch(int size, Random random) {
        String now = Instant.now().toString();
        StringJoiner entries = collection();
        for (int i = 0; i < size; i++) {
            entries.add(event(
                    "R", now, "user-" + random.nextInt(200), "R8000", "Patient/bench-" + random.nextInt(PATIENTS), ""));
        }
        return entries.toString();
    }

    private static StringJoiner collection() {
        return new StringJoiner(",", "{\"resourceType\":\"Bundle\",\"type\":\"collection\",\"entry\":[", "]}");
    }

    /** One BALP-shaped AuditEvent entry as fhir-server's relay delivers it; {@code more}: further entities. */
    private static String event(String action, String recorded, String user, String role, String patient, String more) {
        return """
                {"resource":{"resourceType":"AuditEvent","id":"%s","type":{"system":"http://terminology.hl7.org/CodeSystem/audit-event-type","code":"rest"},\
                "action":"%s","recorded":"%s","outcome":"0",\
                "agent":[{"requestor":true,"who":{"identifier":{"system":"https://care-record.example.org/Id/user","value":"%s"}},\
                "role":[{"coding":[{"system":"https://fhir.nhs.uk/Id/sds-role-code","code":"%s"}]}],\
                "purposeOfUse":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v3-ActReason","code":"TREAT"}]}]},\
                {"requestor":false,"who":{"identifier":{"system":"https://fhir.nhs.uk/Id/ods-organization-code","value":"RTD"}}}],\
                "source":{"observer":{"display":"benchmark"}},\
                "entity":[{"what":{"reference":"%s"}}%s]}}""".formatted(UUID.randomUUID(), action, recorded, user, role, patient, more);
    }

    /**
     * One ward nurse reopening ten patients' summaries at {@code bench.rate} audited views a second for
     * {@code bench.seconds}, each record naming a summary's 110 entries, delivered as the relay delivers them
     * (a batch every 100 ms): the CPU audit-service and PostgreSQL use meanwhile (from /proc), in % of one core.
     * The detector follows the trail as in a deployment, so its cost is in the figure.
     */
    private static void detect(CareRecordStack stack) throws InterruptedException {
        int rate = Integer.getInteger("bench.rate", 300);
        int seconds = Integer.getInteger("bench.seconds", 30);
        String token = stack.tokens().token("fhir-server");
        String url = stack.auditUrl() + "/audit/events";
        StringJoiner summary = new StringJoiner(",");
        for (int i = 0; i < 110; i++) {
            summary.add(
                    "{\"what\":{\"reference\":\"Observation/o-" + i + "\"},\"role\":{\"system\":"
                            + "\"http://terminology.hl7.org/CodeSystem/object-role\",\"code\":\"4\",\"display\":\"Domain Resource\"}}");
        }
        int perBatch = Math.max(1, rate / 10);
        for (int i = 0; i < 20; i++) {
            Http.post(url, token, busyBatch(perBatch, i, summary.toString()), null);
        }
        Thread.sleep(2_000);
        double before = trailCpuSeconds();
        long start = System.nanoTime();
        int batches = seconds * 10;
        for (int b = 0; b < batches; b++) {
            Http.post(url, token, busyBatch(perBatch, b, summary.toString()), null);
            long due = start + (b + 1) * 100_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
        }
        Thread.sleep(2_000); // the detector's last batch
        double used = trailCpuSeconds() - before;
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf(
                "detect: one user, %d audited views/s for %d s (%d records, 110 entities each):"
                        + " audit-service + PostgreSQL used %.0f %% of one core (%.2f ms of CPU per record)%n",
                rate, seconds, batches * perBatch, 100 * used / elapsed, 1000 * used / (batches * perBatch));
    }

    private static String busyBatch(int size, int batch, String entities) {
        String now = Instant.now().toString();
        StringJoiner entries = collection();
        for (int i = 0; i < size; i++) {
            entries.add(event("E", now, "ward-nurse", "R8001", "Patient/ward-" + (batch + i) % 10, "," + entities));
        }
        return entries.toString();
    }

    /** CPU seconds used so far by audit-service and every PostgreSQL process on this machine (/proc). */
    private static double trailCpuSeconds() {
        double ticks = 0;
        java.io.File[] processes =
                new java.io.File("/proc").listFiles((dir, name) -> name.chars().allMatch(Character::isDigit));
        for (java.io.File process : processes == null ? new java.io.File[0] : processes) {
            try {
                String command = java.nio.file.Files.readString(process.toPath().resolve("cmdline"))
                        .replace('\0', ' ');
                if (!command.contains("audit-service")
                        && !command.startsWith("postgres")
                        && !command.contains("bin/postgres")) {
                    continue;
                }
                String stat = java.nio.file.Files.readString(process.toPath().resolve("stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
            } catch (java.io.IOException | RuntimeException gone) {
                // a process that ended meanwhile
            }
        }
        return ticks / 100.0; // USER_HZ
    }
}
