package org.carerecord.fhir.audit;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.carerecord.fhir.access.Requester;
import org.carerecord.fhir.balp.AuditEventFields;
import org.carerecord.security.audit.AuditVocabulary;
import org.carerecord.security.decision.AccessDecision;
import org.carerecord.security.decision.Decision;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.PurposeOfUse;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAction;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** fhir-server's record of one REST interaction, read back the way audit-service indexes it. */
class AuditEventFactoryTest {

    private static final CareClaims NURSE = new CareClaims(
            "nurse-1", "clinician-viewer", List.of(), "Practitioner/p1", "R8001", "RTD", PurposeOfUse.TREAT, null);

    private static SystemRequestDetails request(RestOperationTypeEnum operation, String url) {
        SystemRequestDetails request = new SystemRequestDetails();
        request.setRestOperationType(operation);
        request.setCompleteUrl(url);
        request.setRequestId("req-42");
        return request;
    }

    private static AccessDecision decision(Decision decision, String... obligations) {
        return new AccessDecision(
                "d-1",
                decision,
                "registered with the practice",
                "gp-registration",
                List.of("Patient", "Condition"),
                List.of(obligations),
                List.of(),
                false);
    }

    private static String extension(AuditEvent event, String url) {
        return event.hasExtension(url)
                ? ((StringType) event.getExtensionByUrl(url).getValue()).getValue()
                : null;
    }

    @ParameterizedTest(name = "{0} {1} → {2}, {3}, {4}")
    @CsvSource({
        "READ,          200, R, 0, PatientRead",
        "SEARCH_TYPE,   200, E, 0, PatientQuery",
        "CREATE,        201, C, 0, PatientCreate",
        "TRANSACTION,   200, C, 0, PatientCreate",
        "UPDATE,        200, U, 0, PatientUpdate",
        "DELETE,        403, D, 4, PatientDelete",
        "READ,          404, R, 4, PatientRead",
        "EXTENDED_OPERATION_INSTANCE, 500, E, 8, PatientQuery"
    })
    void theInteractionStatusAndPatternAreRecorded(
            RestOperationTypeEnum operation, int status, String action, String outcome, String profile) {
        AuditEvent event = AuditEventFactory.create(
                request(operation, "http://h/fhir/Patient/p-9"),
                new Requester(NURSE, PurposeOfUse.TREAT, null, "10.0.0.7", null),
                status,
                null,
                List.of(),
                List.of("p-9"),
                decision(Decision.PERMIT));

        assertThat(event.getAction()).isEqualTo(AuditEventAction.fromCode(action));
        assertThat(event.getOutcome()).isEqualTo(AuditEventOutcome.fromCode(outcome));
        assertThat(event.getMeta().getProfile().get(0).getValue()).endsWith("IHE.BasicAudit." + profile);
        assertThat(event.getSubtypeFirstRep().getCode()).isEqualTo(operation.getCode());
    }

    @Test
    void whoWhatWhyAndTheDecisionAreReadBackAsAuditServiceIndexesThem() {
        AuditEvent event = AuditEventFactory.create(
                request(RestOperationTypeEnum.SEARCH_TYPE, "http://h/fhir/Condition?patient=p-9&_count=5"),
                new Requester(NURSE, PurposeOfUse.TREAT, null, "10.0.0.7", null),
                200,
                null,
                List.of("Condition/c1", "Condition/c2"),
                List.of("p-9"),
                decision(Decision.PERMIT));

        assertThat(AuditEventFields.userId(event)).isEqualTo("nurse-1");
        assertThat(AuditEventFields.role(event)).isEqualTo("R8001");
        assertThat(AuditEventFields.organisation(event)).isEqualTo("RTD");
        assertThat(AuditEventFields.purposeOfUse(event)).isEqualTo("TREAT");
        assertThat(AuditEventFields.patientIds(event)).containsExactly("p-9");
        assertThat(AuditEventFields.requestor(event).getAltId()).isEqualTo("clinician-viewer");
        assertThat(AuditEventFields.requestor(event).getNetwork().getAddress()).isEqualTo("10.0.0.7");
        assertThat(event.getSource().getSite()).isEqualTo("fhir-server");
        assertThat(event.getEntity())
                .anySatisfy(e -> assertThat(new String(e.getQuery(), StandardCharsets.UTF_8))
                        .isEqualTo("patient=p-9&_count=5"));
        assertThat(event.getEntity())
                .anySatisfy(
                        e -> assertThat(e.getWhat().getIdentifier().getValue()).isEqualTo("req-42"));
        assertThat(event.getEntity())
                .filteredOn(e -> "4".equals(e.getRole().getCode()))
                .extracting(e -> e.getWhat().getReference())
                .containsExactly("Condition/c1", "Condition/c2");
        assertThat(extension(event, AuditVocabulary.DECISION_EXTENSION))
                .isEqualTo("PERMIT gp-registration: registered with the practice");
        assertThat(extension(event, AuditVocabulary.DECISION_ID_EXTENSION)).isEqualTo("d-1");
        assertThat(extension(event, AuditVocabulary.BREAK_GLASS_REASON_EXTENSION))
                .isNull();
        assertThat(extension(event, AuditVocabulary.CLAIMED_RELATIONSHIP_EXTENSION))
                .isNull();
    }

