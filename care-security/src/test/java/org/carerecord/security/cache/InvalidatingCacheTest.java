package org.carerecord.security.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class InvalidatingCacheTest {

    private final AtomicInteger loads = new AtomicInteger();

    private String load(String key) {
        return key + "-v" + loads.incrementAndGet();
    }

    @Test
    void aValueIsLoadedOnceUntilInvalidated() {
        InvalidatingCache<String, String> cache = new InvalidatingCache<>(Duration.ofMinutes(1), 10);
        assertThat(cache.get("a", this::load)).isEqualTo("a-v1");
        assertThat(cache.get("a", this::load)).isEqualTo("a-v1");
        cache.invalidate("a"::equals);
        assertThat(cache.get("a", this::load)).isEqualTo("a-v2");
    }

    @Test
    void aValueLoadedWhileAnInvalidationHappensIsNotKept() {
        InvalidatingCache<String, String> cache = new InvalidatingCache<>(Duration.ofMinutes(1), 10);
        String raced = cache.get("a", key -> {
            cache.invalidateAll(); // the write lands while the old value is being read
            return load(key);
        });
        assertThat(raced).isEqualTo("a-v1");
        assertThat(cache.get("a", this::load)).isEqualTo("a-v2");
    }

    @Test
    void valuesTheCallerDoesNotWantKeptAreLoadedEveryTime() {
        InvalidatingCache<String, String> cache = new InvalidatingCache<>(Duration.ofMinutes(1), 10);
        cache.get("a", this::load, value -> false);
        cache.get("a", this::load, value -> false);
        assertThat(loads).hasValue(2);
    }

    @Test
    void aZeroTimeToLiveCachesNothingAndEntriesExpire() {
        InvalidatingCache<String, String> off = new InvalidatingCache<>(Duration.ZERO, 10);
        off.get("a", this::load);
        off.get("a", this::load);
        assertThat(loads).hasValue(2);
        AtomicLong now = new AtomicLong();
        InvalidatingCache<String, String> brief = new InvalidatingCache<>(Duration.ofMillis(20), 10, now::get);
        brief.get("a", this::load);
        now.addAndGet(Duration.ofMillis(19).toNanos());
        brief.get("a", this::load);
        assertThat(loads).as("still fresh 1 ms before it expires").hasValue(3);
        now.addAndGet(Duration.ofMillis(2).toNanos());
        brief.get("a", this::load);
        assertThat(loads).as("loaded again once expired").hasValue(4);
    }
}
