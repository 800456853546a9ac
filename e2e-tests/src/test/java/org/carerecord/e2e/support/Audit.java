package org.carerecord.e2e.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import org.carerecord.launcher.service.CareRecordStack;

/** Waiting for the relay: audit records reach audit-service shortly after the response. */
public final class Audit {

    private Audit() {}

    /** Waits until audit-service holds at least {@code count} records; returns how many it holds. */
    public static long awaitRecords(CareRecordStack stack, long count) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        long stored = 0;
        while (Instant.now().isBefore(deadline)) {
            stored = count(stack, "audit", "select count(*) from audit_event");
            if (stored >= count) {
                return stored;
            }
            pause(Duration.ofMillis(200));
        }
        return stored;
    }

    /** How many audit records name this request (its X-Request-ID). */
    public static long recordsOf(CareRecordStack stack, String requestId) {
        return count(stack, "audit", "select count(*) from audit_event where resource like '%\"" + requestId + "\"%'");
    }

    /**
     * How many audit records name each of these requests, in one pass over the records made since {@code since}
     * (a query per request scans the whole trail each time: minutes once the suite has filled it).
     */
    public static java.util.Map<String, Long> recordsOf(
            CareRecordStack stack, java.util.Collection<String> requestIds, java.time.Instant since) {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        requestIds.forEach(id -> counts.put(id, 0L));
        java.util.regex.Pattern quoted = java.util.regex.Pattern.compile("\"([A-Za-z0-9]{16})\"");
        try (Connection c = stack.connect("audit");
                var s = c.prepareStatement("select resource from audit_event where recorded >= ?")) {
            s.setTimestamp(1, java.sql.Timestamp.from(since.minusSeconds(5)));
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    java.util.regex.Matcher m = quoted.matcher(rs.getString(1));
                    java.util.Set<String> inThisRecord = new java.util.HashSet<>();
                    while (m.find()) {
                        inThisRecord.add(m.group(1));
                    }
                    inThisRecord.stream().filter(counts::containsKey).forEach(id -> counts.merge(id, 1L, Long::sum));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return counts;
    }

    /** The audit record of one request (by its X-Request-ID), once it has reached audit-service. */
    public static com.fasterxml.jackson.databind.JsonNode awaitRecordOf(CareRecordStack stack, String requestId) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            try (Connection c = stack.connect("audit");
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "select resource from audit_event where resource like '%\"" + requestId + "\"%'")) {
                if (rs.next()) {
                    return new com.fasterxml.jackson.databind.ObjectMapper().readTree(rs.getString(1));
                }
            } catch (SQLException | java.io.IOException e) {
                throw new IllegalStateException(e);
            }
            pause(Duration.ofMillis(200));
        }
        throw new AssertionError("no audit record of request " + requestId);
    }

    /** Waits until fhir-server's outbox is empty: everything written has reached audit-service. */
    public static void awaitOutboxDrained(CareRecordStack stack) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            if (count(stack, "fhir", "select count(*) from care.audit_outbox") == 0) {
                return;
            }
            pause(Duration.ofMillis(200));
        }
        throw new AssertionError("the audit outbox did not drain");
    }

    public static long count(CareRecordStack stack, String database, String sql) {
        try (Connection c = stack.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits (up to 30 s) until the trail holds a record {@code where} (SQL over audit_event); fails if it never does. */
    public static long awaitTrail(CareRecordStack stack, String where) {
        Instant deadline = Instant.now().plusSeconds(30);
        long found;
        while ((found = count(stack, "audit", "select count(*) from audit_event where " + where)) == 0) {
            if (!Instant.now().isBefore(deadline)) {
                throw new AssertionError("no audit record where " + where);
            }
            pause(Duration.ofMillis(200));
        }
        return found;
    }

    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
