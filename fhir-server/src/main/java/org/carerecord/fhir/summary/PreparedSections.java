package org.carerecord.fhir.summary;

import ca.uhn.fhir.jpa.ips.api.ISectionResourceSupplier.ResourceEntry;
import ca.uhn.fhir.jpa.ips.api.IpsContext;
import ca.uhn.fhir.jpa.ips.api.Section;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiConsumer;
import org.carerecord.fhir.consent.RecordStamps;
import org.carerecord.fhir.consent.RecordStamps.RecordStamp;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.IdType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each recently opened patient's summary sections as the whole record holds them (every section's bounded
 * search, run once as the system), kept so that a clinician's request runs no searches; each reader's view is
 * then narrowed from them by the same consent decision as a read (see {@link ReaderSections}). When a
 * recently opened record changes, its sections are prepared again off the request path, once per transaction
 * (see {@link PrepareOnWrite}), so the next clinician finds them ready.
 *
 * <p>Never stale: a request uses prepared sections only if they were read at the record stamp the request saw,
 * or if their preparation began after the request did (so every write committed before the request is in
 * them). Otherwise the request prepares them itself, or waits for a preparation that began after it —
 * readers arriving together share one. A write through another fhir-server instance changes the stamp, so it
 * is seen too, only not prepared ahead.
 */
final class PreparedSections {

    private static final Logger log = LoggerFactory.getLogger(PreparedSections.class);
    private static final String ASKED = PreparedSections.class.getName() + ".asked.";
    private static final String SNAPSHOT = PreparedSections.class.getName() + ".snapshot.";
    /** How long one type's searched records are carried into later preparations while none of that type changes. */
    private static final long REUSED_FOR_NANOS = Duration.ofMinutes(5).toNanos();

    /** One patient's sections, and the stamp and time they were read at. */
    record Snapshot(Asked at, Map<String, List<ResourceEntry>> sections) {

        List<ResourceEntry> of(Section section, Class<? extends IBaseResource> type) {
            return sections.getOrDefault(key(section, type), List.of());
        }
    }

    /** The record stamp a request (or a preparation) saw, and a time before it was read (nanoTime). */
    record Asked(RecordStamp stamp, long at) {

        /**
         * Whether what was read at this point shows the record as {@code other} saw it, or newer: the same stamp,
         * or read after {@code other} began (so every write committed before it is in).
         */
        boolean answers(Asked other) {
            return stamp.equals(other.stamp()) || at - other.at() >= 0;
        }
    }

    /** A preparation under way, begun at a stamp: readers who saw that stamp, or asked before it began, wait for it. */
    private record Preparation(Asked at, CompletableFuture<Snapshot> result) {}

