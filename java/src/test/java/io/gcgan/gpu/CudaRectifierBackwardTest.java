package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.gcgan.backend.Backend;
import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fused rectifierBackward on CUDA (kernels/src/rectifier.cu), {@code out = g * (x > 0 ? positive : other)}, bit
 * for bit against two references on the same values:
 * <ul>
 *   <li>the CPU backend's rectifierBackward, with every NaN counted equal to every NaN (the GPU produces a canonical
 *       NaN where the CPU passes a payload on, and inf * 0 gives NaNs of different signs; which NaN is unspecified);
 *   </li>
 *   <li>the composed sequence it replaces, run on the CUDA backend itself: mask = binary GT(x, a broadcast 0),
 *       factor = where(mask, positive, other) (constants as one-element storages of the dtype), out = binary
 *       MUL(g, factor). Here the raw bits must agree, NaNs included: both do one double multiply of the same
 *       operands in the same order.</li>
 * </ul>
 * Sizes 0, 1, odd, around a block (256) and about 3M; both dtypes; ReLU's factors (1, 0), LeakyReLU's as its
 * composed form rounds them, and others (negative, -0, overflowing, underflowing into denormals). Inputs mix
 * integers (exact zeros), uniform values and special values (+-0, +-inf, NaN of both signs, denormals, the largest
 * finite value); a separate case takes every special x against every special g. Outputs are NaN-filled first; the
 * inputs must be unchanged afterwards; out = g (in place) gives the out-of-place bits. Factors that the dtype cannot
 * hold (0.1 in float32) are rounded to it first by both backends, as the composed form's where stores them, so they
 * are compared with the composed form too.
 */
@GpuTest
class CudaRectifierBackwardTest {

    /** Sizes: empty, one, odd, around a block of 256 threads, and large (about 3M). */
    static final int[] SIZES = {0, 1, 7, 255, 257, 65_537, 3_000_017};

    /** The largest size gets only the factors the models use. */
    static final int LARGE = 1_000_000;

    /** A name and (positive, other). */
    record Factors(String name, double positive, double other) {
        @Override
        public String toString() {
            return name + " (" + positive + ", " + other + ")";
        }
    }

    static List<Factors> factors(DType dtype, boolean large) {
        List<Factors> out = new ArrayList<>();
        out.add(new Factors("relu", 1.0, 0.0));
        double[] leaky = leakyReluFactors(0.2, dtype);
        out.add(new Factors("leakyRelu 0.2", leaky[1], leaky[0]));
        if (large) {
            return out;
        }
        double[] leaky01 = leakyReluFactors(0.01, dtype);
        out.add(new Factors("leakyRelu 0.01", leaky01[1], leaky01[0]));
        out.add(new Factors("negative and -0", -0.5, -0.0));
        out.add(new Factors("-0 and 3", -0.0, 3.0));
        out.add(new Factors("overflow and underflow", 0x1p100, 0x1p-100));
        if (dtype == DType.FLOAT32) {
            out.add(new Factors("not float32", 0.1, 1.0 / 3));
        }
        return out;
    }

