package io.gcgan.bench;

import io.gcgan.backend.Backend;
import io.gcgan.gan.loss.GanLoss;
import io.gcgan.gan.loss.GanLosses;
import io.gcgan.gan.model.Dcgan64;
import io.gcgan.gan.model.Mnist28;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.gan.train.RealData;
import io.gcgan.gan.train.StepMetrics;
import io.gcgan.gan.train.Trainer;
import io.gcgan.gan.train.TrainerConfig;
import io.gcgan.nn.ConvTranspose2d;
import io.gcgan.nn.Init;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.optim.Adam;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One training iteration, {@link Trainer#trainStep()}: one D update, then one G update, batch 64, float32, the
 * library's own models, losses, penalty and optimizers, with diagnostics off (they run once, in {@code @Setup}).
 *
 * <ul>
 *   <li>{@code model}: {@code mnist28} ({@link Mnist28}) or {@code dcgan64} ({@link Dcgan64}, BatchNorm in D
 *       except with the gradient penalty, which BatchNorm's batch coupling would make meaningless);</li>
 *   <li>{@code recipe}: {@code nsgan-adam}: the non-saturating loss, Adam (lr 2e-4, betas 0.5, 0.999) for both
 *       networks, no GC (the PyTorch peer's {@code *-bce-adam-fused}); {@code wgan-0gp-adam-gc}: the WGAN loss without
 *       clipping plus the zero-centred gradient penalty at interpolates ({@code CentredGradientPenalty.zeroCentred(10)},
 *       a double backward pass), Adam with gradient centralization ({@code GcMode.CONV_AND_FC}) for both.</li>
 * </ul>
 *
 * The real batch is made once, in {@code @Setup} ({@link FixedBatch}), so the measured part allocates only what
 * the step itself allocates, inside the trainer's own tensor scopes. On CUDA the trainer reads D's and G's losses
 * and gradient norms on the host every update (it checks they are finite), which synchronizes; the invocation also
 * ends with {@code synchronize()}, so G's optimizer step, queued after the last read, is inside the time.
 *
 * <p>Results: milliseconds per iteration. On a 2-core CPU the dcgan64 iteration takes seconds: give it
 * {@code -i 2} or leave it out ({@code -p model=mnist28}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class TrainingIterationBenchmark {

    @Param({"mnist28", "dcgan64"})
    public String model;

    @Param({"nsgan-adam", "wgan-0gp-adam-gc"})
    public String recipe;

    /** cpu, or cuda (device 0; fails in @Setup with the reason where CUDA cannot run). */
    @Param({"cpu", "cuda"})
    public String backend;

    /** CUDA only: fp32 (no TF32 rounding in cuBLAS and cuDNN, the default) or tf32. */
    @Param({"fp32"})
    public String math;

    private static final int BATCH = 64;
    private static final long SEED = 20261126L;

    private Backend b;
    private TensorScope trial;
    private Trainer trainer;

    @Setup(Level.Trial)
    public void setUp() {
        b = CudaBench.backend(backend);
        CudaBench.setMath(b, math);
        Device device = CudaBench.device(backend);
        boolean wgan = switch (recipe) {
            case "nsgan-adam" -> false;
            case "wgan-0gp-adam-gc" -> true;
            default -> throw new IllegalArgumentException("recipe must be nsgan-adam or wgan-0gp-adam-gc, got '"
                    + recipe + "'");
        };
        // Everything that lives for the trial (weights, optimizer state, the batch) in one scope, closed in tearDown.
        trial = TensorScope.open();
        try {
            build(device, wgan);
        } catch (RuntimeException | Error e) {
            trial.close();
            throw e;
        }
    }

    private void build(Device device, boolean wgan) {
        ModuleOptions o = new ModuleOptions(DType.FLOAT32, device, new Generator(SEED));
        Module g;
        Module d;
        long[] noiseShape;
        long[] imageShape;
        switch (model) {
            case "mnist28" -> {
                g = Init.dcgan(Mnist28.generator(o), o.generator());
                d = Init.dcgan(Mnist28.discriminator(o), o.generator());
                noiseShape = new long[] {Mnist28.NZ};
                imageShape = new long[] {BATCH, 1, Mnist28.IMAGE_SIZE, Mnist28.IMAGE_SIZE};
            }
            case "dcgan64" -> {
                g = Init.dcgan(Dcgan64.generator(o), o.generator());
                d = Init.dcgan(Dcgan64.discriminator(!wgan, o), o.generator());
                noiseShape = new long[] {Dcgan64.NZ, 1, 1};
                imageShape = new long[] {BATCH, 3, Dcgan64.IMAGE_SIZE, Dcgan64.IMAGE_SIZE};
            }
            default -> throw new IllegalArgumentException("model must be mnist28 or dcgan64, got '" + model + "'");
        }
        GanLoss loss = wgan
                ? GanLosses.byName(GanLosses.WGAN, GanLosses.Options.defaults().withClip(0))
                : GanLosses.byName(GanLosses.NSGAN);
        CentredGradientPenalty penalty = wgan ? CentredGradientPenalty.zeroCentred(10) : null;
        GcMode gc = wgan ? GcMode.CONV_AND_FC : GcMode.NONE;
        Tensor real = Tensor.randn(new Generator(SEED + 1), DType.FLOAT32, device, imageShape).clamp(-1, 1);
        TrainerConfig config = new TrainerConfig(BATCH, 1, false, Integer.MAX_VALUE, 1, SEED, DType.FLOAT32, device);
        trainer = new Trainer(g, d, noiseShape, new FixedBatch(real), loss, penalty, adam(g, gc), adam(d, gc), config);
        // Step 0 runs the diagnostics (step % diagnosticsEvery == 0), allocates the optimizer state and, on CUDA,
        // plans every cuDNN convolution; from step 1 on the steps are all alike.
        trainer.trainStep();
        trainer.trainStep();
        b.synchronize();
        System.out.println("# " + b.description() + "; " + model + " " + recipe + ", batch " + BATCH + ", "
                + g.parameters().size() + " G and " + d.parameters().size() + " D parameter tensors"
                + (b.device().kind() == Device.Kind.CUDA ? ", math " + math : ""));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        b.synchronize();
        trial.close();
    }

    @Benchmark
    public StepMetrics iteration() {
        StepMetrics m = trainer.trainStep();
        b.synchronize();
        return m;
    }

    /** Adam as the DCGAN example sets it (lr 2e-4, betas 0.5, 0.999) over all of a model's parameters. */
    private static Optimizer adam(Module model, GcMode gc) {
        Set<Tensor> transposed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Module m : model.namedModules().values()) {
            if (m instanceof ConvTranspose2d c) {
                transposed.add(c.weight());
            }
        }
        Map<String, Tensor> params = model.namedParameters();
        ParamGroup group = ParamGroup.builder(2e-4)
                .addAll(params, name -> transposed.contains(params.get(name)))
                .gc(gc)
                .build();
        return new Adam(List.of(group), 0.5, 0.999, 1e-8);
    }

    /** Real data that is always the same pre-made batch (the benchmark measures training, not data loading). */
    static final class FixedBatch implements RealData {
        private final Tensor batch;

        FixedBatch(Tensor batch) {
            this.batch = batch;
        }

        @Override
        public Tensor next(DType dtype, Device device) {
            return batch;
        }

        @Override
        public Tensor nextHeldOut(DType dtype, Device device) {
            return batch;
        }

        @Override
        public long[] position() {
            return new long[] {0, 0};
        }

        @Override
        public void setPosition(long[] position) {
            // always the same batch
        }
    }
}