    private final CareRecordSummaryStrategy strategy;
    private final RecordStamps stamps;
    private final boolean ahead;
    private final Cache<String, Snapshot> kept;
    private final ConcurrentMap<String, Preparation> preparing = new ConcurrentHashMap<>();
    private volatile BiConsumer<String, RecordStamp> afterChange = (patient, stamp) -> {};
    private final ExecutorService background = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "summary-prepare");
        thread.setDaemon(true);
        return thread;
    });

    /**
     * @param ahead    false: nothing is kept or prepared ahead; every request reads its sections afresh
     *                 (to measure the difference side by side)
     * @param patients how many patients' sections are kept at most (the most recently opened)
     * @param idle     how long a patient's sections are kept after they were last opened
     */
    PreparedSections(
            CareRecordSummaryStrategy strategy, RecordStamps stamps, boolean ahead, int patients, Duration idle) {
        this.strategy = strategy;
        this.stamps = stamps;
        this.ahead = ahead;
        this.kept = Caffeine.newBuilder()
                .maximumSize(patients)
                .expireAfterAccess(idle)
                .build();
    }

    /** The record stamp this request saw for the patient, read once per request. */
    RecordStamp stampFor(RequestDetails request, String patient) {
        return asked(request, patient).stamp();
    }

    /** The patient's sections as this request must see them, prepared once per request. */
    Snapshot sectionsFor(RequestDetails request, String patient) {
        return (Snapshot) request.getUserData()
                .computeIfAbsent(SNAPSHOT + patient, k -> current(patient, asked(request, patient)));
    }

    private Asked asked(RequestDetails request, String patient) {
        return (Asked) request.getUserData().computeIfAbsent(ASKED + patient, k -> {
            long at = System.nanoTime();
            return new Asked(stamps.of(patient), at);
        });
    }

    /** What to do once a changed record's sections are prepared again (assemble readers' documents ahead). */
    void afterChangePrepared(BiConsumer<String, RecordStamp> then) {
        this.afterChange = then;
    }

    /** Whether any patient's sections are kept (a write need not work out whose record it changed otherwise). */
    boolean keepsAny() {
        return ahead && kept.estimatedSize() > 0;
    }

    /** After a write: prepare again, in the background, the sections of those patients whose are kept. */
    void changed(Collection<String> patients) {
        if (!ahead) {
            return;
        }
        for (String patient : patients) {
            if (kept.policy().getIfPresentQuietly(patient) != null) { // a write does not keep them longer
                background.execute(() -> {
                    try {
                        long at = System.nanoTime(); // after the write committed
                        Snapshot prepared = current(patient, new Asked(stamps.of(patient), at));
                        afterChange.accept(patient, prepared.at().stamp());
                    } catch (RuntimeException e) {
                        // the next request prepares them itself, and fails with the reason if it must
                        log.warn("Summary sections of a changed record could not be prepared ahead: {}", e.toString());
                    }
                });
            }
        }
    }

    /**
     * Sections that show the record as the request saw it (at its stamp) or newer: kept ones, one being prepared,
     * or prepared now on this thread — at the stamp this request read, before any search (so the sections hold
     * every write that stamp counts, and perhaps later ones).
     */
    private Snapshot current(String patient, Asked asked) {
        if (!ahead) {
            return prepare(patient, asked, null);
        }
        Snapshot snapshot = kept.getIfPresent(patient);
        if (snapshot != null && snapshot.at().answers(asked)) {
            return snapshot;
        }
        Preparation mine = new Preparation(asked, new CompletableFuture<>());
        Preparation running = preparing.compute(
                patient, (p, current) -> current != null && current.at().answers(asked) ? current : mine);
        if (running == mine) {
            runOnThisThread(patient, mine);
        }
        try {
            return running.result().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    private void runOnThisThread(String patient, Preparation preparation) {
        try {
            Snapshot snapshot = prepare(patient, preparation.at(), kept.getIfPresent(patient));
            kept.asMap()
                    .merge(
                            patient,
                            snapshot,
                            (old, fresh) -> fresh.at().at() - old.at().at() >= 0 ? fresh : old);
            preparation.result().complete(snapshot);
        } catch (RuntimeException e) {
            preparation.result().completeExceptionally(e);
        } finally {
            preparing.remove(patient, preparation);
        }
    }

    /**
     * Every section's bounded search for the patient, as the system: what the whole record holds. The stamp was
     * read before the searches start, so they show the record at least as it was then. A section's records of a
     * type whose stamp is the same as at the last preparation ({@code previous}) are taken from it: none of that
     * type changed in between (a write adds to, or raises a version in, its own type's share of the stamp), and
     * they were searched after that stamp was read. So a new result searches only the results again. Not beyond
     * a few minutes, as what the clock alone changes ("recent" admissions) must show too.
     */
    private Snapshot prepare(String patient, Asked at, Snapshot previous) {
        IpsContext context = new IpsContext(null, new IdType("Patient", patient));
        SystemRequestDetails system = new SystemRequestDetails();
        Map<String, List<ResourceEntry>> sections = new HashMap<>();
        for (Section section : strategy.getSections()) {
            for (Class<? extends IBaseResource> type : section.getResourceTypes()) {
                String key = key(section, type);
                if (previous != null
                        && at.at() - previous.at().at() < REUSED_FOR_NANOS
                        && previous.at().stamp().sameFor(type.getSimpleName(), at.stamp())) {
                    sections.put(key, previous.sections().getOrDefault(key, List.of()));
                    continue;
                }
                List<ResourceEntry> entries = strategy.wholeRecord(section)
                        .fetchResourcesForSection(context, context.newSectionContext(section, type), system);
                sections.put(key, entries == null ? List.of() : List.copyOf(entries));
            }
        }
        return new Snapshot(at, Map.copyOf(sections));
    }

    private static String key(Section section, Class<? extends IBaseResource> type) {
        return section.getSectionCode() + "|" + type.getSimpleName();
    }
}
