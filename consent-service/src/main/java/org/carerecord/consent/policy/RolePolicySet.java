package org.carerecord.consent.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import java.util.Optional;

/**
 * One version of the role policy: the parsed {@code roles.json} (see {@code roles.schema.json}). A role that
 * is not in it has no access: deny by default. Immutable, so a decision reads one version from start to end
 * and a proposed version can be replayed beside the live one.
 */
public record RolePolicySet(
        String version,
        Map<String, RolePolicy> roles,
        RolePolicies.RelationshipSettings relationship,
        RolePolicies.BreakGlassSettings breakGlass,
        JsonNode source) {

    public RolePolicySet {
        if (version == null || version.isBlank() || roles == null || relationship == null || breakGlass == null) {
            throw new IllegalArgumentException("a role policy needs a version, relationship, breakGlass and roles");
        }
        if (relationship.recentWindowDays() < 0 || breakGlass.windowMinutes() <= 0) {
            throw new IllegalArgumentException(
                    "relationship.recentWindowDays must be 0 or more and breakGlass.windowMinutes more than 0");
        }
        roles = Map.copyOf(roles);
    }

    /** The policy file's JSON as a set; {@link IllegalArgumentException} naming what is wrong with it. */
    public static RolePolicySet parse(JsonNode file, ObjectMapper json) {
        try {
            PolicyFile policy = json.treeToValue(file, PolicyFile.class);
            return new RolePolicySet(
                    policy.version(), policy.roles(), policy.relationship(), policy.breakGlass(), file);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a role policy: " + e.getOriginalMessage(), e);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("not a role policy: " + e.getMessage(), e);
        }
    }

    /** The same policy under another version name (what an approval or a restore makes live). */
    public RolePolicySet asVersion(String newVersion, ObjectMapper json) {
        JsonNode renamed = source.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) renamed).put("version", newVersion);
        return parse(renamed, json);
    }

    public Optional<RolePolicy> forRole(String code) {
        return Optional.ofNullable(code == null ? null : roles.get(code));
    }

    /** A reference a governance officer can follow back to the file and the entry that decided. */
    public String reference(String code) {
        return "roles.json@" + version + "#" + code;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record PolicyFile(
            String version,
            RolePolicies.RelationshipSettings relationship,
            RolePolicies.BreakGlassSettings breakGlass,
            Map<String, RolePolicy> roles) {}
}
