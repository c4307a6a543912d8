package io.gcgan.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The branch-free sign selections of {@link ElementMath} return, bit for bit, what the branches they replace return:
 * over every special value (signed zeros, denormals, infinities, NaNs of both signs and several payloads) and a
 * million random bit patterns, which reach every exponent and sign.
 */
class ElementMathTest {

    private static List<Double> values() {
        List<Double> v = new ArrayList<>();
        long[] bits = {0L, Long.MIN_VALUE, 1L, Long.MIN_VALUE + 1, 0x7FF0000000000000L, 0xFFF0000000000000L,
            0x7FF0000000000001L, 0xFFF0000000000001L, 0x7FF8000000000000L, 0xFFF8000000000000L, 0x7FFFFFFFFFFFFFFFL,
            0xFFFFFFFFFFFFFFFFL, 0x7FEFFFFFFFFFFFFFL, 0xFFEFFFFFFFFFFFFFL, 0x0010000000000000L, 0x8010000000000000L,
            0x3FF0000000000000L, 0xBFF0000000000000L};
        for (long b : bits) {
            v.add(Double.longBitsToDouble(b));
        }
        Random rnd = new Random(5);
        for (int i = 0; i < 1_000_000; i++) {
            v.add(Double.longBitsToDouble(rnd.nextLong()));
        }
        return v;
    }

    private static void same(String what, double x, double want, double got) {
        assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got),
                () -> what + "(" + Long.toHexString(Double.doubleToRawLongBits(x)) + "): " + got + " vs " + want);
    }

    @Test
    void branchFreeSelectionsEqualTheirBranches() {
        double slope = (float) 0.2;
        for (double x : values()) {
            same("relu", x, x < 0 ? 0.0 : x, ElementMath.relu(x));
            same("leakyRelu", x, x < 0 ? x * slope : x, ElementMath.leakyRelu(x, slope));
            same("selectPositive", x, x > 0 ? 1.0 : slope, ElementMath.selectPositive(x, 1.0, slope));
            same("selectPositive -0", x, x > 0 ? -0.0 : Double.NaN, ElementMath.selectPositive(x, -0.0, Double.NaN));
        }
    }
}
