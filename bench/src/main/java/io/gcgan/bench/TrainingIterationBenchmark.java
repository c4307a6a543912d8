package io.gcgan.bench;

import io.gcgan.backend.Backend;
import io.gcgan.gan.train.GeneratorNoise;
import io.gcgan.gan.train.StepMetrics;
import io.gcgan.gan.train.Trainer;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.TensorScope;
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
 * <p>The workload is {@link TrainingWorkload} (shared with {@code io.gcgan.bench.gpu.TrainingProfile}):
 * <ul>
 *   <li>{@code model}: {@code mnist28} ({@code Mnist28}) or {@code dcgan64} ({@code Dcgan64}, BatchNorm in D except
 *       with the gradient penalty, which BatchNorm's batch coupling would make meaningless);</li>
 *   <li>{@code recipe}: {@code nsgan-adam}: the non-saturating loss, Adam (lr 2e-4, betas 0.5, 0.999) for both
 *       networks, no GC (the PyTorch peer's {@code *-bce-adam-fused}); {@code wgan-0gp-adam-gc}: the WGAN loss without
 *       clipping plus the zero-centred gradient penalty at interpolates ({@code CentredGradientPenalty.zeroCentred(10)},
 *       a double backward pass), Adam with gradient centralization ({@code GcMode.CONV_AND_FC}) for both.</li>
 * </ul>
 *
 * The real batch is made once, in {@code @Setup}, so the measured part allocates only what the step itself
 * allocates, inside the trainer's own tensor scopes. On CUDA the trainer reads D's and G's losses
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
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
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

    /** CUDA only: the step's conv implementation: own (our kernels), gemm (im2col + cuBLAS), cudnn or auto. */
    @Param({"own"})
    public String conv;

    /**
     * CUDA only, for conv=auto: how auto times its candidates: with-launches (from an idle device, the host's launch
     * gaps included) or device-only (queued behind a busy wait: the device's time alone).
     */
    @Param({"with-launches"})
    public String autotuneTiming;

    /** BatchNorm's batch statistics: fused (one backend call each way) or composed (the tensor-op reference). */
    @Param({"fused"})
    public String batchNorm;

    /**
     * The G update's noise: fresh (a new batch, G forward again: the trainer's default) or reuse (the D update's
     * samples, as the PyTorch peer's step does).
     */
    @Param({"fresh"})
    public String generatorNoise;

    /**
     * written: every step's ops queued one by one by the Java code; captured: each step's updates recorded once and
     * replayed (CUDA graphs on a GPU; {@code TrainerConfig.capturedSteps}), inputs and optimizer steps in between.
     */
    @Param({"written"})
    public String steps;

    private Backend b;
    private TensorScope trial;
    private Trainer trainer;

    @Setup(Level.Trial)
    public void setUp() {
        b = CudaBench.backend(backend);
        CudaBench.setMath(b, math);
        CudaBench.setConv(b, conv, "own");
        CudaBench.setAutotuneTiming(b, autotuneTiming, "with-launches");
        Device device = CudaBench.device(backend);
        // Everything that lives for the trial (weights, optimizer state, the batch) in one scope, closed in tearDown.
        trial = TensorScope.open();
        try {
            build(device);
        } catch (RuntimeException | Error e) {
            trial.close();
            throw e;
        }
    }

    private void build(Device device) {
        TrainingWorkload w = TrainingWorkload.create(model, recipe, device, batchNorm,
                GeneratorNoise.fromName(generatorNoise), steps);
        trainer = w.trainer();
        // Step 0 runs the diagnostics (step % diagnosticsEvery == 0), allocates the optimizer state and, on CUDA,
        // plans every cuDNN convolution; step 1 records the step with steps=captured; from step 2 on all are alike.
        trainer.trainStep();
        trainer.trainStep();
        b.synchronize();
        System.out.println("# " + b.description() + "; " + w.describe()
                + ", batchNorm " + batchNorm + ", generator noise " + generatorNoise + ", steps " + steps
                + (b.device().kind() == Device.Kind.CUDA ? ", math " + math + ", conv " + conv
                        + (conv.equals("auto") ? " timed " + autotuneTiming : "") : ""));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        b.synchronize();
        trainer.close(); // the recorded steps, with steps=captured
        trial.close();
    }

    @Benchmark
    public StepMetrics iteration() {
        StepMetrics m = trainer.trainStep();
        b.synchronize();
        return m;
    }
}
