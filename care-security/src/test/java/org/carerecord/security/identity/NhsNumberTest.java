package org.carerecord.security.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NhsNumberTest {

    @Test
    void acceptsNumbersWithTheRightCheckDigit() {
        assertThat(NhsNumber.isValid("9000000009")).isTrue();
        assertThat(NhsNumber.isValid("900 000 0017")).isTrue();
    }

    @Test
    void rejectsAWrongCheckDigitOrShape() {
        assertThat(NhsNumber.isValid("9000000001")).isFalse();
        assertThat(NhsNumber.isValid("900000000")).isFalse();
        assertThat(NhsNumber.isValid("90000000AB")).isFalse();
        assertThat(NhsNumber.isValid(null)).isFalse();
    }

    @Test
    void rejectsNumbersWhoseCheckDigitWouldBeTen() {
        // 100000001: weighted sum 10 + 1*2 = 12, 11 - (12 mod 11) = 10, so no tenth digit can be right
        assertThat(NhsNumber.isValid("1000000010")).isFalse();
    }
}
