package org.carerecord.security.decision;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Categories of record a patient may restrict and a role may be barred from, recognised by the security
 * label the source system put on the record (HL7 v3 ActCode information sensitivity) or, when the sender
 * labelled nothing, by a SNOMED CT code for a condition of that kind anywhere in the record. The SNOMED
 * lists are a seed, not a value set expansion: labelling at source is the primary mechanism, and a
 * terminology server's subsumption check is the way to widen the net.
 */
public enum SensitiveCategory {
    MENTAL_HEALTH(
            "mental-health",
            "mental health",
            Set.of("PSY", "PSYTHPN", "MH"),
            Set.of("35489007", "69322001", "58214004", "13746004", "197480006", "191736004", "44376007")),
    SEXUAL_HEALTH(
            "sexual-health",
            "sexual health",
            Set.of("STD", "SEX", "SEXUAL"),
            Set.of("8098009", "15628003", "76272004", "240589008")),
    HIV("hiv", "HIV", Set.of("HIV"), Set.of("86406008", "165816005", "62479008")),
    SUBSTANCE_MISUSE(
            "substance-misuse",
            "substance misuse",
            Set.of("ETH", "SUD", "ETHUD", "OPIOIDUD", "SUBSTANCE"),
            Set.of("66590003", "26416006", "5602001", "191816009")),
    SAFEGUARDING("safeguarding", "safeguarding", Set.of("SDV", "SAFEGUARDING"), Set.of("397940009", "225830002"));

    /** Where the labels come from; a local code system carries labels v3 has no code for (safeguarding). */
    public static final String ACT_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActCode";

    public static final String LOCAL_LABEL_SYSTEM = "https://care-record.example.org/CodeSystem/sensitivity";
    public static final String SNOMED = "http://snomed.info/sct";

    private final String code;
    private final String display;
    private final Set<String> labels;
    private final Set<String> snomedCodes;

    SensitiveCategory(String code, String display, Set<String> labels, Set<String> snomedCodes) {
        this.code = code;
        this.display = display;
        this.labels = labels;
        this.snomedCodes = snomedCodes;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }

    public static Optional<SensitiveCategory> fromCode(String code) {
        for (SensitiveCategory c : values()) {
            if (c.code.equalsIgnoreCase(code) || c.name().equalsIgnoreCase(code)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The category a security label (v3 ActCode or the local system) marks, if any. */
    public static Optional<SensitiveCategory> ofLabel(String system, String labelCode) {
        if (labelCode == null || !(ACT_CODE_SYSTEM.equals(system) || LOCAL_LABEL_SYSTEM.equals(system))) {
            return Optional.empty();
        }
        String upper = labelCode.toUpperCase(Locale.ROOT);
        for (SensitiveCategory c : values()) {
            if (c.labels.contains(upper) || c.code.equalsIgnoreCase(labelCode)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The category a coded clinical concept belongs to, if it is one the seed lists know. */
    public static Optional<SensitiveCategory> ofConcept(String system, String conceptCode) {
        if (!SNOMED.equals(system) || conceptCode == null) {
            return Optional.empty();
        }
        for (SensitiveCategory c : values()) {
            if (c.snomedCodes.contains(conceptCode)) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    public static Set<SensitiveCategory> none() {
        return EnumSet.noneOf(SensitiveCategory.class);
    }
}
