package org.carerecord.audit.retention;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How long the trail is kept, in whole calendar months (UTC) before the current one; 0 keeps it forever.
 * The period is the organisation's records-management decision, so it is configuration, not code.
 *
 * @param months       months kept before the current month; older months are dropped whole
 * @param monthsAhead  partitions created ahead of time, so inserts never wait on DDL
 * @param cron         when maintenance runs (it also runs once at start-up)
 */
@ConfigurationProperties("care.audit.retention")
public record AuditRetentionProperties(int months, int monthsAhead, String cron) {

    public AuditRetentionProperties {
        if (months < 0 || monthsAhead < 1) {
            throw new IllegalArgumentException("care.audit.retention.months must be >= 0 and months-ahead >= 1");
        }
    }
}
