package io.gcgan.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.CentringView;
import io.gcgan.backend.WeightDecayMode;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.testutil.Close;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Properties of gradient centralization as the optimizers apply it: which tensors are centred and how they are
 * sliced, each centred slice summing to zero, rank-1 tensors untouched, and slice sums of the weights kept
 * constant by plain SGD without weight decay.
 */
class GradientCentralizationTest {

    // ---- which tensors, which slices --------------------------------------------------------------------

    @Test
    void viewsFollowModeRankAndKind() {
        long[] conv = {64, 3, 4, 4};
        long[] convT = {100, 512, 4, 4};
        long[] fc = {10, 20};
        long[] rank3 = {4, 5, 6};
        long[] bias = {7};
        TransposedConvCentring in = TransposedConvCentring.INPUT_CHANNEL;
        TransposedConvCentring out = TransposedConvCentring.OUTPUT_FILTER;
        ParamKind d = ParamKind.DEFAULT;
        ParamKind t = ParamKind.TRANSPOSED_CONV_WEIGHT;

        for (GcMode m : GcMode.values()) {
            assertEquals(CentringView.NONE, GradientCentralization.view(m, d, in, bias), "rank 1, " + m);
            assertEquals(CentringView.NONE, GradientCentralization.view(m, d, in, new long[0]), "rank 0, " + m);
            assertEquals(CentringView.NONE, GradientCentralization.view(GcMode.NONE, d, in, conv));
        }
        // GCC: rank > 3 only.
        assertEquals(new CentringView(1, 64, 48), GradientCentralization.view(GcMode.CONV_ONLY, d, in, conv));
        assertEquals(CentringView.NONE, GradientCentralization.view(GcMode.CONV_ONLY, d, in, fc));
        assertEquals(CentringView.NONE, GradientCentralization.view(GcMode.CONV_ONLY, d, in, rank3));
        // GC: rank > 1.
        assertEquals(new CentringView(1, 10, 20), GradientCentralization.view(GcMode.CONV_AND_FC, d, in, fc));
        assertEquals(new CentringView(1, 4, 30), GradientCentralization.view(GcMode.CONV_AND_FC, d, in, rank3));
        // Transposed conv [in, out, kh, kw]: dimension 0 by default, dimension 1 on request.
        assertEquals(new CentringView(1, 100, 8192), GradientCentralization.view(GcMode.CONV_ONLY, t, in, convT));
        assertEquals(new CentringView(100, 512, 16), GradientCentralization.view(GcMode.CONV_ONLY, t, out, convT));
        // The option only concerns transposed-conv weights.
        assertEquals(new CentringView(1, 64, 48), GradientCentralization.view(GcMode.CONV_ONLY, d, out, conv));
    }

    // ---- centred slices sum to zero ---------------------------------------------------------------------

