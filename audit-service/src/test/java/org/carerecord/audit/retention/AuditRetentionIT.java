package org.carerecord.audit.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.carerecord.audit.EmbeddedAuditDatabase;
import org.carerecord.audit.ledger.AuditLedger;
import org.carerecord.audit.ledger.ChainHash;
import org.carerecord.audit.ledger.ChainVerifier;
import org.carerecord.audit.ledger.DeliveryReader;
import org.carerecord.audit.ledger.ReceivedEvent;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Retention drops whole months of the trail and the chain still proves what remains: three months from
 * 2020 are written (by the test, as the owner, with valid links), two are dropped, and verify then checks
 * the rest from the anchored hash; a month dropped without its anchor is caught.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"care.audit.retention.months=0", "care.audit.alerts.enabled=false"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditRetentionIT {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        EmbeddedAuditDatabase.register(registry);
    }

    @Autowired
    AuditLedger ledger;

    @Autowired
    ChainVerifier verifier;

    @Autowired
    AuditPartitionMaintenance maintenance;

    @Autowired
    DeliveryReader reader;

    private final List<Long> februarySeqs = new ArrayList<>();
    private final List<AuditEvent> current = List.of(event(), event());

    @BeforeAll
    void threeOldMonthsThenToday() throws SQLException {
        String previous = ChainHash.GENESIS;
        try (Connection owner = EmbeddedAuditDatabase.superuser()) {
            for (String day : List.of("2020-01-10", "2020-02-10", "2020-03-10")) {
                try (Statement s = owner.createStatement()) {
                    s.execute("select audit_ensure_partition('" + day + "')");
                }
                for (int i = 0; i < 3; i++) {
                    previous = insertOld(
                            owner, Instant.parse(day + "T0" + i + ":00:00Z"), previous, day.startsWith("2020-02"));
                }
            }
        }
        assertThat(ledger.append(received(current))).isEqualTo(2);
    }

    @Test
    @Order(1)
    void theWholeChainVerifiesFromGenesis() {
        ChainVerifier.Result result = verifier.verify();
        assertThat(result.intact()).isTrue();
        assertThat(result.recordsChecked()).isEqualTo(11);
        assertThat(result.anchoredAfterSeq()).isNull();
    }

    @Test
    @Order(2)
    void monthsPastRetentionAreDroppedAndTheRestStillVerifiesFromTheAnchor() throws SQLException {
        List<AuditPartitionMaintenance.DroppedMonth> dropped =
                maintenance.dropMonthsBefore(OffsetDateTime.of(2020, 3, 1, 0, 0, 0, 0, ZoneOffset.UTC));

        assertThat(dropped)
                .extracting(AuditPartitionMaintenance.DroppedMonth::partition)
                .containsExactly("audit_event_2020_01", "audit_event_2020_02");
        assertThat(dropped)
                .extracting(AuditPartitionMaintenance.DroppedMonth::records)
                .containsExactly(3L, 3L);
        ChainVerifier.Result result = verifier.verify();
        assertThat(result.intact()).isTrue();
        assertThat(result.recordsChecked()).isEqualTo(5);
        assertThat(result.anchoredAfterSeq()).isEqualTo(februarySeqs.get(2));
        assertThat(count("select count(*) from audit_event_id")).isEqualTo(5);
    }

    @Test
    @Order(3)
    void redeliveryAfterRetentionStillStoresNothingTwiceAndTheChainGoesOn() {
        assertThat(ledger.append(received(current))).isZero();
        assertThat(ledger.append(received(List.of(event())))).isEqualTo(1);
        assertThat(verifier.verify().intact()).isTrue();
    }

    @Test
    @Order(4)
    void anchorsAreAppendOnlyAndTheApplicationRoleCannotDropMonths() throws SQLException {
        try (Connection owner = EmbeddedAuditDatabase.superuser();
                Statement s = owner.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("delete from audit_chain_anchor"))
                    .hasMessageContaining("append-only");
            s.execute("set role audit_app");
            assertThatThrownBy(() -> s.execute("select audit_drop_months_before(now())"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("drop table audit_event_2020_03"))
                    .hasMessageContaining("must be owner");
        }
    }

    @Test
    @Order(5)
    void monthsAreCreatedAheadAndTheCutoffKeepsWholeMonths() {
        maintenance.ensureMonthsAhead(LocalDate.of(2031, 5, 20));
        assertThat(count("select count(*) from pg_class where relname in "
                        + "('audit_event_2031_05', 'audit_event_2031_06', 'audit_event_2031_07')"))
                .isEqualTo(3);
        assertThat(AuditPartitionMaintenance.retentionCutoff(LocalDate.of(2026, 11, 25), 96))
                .isEqualTo(OffsetDateTime.of(2018, 11, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    @Test
    @Order(6)
    void aMonthDroppedBehindRetentionsBackIsFoundByVerify() throws SQLException {
        try (Connection owner = EmbeddedAuditDatabase.superuser();
                Statement s = owner.createStatement()) {
            s.execute("drop table audit_event_2020_03");
        }
        ChainVerifier.Result result = verifier.verify();
        assertThat(result.intact()).isFalse();
        assertThat(result.firstBrokenEventId())
                .isEqualTo(current.get(0).getIdElement().getIdPart());
    }

    private String insertOld(Connection owner, Instant receivedAt, String previous, boolean february)
            throws SQLException {
        String id = UUID.randomUUID().toString();
        String resource = "{\"resourceType\":\"AuditEvent\",\"id\":\"" + id + "\"}";
        String hash = ChainHash.next(previous, resource);
        try (PreparedStatement insert = owner.prepareStatement("""
                insert into audit_event (event_id, recorded, received_at, outcome, resource, prev_hash, hash)
                values (?, ?, ?, '0', ?, ?, ?) returning seq""")) {
            insert.setString(1, id);
            insert.setTimestamp(2, Timestamp.from(receivedAt));
            insert.setTimestamp(3, Timestamp.from(receivedAt));
            insert.setString(4, resource);
            insert.setString(5, previous);
            insert.setString(6, hash);
            var rs = insert.executeQuery();
            rs.next();
            if (february) {
                februarySeqs.add(rs.getLong(1));
            }
        }
        try (Statement s = owner.createStatement()) {
            s.execute("insert into audit_event_id values ('" + id + "')");
        }
        return hash;
    }

    private static long count(String sql) {
        try (Connection c = EmbeddedAuditDatabase.superuser();
                Statement s = c.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<ReceivedEvent> received(List<AuditEvent> events) {
        return events.stream().map(reader::of).toList();
    }

    private static AuditEvent event() {
        AuditEvent event = new AuditEvent();
        event.setId(UUID.randomUUID().toString());
        event.setRecorded(new Date());
        event.setOutcome(AuditEvent.AuditEventOutcome._0);
        event.addEntity().setWhat(new Reference("Patient/retention-test"));
        return event;
    }
}
