package org.carerecord.benchmarks;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients each sending one request after another until a deadline (a closed loop): how every timed phase of these
 * benchmarks loads the server. A failed request is counted, its first message printed, and the loop goes on.
 */
final class ClosedLoop {

    record Outcome(long completed, long failed, double seconds) {}

    private ClosedLoop() {}

    static Outcome run(int clients, int seconds, Runnable request) throws InterruptedException {
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        for (int c = 0; c < clients; c++) {
            pool.submit(() -> {
                while (System.nanoTime() < end) {
                    try {
                        request.run();
                        completed.incrementAndGet();
                    } catch (RuntimeException e) {
                        if (failed.incrementAndGet() == 1) {
                            System.out.println("  failed: " + e.getMessage());
                        }
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(seconds + 120L, TimeUnit.SECONDS);
        return new Outcome(completed.get(), failed.get(), (System.nanoTime() - start) / 1e9);
    }
}
