package io.gcgan.cli;

import io.gcgan.bindings.CudaAvailability;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gcgan info}: versions, what CUDA offers here, the device {@code --device} selects, and a smoke run: the
 * mnist28 discriminator's forward pass on a batch of noise (DESIGN.md), timed three times.
 *
 * <pre>
 *   x [64, 1, 28, 28] -> conv(1->64, 4, s2, p1) + LeakyReLU(0.2) -> [64, 64, 14, 14]
 *                     -> conv(64->128, 4, s2, p1) + LeakyReLU(0.2) -> [64, 128, 7, 7]
 *                     -> flatten -> linear(6272 -> 1)               -> [64, 1]
 * </pre>
 */
@Command(name = "info", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Prints versions, CUDA availability and the selected device, then runs a smoke test: the "
                + "mnist28 discriminator's forward pass on a batch of noise.")
final class InfoCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "auto",
            description = "auto, cpu, cuda or cuda:N. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--no-smoke", description = "Skip the smoke forward pass.")
    boolean noSmoke;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        DeviceChoice.canonical(device); // a misspelt --device is a usage error before anything is printed
        Versions.all().forEach((k, v) -> out.println(k + ": " + v));
        out.println("CUDA:");
        out.println(CudaAvailability.probe().summary());
        DeviceChoice choice = DeviceChoice.select(device);
        out.println("device: " + choice.summary());
        if (!noSmoke) {
            smoke(out, choice.device());
        }
        out.flush();
        return 0;
    }

    static void smoke(PrintWriter out, Device device) {
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
                out.printf(Locale.ROOT, "smoke: mnist28 D forward, batch 64: out %s, mean logit %.6f, %.1f ms%n",
                        Arrays.toString(logits.shape()), mean, ms);
            }
        }
    }
}
