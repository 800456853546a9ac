package org.carerecord.fhir.relationship;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.List;
import org.hl7.fhir.instance.model.api.IAnyResource;
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
        // whether any row exists, not how many: counting a region's index costs seconds at every start-up
        Boolean indexed = jdbc.queryForObject("select exists (select 1 from care.care_relationship)", Boolean.class);
        if (!Boolean.FALSE.equals(indexed) || idsAfter("Patient", "").isEmpty()) {
            return;
        }
        long records = 0;
        for (String type : List.of("Patient", "Encounter", "EpisodeOfCare", "CareTeam")) {
            List<String> ids = idsAfter(type, "");
            while (!ids.isEmpty()) {
                List<String> page = ids;
                transaction.executeWithoutResult(status -> read(type, page).forEach(indexer::reindex));
                records += page.size();
                ids = page.size() < PAGE ? List.of() : idsAfter(type, page.get(page.size() - 1));
            }
        }
        log.info("care relationship index built for {} records stored before it existed", records);
    }

    /**
     * The next page of a type's live record ids after the last one read: keyset paging on HAPI's (type, id) index,
     * so each page costs the same however far in it is (offset paging re-reads every row before the page, which at
     * a region's millions of encounters makes the back-fill quadratic).
     */
    private List<String> idsAfter(String type, String after) {
        return jdbc.queryForList(
                "select fhir_id from hfj_resource where res_type = ? and fhir_id > ? and res_deleted_at is null"
                        + " order by fhir_id limit " + PAGE,
                String.class,
                type,
                after);
    }

    private List<IBaseResource> read(String type, List<String> ids) {
        SearchParameterMap map = SearchParameterMap.newSynchronous();
        TokenOrListParam any = new TokenOrListParam();
        ids.forEach(id -> any.addOr(new TokenParam(id)));
        map.add(IAnyResource.SP_RES_ID, any);
        map.setCount(ids.size());
        return daos.getResourceDao(type).search(map, new SystemRequestDetails()).getResources(0, ids.size());
    }
}
