package io.gcgan.cli;

import io.gcgan.random.Generator;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.Arrays;
import java.util.Locale;

/**
 * The command line's entry point. Until the command-line issue lands it runs a smoke job: it reports the
 * backend in use and runs the mnist28 discriminator's forward pass (DESIGN.md) on a batch of Philox noise.
 *
 * <pre>
 *   x [64, 1, 28, 28] -> conv(1->64, 4, s2, p1) + LeakyReLU(0.2) -> [64, 64, 14, 14]
 *                     -> conv(64->128, 4, s2, p1) + LeakyReLU(0.2) -> [64, 128, 7, 7]
 *                     -> flatten -> linear(6272 -> 1)               -> [64, 1]
 * </pre>
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        Device device = Device.parse(args.length > 0 ? args[0] : "cpu");
        System.out.println("gcgan smoke run");
        System.out.println("backend: " + Backends.of(device).description());
        Generator gen = new Generator(42);
        try (TensorScope scope = TensorScope.open()) {
            // DCGAN initialization: N(0, 0.02) weights.
            Tensor w1 = Tensor.randn(gen, DType.FLOAT32, device, 64, 1, 4, 4).mul(0.02);
            Tensor w2 = Tensor.randn(gen, DType.FLOAT32, device, 128, 64, 4, 4).mul(0.02);
            Tensor w3 = Tensor.randn(gen, DType.FLOAT32, device, 128 * 7 * 7, 1).mul(0.02);
            Tensor x = Tensor.rand(gen, DType.FLOAT32, device, 64, 1, 28, 28).mul(2).sub(1);
            for (int run = 0; run < 3; run++) {
                long t0 = System.nanoTime();
                Tensor h1 = x.conv2d(w1, 2, 2, 1, 1).leakyRelu(0.2);
                Tensor h2 = h1.conv2d(w2, 2, 2, 1, 1).leakyRelu(0.2);
                Tensor logits = h2.flattenFrom(1).matmul(w3);
                double mean = logits.mean().item();
                double ms = (System.nanoTime() - t0) / 1e6;
                System.out.printf(Locale.ROOT, "mnist28 D forward, batch 64: out %s, mean logit %.6f, %.1f ms%n",
                        Arrays.toString(logits.shape()), mean, ms);
            }
        }
    }
}
