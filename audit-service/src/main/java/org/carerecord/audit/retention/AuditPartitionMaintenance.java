package org.carerecord.audit.retention;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.flyway.FlywayProperties;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Keeps the monthly partitions of the trail: creates the coming months ahead of time and drops months
 * past retention, anchoring the chain at each dropped month's last record (see V3 migration). This is DDL
 * the application role may not do, so it runs on the schema owner's connection — the one Flyway uses —
 * never on the service's append-only pool.
 */
@Component
class AuditPartitionMaintenance {

    private static final Logger log = LoggerFactory.getLogger(AuditPartitionMaintenance.class);

    /** One month dropped by retention: what went, and the record the chain is now anchored at. */
    public record DroppedMonth(String partition, long records, Long lastSeq) {}

    private final JdbcClient owner;
    private final AuditRetentionProperties retention;

    public AuditPartitionMaintenance(FlywayProperties flyway, AuditRetentionProperties retention) {
        DataSource ownerDataSource =
                new DriverManagerDataSource(flyway.getUrl(), flyway.getUser(), flyway.getPassword());
        this.owner = JdbcClient.create(ownerDataSource);
        this.retention = retention;
    }

    @EventListener(ApplicationReadyEvent.class)
    @Scheduled(cron = "${care.audit.retention.cron}", zone = "UTC")
    public void maintain() {
        try {
            ensureMonthsAhead(LocalDate.now(ZoneOffset.UTC));
            if (retention.months() > 0) {
                dropMonthsBefore(retentionCutoff(LocalDate.now(ZoneOffset.UTC), retention.months()));
            }
        } catch (RuntimeException e) {
            // Ingest keeps working (the default partition takes rows for a missing month); say so loudly.
            log.error("audit partition maintenance failed; it is retried at the next run", e);
        }
    }

    public void ensureMonthsAhead(LocalDate today) {
        for (int ahead = 0; ahead <= retention.monthsAhead(); ahead++) {
            owner.sql("select audit_ensure_partition(?)")
                    .param(today.plusMonths(ahead))
                    .query(String.class)
                    .single();
        }
    }

    /** The first instant that is kept: the start of the month {@code months} before the current one (UTC). */
    static OffsetDateTime retentionCutoff(LocalDate today, int months) {
        return today.withDayOfMonth(1).minusMonths(months).atStartOfDay().atOffset(ZoneOffset.UTC);
    }

    public List<DroppedMonth> dropMonthsBefore(OffsetDateTime cutoff) {
        List<DroppedMonth> dropped = owner.sql("select * from audit_drop_months_before(?)")
                .param(cutoff)
                .query((rs, n) -> new DroppedMonth(rs.getString(1), rs.getLong(2), (Long) rs.getObject(3)))
                .list();
        dropped.forEach(month -> log.warn(
                "audit retention: dropped {} ({} records); chain anchored at seq {}",
                month.partition(),
                month.records(),
                month.lastSeq()));
        return dropped;
    }
}
