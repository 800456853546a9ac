package org.carerecord.fhir.access;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.carerecord.security.token.CareClaims;
import org.carerecord.security.token.PurposeOfUse;
import org.carerecord.security.token.SmartScope;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Step 1 of every request as a table: the token's scopes, the interaction asked for and on what, and whether
 * it passes (the status a refusal answers with otherwise). A user's token is {@code user/...}; a care
 * provider's system has {@code system/...} and a client id of its own.
 */
class ScopeInterceptorTest {

    private final ScopeInterceptor interceptor = new ScopeInterceptor();

    private static CareClaims claims(String scopes) {
        List<SmartScope> granted = Stream.of(scopes.split(" "))
                .map(SmartScope::parse)
                .flatMap(Optional::stream)
                .toList();
        boolean system = scopes.startsWith("system/");
        return new CareClaims(
                system ? "rtd-pas" : "nurse-1",
                system ? "rtd-pas" : "clinician-viewer",
                granted,
                system ? null : "Practitioner/p1",
                system ? null : "R8001",
                "RTD",
                PurposeOfUse.TREAT,
                null);
    }

    private static SystemRequestDetails request(
            String scopes, RestOperationTypeEnum operation, String type, String operationName) {
        SystemRequestDetails request = new SystemRequestDetails();
        request.setRestOperationType(operation);
        request.setResourceName(type);
        request.setOperation(operationName);
        return new Requester(claims(scopes), PurposeOfUse.TREAT, null, null, null).attachTo(request);
    }

    private void check(SystemRequestDetails request) {
        interceptor.checkScopes(request, request.getRestOperationType());
    }

    @ParameterizedTest(name = "{0} · {1} {2} {3} → {4}")
    @CsvSource(
            nullValues = "-",
            value = {
                // scopes,                         interaction,                 type,         operation,     status
                // (200: passes)
                "user/Condition.rs,                 READ,                        Condition,    -,             200",
                "user/Condition.rs,                 SEARCH_TYPE,                 Condition,    -,             200",
                "user/Condition.r,                  SEARCH_TYPE,                 Condition,    -,             403",
                "user/Condition.s,                  READ,                        Condition,    -,             403",
                "user/Condition.rs,                 READ,                        Observation,  -,             403",
                "user/*.rs,                         READ,                        Observation,  -,             200",
                "user/*.rs,                         CREATE,                      Observation,  -,             403",
                "user/*.rs,                         DELETE,                      Condition,    -,             403",
                "user/*.rs,                         SEARCH_SYSTEM,               -,            -,             403",
                "user/*.rs,                         METADATA,                    -,            -,             200",
                "-,                                 METADATA,                    -,            -,             200",
                "user/*.rs,                         GET_PAGE,                    -,            -,             200",
                "user/*.rs,                         EXTENDED_OPERATION_INSTANCE, Patient,      $everything,   200",
                "user/*.rs,                         EXTENDED_OPERATION_INSTANCE, Patient,      $summary,      200",
                "user/Condition.rs,                 EXTENDED_OPERATION_INSTANCE, Patient,      $summary,      403",
                "user/*.rs,                         EXTENDED_OPERATION_SERVER,   -,            $expunge,      403",
                "user/*.rs,                         EXTENDED_OPERATION_TYPE,     Patient,      $reindex,      403",
                "user/*.rs,                         EXTENDED_OPERATION_SERVER,   -,            $import,       403",
                "system/Condition.cu,               EXTENDED_OPERATION_SERVER,   -,            $import,       200",
                "system/Condition.cu,               EXTENDED_OPERATION_SERVER,   -,            $load,         200",
                "system/Condition.cu,               EXTENDED_OPERATION_TYPE,     Condition,    $load,         403",
                "system/Condition.cu,               CREATE,                      Condition,    -,             200",
                "system/Condition.cu,               UPDATE,                      Condition,    -,             200",
                "system/Condition.cu,               READ,                        Condition,    -,             403",
                "system/Condition.cu,               CREATE,                      Patient,      -,             403",
                "user/*.rs,                         GRAPHQL_REQUEST,             -,            -,             403",
            })
    void theScopesDecideTheInteraction(
            String scopes, RestOperationTypeEnum operation, String type, String operationName, int status) {
        SystemRequestDetails request = request(scopes == null ? "openid" : scopes, operation, type, operationName);
        if (status == 200) {
            assertThatCode(() -> check(request)).doesNotThrowAnyException();
        } else {
            assertThatThrownBy(() -> check(request))
                    .isInstanceOfSatisfying(
                            BaseServerResponseException.class,
                            refused -> org.assertj.core.api.Assertions.assertThat(refused.getStatusCode())
                                    .isEqualTo(status));
        }
    }

    /** A resource with content (HAPI treats an empty one as absent). */
    private static Condition condition() {
        Condition condition = new Condition();
        condition.getCode().setText("asthma");
        return condition;
    }

    @Test
    void aTransactionPassesOnlyIfTheScopesCoverEveryEntry() {
        Bundle conditionsOnly = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        conditionsOnly
                .addEntry()
                .setResource(condition())
                .getRequest()
                .setMethod(HTTPVerb.POST)
                .setUrl("Condition");
        conditionsOnly.addEntry().getRequest().setMethod(HTTPVerb.DELETE).setUrl("Condition/c1");
        SystemRequestDetails allowed = request("system/Condition.cud", RestOperationTypeEnum.TRANSACTION, null, null);
        allowed.setResource(conditionsOnly);
        assertThatCode(() -> check(allowed)).doesNotThrowAnyException();

        conditionsOnly
                .addEntry()
                .setResource(new Patient().setActive(true))
                .getRequest()
                .setMethod(HTTPVerb.PUT)
                .setUrl("Patient/p1");
        SystemRequestDetails withAPatient =
                request("system/Condition.cud", RestOperationTypeEnum.TRANSACTION, null, null);
        withAPatient.setResource(conditionsOnly);
        assertThatThrownBy(() -> check(withAPatient)).hasMessageContaining("update on Patient");
    }

    @Test
    void aMalformedTransactionIsAClientErrorNotAServerOne() {
        Bundle noMethod = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        noMethod.addEntry().setResource(condition());
        Bundle postWithoutResource = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        postWithoutResource.addEntry().getRequest().setMethod(HTTPVerb.POST).setUrl("Condition");
        Bundle nested = new Bundle().setType(Bundle.BundleType.TRANSACTION);
        nested.addEntry()
                .setResource(new Bundle())
                .getRequest()
                .setMethod(HTTPVerb.POST)
                .setUrl("Bundle");
        Bundle getWithoutUrl = new Bundle().setType(Bundle.BundleType.BATCH);
        getWithoutUrl.addEntry().getRequest().setMethod(HTTPVerb.GET);

        for (Bundle bad : List.of(noMethod, postWithoutResource, nested, getWithoutUrl)) {
            SystemRequestDetails request = request("system/*.cruds", RestOperationTypeEnum.TRANSACTION, null, null);
            request.setResource(bad);
            assertThatThrownBy(() -> check(request))
                    .isInstanceOfSatisfying(
                            BaseServerResponseException.class,
                            refused -> org.assertj.core.api.Assertions.assertThat(refused.getStatusCode())
                                    .isEqualTo(400));
        }
        SystemRequestDetails notABundle = request("system/*.cruds", RestOperationTypeEnum.TRANSACTION, null, null);
        notABundle.setResource(new Patient());
        assertThatThrownBy(() -> check(notABundle)).hasMessageContaining("must be a Bundle");
    }
}
