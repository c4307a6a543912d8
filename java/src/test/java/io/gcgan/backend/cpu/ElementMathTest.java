package io.gcgan.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.UnaryOp;

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

    /**
     * The scalar definitions {@code unary} and {@code binary} (the backend's reference for every op, and the
     * fallback of the block loops) for the ops whose block loops are written out separately, so that the backend
     * itself never calls their scalar case: each equals its closed form bit for bit, and its block loop.
     */
    @Test
    void scalarDefinitionsOfTheOpsWithTheirOwnBlockLoops() {
        double slope = (float) 0.2;
        double[] xs = {-3.5, -1, -Double.MIN_VALUE, -0.0, 0.0, Double.MIN_VALUE, 0.25, 2, Double.NEGATIVE_INFINITY,
            Double.POSITIVE_INFINITY, Double.NaN};
        for (double x : xs) {
            double[] block = new double[1];
            for (UnaryOp op : new UnaryOp[] {UnaryOp.NEG, UnaryOp.RELU, UnaryOp.LEAKY_RELU}) {
                double want = switch (op) {
                    case NEG -> -x;
                    case RELU -> x < 0 ? 0.0 : x;
                    default -> x < 0 ? x * slope : x;
                };
                same("unary " + op, x, want, ElementMath.unary(op, x, slope, 0));
                block[0] = x;
                ElementMath.unaryBlock(op, block, 1, slope, 0);
                same("unaryBlock " + op, x, want, block[0]);
            }
            for (double y : xs) {
                for (BinaryOp op : new BinaryOp[] {BinaryOp.LT, BinaryOp.LE, BinaryOp.GT, BinaryOp.GE}) {
                    boolean holds = switch (op) {
                        case LT -> x < y;
                        case LE -> x <= y;
                        case GT -> x > y;
                        default -> x >= y;
                    };
                    double want = holds ? 1.0 : 0.0;
                    same("binary " + op + " " + y, x, want, ElementMath.binary(op, x, y));
                    double[] a = {x};
                    ElementMath.binaryBlock(op, a, new double[] {y}, 1);
                    same("binaryBlock " + op + " " + y, x, want, a[0]);
                }
            }
        }
    }
}
