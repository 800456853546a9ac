package org.carerecord.consent.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
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
        List<RolePolicies.OrganisationBar> organisationBars,
        RolePolicies.AlertThresholds alerts,
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
        organisationBars = organisationBars == null ? List.of() : List.copyOf(organisationBars);
        for (RolePolicies.OrganisationBar bar : organisationBars) {
            if (bar.organisation() == null
                    || bar.organisation().isBlank()
                    || bar.reason() == null
                    || bar.reason().isBlank()) {
                throw new IllegalArgumentException(
                        "each organisation bar needs an organisation (ODS code) and a reason");
            }
        }
        alerts = (alerts == null ? RolePolicies.AlertThresholds.DEFAULT : alerts).orDefaults();
        for (RolePolicies.AlertThreshold threshold :
                List.of(alerts.repeatedRefusals(), alerts.manyPatients(), alerts.breakGlass())) {
            if (threshold.count() < 1 || threshold.windowMinutes() < 1) {
                throw new IllegalArgumentException("each alert threshold needs a count and windowMinutes of 1 or more");
            }
        }
    }

    /** The bar on this organisation, if the policy bars it. */
    public Optional<RolePolicies.OrganisationBar> barOn(String organisation) {
        return organisationBars.stream()
                .filter(bar -> bar.organisation().equals(organisation))
                .findFirst();
    }

    /** The policy file's JSON as a set; {@link IllegalArgumentException} naming what is wrong with it. */
    public static RolePolicySet parse(JsonNode file, ObjectMapper json) {
        try {
            PolicyFile policy = json.treeToValue(file, PolicyFile.class);
            return new RolePolicySet(
                    policy.version(),
                    policy.roles(),
                    policy.relationship(),
                    policy.breakGlass(),
                    policy.organisationBars(),
                    policy.alerts(),
                    file);
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
            Map<String, RolePolicy> roles,
            List<RolePolicies.OrganisationBar> organisationBars,
            RolePolicies.AlertThresholds alerts) {}
}
