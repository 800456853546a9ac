package org.carerecord.fhir.summary;

import ca.uhn.fhir.jpa.ips.api.IpsSectionContext;
import ca.uhn.fhir.jpa.ips.jpa.IJpaSectionSearchStrategy;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import jakarta.annotation.Nonnull;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * One section's search, bounded: a summary shows a patient's current picture, not their whole history, so
 * each section reads at most {@code limit} records (newest first where a date orders them) in one
 * synchronous query — HAPI would otherwise run each section as a cached, paged search (rows written to
 * its search tables) and read every Observation a long life has produced. HAPI's own section rules (which
 * statuses count) still decide, through the wrapped strategy. A section may show only the newest record per
 * code (the latest blood pressure, not forty of them): that is applied per reader, after what the reader may
 * not see is left out (see {@link ReaderSections}), so a withheld newest reading is not replaced by nothing.
 */
final class BoundedSectionSearch<T extends IBaseResource> implements IJpaSectionSearchStrategy<T> {

    private final IJpaSectionSearchStrategy<T> rules;
    private final int limit;
    private final String newestFirstBy;
    private final Function<T, String> onePerCode;

    private BoundedSectionSearch(
            IJpaSectionSearchStrategy<T> rules, int limit, String newestFirstBy, Function<T, String> onePerCode) {
        this.rules = rules;
        this.limit = limit;
        this.newestFirstBy = newestFirstBy;
        this.onePerCode = onePerCode;
    }

    static <T extends IBaseResource> BoundedSectionSearch<T> of(IJpaSectionSearchStrategy<T> rules, int limit) {
        return new BoundedSectionSearch<>(rules, limit, null, null);
    }

    /** The newest {@code limit} by the given date search parameter. */
    static <T extends IBaseResource> BoundedSectionSearch<T> newest(
            IJpaSectionSearchStrategy<T> rules, int limit, String dateParameter) {
        return new BoundedSectionSearch<>(rules, limit, dateParameter, null);
    }

    /** The newest record for each code, among the newest {@code limit}. */
    static <T extends IBaseResource> BoundedSectionSearch<T> latestPerCode(
            IJpaSectionSearchStrategy<T> rules, int limit, String dateParameter, Function<T, String> code) {
        return new BoundedSectionSearch<>(rules, limit, dateParameter, code);
    }

    @Override
    public void massageResourceSearch(@Nonnull IpsSectionContext<T> context, @Nonnull SearchParameterMap search) {
        rules.massageResourceSearch(context, search);
        if (newestFirstBy != null) {
            search.setSort(new SortSpec(newestFirstBy).setOrder(SortOrderEnum.DESC));
        }
        search.setLoadSynchronousUpTo(limit);
    }

    @Override
    public boolean shouldInclude(@Nonnull IpsSectionContext<T> context, @Nonnull T candidate) {
        return rules.shouldInclude(context, candidate);
    }

    /** The code of which only the newest record is shown, or null: every record the search found. */
    Function<T, String> onePerCode() {
        return onePerCode;
    }
}
