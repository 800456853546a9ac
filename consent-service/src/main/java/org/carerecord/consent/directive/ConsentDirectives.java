package org.carerecord.consent.directive;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.carerecord.consent.changes.DecisionChanges;
import org.carerecord.consent.changes.FeedListener;
import org.carerecord.security.cache.InvalidatingCache;
import org.hl7.fhir.r4.model.Consent;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Versioned store of patient Consent resources; a new version never overwrites an old one. The current
 * directives of each patient are cached for the decision path (read on every request, written rarely);
 * every committed write empties the cache, so a change takes effect on the very next decision. A write through
 * another replica empties it too, before this replica's next decision ({@link FeedListener}: the decision feed
 * is in the database).
 */
@Repository
public class ConsentDirectives implements FeedListener {

    private static final String CURRENT = """
            select distinct on (id) resource::text from consent_directive
            where %s order by id, version desc""";

    private final JdbcClient jdbc;
    private final FhirContext fhir;
    private final DecisionChanges changes;
    private final InvalidatingCache<String, List<Consent>> currentByPatient;

    public ConsentDirectives(
            JdbcClient jdbc,
            FhirContext fhir,
            DecisionChanges changes,
            @Value("${care.consent.directive-cache:true}") boolean caching) {
        this.jdbc = jdbc;
        this.fhir = fhir;
        this.changes = changes;
        // No time limit is needed (directives change only through save), but a day keeps memory honest.
        this.currentByPatient = new InvalidatingCache<>(caching ? Duration.ofDays(1) : Duration.ZERO, 100_000);
    }

    /** Stores the next version of the directive and returns it with its version id set. */
    @Transactional
    public Consent save(Consent consent, String patientId, String recordedBy) {
        String id = consent.getIdElement().getIdPart();
        // Lock the directive's rows so two concurrent updates cannot claim the same version number.
        jdbc.sql("select pg_advisory_xact_lock(hashtext(:id))")
                .param("id", id)
                .query()
                .singleRow();
        int version = jdbc.sql("select coalesce(max(version), 0) + 1 from consent_directive where id = :id")
                .param("id", id)
                .query(Integer.class)
                .single();
        jdbc.sql("select patient_id from consent_directive where id = :id and version = :previous")
                .param("id", id)
                .param("previous", version - 1)
                .query(String.class)
                .optional()
                .filter(previousPatient -> !previousPatient.equals(patientId))
                .ifPresent(changes::patientChanged);
        changes.patientChanged(patientId);
        consent.setId(new org.hl7.fhir.r4.model.IdType("Consent", id, String.valueOf(version)));
        consent.getMeta().setVersionId(String.valueOf(version)).setLastUpdated(new java.util.Date());
        jdbc.sql("""
                insert into consent_directive (id, version, patient_id, status, resource, recorded_by)
                values (:id, :version, :patient, :status, cast(:resource as jsonb), :by)""")
                .param("id", id)
                .param("version", version)
                .param("patient", patientId)
                .param("status", consent.getStatus().toCode())
                .param("resource", parser().encodeResourceToString(consent))
                .param("by", recordedBy)
                .update();
        // Cleared again after commit: a decision racing this write must not keep the old answer cached.
        clearCache();
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCompletion(int status) {
                clearCache();
            }
        });
        return consent;
    }

    public Optional<Consent> current(String id) {
        return jdbc.sql(CURRENT.formatted("id = :id"))
                .param("id", id)
                .query(String.class)
                .optional()
                .map(this::parse);
    }

    /** Every version of one directive, newest first. */
    public List<Consent> history(String id) {
        return jdbc
                .sql("select resource::text from consent_directive where id = :id order by version desc")
                .param("id", id)
                .query(String.class)
                .list()
                .stream()
                .map(this::parse)
                .toList();
    }

    public Optional<Consent> version(String id, int version) {
        return jdbc.sql("select resource::text from consent_directive where id = :id and version = :version")
                .param("id", id)
                .param("version", version)
                .query(String.class)
                .optional()
                .map(this::parse);
    }

    /** The current version of every directive of one patient (callers must not modify them). */
    public List<Consent> forPatient(String patientId) {
        return currentByPatient.get(patientId, this::load);
    }

    private void clearCache() {
        currentByPatient.invalidateAll();
    }

    /** A directive written or a break-glass granted through any replica: read directives afresh. */
    @Override
    public void changed(boolean newEpoch) {
        clearCache();
    }

    /**
     * Every patient's current directives at once, by patient (for replaying many decisions: one scan instead of a
     * query per patient); patients with none are absent.
     */
    public java.util.Map<String, List<Consent>> allCurrent() {
        java.util.Map<String, List<Consent>> byPatient = new java.util.HashMap<>();
        jdbc.sql("""
                        select distinct on (id) patient_id, resource::text from consent_directive
                        order by id, version desc""")
                .query((rs, n) -> java.util.Map.entry(rs.getString(1), parse(rs.getString(2))))
                .list()
                .forEach(e -> byPatient
                        .computeIfAbsent(e.getKey(), k -> new java.util.ArrayList<>())
                        .add(e.getValue()));
        return byPatient;
    }

    private List<Consent> load(String patientId) {
        return jdbc
                .sql(CURRENT.formatted("patient_id = :patient"))
                .param("patient", patientId)
                .query(String.class)
                .list()
                .stream()
                .map(this::parse)
                .toList();
    }

    private Consent parse(String json) {
        return parser().parseResource(Consent.class, json);
    }

    private IParser parser() {
        return fhir.newJsonParser();
    }
}