    @Test
    void aRequestInsideABreakGlassWindowIsRecordedAsBreakGlassThoughItDidNotSaySo() {
        AuditEvent event = AuditEventFactory.create(
                request(RestOperationTypeEnum.READ, "http://h/fhir/Patient/p-9"),
                new Requester(NURSE, PurposeOfUse.TREAT, null, null, null),
                200,
                null,
                List.of(),
                List.of("p-9"),
                decision(Decision.PERMIT, AccessDecision.BREAK_GLASS));

        assertThat(AuditEventFields.purposeOfUse(event)).isEqualTo("BTG");
        assertThat(event.getPurposeOfEventFirstRep().getCodingFirstRep().getCode())
                .isEqualTo("BTG");
    }

    @Test
    void aStatedBreakGlassKeepsItsReasonAndAStatedRelationshipIsKeptWhenTheDecisionRestsOnIt() {
        AuditEvent breakGlass = AuditEventFactory.create(
                request(RestOperationTypeEnum.READ, "http://h/fhir/Patient/p-9"),
                new Requester(NURSE, PurposeOfUse.ETREAT, "collapsed in A&E", null, null),
                200,
                null,
                List.of(),
                List.of("p-9"),
                decision(Decision.PERMIT, AccessDecision.BREAK_GLASS));
        assertThat(extension(breakGlass, AuditVocabulary.BREAK_GLASS_REASON_EXTENSION))
                .isEqualTo("collapsed in A&E");
        assertThat(AuditEventFields.purposeOfUse(breakGlass)).isEqualTo("ETREAT");

        AuditEvent stated = AuditEventFactory.create(
                request(RestOperationTypeEnum.READ, "http://h/fhir/Patient/p-9"),
                new Requester(NURSE, PurposeOfUse.TREAT, null, null, "booking his appointment"),
                200,
                null,
                List.of(),
                List.of("p-9"),
                decision(Decision.PERMIT, AccessDecision.SELF_CLAIMED_RELATIONSHIP));
        assertThat(extension(stated, AuditVocabulary.CLAIMED_RELATIONSHIP_EXTENSION))
                .isEqualTo("booking his appointment");

        AuditEvent notRelied = AuditEventFactory.create(
                request(RestOperationTypeEnum.READ, "http://h/fhir/Patient/p-9"),
                new Requester(NURSE, PurposeOfUse.TREAT, null, null, "booking his appointment"),
                200,
                null,
                List.of(),
                List.of("p-9"),
                decision(Decision.PERMIT));
        assertThat(extension(notRelied, AuditVocabulary.CLAIMED_RELATIONSHIP_EXTENSION))
                .as("a relationship stated but not needed is not flagged")
                .isNull();
    }

    @Test
    void aRequestWithoutAValidTokenRecordsWhereItCameFromAndWhatItAsked() {
        AuditEvent event = AuditEventFactory.unauthenticated(
                "DELETE", "/fhir/Patient/p-9", "_format=json", "req-7", "192.0.2.1", "invalid token");

        assertThat(event.getAction()).isEqualTo(AuditEventAction.D);
        assertThat(event.getOutcome()).isEqualTo(AuditEventOutcome._4);
        assertThat(event.getOutcomeDesc()).isEqualTo("invalid token (DELETE /fhir/Patient/p-9)");
        assertThat(AuditEventFields.userId(event)).isNull();
        assertThat(AuditEventFields.requestor(event).getWho().getDisplay()).startsWith("unauthenticated");
        assertThat(AuditEventFields.requestor(event).getNetwork().getAddress()).isEqualTo("192.0.2.1");
        assertThat(AuditEventFields.patientIds(event))
                .as("nothing was read, so no patient is named")
                .isEmpty();
        assertThat(event.getSource().getSite()).isEqualTo("fhir-server");
    }
}
