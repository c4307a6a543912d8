package io.gcgan.backend.cpu;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import io.gcgan.backend.CentringView;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.Storage;
import io.gcgan.backend.WeightDecayMode;
import io.gcgan.tensor.DType;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * The child JVM of {@link CpuOptimizerStepWithoutVectorApiTest}, started without {@code --add-modules
 * jdk.incubator.vector}: three centred SGD-momentum steps through the public {@code CpuBackend.optimizerStep},
 * which must run (no class of the incubator module linked) and take the lane sums. Prints the backend's description
 * and a checksum of the final weights and momentum, then "OK"; exits 3 if the module is there after all.
 */
public final class OptimizerStepWithoutVectorApiMain {

    private OptimizerStepWithoutVectorApiMain() {
    }

    public static void main(String[] args) {
        if (CpuOptimizerStep.VECTOR_API) {
            System.out.println("this JVM resolved jdk.incubator.vector; start it without --add-modules");
            System.exit(3);
        }
        System.out.println(CpuBackend.instance().description());
        System.out.println("checksum " + checksum(slots -> CpuBackend.instance().optimizerStep(HYPER, slots, null)));
        System.out.println("OK");
    }

    static final OptimizerHyper HYPER = OptimizerHyper.sgdMomentum(1e-2, 0.9, 0.0, false,
            MomentumStart.FIRST_GRADIENT, 1e-2, WeightDecayMode.COUPLED);

    /**
     * Three steps of {@code stepper} over two centred float32 tensors (contiguous slices of 2560, and 40-element runs
     * centred per output filter), from seeded values; a checksum of every final weight's and momentum's bits.
     */
    static long checksum(Consumer<List<ParamSlot>> stepper) {
        long[][] shapes = {{6, 2560}, {30, 7, 40}};
        int[] dims = {0, 1};
        CpuBackend cpu = CpuBackend.instance();
        Random rnd = new Random(11);
        long sum = 17;
        for (int k = 0; k < shapes.length; k++) {
            long n = 1;
            for (long d : shapes[k]) {
                n *= d;
            }
            Storage w = cpu.allocate(DType.FLOAT32, n, Lifetime.AUTOMATIC);
            Storage g = cpu.allocate(DType.FLOAT32, n, Lifetime.AUTOMATIC);
            Storage m = cpu.allocate(DType.FLOAT32, n, Lifetime.AUTOMATIC);
            fill(w, rnd, 0.0, 1.0);
            cpu.fill(m, 0);
            CentringView view = CentringView.along(shapes[k], dims[k]);
            for (long t = 1; t <= 3; t++) {
                fill(g, rnd, 0.05, 0.1);
                stepper.accept(List.of(new ParamSlot(w, g, m, null, t, view)));
            }
            for (long i = 0; i < n; i++) {
                sum = sum * 31 + Float.floatToRawIntBits(w.segment().getAtIndex(JAVA_FLOAT, i));
                sum = sum * 31 + Float.floatToRawIntBits(m.segment().getAtIndex(JAVA_FLOAT, i));
            }
        }
        return sum;
    }

    private static void fill(Storage s, Random rnd, double mean, double sd) {
        for (long i = 0; i < s.numel(); i++) {
            s.segment().setAtIndex(JAVA_FLOAT, i, (float) (mean + sd * rnd.nextGaussian()));
        }
    }
}
