package org.carerecord.consent.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.io.Resource;
import org.springframework.stereotype.Component;

/**
 * The role policy in force: {@code roles.json} (see {@code roles.schema.json}) at start-up, then whichever
 * version governance last approved ({@code whatif.PolicyVersions} makes it live). Each decision reads one
 * {@link #current()} version from start to end. A role that is not in it has no access: deny by default.
 */
@Component
public class RolePolicies {

    /** Pseudo-role of a patient reading their own record. */
    public static final String PATIENT = "PATIENT";
    /** Pseudo-role of a care-provider system client. */
    public static final String SYSTEM = "SYSTEM";
    /** Pseudo-role of a care-provider system records are sent out to (bulk export, notifications). */
    public static final String SYSTEM_DISCLOSURE = "SYSTEM_DISCLOSURE";

    /** Policy-wide settings: how recent care must be to count, and how long a break-glass lasts. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RelationshipSettings(int recentWindowDays) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record BreakGlassSettings(int windowMinutes, boolean overridesOptOut) {}

    /** An organisation the region's sharing agreement bars from the record (all of it; break-glass does not lift it). */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record OrganisationBar(String organisation, String reason) {}

    /** An unusual-access alert's threshold: this many events of one user within this many minutes. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AlertThreshold(int count, int windowMinutes) {}

    /**
     * The thresholds of the unusual-access alerts audit-service raises, governed with the policy (proposed,
     * replayed, approved, restored): refusals, distinct patients viewed, break-glass statements of one user.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record AlertThresholds(
            AlertThreshold repeatedRefusals, AlertThreshold manyPatients, AlertThreshold breakGlass) {
        public static final AlertThresholds DEFAULT = new AlertThresholds(
                new AlertThreshold(5, 30), new AlertThreshold(20, 60), new AlertThreshold(3, 7 * 24 * 60));

        /** Any threshold left out is the default's. */
        AlertThresholds orDefaults() {
            return new AlertThresholds(
                    repeatedRefusals == null ? DEFAULT.repeatedRefusals : repeatedRefusals,
                    manyPatients == null ? DEFAULT.manyPatients : manyPatients,
                    breakGlass == null ? DEFAULT.breakGlass : breakGlass);
        }
    }

    private final RolePolicySet shipped;
    private volatile RolePolicySet current;

    public RolePolicies(@Value("${care.consent.role-policy}") Resource file, ObjectMapper json) throws IOException {
        try (InputStream in = file.getInputStream()) {
            this.shipped = RolePolicySet.parse(json.readTree(in), json);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("role policy " + file + ": " + e.getMessage(), e);
        }
        this.current = shipped;
    }

    /** The version in force now. */
    public RolePolicySet current() {
        return current;
    }

    /** The version in the file this build ships (in force until governance approves another). */
    public RolePolicySet shipped() {
        return shipped;
    }

    /** Makes {@code policy} the one in force; the caller records, audits and broadcasts the change. */
    public void replace(RolePolicySet policy) {
        this.current = policy;
    }
}