    /** shape, kind, transposed-conv centring, dimension the slices run along. */
    static Stream<Arguments> layouts() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            TransposedConvCentring in = TransposedConvCentring.INPUT_CHANNEL;
            out.add(Arguments.of(new long[] {8, 3, 3, 3}, ParamKind.DEFAULT, in, 0, dt));
            out.add(Arguments.of(new long[] {5, 13}, ParamKind.DEFAULT, in, 0, dt));
            out.add(Arguments.of(new long[] {2, 5000}, ParamKind.DEFAULT, in, 0, dt));
            out.add(Arguments.of(new long[] {6, 4, 4, 4}, ParamKind.TRANSPOSED_CONV_WEIGHT,
                    TransposedConvCentring.INPUT_CHANNEL, 0, dt));
            out.add(Arguments.of(new long[] {6, 4, 4, 4}, ParamKind.TRANSPOSED_CONV_WEIGHT,
                    TransposedConvCentring.OUTPUT_FILTER, 1, dt));
            out.add(Arguments.of(new long[] {3, 2, 50, 50}, ParamKind.TRANSPOSED_CONV_WEIGHT,
                    TransposedConvCentring.OUTPUT_FILTER, 1, dt));
            // Slices longer than the CPU loop loads whole (16384): streamed.
            out.add(Arguments.of(new long[] {2, 20000}, ParamKind.DEFAULT, in, 0, dt));
            out.add(Arguments.of(new long[] {2, 1, 100, 100}, ParamKind.TRANSPOSED_CONV_WEIGHT,
                    TransposedConvCentring.OUTPUT_FILTER, 1, dt));
        }
        return out.stream();
    }

    /**
     * Plain SGD with lr 1 from w = 0 leaves w = -P(g): every slice of it sums to zero, and it equals the composed
     * {@link GradientCentralization#centre} of g. Coupled decay centres g + lambda w; decoupled decay leaves the
     * decay term out of the centring.
     */
    @ParameterizedTest(name = "{0} {1} {2} dim={3} {4}")
    @MethodSource("layouts")
    void centredSlicesSumToZero(long[] shape, ParamKind kind, TransposedConvCentring tc, int dim, DType dtype) {
        Random rnd = new Random(shape.length * 1000L + dim);
        int n = numel(shape);
        double[] g = uniform(rnd, n, -1, 2, dtype);
        double tol = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;

        // No decay, w0 = 0: w1 = -P(g).
        Tensor w = Tensor.of(new double[n], shape).to(dtype).requiresGrad(true);
        w.accumulateGrad(Tensor.of(g, shape).to(dtype));
        Sgd sgd = new Sgd(List.of(ParamGroup.builder(1.0).gc(GcMode.CONV_AND_FC).transposedConvCentring(tc)
                .add(new Param("w", w, kind)).build()));
        sgd.step();
        double[] centred = negate(w.toDoubleArray());
        assertSlicesSumToZero("P(g)", centred, shape, dim, absSum(g) * tol);
        assertTrue(absSum(centred) > 0.1 * absSum(g), "centring removed (almost) everything");
        Tensor composed = GradientCentralization.centre(Tensor.of(g, shape).to(dtype), GcMode.CONV_AND_FC, kind, tc);
        Close.assertAllClose("fused vs composed centring", shape, composed.toDoubleArray(), centred, tol, tol);

        // Coupled decay: w1 = w0 - lr P(g + lambda w0), so (w0 - w1) / lr slices sum to zero.
        double[] w0 = uniform(rnd, n, -1, 1, dtype);
        double lr = 0.5;
        double lambda = 0.3;
        double[] w1 = sgdOnce(shape, kind, tc, dtype, w0, g, lr, lambda, WeightDecayMode.COUPLED);
        double[] dir = new double[n];
        for (int i = 0; i < n; i++) {
            dir[i] = (w0[i] - w1[i]) / lr;
        }
        assertSlicesSumToZero("P(g + lambda w)", dir, shape, dim, (absSum(g) + absSum(w0)) * tol * 4);

        // Decoupled decay: w1 = w0 (1 - lr lambda) - lr P(g).
        w1 = sgdOnce(shape, kind, tc, dtype, w0, g, lr, lambda, WeightDecayMode.DECOUPLED);
        for (int i = 0; i < n; i++) {
            dir[i] = (w0[i] * (1 - lr * lambda) - w1[i]) / lr;
        }
        assertSlicesSumToZero("P(g) with decoupled decay", dir, shape, dim, (absSum(g) + absSum(w0)) * tol * 4);
    }

    private static double[] sgdOnce(long[] shape, ParamKind kind, TransposedConvCentring tc, DType dtype,
                                    double[] w0, double[] g, double lr, double lambda, WeightDecayMode mode) {
        Tensor w = Tensor.of(w0.clone(), shape).to(dtype).requiresGrad(true);
        w.accumulateGrad(Tensor.of(g.clone(), shape).to(dtype));
        new Sgd(List.of(ParamGroup.builder(lr).gc(GcMode.CONV_AND_FC).weightDecay(lambda, mode)
                .transposedConvCentring(tc).add(new Param("w", w, kind)).build())).step();
        return w.toDoubleArray();
    }

    // ---- rank-1 tensors are never centred ---------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @EnumSource(names = {"SGD", "SGDM", "THESIS", "NESTEROV", "ADAM", "RMSPROP", "RMSPROP_M"},
            value = Opt.class)
    void rankOneTensorsAreUntouched(Opt opt) {
        Random rnd = new Random(7);
        double[] b0 = uniform(rnd, 37, -1, 1, DType.FLOAT64);
        double[] w0 = uniform(rnd, 6 * 37, -1, 1, DType.FLOAT64);
        double[][] gb = new double[3][];
        double[][] gw = new double[3][];
        for (int k = 0; k < 3; k++) {
            gb[k] = uniform(rnd, 37, -1, 2, DType.FLOAT64);
            gw[k] = uniform(rnd, 6 * 37, -1, 2, DType.FLOAT64);
        }
        double[][] results = new double[GcMode.values().length][];
        for (GcMode gc : GcMode.values()) {
            Tensor bias = Tensor.of(b0.clone(), 37).requiresGrad(true);
            Tensor weight = Tensor.of(w0.clone(), 6, 37).requiresGrad(true);
            Optimizer o = OptimizerHandComputedTest.make(opt.name(), List.of(ParamGroup.builder(0.05).gc(gc)
                    .weightDecay(0.1, WeightDecayMode.COUPLED).add("weight", weight).add("bias", bias).build()));
            for (int k = 0; k < 3; k++) {
                o.zeroGrad();
                bias.accumulateGrad(Tensor.of(gb[k].clone(), 37));
                weight.accumulateGrad(Tensor.of(gw[k].clone(), 6, 37));
                o.step();
            }
            results[gc.ordinal()] = bias.toDoubleArray();
        }
        Close.assertExact("bias, GC CONV_ONLY vs NONE", results[0], results[GcMode.CONV_ONLY.ordinal()]);
        Close.assertExact("bias, GC CONV_AND_FC vs NONE", results[0], results[GcMode.CONV_AND_FC.ordinal()]);
    }

    /** The optimizer variants of {@link OptimizerHandComputedTest#make}. */
    enum Opt { SGD, SGDM, THESIS, NESTEROV, ADAM, RMSPROP, RMSPROP_M }

    // ---- plain SGD keeps each slice's weight sum ---------------------------------------------------------

    /**
     * Under plain SGD without weight decay every update of a centred tensor is -lr P(g), whose slices sum to
     * zero, so each slice's sum of weights stays where it started, over many steps and changing learning rates.
     * The same holds with momentum (the buffer is a sum of centred gradients).
     */
    @ParameterizedTest(name = "{0} {1} {2} dim={3} {4}")
    @MethodSource("layouts")
    void plainSgdKeepsSliceSums(long[] shape, ParamKind kind, TransposedConvCentring tc, int dim, DType dtype) {
        Random rnd = new Random(99 + dim);
        int n = numel(shape);
        double[] w0 = uniform(rnd, n, -1, 1, dtype);
        double[] before = sliceSums(w0, shape, dim);
        double tol = dtype == DType.FLOAT32 ? 2e-5 : 1e-11;
        for (double momentum : new double[] {0.0, 0.9}) {
            Tensor w = Tensor.of(w0.clone(), shape).to(dtype).requiresGrad(true);
            Sgd sgd = new Sgd(List.of(ParamGroup.builder(0.1).gc(GcMode.CONV_AND_FC).transposedConvCentring(tc)
                    .add(new Param("w", w, kind)).build()), momentum);
            sgd.setSchedule(0, LearningRateSchedule.linearDecay(0.1, 0.01, 10));
            for (int k = 0; k < 20; k++) {
                w.zeroGrad();
                w.accumulateGrad(Tensor.of(uniform(rnd, n, -1, 3, dtype), shape).to(dtype));
                sgd.step();
            }
            double[] after = sliceSums(w.toDoubleArray(), shape, dim);
            double scale = (double) n / before.length; // elements per slice
            Close.assertAllClose("slice sums, momentum " + momentum, before, after, tol * scale, 0);
            // The weights did move.
            assertTrue(maxAbsDiff(w0, w.toDoubleArray()) > 0.1);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------

    private static void assertSlicesSumToZero(String what, double[] v, long[] shape, int dim, double tol) {
        double[] sums = sliceSums(v, shape, dim);
        Close.assertAllClose(what + ": slice sums along dim " + dim, new double[sums.length], sums, tol, 0);
    }

    /** Sum over every coordinate but {@code dim}, by unravelling each flat index. */
    private static double[] sliceSums(double[] v, long[] shape, int dim) {
        double[] sums = new double[(int) shape[dim]];
        for (int i = 0; i < v.length; i++) {
            sums[ReferenceOptimizer.coordinate(i, shape, dim)] += v[i];
        }
        return sums;
    }

    private static int numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    private static double[] uniform(Random rnd, int n, double lo, double hi, DType dtype) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * rnd.nextDouble();
            if (dtype == DType.FLOAT32) {
                v[i] = (float) v[i];
            }
        }
        return v;
    }

    private static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    private static double absSum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += Math.abs(x);
        }
        return s;
    }

    private static double maxAbsDiff(double[] a, double[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    /** The official names map to the modes (a caller of the library need not know the enum's names). */
    @Test
    void modesParseFromTheirOfficialNames() {
        assertEquals(GcMode.NONE, GcMode.parse("none"));
        assertEquals(GcMode.CONV_ONLY, GcMode.parse("gcc"));
        assertEquals(GcMode.CONV_AND_FC, GcMode.parse("gc"));
        for (String bad : new String[] {"GC", "conv", null}) {
            assertEquals("unknown GC mode '" + bad + "'; valid values: none, gcc, gc",
                    assertThrows(IllegalArgumentException.class, () -> GcMode.parse(bad)).getMessage());
        }
    }
}
