package org.carerecord.consent.policy;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.carerecord.security.decision.SensitiveCategory;

/**
 * What one role may read.
 *
 * @param resourceTypes        resource types the role may see at all
 * @param sensitiveCategories  sensitive categories (see {@link SensitiveCategory}) it may see; others are withheld
 * @param relationshipRequired whether the user's organisation must have a legitimate relationship with the patient
 * @param mayBreakGlass        whether the role may override restrictions in an emergency
 * @param patientRestrictionsApply whether the patient's category restrictions and organisation bars bind
 *                             this role (not the patient themself, nor a provider system reading back)
 * @param ownRecordOnly        the user may only see the patient they are
 */
public record RolePolicy(
        String name,
        List<String> resourceTypes,
        List<String> sensitiveCategories,
        boolean relationshipRequired,
        boolean mayBreakGlass,
        boolean patientRestrictionsApply,
        boolean ownRecordOnly,
        String note) {

    public RolePolicy {
        resourceTypes = resourceTypes == null ? List.of() : List.copyOf(resourceTypes);
        sensitiveCategories = sensitiveCategories == null ? List.of() : List.copyOf(sensitiveCategories);
        for (String category : sensitiveCategories) {
            SensitiveCategory.fromCode(category)
                    .orElseThrow(() -> new IllegalStateException("unknown sensitive category " + category));
        }
    }

    public Set<SensitiveCategory> permittedCategories() {
        Set<SensitiveCategory> permitted = EnumSet.noneOf(SensitiveCategory.class);
        sensitiveCategories.forEach(
                code -> permitted.add(SensitiveCategory.fromCode(code).orElseThrow()));
        return permitted;
    }
}
