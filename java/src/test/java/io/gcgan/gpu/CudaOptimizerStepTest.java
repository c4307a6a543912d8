package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.Backend;
import io.gcgan.backend.CentringView;
import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.Storage;
import io.gcgan.backend.WeightDecayMode;
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
 * The fused optimizerStep on CUDA (one multi-tensor launch) against the CPU backend's per-tensor reference loop:
 * ten consecutive steps with fresh gradients, every algorithm and weight-decay mode, with and without gradient
 * centralization, over a parameter list shaped like a GAN's (conv, transposed-conv centred along dimension 0 or 1,
 * linear, biases, a one-element slice, 70,001 slices of 3, a slice of 20,001 elements), both dtypes. After each
 * step the weights and every state buffer are compared; the gradients must be left unchanged.
 *
 * <p>Tolerance: {@code rtol |ref| + atol max|ref|} per tensor (max also over the values before the step, whose size
 * sets the rounding of {@code w - step * u}), float32 1e-5 and 1e-5, float64 1e-12 and 1e-12. The
 * CUDA float32 path computes in float32 (as PyTorch's fused Adam), the CPU reference in double rounded per step.
 * Adam's and RMSprop's step-1 update is {@code d / (|d| c + eps)}, whose derivative near d = 0 is 1/eps: float32
 * centring leaves d uncertain by about 4e-8, so eps is 1e-4 (Adam) and 1e-2 (RMSprop) here, which keeps that
 * amplification inside the tolerance; the default 1e-8 is exercised by the training test.
 */
@GpuTest
class CudaOptimizerStepTest {

    /** The parameter list: shape and centring dimension (-1: not centred). */
    static final Object[][] PARAMS = {
        {new long[] {64, 3, 4, 4}, 0},         // conv weight
        {new long[] {100, 64, 4, 4}, 1},       // transposed-conv weight, per-output-filter centring
        {new long[] {64, 3, 4, 4}, 0},         // transposed-conv weight, official centring
        {new long[] {128, 100}, 0},            // linear weight
        {new long[] {128}, -1},                // bias
        {new long[] {64}, -1},                 // BatchNorm weight
        {new long[] {7, 5, 3, 3}, 0},
        {new long[] {5, 7, 3, 3}, 1},
        {new long[] {200, 8, 4, 4}, 1},        // per-output-filter slices of 3,200 elements
        {new long[] {6272, 100}, 0},           // mnist28 G's first linear weight
        {new long[] {1}, -1},
        {new long[] {1, 1}, 0},                // a slice of one element: its centred gradient is 0
        {new long[] {70_001, 3}, 0},           // more slices than a grid dimension holds blocks
        {new long[] {3, 20_001}, 0},           // a slice longer than the CPU's whole-slice buffer
        {new long[] {5, 8192}, 0},             // rows longer than a warp's share: one thread block per row
        {new long[] {3, 1028}, 0},             // rows for a group of 128 threads, 257 float4s: a partial last pass
        {new long[] {4, 3000}, 0},             // rows for a group of 256 threads, 750 float4s
        {new long[] {2, 1026}, 0},             // longer than 1,024 but not a multiple of 4: a warp, scalar loads
        {new long[] {10_003}, -1},             // not centred: three float32 chunks and a 3-element tail
    };

    /** Consecutive steps compared after each one (issue 6: the fused kernels match the loop over 10 steps). */
    static final int STEPS = 10;

    static List<OptimizerHyper> hypers() {
        return List.of(
                OptimizerHyper.sgd(0.01, 0.01, WeightDecayMode.COUPLED),
                OptimizerHyper.sgdMomentum(0.01, 0.9, 0, false, MomentumStart.FIRST_GRADIENT, 0, WeightDecayMode.NONE),
                OptimizerHyper.sgdMomentum(0.01, 0.9, 0, true, MomentumStart.FIRST_GRADIENT, 5e-4,
                        WeightDecayMode.DECOUPLED),
                OptimizerHyper.sgdMomentum(0.01, 0.9, 0.9, false, MomentumStart.ZERO, 1e-3, WeightDecayMode.COUPLED),
                OptimizerHyper.adam(1e-3, 0.5, 0.999, 1e-4, 0, WeightDecayMode.NONE),
                OptimizerHyper.adam(1e-3, 0.9, 0.999, 1e-4, 1e-2, WeightDecayMode.COUPLED),
                OptimizerHyper.adam(1e-3, 0.9, 0.999, 1e-4, 1e-2, WeightDecayMode.DECOUPLED),
                OptimizerHyper.rmsprop(0.01, 0.99, 1e-2, 0, 0, WeightDecayMode.NONE),
                OptimizerHyper.rmsprop(0.01, 0.99, 1e-2, 0.9, 1e-3, WeightDecayMode.COUPLED));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (OptimizerHyper h : hypers()) {
            for (boolean gc : new boolean[] {true, false}) {
                for (DType dtype : DType.values()) {
                    out.add(Arguments.of(h, gc, dtype));
                }
            }
        }
        return out.stream();
    }

    /** One backend's copy of the parameter list. */
    private record Side(Backend backend, List<Storage> weights, List<Storage> grads, List<Storage[]> states) {
    }

    @ParameterizedTest(name = "{0} gc={1} {2}")
    @MethodSource("cases")
    void tenStepsMatchTheReferenceLoop(OptimizerHyper hyper, boolean gc, DType dtype) {
        String what = hyper.algorithm() + " " + hyper + " gc=" + gc + " " + dtype;
        Random rnd = Data.random(what);
        try (TensorScope scope = TensorScope.open()) {
            Side cpu = side(Gpu.cpu(), hyper, dtype, scope);
            Side cuda = side(Gpu.cuda(), hyper, dtype, scope);
            for (int i = 0; i < PARAMS.length; i++) {
                int n = Math.toIntExact(cpu.weights().get(i).numel());
                double[] w = Data.uniform(rnd, n, -1, 1, dtype);
                Gpu.write(cpu.weights().get(i), w);
                Gpu.write(cuda.weights().get(i), w);
            }
            for (long step = 1; step <= STEPS; step++) {
                List<double[]> grads = new ArrayList<>();
                for (int i = 0; i < PARAMS.length; i++) {
                    double[] g = Data.uniform(rnd, Math.toIntExact(cpu.grads().get(i).numel()), -1, 1, dtype);
                    grads.add(g);
                    Gpu.write(cpu.grads().get(i), g);
                    Gpu.write(cuda.grads().get(i), g);
                }
                // The values before the step set the scale of float32's rounding (w - step * u cancels: a weight
                // near 0 after the step carries the rounding error of the O(|w|) operands).
                List<double[][]> before = new ArrayList<>();
                for (int i = 0; i < PARAMS.length; i++) {
                    double[][] b = new double[1 + hyper.stateCount()][];
                    b[0] = Gpu.read(cpu.weights().get(i));
                    for (int s = 0; s < hyper.stateCount(); s++) {
                        b[1 + s] = Gpu.read(cpu.states().get(i)[s]);
                    }
                    before.add(b);
                }
                Gpu.cpu().optimizerStep(hyper, slots(cpu, step, gc), null);
                Gpu.cuda().optimizerStep(hyper, slots(cuda, step, gc), null);
                double rtol = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
                double atol = rtol;
                for (int i = 0; i < PARAMS.length; i++) {
                    String param = what + " step " + step + " param " + i + " " + Data.shape((long[]) PARAMS[i][0]);
                    compare(param + " weight", before.get(i)[0], Gpu.read(cpu.weights().get(i)),
                            Gpu.read(cuda.weights().get(i)), rtol, atol);
                    for (int s = 0; s < hyper.stateCount(); s++) {
                        compare(param + " state" + (s + 1), before.get(i)[1 + s], Gpu.read(cpu.states().get(i)[s]),
                                Gpu.read(cuda.states().get(i)[s]), rtol, atol);
                    }
                    Check.exact(param + " gradient after the step (read only)", grads.get(i),
                            Gpu.read(cuda.grads().get(i)));
                }
            }
        }
    }

    /**
     * More tensors than one launch's parameter table holds (256): the call is split into several launches, each
     * tensor updated exactly once. 600 small tensors of 1 to 300 elements, centred rows and plain ones, Adam + GC.
     */
    @Test
    void moreTensorsThanOneLaunchHoldsAreEachUpdatedOnce() {
        OptimizerHyper hyper = OptimizerHyper.adam(1e-3, 0.9, 0.999, 1e-4, 1e-2, WeightDecayMode.COUPLED);
        Random rnd = new Random(600);
        long[][] shapes = new long[600][];
        for (int i = 0; i < shapes.length; i++) {
            shapes[i] = i % 3 == 2
                    ? new long[] {1 + rnd.nextInt(300)}
                    : new long[] {1 + rnd.nextInt(12), 1 + rnd.nextInt(25)};
        }
        try (TensorScope scope = TensorScope.open()) {
            for (DType dtype : DType.values()) {
                List<Side> sides = new ArrayList<>();
                for (Backend be : new Backend[] {Gpu.cpu(), Gpu.cuda()}) {
                    List<Storage> weights = new ArrayList<>();
                    List<Storage> grads = new ArrayList<>();
                    List<Storage[]> states = new ArrayList<>();
                    for (long[] shape : shapes) {
                        long n = Data.numel(shape);
                        weights.add(be.allocate(dtype, n, scope));
                        grads.add(be.allocate(dtype, n, scope));
                        Storage[] st = {be.allocate(dtype, n, scope), be.allocate(dtype, n, scope)};
                        be.fill(st[0], 0.0);
                        be.fill(st[1], 0.0);
                        states.add(st);
                    }
                    sides.add(new Side(be, weights, grads, states));
                }
                for (int i = 0; i < shapes.length; i++) {
                    int n = Math.toIntExact(Data.numel(shapes[i]));
                    double[] w = Data.uniform(rnd, n, -1, 1, dtype);
                    double[] g = Data.uniform(rnd, n, -1, 1, dtype);
                    for (Side side : sides) {
                        Gpu.write(side.weights().get(i), w);
                        Gpu.write(side.grads().get(i), g);
                    }
                }
                for (Side side : sides) {
                    List<ParamSlot> slots = new ArrayList<>();
                    for (int i = 0; i < shapes.length; i++) {
                        CentringView view = shapes[i].length == 2
                                ? CentringView.along(shapes[i], 0)
                                : CentringView.NONE;
                        Storage[] st = side.states().get(i);
                        slots.add(new ParamSlot(side.weights().get(i), side.grads().get(i), st[0], st[1], 1, view));
                    }
                    side.backend().optimizerStep(hyper, slots, null);
                }
                double tol = dtype == DType.FLOAT32 ? 1e-5 : 1e-12;
                for (int i = 0; i < shapes.length; i++) {
                    String what = dtype + " tensor " + i + " of " + shapes.length + " " + Data.shape(shapes[i]);
                    compare(what + " weight", Gpu.read(sides.get(0).weights().get(i)),
                            Gpu.read(sides.get(1).weights().get(i)), tol, tol);
                    compare(what + " state1", Gpu.read(sides.get(0).states().get(i)[0]),
                            Gpu.read(sides.get(1).states().get(i)[0]), tol, tol);
                }
            }
        }
    }

    /**
     * The guard (gcgan_kernels.h): 300 values, more than a thread block's 256 threads, so that each thread checks a
     * strided share; one NaN or infinity anywhere among them makes the kernel write nothing (weights and moments
     * bit for bit as before), all finite gives the unguarded step, as on the CPU. A guard of another dtype is
     * refused before anything is launched.
     */
    @ParameterizedTest(name = "{0}, bad value at {1}: {2}")
    @MethodSource("guards")
    void aGuardOnTheDeviceSkipsOrAppliesTheStepAsTheCpuDoes(DType dtype, int badIndex, double bad) {
        OptimizerHyper hyper = OptimizerHyper.adam(1e-3, 0.9, 0.999, 1e-4, 1e-2, WeightDecayMode.COUPLED);
        String what = "guard " + dtype + " bad value " + bad + " at " + badIndex;
        Random rnd = Data.random(what);
        double[] guardValues = Data.uniform(rnd, 300, -1e3, 1e3, dtype);
        if (badIndex >= 0) {
            guardValues[badIndex] = bad;
        }
        try (TensorScope scope = TensorScope.open()) {
            Side cpu = side(Gpu.cpu(), hyper, dtype, scope);
            Side cuda = side(Gpu.cuda(), hyper, dtype, scope);
            List<double[]> initial = new ArrayList<>();
            for (int i = 0; i < PARAMS.length; i++) {
                int n = Math.toIntExact(cpu.weights().get(i).numel());
                double[] w = Data.uniform(rnd, n, -1, 1, dtype);
                double[] g = Data.uniform(rnd, n, -1, 1, dtype);
                initial.add(w);
                for (Side side : new Side[] {cpu, cuda}) {
                    Gpu.write(side.weights().get(i), w);
                    Gpu.write(side.grads().get(i), g);
                }
            }
            Storage cpuGuard = Gpu.upload(Gpu.cpu(), dtype, guardValues, scope);
            Storage cudaGuard = Gpu.upload(Gpu.cuda(), dtype, guardValues, scope);
            Gpu.cpu().optimizerStep(hyper, slots(cpu, 1, true), cpuGuard);
            Gpu.cuda().optimizerStep(hyper, slots(cuda, 1, true), cudaGuard);
            for (int i = 0; i < PARAMS.length; i++) {
                String param = what + " param " + i + " " + Data.shape((long[]) PARAMS[i][0]);
                double[] got = Gpu.read(cuda.weights().get(i));
                if (badIndex >= 0) {
                    Check.exact(param + " weight (skipped step)", initial.get(i), got);
                    for (int st = 0; st < hyper.stateCount(); st++) {
                        Check.exact(param + " state" + (st + 1) + " (skipped step)",
                                new double[got.length], Gpu.read(cuda.states().get(i)[st]));
                    }
                } else {
                    compare(param + " weight", initial.get(i), Gpu.read(cpu.weights().get(i)), got, 1e-5, 1e-5);
                }
            }
            DType other = dtype == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
            Storage wrong = Gpu.upload(Gpu.cuda(), other, new double[] {1}, scope);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Gpu.cuda().optimizerStep(hyper, slots(cuda, 2, true), wrong));
            assertTrue(e.getMessage().contains("the guard is " + other.displayName()), e.getMessage());
        }
    }

    static Stream<Arguments> guards() {
        List<Arguments> out = new ArrayList<>();
        for (DType dtype : DType.values()) {
            out.add(Arguments.of(dtype, -1, 0.0));
            out.add(Arguments.of(dtype, 0, Double.NaN));
            out.add(Arguments.of(dtype, 299, Double.POSITIVE_INFINITY));
            out.add(Arguments.of(dtype, 131, Double.NEGATIVE_INFINITY));
        }
        return out.stream();
    }

    private static void compare(String what, double[] ref, double[] got, double rtol, double atol) {
        compare(what, ref, ref, got, rtol, atol);
    }

    /** {@code |got - ref| <= rtol |ref| + atol max(max|before|, max|ref|)} elementwise. */
    private static void compare(String what, double[] before, double[] ref, double[] got, double rtol, double atol) {
        double max = 0;
        for (double v : ref) {
            max = Math.max(max, Math.abs(v));
        }
        for (double v : before) {
            max = Math.max(max, Math.abs(v));
        }
        Check.close(what, ref, got, atol * max + Double.MIN_NORMAL, rtol);
    }

    private static Side side(Backend be, OptimizerHyper hyper, DType dtype, TensorScope scope) {
        List<Storage> weights = new ArrayList<>();
        List<Storage> grads = new ArrayList<>();
        List<Storage[]> states = new ArrayList<>();
        for (Object[] p : PARAMS) {
            long n = Data.numel((long[]) p[0]);
            weights.add(be.allocate(dtype, n, scope));
            grads.add(be.allocate(dtype, n, scope));
            Storage[] st = new Storage[hyper.stateCount()];
            for (int s = 0; s < st.length; s++) {
                st[s] = be.allocate(dtype, n, scope);
                be.fill(st[s], 0.0);
            }
            states.add(st);
        }
        return new Side(be, weights, grads, states);
    }

    private static List<ParamSlot> slots(Side side, long step, boolean gc) {
        List<ParamSlot> slots = new ArrayList<>();
        for (int i = 0; i < PARAMS.length; i++) {
            long[] shape = (long[]) PARAMS[i][0];
            int dim = (Integer) PARAMS[i][1];
            CentringView view = gc && dim >= 0 ? CentringView.along(shape, dim) : CentringView.NONE;
            Storage[] st = side.states().get(i);
            slots.add(new ParamSlot(side.weights().get(i), side.grads().get(i), st.length > 0 ? st[0] : null,
                    st.length > 1 ? st[1] : null, step, view));
        }
        return slots;
    }
}