    /**
     * LeakyReLU's {mask 0, mask 1} factors as io.gcgan.tensor.Pointwise computes them: {@code mask * (1 - slope) +
     * slope} with constants rounded to the dtype and each operation rounded once.
     */
    static double[] leakyReluFactors(double slope, DType dtype) {
        double a = Data.round(dtype, 1.0 - slope);
        double b = Data.round(dtype, slope);
        return new double[] {Data.round(dtype, Data.round(dtype, 0 * a) + b), Data.round(dtype, Data.round(dtype, a)
                + b)};
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dtype : DType.values()) {
            for (int n : SIZES) {
                for (Factors f : factors(dtype, n >= LARGE)) {
                    out.add(Arguments.of(dtype, n, f));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} n={1} {2}")
    @MethodSource("cases")
    void matchesTheCpuAndTheComposedFormBitForBit(DType dtype, int n, Factors f) {
        String what = "rectifierBackward " + dtype + " n=" + n + " " + f;
        Random rnd = Data.random(what);
        check(what, dtype, values(rnd, n, dtype), values(rnd, n, dtype), f);
    }

    /** Every special x against every special g, for every factor pair. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("dtypes")
    void specialValuesMatchBitForBit(DType dtype) {
        double[] specials = specials(dtype);
        int k = specials.length;
        double[] x = new double[k * k];
        double[] g = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                x[i * k + j] = specials[i];
                g[i * k + j] = specials[j];
            }
        }
        for (Factors f : factors(dtype, false)) {
            check("rectifierBackward specials " + dtype + " " + f, dtype, x, g, f);
        }
    }

    static Stream<DType> dtypes() {
        return Stream.of(DType.values());
    }

    private static void check(String what, DType dtype, double[] xs, double[] gs, Factors f) {
        Backend cuda = Gpu.cuda();
        int n = xs.length;
        try (TensorScope scope = TensorScope.open()) {
            Gpu.Twin x = Gpu.Twin.of(dtype, xs, scope);
            Gpu.Twin g = Gpu.Twin.of(dtype, gs, scope);
            Gpu.Twin out = Gpu.Twin.poisoned(dtype, n, scope);
            long[] xBits = Gpu.readBits(x.cuda());
            long[] gBits = Gpu.readBits(g.cuda());

            Gpu.cpu().rectifierBackward(x.cpu(), g.cpu(), f.positive(), f.other(), out.cpu());
            cuda.rectifierBackward(x.cuda(), g.cuda(), f.positive(), f.other(), out.cuda());
            long[] fused = Gpu.readBits(out.cuda());
            Check.bitwise(what + ": cuda vs cpu (NaNs equal)", dtype, canonicalNaNs(dtype,
                    Gpu.readBits(out.cpu())), canonicalNaNs(dtype, fused));
            Check.bitwise(what + ": x after the call", dtype, xBits, Gpu.readBits(x.cuda()));
            Check.bitwise(what + ": g after the call", dtype, gBits, Gpu.readBits(g.cuda()));

            Storage composed = composed(cuda, dtype, x.cuda(), g.cuda(), f, scope);
            Check.bitwise(what + ": fused vs composed GT, where, MUL on " + cuda.device(), dtype,
                    Gpu.readBits(composed), fused);

            // In place: out = g.
            Storage inPlace = Gpu.upload(cuda, dtype, gs, scope);
            cuda.rectifierBackward(x.cuda(), inPlace, f.positive(), f.other(), inPlace);
            Check.bitwise(what + ": in place (out = g) vs out of place", dtype, fused, Gpu.readBits(inPlace));
        }
    }

    /** g * where(x > 0, positive, other) from the backend's binary and where, as the tensor layer composed it. */
    private static Storage composed(Backend b, DType dtype, Storage x, Storage g, Factors f, Lifetime lifetime) {
        long n = x.numel();
        long[] shape = {n};
        long[] dense = {1};
        long[] broadcast = {0};
        Storage zero = Gpu.upload(b, dtype, new double[] {0.0}, lifetime);
        Storage positive = Gpu.upload(b, dtype, new double[] {f.positive()}, lifetime);
        Storage other = Gpu.upload(b, dtype, new double[] {f.other()}, lifetime);
        Storage mask = Gpu.poisoned(b, dtype, n, lifetime);
        Storage factor = Gpu.poisoned(b, dtype, n, lifetime);
        Storage out = Gpu.poisoned(b, dtype, n, lifetime);
        b.binary(BinaryOp.GT, x, dense, zero, broadcast, mask, shape);
        b.where(mask, dense, positive, broadcast, other, broadcast, factor, shape);
        b.binary(BinaryOp.MUL, g, dense, factor, dense, out, shape);
        return out;
    }

    /** Every NaN's bits replaced by one quiet NaN's, so that Check.bitwise counts any NaN equal to any NaN. */
    private static long[] canonicalNaNs(DType dtype, long[] bits) {
        long[] out = bits.clone();
        for (int i = 0; i < out.length; i++) {
            boolean nan = dtype == DType.FLOAT32 ? Float.isNaN(Float.intBitsToFloat((int) out[i]))
                    : Double.isNaN(Double.longBitsToDouble(out[i]));
            if (nan) {
                out[i] = dtype == DType.FLOAT32 ? Float.floatToRawIntBits(Float.NaN)
                        : Double.doubleToRawLongBits(Double.NaN);
            }
        }
        return out;
    }

    /** +-0, +-1, +-inf, NaN of both signs, the smallest denormal, a larger denormal, the largest finite value. */
    static double[] specials(DType dtype) {
        boolean f32 = dtype == DType.FLOAT32;
        double tiny = f32 ? Float.MIN_VALUE : Double.MIN_VALUE;
        double denormal = Data.round(dtype, (f32 ? Float.MIN_NORMAL : Double.MIN_NORMAL) / 3);
        double max = f32 ? Float.MAX_VALUE : Double.MAX_VALUE;
        double negativeNaN = Double.longBitsToDouble(0xfff8000000000000L);
        return new double[] {0.0, -0.0, 1.0, -1.0, 0.2, -2.5, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.NaN, negativeNaN, tiny, -tiny, denormal, -denormal, max, -max};
    }

    /** n values: integers in [-3, 3] (exact zeros), uniform in [-4, 4) scaled by 2^-20 .. 2^20, and specials. */
    static double[] values(Random rnd, int n, DType dtype) {
        double[] specials = specials(dtype);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            int kind = rnd.nextInt(8);
            if (kind == 0) {
                v[i] = specials[rnd.nextInt(specials.length)];
            } else if (kind <= 2) {
                v[i] = rnd.nextInt(7) - 3;
            } else {
                v[i] = Data.round(dtype, (rnd.nextDouble() * 8 - 4) * Math.scalb(1.0, rnd.nextInt(41) - 20));
            }
        }
        return v;
    }

    @Test
    void storagesOfAnotherBackendAreRejected() {
        assumeFalse(Gpu.SELF_TEST, "the CPU stands in for CUDA: there is no other backend to mix in");
        Backend cuda = Gpu.cuda();
        try (TensorScope scope = TensorScope.open()) {
            Storage x = cuda.allocate(DType.FLOAT32, 5, scope);
            Storage g = cuda.allocate(DType.FLOAT32, 5, scope);
            Storage cpuOut = Gpu.cpu().allocate(DType.FLOAT32, 5, scope);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.rectifierBackward(x, g, 1, 0, cpuOut));
            assertTrue(e.getMessage().startsWith("rectifierBackward: storage belongs to cpu"), e.getMessage());
        }
    }

