package org.carerecord.security.cache;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A small read-through cache for values that are read on every request and changed rarely, where a stale
 * value would be wrong, not just old. Invalidation wins races: a value loaded while an invalidation
 * happened is returned to its caller but not kept, so once {@link #invalidate} returns, no later read
 * sees what was there before. Entries also expire after a time to live, a backstop for rules that change
 * with the clock.
 */
public final class InvalidatingCache<K, V> {

    private record Entry<V>(V value, long expiresAt) {}

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;
    private long generation;

    public InvalidatingCache(Duration ttl, int maxEntries) {
        this(ttl, maxEntries, System::nanoTime);
    }

    /** With a clock of its own, in nanoseconds (tests move it instead of sleeping). */
    InvalidatingCache(Duration ttl, int maxEntries, LongSupplier nanoClock) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
    }

    /** The cached value, or the loader's, kept only if {@code keep} says so and nothing was invalidated meanwhile. */
    public V get(K key, Function<K, V> loader, Predicate<V> keep) {
        if (ttlNanos > 0) {
            Entry<V> entry = entries.get(key);
            if (entry != null && entry.expiresAt() - nanoClock.getAsLong() > 0) {
                return entry.value();
            }
        }
        long before;
        synchronized (lock) {
            before = generation;
        }
        V value = loader.apply(key);
        if (ttlNanos > 0 && keep.test(value)) {
            synchronized (lock) {
                if (generation == before) {
                    if (entries.size() >= maxEntries) {
                        entries.clear();
                    }
                    entries.put(key, new Entry<>(value, nanoClock.getAsLong() + ttlNanos));
                }
            }
        }
        return value;
    }

    public V get(K key, Function<K, V> loader) {
        return get(key, loader, value -> true);
    }

    public void invalidate(Predicate<K> which) {
        synchronized (lock) {
            generation++;
            entries.keySet().removeIf(which);
        }
    }

    public void invalidateAll() {
        invalidate(key -> true);
    }
}
