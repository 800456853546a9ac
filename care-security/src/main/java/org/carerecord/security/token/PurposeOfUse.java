package org.carerecord.security.token;

import java.util.Locale;
import java.util.Optional;

/**
 * HL7 v3 PurposeOfUse codes the record recognises. Break-glass purposes override patient restrictions
 * (never on their own an opt-out) and are always audited and flagged for review.
 */
public enum PurposeOfUse {
    TREAT("treatment"),
    ETREAT("emergency treatment"),
    BTG("break the glass"),
    HPAYMT("healthcare payment"),
    HOPERAT("healthcare operations"),
    PUBHLTH("public health"),
    HRESCH("healthcare research"),
    PATRQT("patient requested"),
    HCOMPL("health compliance");

    public static final String SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ActReason";

    private final String display;

    PurposeOfUse(String display) {
        this.display = display;
    }

    public String display() {
        return display;
    }

    public boolean isBreakGlass() {
        return this == ETREAT || this == BTG;
    }

    public static Optional<PurposeOfUse> parse(String code) {
        if (code == null || code.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(code.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }
}
