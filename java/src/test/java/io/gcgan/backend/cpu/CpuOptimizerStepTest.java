package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.CentringView;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.ScopedLifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.WeightDecayMode;
import io.gcgan.tensor.DType;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU optimizer step against a plain per-element loop written from {@link OptimizerHyper}'s formulas, in the
 * order of operations the CUDA kernel's float64 path repeats one by one (so that path can be compared bit for bit).
 * Uncentred tensors must match exactly, in float32 (values rounded once when stored) and float64. Centred ones
 * differ only in the order of the centring sum (about 1e-17 in a mean): float64 within 1e-9 (1 + |value|), room
 * for RMSprop's {@code d / (sqrt(0.1 d^2) + eps)}, which turns that into 2e-11 where a centred gradient is near
 * eps; float32 within one rounding. A wrong mean or a misplaced block is off by far more.
 *
 * <p>Sizes cross the step's block boundaries (blocks of {@link CpuOptimizerStep#BLOCK}, whole slices up to
 * {@link CpuOptimizerStep#WHOLE_SLICE}, runs of a slice longer than a block, tiles of
 * {@link CpuOptimizerStep#TILE} elements per row and several tiles per tensor, runs that end in a partial
 * vector). Centred cases run with both centring sums: the Vector API's read from storage and the lane sums
 * over copied blocks.
 */
class CpuOptimizerStepTest {

    private static final CpuBackend CPU = CpuBackend.instance();
    private static final int STEPS = 3;

    static Stream<Arguments> hypers() {
        List<OptimizerHyper> hypers = List.of(
                OptimizerHyper.sgd(1e-2, 1e-2, WeightDecayMode.DECOUPLED),
                OptimizerHyper.sgdMomentum(1e-2, 0.9, 0.0, true, MomentumStart.FIRST_GRADIENT, 1e-2,
                        WeightDecayMode.COUPLED),
                OptimizerHyper.sgdMomentum(1e-2, 0.9, 0.3, false, MomentumStart.ZERO, 0, WeightDecayMode.NONE),
                OptimizerHyper.adam(2e-3, 0.5, 0.999, 1e-8, 1e-2, WeightDecayMode.DECOUPLED),
                OptimizerHyper.adam(2e-3, 0.9, 0.99, 1e-6, 1e-2, WeightDecayMode.COUPLED),
                OptimizerHyper.rmsprop(1e-3, 0.9, 1e-6, 0.5, 1e-2, WeightDecayMode.COUPLED),
                OptimizerHyper.rmsprop(1e-3, 0.99, 1e-8, 0.0, 0, WeightDecayMode.NONE));
        return hypers.stream().flatMap(h -> Stream.of(Arguments.of(h, DType.FLOAT32), Arguments.of(h, DType.FLOAT64)));
    }

    @ParameterizedTest
    @MethodSource("hypers")
    void uncentredStepsMatchThePlainLoopExactly(OptimizerHyper h, DType dtype) {
        // 2.4 blocks: two whole blocks and a partial one, split over the worker threads.
        check(h, dtype, new long[] {2 * CpuOptimizerStep.BLOCK + 409}, CentringView.NONE,
                CpuOptimizerStep.VECTOR_SUMS);
    }

    @ParameterizedTest
    @MethodSource("hypers")
    void uncentredStepsOfAllButFullBlocksMatchThePlainLoopExactly(OptimizerHyper h, DType dtype) {
        // One element short of two blocks: the block count is a rounded-up division (2, not 1 or 3).
        check(h, dtype, new long[] {2 * CpuOptimizerStep.BLOCK - 1}, CentringView.NONE,
                CpuOptimizerStep.VECTOR_SUMS);
    }

    @Test
    void theTestJvmResolvesTheVectorApi() {
        // Otherwise the centred cases below would test only the lane sums.
        assertTrue(CpuOptimizerStep.VECTOR_API, "the test JVM needs --add-modules jdk.incubator.vector (pom.xml's"
                + " gcgan.test.argLine)");
    }

    @Test
    void theVectorSumsSwitchTakesTrueOrFalseAndNamesABadValue() {
        assertTrue(CpuOptimizerStep.vectorSumsWanted(null));
        assertTrue(CpuOptimizerStep.vectorSumsWanted("true"));
        assertFalse(CpuOptimizerStep.vectorSumsWanted("false"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CpuOptimizerStep.vectorSumsWanted("no"));
        assertEquals("-Dgcgan.cpu.vectorSums must be true or false, got 'no'", e.getMessage());
    }

    @Test
    void badSlotsAreRefusedNamingTheSlotAndNothingIsWritten() {
        OptimizerHyper sgdm = OptimizerHyper.sgdMomentum(0.1, 0.9, 0, false, MomentumStart.FIRST_GRADIENT, 0,
                WeightDecayMode.NONE);
        try (ScopedLifetime scope = new ScopedLifetime()) {
            Storage w = CPU.allocate(DType.FLOAT32, 4, scope);
            Storage g = CPU.allocate(DType.FLOAT32, 4, scope);
            Storage b = CPU.allocate(DType.FLOAT32, 4, scope);
            Storage w2 = CPU.allocate(DType.FLOAT32, 4, scope);
            Storage b2 = CPU.allocate(DType.FLOAT32, 4, scope);
            for (Storage s : List.of(w, g, b, w2, b2)) {
                write(s, new double[] {1, 2, 3, 4});
            }
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CPU.optimizerStep(sgdm,
                    List.of(new ParamSlot(w, g, null, null, 1, CentringView.NONE)), null));
            assertEquals("optimizerStep: SGD_MOMENTUM needs 1 state storage(s), slot 0 has no state1", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> CPU.optimizerStep(sgdm,
                    List.of(new ParamSlot(w, g, b, null, 1, CentringView.NONE),
                            new ParamSlot(w2, g, b, null, 1, CentringView.NONE)), null));
            assertEquals("optimizerStep: slots 0 and 1 share a weight or state storage", e.getMessage());
            // slot 1's gradient is slot 0's weight: the step would read it while writing it
            e = assertThrows(IllegalArgumentException.class, () -> CPU.optimizerStep(sgdm,
                    List.of(new ParamSlot(w, g, b, null, 1, CentringView.NONE),
                            new ParamSlot(w2, w, b2, null, 1, CentringView.NONE)), null));
            assertEquals("optimizerStep: slot 1's gradient is the weight or a state of slot 0 (the step reads"
                    + " gradients while it writes those)", e.getMessage());
            assertEquals(List.of(1.0, 2.0, 3.0, 4.0), boxed(read(w)), "nothing written");
        }
        ScopedLifetime closed = new ScopedLifetime();
        Storage w = CPU.allocate(DType.FLOAT32, 4, closed);
        Storage g = CPU.allocate(DType.FLOAT32, 4, closed);
        Storage b = CPU.allocate(DType.FLOAT32, 4, closed);
        closed.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> CPU.optimizerStep(sgdm,
                List.of(new ParamSlot(w, g, b, null, 1, CentringView.NONE)), null));
        assertEquals("optimizerStep slot 0 weight: a 4 x float32 storage on cpu was used after its scope closed",
                e.getMessage());
    }

    private static List<Double> boxed(double[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }

    static Stream<Arguments> centredCases() {
        Stream<Arguments> shapes = hypers().flatMap(a -> Stream.of(
                // Contiguous slices of 2.5 blocks: whole-loaded, a partial last block.
                Arguments.of(a.get()[0], a.get()[1], new long[] {6, 2560}, 0),
                // Slices of a length no vector width divides: a scalar tail after the vectors.
                Arguments.of(a.get()[0], a.get()[1], new long[] {5, 1037}, 0),
                // Slices over WHOLE_SLICE: streamed twice.
                Arguments.of(a.get()[0], a.get()[1], new long[] {2, CpuOptimizerStep.WHOLE_SLICE + 100}, 0),
                // Per output filter of a transposed conv [in, out, 4, 4]: runs of 16, one tile of all 5 slices.
                Arguments.of(a.get()[0], a.get()[1], new long[] {70, 5, 4, 4}, 1),
                // Runs of 16 in tiles of TILE / 16 = 64 slices (rows of exactly TILE elements, the loops' bound)
                // and of 36, the two tiles on two workers where there are several.
                Arguments.of(a.get()[0], a.get()[1], new long[] {20, 100, 4, 4}, 1),
                // Runs of 40 elements: tiles of TILE / 40 = 25 slices, 25 and the last of 24 (one short, so a
                // tile count rounded up one too many would start a tile past the end), over the workers.
                Arguments.of(a.get()[0], a.get()[1], new long[] {20, 49, 40}, 1),
                // Runs of 600 elements, longer than a tile's half: whole slices, one run to a block.
                Arguments.of(a.get()[0], a.get()[1], new long[] {7, 3, 600}, 1),
                // Runs of 1500 elements, longer than a block, 3 to a slice: whole slices, each run in two blocks.
                Arguments.of(a.get()[0], a.get()[1], new long[] {3, 2, 1500}, 1),
                // Slices of 2 runs of 9000, over WHOLE_SLICE: streamed twice, run by run.
                Arguments.of(a.get()[0], a.get()[1], new long[] {2, 3, 9000}, 1),
                // Conv filters [out, in, kh, kw] of 27 elements, contiguous: whole slices of one short block, or
                // with vector sums short rows in blocks of TILE / 27 = 37 rows, then the last 3.
                Arguments.of(a.get()[0], a.get()[1], new long[] {40, 3, 3, 3}, 0),
                // A linear layer's rows of 100: with vector sums, blocks of 10 rows over the workers (the rows
                // lengths 100 = 3 x 32 + 4 leave a masked tail on every vector width).
                Arguments.of(a.get()[0], a.get()[1], new long[] {1203, 100}, 0),
                // Rows of exactly TILE / 2: two to a block, the longest short rows; one longer goes block by block.
                Arguments.of(a.get()[0], a.get()[1], new long[] {5, CpuOptimizerStep.TILE / 2}, 0),
                Arguments.of(a.get()[0], a.get()[1], new long[] {3, CpuOptimizerStep.TILE / 2 + 1}, 0)));
        return shapes.flatMap(a -> Stream.of(true, false).filter(v -> !v || CpuOptimizerStep.VECTOR_API)
                .map(v -> Arguments.of(a.get()[0], a.get()[1], a.get()[2], a.get()[3], v)));
    }

    @ParameterizedTest
    @MethodSource("centredCases")
    void centredStepsMatchThePlainLoop(OptimizerHyper h, DType dtype, long[] shape, int dim, boolean vectorSums) {
        check(h, dtype, shape, CentringView.along(shape, dim), vectorSums);
    }

    /**
     * The blocks of whole-loaded slices, by hand. Runs longer than a block are split ([3, 2, 1500] along dim 1:
     * 3 runs of 1500, 2 * 1500 = 3000 apart, each in blocks of 1024 and 476). Shorter runs are gathered as many to
     * a block as fit ([7, 3, 300] along dim 1: 7 runs of 300, 900 apart, 3 to a block); the step itself never
     * gathers runs now (TILE = BLOCK: slices of runs up to TILE / 2 with outer > 1 go to the tile walk, and longer
     * runs fill a block alone), so only this checks that branch.
     */
    @Test
    void sliceBlocksByHand() {
        assertEquals(List.of(new CpuOptimizerStep.SliceBlock(0, 0, 1, 1024),
                        new CpuOptimizerStep.SliceBlock(1024, 0, 1, 476),
                        new CpuOptimizerStep.SliceBlock(3000, 0, 1, 1024),
                        new CpuOptimizerStep.SliceBlock(4024, 0, 1, 476),
                        new CpuOptimizerStep.SliceBlock(6000, 0, 1, 1024),
                        new CpuOptimizerStep.SliceBlock(7024, 0, 1, 476)),
                List.of(CpuOptimizerStep.SliceBlock.of(CentringView.along(new long[] {3, 2, 1500}, 1))));
        assertEquals(List.of(new CpuOptimizerStep.SliceBlock(0, 900, 3, 300),
                        new CpuOptimizerStep.SliceBlock(2700, 900, 3, 300),
                        new CpuOptimizerStep.SliceBlock(5400, 900, 1, 300)),
                List.of(CpuOptimizerStep.SliceBlock.of(CentringView.along(new long[] {7, 3, 300}, 1))));
        // a run of exactly one block is not split; contiguous filters of 27 are one block each
        assertEquals(List.of(new CpuOptimizerStep.SliceBlock(0, 0, 1, 1024)),
                List.of(CpuOptimizerStep.SliceBlock.of(CentringView.along(new long[] {4, 1024}, 0))));
        assertEquals(List.of(new CpuOptimizerStep.SliceBlock(0, 1080, 1, 27)),
                List.of(CpuOptimizerStep.SliceBlock.of(CentringView.along(new long[] {40, 3, 3, 3}, 0))));
    }

    private static void check(OptimizerHyper h, DType dtype, long[] shape, CentringView view, boolean vectorSums) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        boolean f32 = dtype == DType.FLOAT32;
        Random rnd = new Random(n * 31 + h.algorithm().ordinal());
        double[] w = new double[(int) n];
        double[] s1 = new double[(int) n];
        double[] s2 = new double[(int) n];
        for (int i = 0; i < n; i++) {
            w[i] = round(f32, rnd.nextGaussian());
        }
        Storage ws = CPU.allocate(dtype, n, Lifetime.AUTOMATIC);
        Storage gs = CPU.allocate(dtype, n, Lifetime.AUTOMATIC);
        Storage s1s = CPU.allocate(dtype, n, Lifetime.AUTOMATIC);
        Storage s2s = CPU.allocate(dtype, n, Lifetime.AUTOMATIC);
        write(ws, w);
        write(s1s, s1);
        write(s2s, s2);
        for (int t = 1; t <= STEPS; t++) {
            double[] g = new double[(int) n];
            for (int i = 0; i < n; i++) {
                g[i] = round(f32, rnd.nextGaussian() * 0.1 + 0.05); // a mean for the centring to remove
            }
            write(gs, g);
            CpuOptimizerStep.run(CPU, h, List.of(new ParamSlot(ws, gs, s1s, s2s, t, view)), null, vectorSums);
            reference(h, t, view, f32, w, g, s1, s2);
            String where = h + " " + dtype + " step " + t + (vectorSums ? " (vector sums)" : " (lane sums)");
            if (view.centred()) {
                assertClose(where + " weights", f32, w, read(ws));
                assertClose(where + " state1", f32, s1, read(s1s));
                assertClose(where + " state2", f32, s2, read(s2s));
                // Carry on from the step's own values, so that differences do not compound.
                w = read(ws);
                System.arraycopy(read(s1s), 0, s1, 0, s1.length);
                System.arraycopy(read(s2s), 0, s2, 0, s2.length);
            } else {
                assertBitsEqual(where + " weights", w, read(ws));
                assertBitsEqual(where + " state1", s1, read(s1s));
                assertBitsEqual(where + " state2", s2, read(s2s));
            }
        }
    }

    /** One step of the plain loop, in place; values stored in float32 are rounded as the step rounds them. */
    private static void reference(OptimizerHyper h, long t, CentringView view, boolean f32, double[] w, double[] g,
                                  double[] s1, double[] s2) {
        double lambda = h.decayMode() == WeightDecayMode.COUPLED ? h.weightDecay() : 0.0;
        double scale = h.decayMode() == WeightDecayMode.DECOUPLED ? 1.0 - h.lr() * h.weightDecay() : 1.0;
        double[] mean = new double[w.length];
        if (view.centred()) {
            for (long s = 0; s < view.slices(); s++) {
                double sum = 0.0;
                for (long o = 0; o < view.outer(); o++) {
                    for (long i = 0; i < view.inner(); i++) {
                        int at = (int) ((o * view.slices() + s) * view.inner() + i);
                        sum += lambda == 0.0 ? g[at] : g[at] + lambda * w[at];
                    }
                }
                for (long o = 0; o < view.outer(); o++) {
                    for (long i = 0; i < view.inner(); i++) {
                        mean[(int) ((o * view.slices() + s) * view.inner() + i)] = sum / view.sliceSize();
                    }
                }
            }
        }
        for (int i = 0; i < w.length; i++) {
            double d = (lambda == 0.0 ? g[i] : g[i] + lambda * w[i]) - mean[i];
            double delta;
            switch (h.algorithm()) {
                case SGD -> delta = h.lr() * d;
                case SGD_MOMENTUM -> {
                    boolean first = t == 1 && h.momentumStart() == MomentumStart.FIRST_GRADIENT;
                    double buf = first ? d : h.momentum() * s1[i] + (1.0 - h.dampening()) * d;
                    s1[i] = round(f32, buf);
                    delta = h.lr() * (h.nesterov() ? d + h.momentum() * buf : buf);
                }
                case ADAM -> {
                    double stepSize = h.lr() / (1.0 - Math.pow(h.beta1(), t));
                    double bc2Sqrt = Math.sqrt(1.0 - Math.pow(h.beta2(), t));
                    double m = h.beta1() * s1[i] + (1.0 - h.beta1()) * d;
                    double v = h.beta2() * s2[i] + (1.0 - h.beta2()) * d * d;
                    s1[i] = round(f32, m);
                    s2[i] = round(f32, v);
                    delta = stepSize * m / (Math.sqrt(v) / bc2Sqrt + h.eps());
                }
                case RMSPROP -> {
                    double v = h.alpha() * s1[i] + (1.0 - h.alpha()) * d * d;
                    s1[i] = round(f32, v);
                    double u = d / (Math.sqrt(v) + h.eps());
                    if (h.momentum() > 0) {
                        u = h.momentum() * s2[i] + u;
                        s2[i] = round(f32, u);
                    }
                    delta = h.lr() * u;
                }
                default -> throw new AssertionError(h.algorithm());
            }
            w[i] = round(f32, w[i] * scale - delta);
        }
    }

    private static double round(boolean f32, double x) {
        return f32 ? (float) x : x;
    }

    private static void write(Storage s, double[] v) {
        for (int i = 0; i < v.length; i++) {
            if (s.dtype() == DType.FLOAT32) {
                s.segment().setAtIndex(JAVA_FLOAT, i, (float) v[i]);
            } else {
                s.segment().setAtIndex(JAVA_DOUBLE, i, v[i]);
            }
        }
    }

    private static double[] read(Storage s) {
        double[] out = new double[(int) s.numel()];
        for (int i = 0; i < out.length; i++) {
            out[i] = s.dtype() == DType.FLOAT32 ? s.segment().getAtIndex(JAVA_FLOAT, i)
                    : s.segment().getAtIndex(JAVA_DOUBLE, i);
        }
        return out;
    }

    private static void assertBitsEqual(String what, double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Double.doubleToLongBits(expected[i]) != Double.doubleToLongBits(actual[i])) {
                assertEquals(expected[i], actual[i], 0.0, what + ": element " + i + " of " + expected.length);
            }
        }
    }

    /** float32: within one rounding of the expected value; float64: within 1e-9 (1 + |expected|). */
    private static void assertClose(String what, boolean f32, double[] expected, double[] actual) {
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double tol = f32 ? Math.ulp((float) e) + 1e-15 : 1e-9 * (1.0 + Math.abs(e));
            assertEquals(e, actual[i], tol, what + ": element " + i + " of " + expected.length);
        }
    }
}
