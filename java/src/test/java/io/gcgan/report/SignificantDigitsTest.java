package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The log axes' tick labels: three significant digits, plain notation. */
class SignificantDigitsTest {

    @Test
    void formatsThreeSignificantDigitsInPlainNotation() {
        Charts.SignificantDigits f = new Charts.SignificantDigits(3);
        assertEquals("2240", f.format(2238.7211));
        assertEquals("141", f.format(141.2538));
        assertEquals("0.0158", f.format(0.0158489));
        assertEquals("6.31", f.format(6.3096));
        assertEquals("1", f.format(1.0));
        assertEquals("0", f.format(0.0));
        assertEquals("0.000000001", f.format(1e-9));
        assertEquals("-2.5", f.format(-2.5));
        assertEquals("123000000", f.format(123456789L));
    }
}
