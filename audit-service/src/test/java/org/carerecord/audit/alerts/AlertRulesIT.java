package org.carerecord.audit.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.carerecord.audit.EmbeddedAuditDatabase;
import org.carerecord.audit.ledger.AuditLedger;
import org.carerecord.audit.ledger.DeliveryReader;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The unusual-access rules against a real trail (embedded PostgreSQL, records appended through the
 * ledger as fhir-server's deliveries are): each rule fires at its threshold and not below it, repeats
 * fold into one alert, and a night worker's usual hours are not flagged. Users are unique per test, so
 * the tests share one trail. (The family-lookup rule needs the record server: see GovernanceConsoleIT.)
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"care.audit.retention.months=0", "care.audit.alerts.enabled=false"})
class AlertRulesIT {

    private static final ZoneId REGION =
            org.carerecord.security.region.CareRegion.standard().zone(); // the default the service runs with

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        EmbeddedAuditDatabase.register(registry);
    }

    @Autowired
    AuditLedger ledger;

    @Autowired
    DeliveryReader reader;

    @Autowired
    UnusualAccessDetector detector;

    @Autowired
    AccessAlerts alerts;

    /** Working hours, so only the rule under test can fire (the out-of-hours rule is tested on its own). */
    private final Instant midday =
            LocalDate.now(REGION).minusDays(1).atTime(12, 0).atZone(REGION).toInstant();

    @Test
    void twentyDistinctPatientsInAnHourRaiseOneAlertThatGrowsNineteenDoNot() {
        String busy = user();
        String steady = user();
        List<AuditEvent> views = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            views.add(view(busy, "patient-" + i, midday.plus(Duration.ofMinutes(2L * i))));
        }
        for (int i = 0; i < 19; i++) {
            views.add(view(steady, "patient-" + i, midday.plus(Duration.ofMinutes(2L * i))));
        }
        append(views);
        assertThat(alertsOf(busy, "many-patients")).singleElement().satisfies(a -> {
            assertThat(a.summary()).isEqualTo("Viewed 20 different patients' records within 60 minutes");
            assertThat(a.eventIds()).hasSize(20);
        });
        assertThat(alertsOf(steady, "many-patients")).isEmpty();

        append(List.of(view(busy, "patient-20", midday.plus(Duration.ofMinutes(41)))));
        assertThat(alertsOf(busy, "many-patients"))
                .singleElement()
                .satisfies(a -> assertThat(a.eventIds()).hasSize(21));
    }

    @Test
    void fiveRefusalsInHalfAnHourRaiseAnAlertFourDoNot() {
        String refused = user();
        String unlucky = user();
        List<AuditEvent> views = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            views.add(refusal(refused, "p-" + i, midday.plus(Duration.ofMinutes(i))));
        }
        for (int i = 0; i < 4; i++) {
            views.add(refusal(unlucky, "p-" + i, midday.plus(Duration.ofMinutes(i))));
        }
        append(views);
        assertThat(alertsOf(refused, "repeated-denials"))
                .singleElement()
                .satisfies(a -> assertThat(a.summary()).isEqualTo("Refused 5 times within 30 minutes"));
        assertThat(alertsOf(unlucky, "repeated-denials")).isEmpty();
    }

    @Test
    void threeBreakGlassInAWeekRaiseAnAlert() {
        String frequent = user();
        List<AuditEvent> views = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            AuditEvent e = view(frequent, "bg-" + i, midday.minus(Duration.ofDays(i)));
            e.addExtension(AuditVocabulary.BREAK_GLASS_REASON_EXTENSION, new StringType("Unconscious in A&E"));
            views.add(e);
        }
        append(views.subList(0, 2));
        assertThat(alertsOf(frequent, "frequent-break-glass")).isEmpty();
        append(views.subList(2, 3));
        assertThat(alertsOf(frequent, "frequent-break-glass"))
                .singleElement()
                .satisfies(a ->
                        assertThat(a.summary()).isEqualTo("Used emergency access (break-glass) 3 times within 7 days"));
    }

    @Test
    void aStatedRelationshipIsFlaggedWithItsPatient() {
        String clerk = user();
        AuditEvent e = view(clerk, "stated-1", midday);
        e.addExtension(AuditVocabulary.CLAIMED_RELATIONSHIP_EXTENSION, new StringType("Booking his appointment"));
        append(List.of(e, view(clerk, "ordinary-1", midday)));
        assertThat(alertsOf(clerk, "no-relationship")).singleElement().satisfies(a -> {
            assertThat(a.patientId()).isEqualTo("stated-1");
            assertThat(a.eventIds()).containsExactly(e.getIdElement().getIdPart());
        });
    }

    @Test
    void aNightViewIsFlaggedForADayWorkerButNotForSomeoneWhoAlwaysWorksNights() {
        LocalDate yesterday = LocalDate.now(REGION).minusDays(1);
        Instant threeAm = yesterday.atTime(3, 10).atZone(REGION).toInstant();
        String dayWorker = user();
        String nightWorker = user();
        List<AuditEvent> history = new ArrayList<>();
        for (int day = 2; day <= 26; day++) {
            history.add(view(
                    nightWorker,
                    "night-" + day,
                    yesterday.minusDays(day).atTime(3, 5).atZone(REGION).toInstant()));
            history.add(view(
                    dayWorker,
                    "day-" + day,
                    yesterday.minusDays(day).atTime(11, 0).atZone(REGION).toInstant()));
        }
        append(history);
        append(List.of(view(dayWorker, "late-1", threeAm), view(nightWorker, "late-2", threeAm)));

        assertThat(alertsOf(dayWorker, "out-of-hours")).singleElement().satisfies(a -> {
            assertThat(a.summary()).startsWith("Viewed records at 03:10, outside working hours (07:00–19:00)");
            assertThat(a.patientId()).isEqualTo("late-1");
        });
        assertThat(alertsOf(nightWorker, "out-of-hours"))
                .noneMatch(a -> a.firstSeen().equals(threeAm));
    }

    private void append(List<AuditEvent> events) {
        ledger.append(events.stream().map(reader::of).toList());
        detector.catchUp();
    }

    private List<AccessAlerts.Stored> alertsOf(String user, String rule) {
        return alerts.list(false, rule, 10_000).stream()
                .filter(a -> a.userId().equals(user))
                .toList();
    }

    private static String user() {
        return "rules-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static AuditEvent refusal(String user, String patient, Instant at) {
        return view(user, patient, at).setOutcome(AuditEvent.AuditEventOutcome._4);
    }

    /** A clinician's read of one patient's record, shaped as fhir-server records it. */
    private static AuditEvent view(String user, String patient, Instant at) {
        AuditEvent event = new AuditEvent();
        event.setId(UUID.randomUUID().toString());
        event.setRecorded(Date.from(at));
        event.setAction(AuditEvent.AuditEventAction.R);
        event.setOutcome(AuditEvent.AuditEventOutcome._0);
        AuditEvent.AuditEventAgentComponent requestor = event.addAgent().setRequestor(true);
        requestor
                .getWho()
                .setIdentifier(
                        new Identifier().setSystem(AuditVocabulary.USER_SYSTEM).setValue(user));
        requestor.addRole(new CodeableConcept(new Coding(AuditVocabulary.SDS_ROLE_SYSTEM, "R8001", null)));
        requestor.addPurposeOfUse(new CodeableConcept(new Coding(PurposeOfUse.SYSTEM, "TREAT", null)));
        event.addAgent()
                .getWho()
                .setIdentifier(
                        new Identifier().setSystem(AuditVocabulary.ODS_SYSTEM).setValue("RTD"));
        event.addEntity().setWhat(new Reference("Patient/" + patient));
        return event;
    }
}
