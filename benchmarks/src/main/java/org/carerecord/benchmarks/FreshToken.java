package org.carerecord.benchmarks;

import java.util.function.Supplier;
import org.carerecord.launcher.service.CareRecordStack;

/** A persona's token, fetched again before it expires (runs of hours outlive the identity provider's 30 minutes). */
final class FreshToken implements Supplier<String> {

    private static final long REFRESH_NANOS = 10L * 60 * 1_000_000_000;

    private final CareRecordStack stack;
    private final String persona;
    private String token;
    private long fetchedAt;

    FreshToken(CareRecordStack stack, String persona) {
        this.stack = stack;
        this.persona = persona;
    }

    @Override
    public synchronized String get() {
        if (token == null || System.nanoTime() - fetchedAt > REFRESH_NANOS) {
            token = stack.tokens().token(persona);
            fetchedAt = System.nanoTime();
        }
        return token;
    }
}
