package io.gcgan.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.WeightDecayMode;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.testutil.Close;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Seven-step trajectories of every optimizer x GC mode x weight-decay mode x transposed-conv centring x dtype,
 * against {@link ReferenceOptimizer}, an independent double[] implementation. The parameter set covers the
 * ranks and layouts GC treats differently, slices that the CPU loop loads whole (and updates in blocks of 1024,
 * gathering short runs a few at a time), slices long enough (> 16384) that it streams them in blocks of 2048,
 * parameters without a gradient at some steps (so
 * per-parameter step counts differ, which Adam's bias correction sees), and a learning rate that follows a
 * linear-decay schedule and is then set by hand.
 */
class OptimizerTrajectoryTest {

    private static final int STEPS = 7;
    private static final double LAMBDA = 0.05;

    /** name, shape, transposed-conv weight? */
    private record Spec(String name, long[] shape, boolean transposed) {
    }

    private static final List<Spec> SPECS = List.of(
            new Spec("conv", new long[] {4, 3, 3, 3}, false),
            new Spec("convT", new long[] {3, 5, 2, 2}, true),
            new Spec("fc", new long[] {6, 7}, false),
            new Spec("bias", new long[] {5}, false),
            new Spec("rank3", new long[] {2, 3, 4}, false),
            new Spec("wide", new long[] {3, 4500}, false),           // a slice of 4500 > block, loaded whole
            new Spec("long", new long[] {4100}, false),              // rank 1 over several blocks
            new Spec("single", new long[] {1, 2, 3, 3}, false),      // one slice
            new Spec("convTwide", new long[] {2, 3, 50, 50}, true),  // output-filter slices: 2 runs of 2500
            new Spec("convTmany", new long[] {200, 2, 3, 3}, true),  // output filter: 200 runs of 9, 113 a block
            new Spec("huge", new long[] {2, 17000}, false),          // slices > 16384: streamed in two passes
            new Spec("convThuge", new long[] {2, 1, 100, 100}, true)); // streamed, output filter: 2 runs of 10^4

    /** Which parameter has a gradient at which step (others: every step). */
    private static boolean hasGrad(String name, int step) {
        return switch (name) {
            case "bias" -> step != 3;
            case "single" -> step >= 2;
            default -> true;
        };
    }

    /** The learning rate of step k: linear decay 0.02 -> 0.002 over 5 steps, then set to 0.015. */
    private static double lr(int k) {
        return k < 5 ? 0.02 + (0.002 - 0.02) * k / 5.0 : 0.015;
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String opt : List.of("SGD", "SGDM", "SGDM_DAMPENED", "THESIS", "NESTEROV", "ADAM", "ADAM_DCGAN",
                "RMSPROP", "RMSPROP_M")) {
            for (GcMode gc : GcMode.values()) {
                for (WeightDecayMode wd : WeightDecayMode.values()) {
                    for (TransposedConvCentring tc : TransposedConvCentring.values()) {
                        if (gc == GcMode.NONE && tc == TransposedConvCentring.OUTPUT_FILTER) {
                            continue; // no centring, nothing to vary
                        }
                        for (DType dt : DType.values()) {
                            out.add(Arguments.of(opt, gc, wd, tc, dt));
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    private static Optimizer make(String opt, List<ParamGroup> groups) {
        return switch (opt) {
            case "SGD" -> new Sgd(groups);
            case "SGDM" -> new Sgd(groups, 0.9);
            case "SGDM_DAMPENED" -> new Sgd(groups, 0.8, 0.3, false, MomentumStart.FIRST_GRADIENT);
            case "THESIS" -> Sgd.thesisMomentum(groups, 0.9);
            case "NESTEROV" -> new Sgd(groups, 0.9, 0.0, true, MomentumStart.FIRST_GRADIENT);
            case "ADAM" -> new Adam(groups);
            case "ADAM_DCGAN" -> new Adam(groups, 0.5, 0.999, 1e-8);
            case "RMSPROP" -> new RmsProp(groups);
            case "RMSPROP_M" -> new RmsProp(groups, 0.9, 1e-6, 0.5);
            default -> throw new IllegalArgumentException(opt);
        };
    }

    private static ReferenceOptimizer.Config reference(String opt, GcMode gc, WeightDecayMode wd, boolean f32) {
        ReferenceOptimizer.Kind kind;
        double momentum = 0;
        double dampening = 0;
        boolean nesterov = false;
        boolean zeroStart = false;
        double beta1 = 0;
        double beta2 = 0;
        double alpha = 0;
        double eps = 0;
        switch (opt) {
            case "SGD" -> kind = ReferenceOptimizer.Kind.SGD;
            case "SGDM" -> {
                kind = ReferenceOptimizer.Kind.SGD_MOMENTUM;
                momentum = 0.9;
            }
            case "SGDM_DAMPENED" -> {
                kind = ReferenceOptimizer.Kind.SGD_MOMENTUM;
                momentum = 0.8;
                dampening = 0.3;
            }
            case "THESIS" -> {
                kind = ReferenceOptimizer.Kind.SGD_MOMENTUM;
                momentum = 0.9;
                dampening = 0.9;
                zeroStart = true;
            }
            case "NESTEROV" -> {
                kind = ReferenceOptimizer.Kind.SGD_MOMENTUM;
                momentum = 0.9;
                nesterov = true;
            }
            case "ADAM" -> {
                kind = ReferenceOptimizer.Kind.ADAM;
                beta1 = 0.9;
                beta2 = 0.999;
                eps = 1e-8;
            }
            case "ADAM_DCGAN" -> {
                kind = ReferenceOptimizer.Kind.ADAM;
                beta1 = 0.5;
                beta2 = 0.999;
                eps = 1e-8;
            }
            case "RMSPROP" -> {
                kind = ReferenceOptimizer.Kind.RMSPROP;
                alpha = 0.99;
                eps = 1e-8;
            }
            case "RMSPROP_M" -> {
                kind = ReferenceOptimizer.Kind.RMSPROP;
                alpha = 0.9;
                eps = 1e-6;
                momentum = 0.5;
            }
            default -> throw new IllegalArgumentException(opt);
        }
        int minRank = switch (gc) {
            case NONE -> Integer.MAX_VALUE;
            case CONV_ONLY -> 4;
            case CONV_AND_FC -> 2;
        };
        ReferenceOptimizer.Decay decay = ReferenceOptimizer.Decay.valueOf(wd.name());
        return new ReferenceOptimizer.Config(kind, momentum, dampening, nesterov, zeroStart, beta1, beta2, alpha, eps,
                wd == WeightDecayMode.NONE ? 0 : LAMBDA, decay, minRank, f32);
    }

    @ParameterizedTest(name = "{0} gc={1} decay={2} convT={3} {4}")
    @MethodSource("cases")
    void matchesIndependentImplementation(String opt, GcMode gc, WeightDecayMode wd, TransposedConvCentring tc,
                                          DType dtype) {
        boolean f32 = dtype == DType.FLOAT32;
        Random rnd = new Random(opt.hashCode() * 31L + gc.ordinal() * 7L + wd.ordinal() * 3L + tc.ordinal());
        ReferenceOptimizer ref = new ReferenceOptimizer(reference(opt, gc, wd, f32));
        ParamGroup.Builder group = ParamGroup.builder(lr(0)).gc(gc)
                .weightDecay(wd == WeightDecayMode.NONE ? 0 : LAMBDA, wd).transposedConvCentring(tc);
        List<Tensor> params = new ArrayList<>();
        for (Spec s : SPECS) {
            double[] w = uniform(rnd, numel(s.shape()), -1, 1);
            Tensor t = Tensor.of(w, s.shape()).to(dtype).requiresGrad(true);
            params.add(t);
            if (s.transposed()) {
                group.addTransposedConvWeight(s.name(), t);
            } else {
                group.add(s.name(), t);
            }
            ref.add(w, s.shape(), s.transposed() && tc == TransposedConvCentring.OUTPUT_FILTER ? 1 : 0);
        }
        Optimizer o = make(opt, List.of(group.build()));
        o.setSchedule(0, LearningRateSchedule.linearDecay(0.02, 0.002, 5));

        for (int k = 0; k < STEPS; k++) {
            if (k == 5) {
                o.setLearningRate(0, 0.015);
            }
            assertEquals(lr(k), o.learningRate(0), 1e-15, "learning rate of step " + k);
            List<double[]> grads = new ArrayList<>();
            for (int i = 0; i < SPECS.size(); i++) {
                Spec s = SPECS.get(i);
                Tensor p = params.get(i);
                if (!hasGrad(s.name(), k)) {
                    p.clearGrad();
                    grads.add(null);
                    continue;
                }
                // Uniform in [-1, 1.5): slices have non-zero means, so centring changes something.
                double[] g = uniform(rnd, numel(s.shape()), -1, 1.5);
                if (f32) {
                    for (int j = 0; j < g.length; j++) {
                        g[j] = (float) g[j];
                    }
                }
                p.zeroGrad();
                p.accumulateGrad(Tensor.of(g, s.shape()).to(dtype));
                grads.add(g);
            }
            o.step();
            ref.step(grads, lr(k));
            for (int i = 0; i < SPECS.size(); i++) {
                // float64: RMSprop's d / (sqrt(0.01 d^2) + 1e-8) for an element whose centred gradient is ~1e-8
                // turns the 1e-17 difference of a mean summed in another order into ~1e-10; 1e-9 leaves room.
                double atol = f32 ? 2e-6 : 1e-9;
                double rtol = f32 ? 1e-5 : 1e-11;
                Close.assertAllClose("step " + k + " " + SPECS.get(i).name(), SPECS.get(i).shape(),
                        ref.params.get(i).w, params.get(i).toDoubleArray(), atol, rtol);
            }
        }
        assertEquals(STEPS, o.steps());
        OptimizerState state = o.state();
        assertEquals(STEPS - 1, state.params().get("bias").step());
        assertEquals(STEPS - 2, state.params().get("single").step());
        assertEquals(STEPS, state.params().get("conv").step());
    }

    private static int numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return Math.toIntExact(n);
    }

    private static double[] uniform(Random rnd, int n, double lo, double hi) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return v;
    }
}
