package org.carerecord.fhir.error;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.sql.BatchUpdateException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;

class UnexpectedErrorInterceptorTest {

    private final UnexpectedErrorInterceptor interceptor = new UnexpectedErrorInterceptor();

    @Test
    void aWriteTheDatabaseRefusedStaysA409WithoutItsSql() {
        // as HAPI wraps it (HapiTransactionService, HAPI-0550): the database's message, SQL and values, as its own
        String sql =
                "could not execute batch [Batch entry 0 insert into HFJ_SPIDX_STRING (SP_VALUE_EXACT) values ('N')]";
        ResourceVersionConflictException refused = new ResourceVersionConflictException(
                "HAPI-0550: " + sql, new DataIntegrityViolationException(sql, new BatchUpdateException()), null);
        SystemRequestDetails request = new SystemRequestDetails();
        request.setRequestId("req-1");

        BaseServerResponseException answered = interceptor.mask(request, refused);

        assertThat(answered.getStatusCode()).isEqualTo(409);
        assertThat(answered.getMessage())
                .contains("req-1")
                .doesNotContainIgnoringCase("insert")
                .doesNotContain("HFJ");
    }

    @Test
    void aVersionConflictOfHapisOwnKeepsItsMessage() {
        ResourceVersionConflictException conflict = new ResourceVersionConflictException(
                "Trying to update Patient/1/_history/1 but this is not the current version");
        BaseServerResponseException answered = interceptor.mask(new SystemRequestDetails(), conflict);
        assertThat(answered.getMessage()).contains("not the current version");
    }
}
