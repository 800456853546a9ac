package org.carerecord.security.decision;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StatedReasonTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Outpatient referral received today",
                "Unconscious in A&E",
                "Überweisung heute erhalten",
                "  Booking his outpatient appointment  "
            })
    void aReasonInWordsIsAccepted(String reason) {
        assertThat(StatedReason.readable(reason)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {".", "          ", "....!!!!....", "a b c d e f", "trying", "1234567890 12", "x", "referral"})
    void punctuationWhitespaceOrASingleWordIsNot(String reason) {
        assertThat(StatedReason.readable(reason)).isFalse();
    }
}