    @Test
    void mismatchedDtypesAndSizesAreRejected() {
        Backend cuda = Gpu.cuda();
        try (TensorScope scope = TensorScope.open()) {
            Storage x = cuda.allocate(DType.FLOAT32, 5, scope);
            Storage g = cuda.allocate(DType.FLOAT32, 5, scope);
            Storage out64 = cuda.allocate(DType.FLOAT64, 5, scope);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> cuda.rectifierBackward(x, g, 1, 0, out64));
            assertTrue(e.getMessage().contains("rectifierBackward") && e.getMessage().contains("float64"),
                    e.getMessage());
            Storage shortG = cuda.allocate(DType.FLOAT32, 4, scope);
            e = assertThrows(IllegalArgumentException.class, () -> cuda.rectifierBackward(x, shortG, 1, 0, g));
            assertTrue(e.getMessage().contains("rectifierBackward") && e.getMessage().contains("g 4"),
                    e.getMessage());
            Storage longOut = cuda.allocate(DType.FLOAT32, 6, scope);
            e = assertThrows(IllegalArgumentException.class, () -> cuda.rectifierBackward(x, g, 1, 0.2, longOut));
            assertTrue(e.getMessage().contains("rectifierBackward") && e.getMessage().contains("out 6"),
                    e.getMessage());
        }
    }
}
