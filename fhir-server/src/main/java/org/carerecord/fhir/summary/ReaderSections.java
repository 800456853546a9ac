package org.carerecord.fhir.summary;

import ca.uhn.fhir.jpa.ips.api.ISectionResourceSupplier;
import ca.uhn.fhir.jpa.ips.api.IpsContext;
import ca.uhn.fhir.jpa.ips.api.IpsSectionContext;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;

/**
 * A section's records as one reader may see them: the patient's prepared sections (see {@link PreparedSections}),
 * each record shown only if the same consent decision as a read of it says so (what is withheld is counted for
 * the withheld notice, as on any other path), then — where the section shows the latest record per code — the
 * newest of each code that this reader may see. The same records, in the same order, as the section's search
 * run with the reader's request would give.
 */
final class ReaderSections implements ISectionResourceSupplier {

    private final CareRecordSummaryStrategy strategy;
    private final PreparedSections prepared;
    private final BiPredicate<RequestDetails, IBaseResource> mayShow;

    /** @param mayShow whether the reader may be shown a record (consent enforcement's check) */
    ReaderSections(
            CareRecordSummaryStrategy strategy,
            PreparedSections prepared,
            BiPredicate<RequestDetails, IBaseResource> mayShow) {
        this.strategy = strategy;
        this.prepared = prepared;
        this.mayShow = mayShow;
    }

    @Override
    public <T extends IBaseResource> List<ResourceEntry> fetchResourcesForSection(
            IpsContext context, IpsSectionContext<T> sectionContext, RequestDetails request) {
        Class<T> type = sectionContext.getResourceType();
        Function<T, String> onePerCode = strategy.onePerCode(sectionContext.getSection(), type);
        Set<String> codes = new HashSet<>();
        List<ResourceEntry> shown = new ArrayList<>();
        for (ResourceEntry entry : prepared.sectionsFor(
                        request, context.getSubjectId().getIdPart())
                .of(sectionContext.getSection(), type)) {
            // each reader's own copy: HAPI's generator rewrites references and marks entries as it assembles
            Resource record = ((Resource) entry.getResource()).copy();
            if (!mayShow.test(request, record)) {
                continue;
            }
            if (onePerCode != null && type.isInstance(record)) {
                String code = onePerCode.apply(type.cast(record));
                if (code != null && !codes.add(code)) {
                    continue;
                }
            }
            shown.add(new ResourceEntry(record, entry.getInclusionType()));
        }
        return shown;
    }
}
