package org.carerecord.e2e.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.carerecord.e2e.support.Audit;
import org.carerecord.e2e.support.Fhir;
import org.carerecord.e2e.support.RunningStack;
import org.carerecord.launcher.service.CareRecordStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The trail cannot be changed by the application, and a change made behind its back is found. */
@ExtendWith(RunningStack.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditTamperIT {

    private CareRecordStack stack;

    @BeforeAll
    void auditSomeReads(CareRecordStack stack) {
        this.stack = stack;
        String token = stack.tokens().token("gp-system");
        for (int i = 0; i < 3; i++) {
            assertThat(Fhir.get(stack.fhirBaseUrl() + "/Organization?name=tamper" + i, token)
                            .status())
                    .isEqualTo(200);
        }
        Audit.awaitRecords(stack, 3);
    }

    @Test
    void theApplicationRoleCannotUpdateDeleteOrTruncate() throws SQLException {
        try (Connection c = stack.connect("audit");
                Statement s = c.createStatement()) {
            c.setAutoCommit(true);
            s.execute("set role audit_app");
            assertThatThrownBy(() -> s.executeUpdate("update audit_event set outcome = '8'"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.executeUpdate("delete from audit_event"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("truncate audit_event")).hasMessageContaining("permission denied");
        }
    }

    @Test
    void evenTheOwnerIsRefusedByTheTriggers() throws SQLException {
        try (Connection c = stack.connect("audit");
                Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("update audit_event set outcome = '8'"))
                    .hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("delete from audit_event")).hasMessageContaining("append-only");
        }
    }

    @Test
    void verifyNamesTheExactRecordASuperuserEdited() throws SQLException {
        try (Connection c = stack.connect("audit")) {
            long seq;
            String eventId;
            String original;
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "select seq, event_id, resource from audit_event order by seq offset 1 limit 1")) {
                assertThat(rs.next()).isTrue();
                seq = rs.getLong(1);
                eventId = rs.getString(2);
                original = rs.getString(3);
            }
            try {
                String edited = original.replaceFirst("\"value\":\"[^\"]+\"", "\"value\":\"someone.else\"");
                assertThat(edited).isNotEqualTo(original);
                rewrite(c, seq, edited);
                Fhir.Response verify = Fhir.get(
                        stack.auditUrl() + "/audit/verify", stack.tokens().token("privacy.officer"));
                assertThat(verify.status()).isEqualTo(200);
                assertThat(verify.body().path("intact").asBoolean()).isFalse();
                assertThat(verify.body().path("firstBrokenSeq").asLong()).isEqualTo(seq);
                assertThat(verify.body().path("firstBrokenEventId").asText()).isEqualTo(eventId);
            } finally {
                rewrite(c, seq, original); // leave the chain as the other tests expect it
            }
        }
    }

    /** What an attacker with superuser rights could do: switch the triggers off and edit in place. */
    private static void rewrite(Connection c, long seq, String resource) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("set session_replication_role = replica"); // triggers off, for this session only
            try (PreparedStatement update = c.prepareStatement("update audit_event set resource = ? where seq = ?")) {
                update.setString(1, resource);
                update.setLong(2, seq);
                assertThat(update.executeUpdate()).isEqualTo(1);
            } finally {
                s.execute("set session_replication_role = origin");
            }
        }
    }
}
