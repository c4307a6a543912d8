package io.gcgan.nn;

import java.math.BigDecimal;

/** Formatting helpers that print values the way Python's repr does, for PyTorch-like module reprs. */
final class PyRepr {

    private PyRepr() {
    }

    /**
     * Python's {@code repr(float)}: the shortest round-tripping digits, positional for decimal exponents in
     * [-4, 16), scientific otherwise with a signed exponent of at least two digits (0.1, 1e-05, 1.5e+16).
     */
    static String pyFloat(double v) {
        if (Double.isNaN(v)) {
            return "nan";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        if (v == 0) {
            return (1 / v < 0) ? "-0.0" : "0.0";
        }
        // Double.toString gives the shortest digits that round-trip (JDK 19+), as Python's repr does.
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        int exponent = d.precision() - d.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String s = d.toPlainString();
            return s.contains(".") ? s : s + ".0";
        }
        String digits = d.unscaledValue().abs().toString();
        StringBuilder sb = new StringBuilder(d.signum() < 0 ? "-" : "");
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(exponent < 0 ? '-' : '+');
        int abs = Math.abs(exponent);
        return sb.append(abs < 10 ? "0" : "").append(abs).toString();
    }

    /** A Python tuple of ints: (4, 4), or (7,) for one element. */
    static String tuple(long... values) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(values[i]);
        }
        return sb.append(values.length == 1 ? ",)" : ")").toString();
    }

    static String bool(boolean b) {
        return b ? "True" : "False";
    }
}
