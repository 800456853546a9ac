package org.carerecord.fhir.relationship;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Builds the care relationship index for records stored before it existed (an upgraded database): once,
 * at start-up, when the index is empty but patients are stored. Who pushed those records was not kept,
 * so only the organisations they name count (registered GP, service provider, managing organisation,
 * care-team members); until it finishes, requests that need those relationships are refused, not allowed.
 */
@Component
class RelationshipBackfill {

    private static final Logger log = LoggerFactory.getLogger(RelationshipBackfill.class);
    private static final int PAGE = 500;

    private final DaoRegistry daos;
    private final CareRelationshipIndexer indexer;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    public RelationshipBackfill(
            DaoRegistry daos, CareRelationshipIndexer indexer, JdbcTemplate jdbc, TransactionTemplate transaction) {
        this.daos = daos;
        this.indexer = indexer;
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    @EventListener(ApplicationReadyEvent.class)
    public void onStart() {
        try {
            backfillIfEmpty();
        } catch (RuntimeException e) {
            // The server still serves: without the index it refuses what needs a relationship (fail closed).
            log.error("could not build the care relationship index; relationships from older records are missing", e);
        }
    }

    void backfillIfEmpty() {
        Long indexed = jdbc.queryForObject("select count(*) from care.care_relationship", Long.class);
        if (indexed == null || indexed > 0 || page("Patient", 0, 1).isEmpty()) {
            return;
        }
        long records = 0;
        for (String type : List.of("Patient", "Encounter", "EpisodeOfCare", "CareTeam")) {
            for (int offset = 0; ; offset += PAGE) {
                int from = offset;
                Integer done = transaction.execute(status -> {
                    List<IBaseResource> page = page(type, from, PAGE);
                    page.forEach(indexer::reindex);
                    return page.size();
                });
                records += done == null ? 0 : done;
                if (done == null || done < PAGE) {
                    break;
                }
            }
        }
        log.info("care relationship index built for {} records stored before it existed", records);
    }

    /** One page of a type's records in id order (offset paging over a stable sort). */
    private List<IBaseResource> page(String type, int offset, int count) {
        SearchParameterMap map = SearchParameterMap.newSynchronous();
        map.setOffset(offset);
        map.setCount(count);
        map.setSort(new SortSpec("_id"));
        return daos.getResourceDao(type).search(map, new SystemRequestDetails()).getResources(0, count);
    }
}
