package org.carerecord.fhir.consent;

import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.carerecord.security.decision.AccessDecision;

/**
 * The decisions taken for one request, kept with it: asked once per patient and resource type, and
 * read back by the audit record ("the decision and policy that allowed it") and by the redaction notice.
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

    /** What a request has withheld, kept with a reused answer so that the reader is told again. */
    public record Withheld(int count, Set<Withholding> reasons, boolean breakGlassWouldShowMore) {

        /** What was withheld after {@code earlier} was taken. */
        public Withheld since(Withheld earlier) {
            Set<Withholding> added = reasons.isEmpty() ? EnumSet.noneOf(Withholding.class) : EnumSet.copyOf(reasons);
            return new Withheld(count - earlier.count, count == earlier.count ? Set.of() : added,
                    breakGlassWouldShowMore && count > earlier.count);
        }
    }

    private static final String KEY = RequestDecisions.class.getName();

    private final Map<String, AccessDecision> byKey = new LinkedHashMap<>();
    private final Set<Withholding> reasons = EnumSet.noneOf(Withholding.class);
    private int withheld;
    private boolean breakGlassWouldShowMore;
    private long checkNanos;

    public static RequestDecisions of(RequestDetails request) {
        return (RequestDecisions) request.getUserData().computeIfAbsent(KEY, k -> new RequestDecisions());
    }

    AccessDecision computeIfAbsent(String patientId, String resourceType, Supplier<AccessDecision> decide) {
        return byKey.computeIfAbsent(patientId + "|" + resourceType, k -> decide.get());
    }

    /** The decision already taken for this patient and type in this request, if any. */
    public Optional<AccessDecision> taken(String patientId, String resourceType) {
        return Optional.ofNullable(byKey.get(patientId + "|" + resourceType));
    }

    void withheld(Withholding reason, boolean breakGlassAvailable) {
        withheld++;
        reasons.add(reason);
        breakGlassWouldShowMore |= breakGlassAvailable;
    }

    public Withheld withheldSoFar() {
        return new Withheld(withheld, reasons.isEmpty() ? Set.of() : Set.copyOf(reasons), breakGlassWouldShowMore);
    }

    /** Tells this request what a reused answer withheld when it was first assembled. */
    public void withheldAgain(Withheld earlier) {
        withheld += earlier.count();
        reasons.addAll(earlier.reasons());
        breakGlassWouldShowMore |= earlier.breakGlassWouldShowMore();
    }

    /** True when every decision this request took was about this patient. */
    public boolean onlyAbout(String patientId) {
        return byKey.keySet().stream().allMatch(key -> key.startsWith(patientId + "|"));
    }

    void addCheckTime(long nanos) {
        checkNanos += nanos;
    }

    /** Time this request spent being checked: decisions (cached or asked), evidence, classification. */
    public long checkNanos() {
        return checkNanos;
    }

    public int withheldCount() {
        return withheld;
    }

    public Set<Withholding> withheldReasons() {
        return reasons;
    }

    public boolean breakGlassWouldShowMore() {
        return breakGlassWouldShowMore;
    }

    /** The decision that explains the outcome: the first refusal, else the first permit. */
    public Optional<AccessDecision> deciding() {
        return byKey.values().stream().filter(d -> !d.permits()).findFirst()
                .or(() -> byKey.values().stream().findFirst());
    }

    /** Every decision taken, e.g. to carry obligations (break-glass, stated relationship) into the audit record. */
    public Iterable<AccessDecision> all() {
        return byKey.values();
    }
}
