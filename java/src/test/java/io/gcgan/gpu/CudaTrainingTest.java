package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.gcgan.optim.GcMode;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A few mnist28 training iterations (batch 64, Adam, with and without gradient centralization) on CUDA and on the
 * CPU backend from the same weights and inputs: the losses of every iteration agree within float32 tolerance, and
 * D's gradients after the first backward pass agree tensor by tensor.
 *
 * <p>Loss tolerance {@code 2e-4 (1 + |loss|)}: each logit sums up to 6,272 float32 products per layer, so one forward
 * pass carries about {@code 8 sqrt(6272) 2^-24 = 4e-5} relative error (the bound of {@link Check#LAMBDA}) on each
 * device; four layers and two devices give ~2e-4. Five Adam steps at lr 2e-4 move the weights by ~1e-3, so the
 * parameter differences they add (gradients agree to ~1e-5 relative) stay far below that. Gradient tolerance
 * {@code 1e-3 |ref| + 2e-4 max|ref|} per tensor, for the same reason one backward pass deep.
 */
@GpuTest
class CudaTrainingTest {

    private static final int BATCH = 64;
    private static final int ITERATIONS = 5;
    private static final long SEED = 20240601L;

    @ParameterizedTest(name = "GC {0}")
    @EnumSource(value = GcMode.class, names = {"NONE", "CONV_AND_FC"})
    void lossesMatchTheCpuBackend(GcMode gc) {
        try (TensorScope models = TensorScope.open()) {
            Mnist28 cpu = new Mnist28(Device.CPU, SEED, gc, null);
            Mnist28 cuda = new Mnist28(Gpu.CUDA, SEED, gc, cpu);
            List<String> failures = new ArrayList<>();
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT,
                    "mnist28 GC %s, batch %d:%n  iter       lossD cpu      lossD cuda       lossG cpu      lossG cuda",
                    gc, BATCH));
            for (int i = 0; i < ITERATIONS; i++) {
                try (TensorScope step = TensorScope.open()) {
                    Tensor[] in = Mnist28.batch(i, BATCH);
                    Mnist28.Losses ref = cpu.step(in[0], in[1], i == 0);
                    Mnist28.Losses got = cuda.step(in[0], in[1], i == 0);
                    table.append(String.format(Locale.ROOT, "%n  %4d  %14.8f  %14.8f  %14.8f  %14.8f", i, ref.lossD(),
                            got.lossD(), ref.lossG(), got.lossG()));
                    checkLoss(failures, "iteration " + i + " lossD", ref.lossD(), got.lossD());
                    checkLoss(failures, "iteration " + i + " lossG", ref.lossG(), got.lossG());
                    if (i == 0) {
                        compareGradients(ref.dGrads(), got.dGrads());
                    }
                }
            }
            System.out.println(table);
            if (!failures.isEmpty()) {
                fail("CUDA and CPU losses differ beyond 2e-4 (1 + |loss|): " + String.join("; ", failures) + "\n"
                        + table);
            }
        }
    }

    private static void checkLoss(List<String> failures, String what, double ref, double got) {
        double tol = 2e-4 * (1 + Math.abs(ref));
        if (!(Math.abs(got - ref) <= tol)) {
            failures.add(String.format(Locale.ROOT, "%s: cpu %.8f cuda %.8f (|diff| %.3g > %.3g)", what, ref, got,
                    Math.abs(got - ref), tol));
        }
    }

    private static void compareGradients(Map<String, Tensor> ref, Map<String, Tensor> got) {
        assertTrue(ref.keySet().equals(got.keySet()), "D parameter names: " + ref.keySet() + " vs " + got.keySet());
        for (String name : ref.keySet()) {
            double[] r = ref.get(name).toDoubleArray();
            double[] g = got.get(name).toDoubleArray();
            double max = 0;
            for (double v : r) {
                max = Math.max(max, Math.abs(v));
            }
            Check.close("first backward pass: gradient of D's " + name, r, g, 2e-4 * max + Double.MIN_NORMAL, 1e-3);
        }
    }

    /**
     * Built from the same seed on each device, the models start with the same weights (ModuleOptions: the Philox
     * streams and the initializers' arithmetic are the same on both backends); up to 2 ulps are allowed for the
     * scaling the initializers do after drawing.
     */
    @Test
    void sameSeedGivesTheSameInitialWeights() {
        try (TensorScope models = TensorScope.open()) {
            Mnist28 cpu = new Mnist28(Device.CPU, SEED, GcMode.NONE, null);
            Mnist28 cuda = new Mnist28(Gpu.CUDA, SEED, GcMode.NONE, null);
            for (var pair : List.of(List.of(cpu.g, cuda.g), List.of(cpu.d, cuda.d))) {
                Map<String, Tensor> a = pair.get(0).stateDict();
                Map<String, Tensor> b = pair.get(1).stateDict();
                for (String name : a.keySet()) {
                    Check.close("initial " + name, a.get(name).toDoubleArray(), b.get(name).toDoubleArray(),
                            Double.MIN_NORMAL, 2 * Check.eps(a.get(name).dtype()));
                }
            }
        }
    }
}
