package org.carerecord.consent.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;

/**
 * The role policy, loaded once from {@code roles.json} (see {@code roles.schema.json}). A role that is
 * not in the file has no access: deny by default.
 */
@Component
public class RolePolicies {

    /** Pseudo-role of a patient reading their own record. */
    public static final String PATIENT = "PATIENT";
    /** Pseudo-role of a care-provider system client. */
    public static final String SYSTEM = "SYSTEM";

    /** Policy-wide settings: how recent care must be to count, and how long a break-glass lasts. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RelationshipSettings(int recentWindowDays) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BreakGlassSettings(int windowMinutes, boolean overridesOptOut) {}

    private final String version;
    private final Map<String, RolePolicy> roles;
    private final RelationshipSettings relationship;
    private final BreakGlassSettings breakGlass;

    public RolePolicies(@Value("${care.consent.role-policy}") Resource file, ObjectMapper json) throws IOException {
        try (InputStream in = file.getInputStream()) {
            PolicyFile policy = json.readValue(in, PolicyFile.class);
            if (policy.version() == null
                    || policy.roles() == null
                    || policy.relationship() == null
                    || policy.breakGlass() == null) {
                throw new IllegalStateException(
                        "role policy " + file + " needs a version, relationship, breakGlass and roles");
            }
            this.version = policy.version();
            this.roles = Map.copyOf(policy.roles());
            this.relationship = policy.relationship();
            this.breakGlass = policy.breakGlass();
        }
    }

    public Optional<RolePolicy> forRole(String code) {
        return Optional.ofNullable(code == null ? null : roles.get(code));
    }

    public String version() {
        return version;
    }

    public RelationshipSettings relationship() {
        return relationship;
    }

    public BreakGlassSettings breakGlass() {
        return breakGlass;
    }

    /** A reference a governance officer can follow back to the file and the entry that decided. */
    public String reference(String code) {
        return "roles.json@" + version + "#" + code;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PolicyFile(
            String version,
            RelationshipSettings relationship,
            BreakGlassSettings breakGlass,
            Map<String, RolePolicy> roles) {}
}
