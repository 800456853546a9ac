package org.carerecord.fhir.access;

import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import java.util.Optional;
import org.carerecord.security.token.Interaction;

/** Which SMART interaction a HAPI REST operation needs. */
final class InteractionMapping {

    private InteractionMapping() {}

    static Optional<Interaction> of(RestOperationTypeEnum operation) {
        return Optional.ofNullable(
                switch (operation) {
                    case READ, VREAD, HISTORY_INSTANCE, HISTORY_TYPE -> Interaction.READ;
                    case SEARCH_TYPE, SEARCH_SYSTEM, GET_PAGE -> Interaction.SEARCH;
                    case CREATE -> Interaction.CREATE;
                    case UPDATE, PATCH -> Interaction.UPDATE;
                    case DELETE -> Interaction.DELETE;
                    default -> null;
                });
    }
}
