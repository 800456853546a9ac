package org.carerecord.fhir.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.carerecord.security.decision.AccessDecision;

/**
 * The decisions taken for one request, kept with it: asked once per patient and resource type, and
 * read back by the audit record ("the decision and policy that allowed it") and by the redaction notice.
 * Thread-safe: HAPI runs a batch's entries on several threads with the one request.
 */
public final class RequestDecisions {

    /** Why something was left out of a result, in the words the clinician is shown. */
    public enum Withholding {
        SCOPE("outside what your application was granted"),
        ROLE("not available to your role"),
        RESTRICTED_CATEGORY("restricted category"),
        NOT_PERMITTED("access to that patient's record is not permitted");

        private final String words;

        Withholding(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /**
     * What a request has withheld (why, and of which resource types), kept with a reused answer so that the
     * reader is told again.
     */
    public record Withheld(int count, Map<Withholding, Set<String>> reasons, boolean breakGlassWouldShowMore) {

        /** What was withheld after {@code earlier} was taken (the reasons and types so far, if any more). */
        public Withheld since(Withheld earlier) {
            return count == earlier.count
                    ? new Withheld(0, Map.of(), false)
                    : new Withheld(count - earlier.count, reasons, breakGlassWouldShowMore);
        }
    }

    private static final String KEY = RequestDecisions.class.getName();

    /** A decision a replayed request needed and the reader's request never took (nothing new is decided on replay). */
    public static final class NotTakenForReader extends IllegalStateException {
        NotTakenForReader(String key) {
            super("no decision was taken for " + key + " in the reader's request");
        }
    }

    private final Map<String, AccessDecision> byKey = new LinkedHashMap<>();
    private final Map<Withholding, Set<String>> reasons = new EnumMap<>(Withholding.class);
    private final boolean replay;
    private int withheld;
    private boolean breakGlassWouldShowMore;
    private long checkNanos;

    private RequestDecisions(boolean replay) {
        this.replay = replay;
    }

    public static RequestDecisions of(RequestDetails request) {
        return (RequestDecisions) request.getUserData().computeIfAbsent(KEY, k -> new RequestDecisions(false));
    }

    /**
     * The decisions this request took, to assemble the same reader's answer again off the request path (a
     * summary after its record changed): nothing is withheld yet, and nothing new can be decided — asking for a
     * decision the reader's request did not take fails ({@link NotTakenForReader}), so no decision is ever asked
     * of consent-service for a user who is not asking.
     */
    public synchronized RequestDecisions forReplay() {
        RequestDecisions copy = new RequestDecisions(true);
        copy.byKey.putAll(byKey);
        return copy;
    }

    /** Puts these decisions on a request standing in for their reader (see {@link #forReplay}). */
    public void attachTo(RequestDetails request) {
        request.getUserData().put(KEY, this);
    }

    synchronized AccessDecision computeIfAbsent(
            String patientId, String resourceType, Supplier<AccessDecision> decide) {
        String key = patientId + "|" + resourceType;
        if (replay && !byKey.containsKey(key)) {
            throw new NotTakenForReader(key);
        }
        return byKey.computeIfAbsent(key, k -> decide.get());
    }

    /** The decision already taken for this patient and type in this request, if any. */
    public synchronized Optional<AccessDecision> taken(String patientId, String resourceType) {
        return Optional.ofNullable(byKey.get(patientId + "|" + resourceType));
    }

    synchronized void withheld(Withholding reason, boolean breakGlassAvailable, String resourceType) {
        withheld++;
        reasons.computeIfAbsent(reason, r -> new TreeSet<>()).add(resourceType);
        breakGlassWouldShowMore |= breakGlassAvailable;
    }

    public synchronized Withheld withheldSoFar() {
        Map<Withholding, Set<String>> copy = new EnumMap<>(Withholding.class);
        reasons.forEach((reason, types) -> copy.put(reason, Set.copyOf(types)));
        return new Withheld(withheld, copy, breakGlassWouldShowMore);
    }

    /** Tells this request what a reused answer withheld when it was first assembled. */
    public synchronized void withheldAgain(Withheld earlier) {
        withheld += earlier.count();
        earlier.reasons()
                .forEach((reason, types) ->
                        reasons.computeIfAbsent(reason, r -> new TreeSet<>()).addAll(types));
        breakGlassWouldShowMore |= earlier.breakGlassWouldShowMore();
    }

    /** The patients this request took decisions about, e.g. the owner of a record whose $meta was asked. */
    public synchronized Set<String> patients() {
        Set<String> patients = new TreeSet<>();
        byKey.keySet().forEach(key -> patients.add(key.substring(0, key.lastIndexOf('|'))));
        patients.remove("null");
        return patients;
    }

    /** True when every decision this request took was about this patient. */
    public synchronized boolean onlyAbout(String patientId) {
        return byKey.keySet().stream().allMatch(key -> key.startsWith(patientId + "|"));
    }

    synchronized void addCheckTime(long nanos) {
        checkNanos += nanos;
    }

    /** Time this request spent being checked: decisions (cached or asked), evidence, classification. */
    public synchronized long checkNanos() {
        return checkNanos;
    }

    public synchronized int withheldCount() {
        return withheld;
    }

    public synchronized Set<Withholding> withheldReasons() {
        return reasons.isEmpty() ? EnumSet.noneOf(Withholding.class) : EnumSet.copyOf(reasons.keySet());
    }

    /** The resource types withheld for this reason. */
    public synchronized Set<String> withheldTypes(Withholding reason) {
        return new TreeSet<>(reasons.getOrDefault(reason, Set.of()));
    }

    public synchronized boolean breakGlassWouldShowMore() {
        return breakGlassWouldShowMore;
    }

    /** The decision that explains the outcome: the first refusal, else the first permit. */
    public synchronized Optional<AccessDecision> deciding() {
        return byKey.values().stream()
                .filter(d -> !d.permits())
                .findFirst()
                .or(() -> byKey.values().stream().findFirst());
    }

    /** Every decision taken, e.g. to carry obligations (break-glass, stated relationship) into the audit record. */
    public synchronized Iterable<AccessDecision> all() {
        return List.copyOf(byKey.values());
    }
}
