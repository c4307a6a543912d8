package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gcgan.backend.cuda.ConvImplementation;
import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.gan.loss.GanLosses;
import io.gcgan.gan.model.Dcgan64;
import io.gcgan.gan.model.Mnist28;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.gan.train.GeneratorNoise;
import io.gcgan.gan.train.RealData;
import io.gcgan.gan.train.StepMetrics;
import io.gcgan.gan.train.Trainer;
import io.gcgan.gan.train.TrainerConfig;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.optim.Adam;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Training steps recorded as CUDA graphs and replayed ({@link TrainerConfig#capturedSteps}) against the same steps
 * run as written on the same GPU: same metrics and weights after several steps, for mnist28 and dcgan64 (BatchNorm,
 * transposed convs) with each conv implementation (own kernels; explicit GEMM, whose scratch is allocated and freed
 * inside the graph; cuDNN, kept to its deterministic algorithms; auto, whose choices the written steps measure and
 * the recording reuses) and with a penalty whose alpha is drawn between replays. The data changes every step, so a
 * replay that read stale inputs would differ. Replays run the same kernels with the same arguments as the written
 * steps, so the agreement is expected to the last bit; the tolerance of 1e-6 relative is a margin. (With cuDNN's
 * nondeterministic algorithms, which add partial sums with atomics, Adam's normalized steps let last-bit
 * differences grow to 6e-6 of D's loss after one step: H200, 2026-11-27.)
 */
@GpuTest
class CudaCapturedStepsTest {

    private static final int STEPS = 5;

    @ParameterizedTest(name = "{0}, conv {1}, {2}")
    @CsvSource({"mnist28, own, nsgan", "mnist28, own, wgan-gp", "dcgan64, own, nsgan", "dcgan64, gemm, nsgan",
        "dcgan64, cudnn, nsgan", "dcgan64, auto, nsgan"})
    void replayedStepsMatchStepsAsWritten(String model, String conv, String recipe) {
        // With -Dgcgan.gpu.selfTest=cpu the CPU backend stands in, and every conv case is its one convolution.
        CudaBackend cuda = Backends.of(Gpu.CUDA) instanceof CudaBackend c ? c : null;
        ConvImplementation before = cuda == null ? null : cuda.defaultConvImplementation();
        boolean deterministicBefore = cuda != null && cuda.deterministicConvAlgorithmsRequired();
        if (cuda != null) {
            cuda.setDefaultConvImplementation(ConvImplementation.fromName(conv));
            cuda.requireDeterministicConvAlgorithms(true);
        }
        try (TensorScope scope = TensorScope.open()) {
            Setup written = setup(model, recipe, false);
            Setup replayed = setup(model, recipe, true);
            try (Trainer t = replayed.trainer()) {
                for (int i = 0; i < STEPS; i++) {
                    StepMetrics a = written.trainer().trainStep();
                    StepMetrics b = t.trainStep();
                    close("step " + i + " D loss", a.dLoss(), b.dLoss());
                    close("step " + i + " G loss", a.gLoss(), b.gLoss());
                    close("step " + i + " D gradient norm", a.dGradNorm(), b.dGradNorm());
                }
                sameWeights("G", written.g().stateDict(), replayed.g().stateDict());
                sameWeights("D", written.d().stateDict(), replayed.d().stateDict());
            }
        } finally {
            if (cuda != null) {
                cuda.setDefaultConvImplementation(before);
                cuda.requireDeterministicConvAlgorithms(deterministicBefore);
            }
        }
    }

    private record Setup(Module g, Module d, Trainer trainer) {
    }

    private static Setup setup(String model, String recipe, boolean captured) {
        ModuleOptions o = ModuleOptions.of(new Generator(7)).withDevice(Gpu.CUDA);
        boolean dcgan = model.equals("dcgan64");
        int batch = dcgan ? 16 : 64;
        Module g = dcgan ? Dcgan64.generator(o) : Mnist28.generator(o);
        Module d = dcgan ? Dcgan64.discriminator(true, o) : Mnist28.discriminator(o);
        long[] noiseShape = dcgan ? new long[] {Dcgan64.NZ, 1, 1} : new long[] {Mnist28.NZ};
        long[] imageShape = dcgan ? new long[] {batch, 3, 64, 64} : new long[] {batch, 1, 28, 28};
        Tensor images = Tensor.rand(new Generator(3), DType.FLOAT32, Gpu.CUDA, imageShape).mul(2).sub(1);
        Optimizer gOpt = new Adam(List.of(ParamGroup.builder(2e-4).addAll(g.namedParameters()).build()), 0.5, 0.999,
                1e-8);
        Optimizer dOpt = new Adam(List.of(ParamGroup.builder(2e-4).addAll(d.namedParameters()).gc(GcMode.CONV_AND_FC)
                .build()), 0.5, 0.999, 1e-8);
        boolean wgan = recipe.equals("wgan-gp");
        TrainerConfig config = TrainerConfig.defaults(11).withBatchSize(batch).withDevice(Gpu.CUDA)
                .withGeneratorNoise(GeneratorNoise.REUSE).withDiagnosticsEvery(2).withCapturedSteps(captured);
        Trainer trainer = new Trainer(g, d, noiseShape, changing(images), GanLosses.byName(wgan ? "wgan" : "nsgan"),
                wgan ? CentredGradientPenalty.wganGp(10) : null, gOpt, dOpt, config);
        return new Setup(g, d, trainer);
    }

    /** The images scaled by a factor that changes with every draw (a replay reading stale inputs would differ). */
    private static RealData changing(Tensor images) {
        RealData fixed = RealData.fixed(images);
        return new RealData() {
            private int drawn;

            @Override
            public Tensor next(DType dtype, Device device) {
                return fixed.next(dtype, device).mul(1.0 - 0.05 * (drawn++ % 7));
            }

            @Override
            public Tensor nextHeldOut(DType dtype, Device device) {
                return fixed.nextHeldOut(dtype, device);
            }

            @Override
            public long[] position() {
                return new long[] {drawn, 0};
            }

            @Override
            public void setPosition(long[] position) {
                drawn = (int) position[0];
            }
        };
    }

    private static void close(String what, double a, double b) {
        assertEquals(a, b, 1e-6 * (1 + Math.abs(a)), what + ": as written " + a + ", replayed " + b);
    }

    private static void sameWeights(String what, Map<String, Tensor> a, Map<String, Tensor> b) {
        for (String name : a.keySet()) {
            Check.close(what + " " + name + " after " + STEPS + " steps", a.get(name).toDoubleArray(),
                    b.get(name).toDoubleArray(), 1e-7, 1e-6);
        }
    }
}
