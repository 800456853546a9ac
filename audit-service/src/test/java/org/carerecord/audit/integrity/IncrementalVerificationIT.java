package org.carerecord.audit.integrity;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.IntStream;
import org.carerecord.audit.EmbeddedAuditDatabase;
import org.carerecord.audit.ledger.AuditLedger;
import org.carerecord.audit.ledger.DeliveryReader;
import org.carerecord.audit.ledger.ReceivedEvent;
import org.carerecord.fhir.balp.AuditEventBuilder;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Verification picks up where the last intact run stopped, on a real PostgreSQL: a second run reads only the records
 * that arrived since; a change to a record it had verified is not seen by the next incremental run but is by a
 * whole-chain run, after which incremental runs check the whole chain again; a change to the very record the last
 * run ended on is caught at once.
 */
// the schedule is off here: its run would sit between this test's runs
@SpringBootTest(properties = {"care.audit.alerts.enabled=false", "care.audit.integrity.first-run=24h"})
class IncrementalVerificationIT {

    private static final String DATABASE = "incremental_verification";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        EmbeddedAuditDatabase.registerOwn(registry, DATABASE); // a chain no other test has broken
    }

    @Autowired
    IntegrityChecks checks;

    @Autowired
    AuditLedger ledger;

    @Autowired
    DeliveryReader reader;

    @Test
    void aRunReadsOnlyWhatArrivedSinceTheLastIntactOne() throws SQLException {
        append(5);
        IntegrityChecks.Run first = checks.run("officer", false);
        assertThat(first.intact()).isTrue();
        assertThat(first.verifiedThroughSeq()).isEqualTo(newestSeq());

        append(3);
        IntegrityChecks.Run second = checks.run("officer", false);
        assertThat(second.intact()).isTrue();
        assertThat(second.wholeChain()).isFalse();
        assertThat(second.recordsChecked()).as("only the three new records").isEqualTo(3);
        assertThat(second.verifiedThroughSeq()).isEqualTo(newestSeq());

        long older = second.verifiedThroughSeq() - 4; // verified by an earlier run
        String original = tamper(older);
        try {
            assertThat(checks.run("officer", false).intact())
                    .as("an incremental run does not re-read what was verified before")
                    .isTrue();
            IntegrityChecks.Run whole = checks.run("officer", true);
            assertThat(whole.intact()).isFalse();
            assertThat(whole.firstBrokenSeq()).isEqualTo(older);
            IntegrityChecks.Run after = checks.run("officer", false);
            assertThat(after.wholeChain())
                    .as("after a broken run the next checks the whole chain")
                    .isTrue();
            assertThat(after.intact()).isFalse();
        } finally {
            restore(older, original);
        }
        assertThat(checks.run("officer", true).intact()).isTrue();

        long last = newestSeq();
        String ending = tamper(last);
        try {
            IntegrityChecks.Run caught = checks.run("officer", false);
            assertThat(caught.intact())
                    .as("the record the last run ended on must still hold its hash")
                    .isFalse();
            assertThat(caught.firstBrokenSeq()).isEqualTo(last);
        } finally {
            restore(last, ending);
        }
        assertThat(checks.run("officer", true).intact()).isTrue();
    }

    private void append(int n) {
        List<ReceivedEvent> events = IntStream.range(0, n)
                .mapToObj(i -> reader.of(AuditEventBuilder.rest("read", AuditEvent.AuditEventAction.R)
                        .requestor("nurse-1", null, "R8001", null)
                        .patient("p-" + i)
                        .build()))
                .toList();
        ledger.append(events);
    }

    private static long newestSeq() throws SQLException {
        try (Connection c = EmbeddedAuditDatabase.superuser(DATABASE);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("select max(seq) from audit_event")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** What an attacker with superuser rights could do: switch the triggers off and edit a record in place. */
    private static String tamper(long seq) throws SQLException {
        try (Connection c = EmbeddedAuditDatabase.superuser(DATABASE);
                Statement s = c.createStatement()) {
            String original;
            try (ResultSet rs = s.executeQuery("select resource from audit_event where seq = " + seq)) {
                rs.next();
                original = rs.getString(1);
            }
            update(c, seq, original.replace("R8001", "R8000"));
            return original;
        }
    }

    private static void restore(long seq, String original) throws SQLException {
        try (Connection c = EmbeddedAuditDatabase.superuser(DATABASE)) {
            update(c, seq, original);
        }
    }

    private static void update(Connection c, long seq, String resource) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica");
        }
        try (PreparedStatement update = c.prepareStatement("update audit_event set resource = ? where seq = ?")) {
            update.setString(1, resource);
            update.setLong(2, seq);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }
}
