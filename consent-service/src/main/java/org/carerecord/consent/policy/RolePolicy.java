package org.carerecord.consent.policy;

import java.util.List;

/** What one role may read. {@code ownRecordOnly}: the user may only see the patient they are. */
public record RolePolicy(String name, List<String> resourceTypes, boolean ownRecordOnly, String note) {

    public RolePolicy {
        resourceTypes = resourceTypes == null ? List.of() : List.copyOf(resourceTypes);
    }
}
