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

    private final String version;
    private final Map<String, RolePolicy> roles;

    public RolePolicies(@Value("${care.consent.role-policy}") Resource file, ObjectMapper json) throws IOException {
        try (InputStream in = file.getInputStream()) {
            PolicyFile policy = json.readValue(in, PolicyFile.class);
            if (policy.version() == null || policy.roles() == null) {
                throw new IllegalStateException("role policy " + file + " needs a version and roles");
            }
            this.version = policy.version();
            this.roles = Map.copyOf(policy.roles());
        }
    }

    public Optional<RolePolicy> forRole(String code) {
        return Optional.ofNullable(code == null ? null : roles.get(code));
    }

    public String version() {
        return version;
    }

    /** A reference a governance officer can follow back to the file and the entry that decided. */
    public String reference(String code) {
        return "roles.json@" + version + "#" + code;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PolicyFile(String version, Map<String, RolePolicy> roles) {
    }
}
