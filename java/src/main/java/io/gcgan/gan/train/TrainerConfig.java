package io.gcgan.gan.train;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import java.util.Objects;

/**
 * The trainer's schedule and placement.
 *
 * @param batchSize           samples per D and per G update
 * @param nCritic             D updates per G update
 * @param wganCriticSchedule  the WGAN paper's schedule: 100 D updates per G update for the first 25 G updates
 *                            and for every 500th, {@code nCritic} otherwise
 * @param diagnosticsEvery    compute the input-gradient norms and the score gap every this many steps (1 =
 *                            every step; they cost one extra D forward/backward at real and fake points)
 * @param fixedNoiseCount     samples in the fixed noise used for sample images
 * @param seed                seeds the noise, penalty and fixed-noise streams
 * @param generatorNoise      whether the G update draws new noise or reuses the last D update's samples
 * @param capturedSteps       run each kind of step (its number of D updates) as written once, then record its
 *                            updates' backend calls ({@link io.gcgan.tensor.Capture}: CUDA graphs on a GPU) and
 *                            replay them, with the inputs drawn and the optimizer steps run between replays: the
 *                            same results, without the host's per-op work ({@link Trainer})
 */
public record TrainerConfig(int batchSize, int nCritic, boolean wganCriticSchedule, int diagnosticsEvery,
                            int fixedNoiseCount, long seed, DType dtype, Device device, GeneratorNoise generatorNoise,
                            boolean capturedSteps) {

    public TrainerConfig {
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(generatorNoise, "generatorNoise");
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        if (nCritic < 1) {
            throw new IllegalArgumentException("n_critic must be >= 1, got " + nCritic);
        }
        if (diagnosticsEvery < 1) {
            throw new IllegalArgumentException("diagnosticsEvery must be >= 1, got " + diagnosticsEvery);
        }
        if (fixedNoiseCount < 1) {
            throw new IllegalArgumentException("fixed noise count must be >= 1, got " + fixedNoiseCount);
        }
    }

    /** Steps run as written ({@code capturedSteps} false). */
    public TrainerConfig(int batchSize, int nCritic, boolean wganCriticSchedule, int diagnosticsEvery,
                         int fixedNoiseCount, long seed, DType dtype, Device device, GeneratorNoise generatorNoise) {
        this(batchSize, nCritic, wganCriticSchedule, diagnosticsEvery, fixedNoiseCount, seed, dtype, device,
                generatorNoise, false);
    }

    /** With {@link GeneratorNoise#FRESH}. */
    public TrainerConfig(int batchSize, int nCritic, boolean wganCriticSchedule, int diagnosticsEvery,
                         int fixedNoiseCount, long seed, DType dtype, Device device) {
        this(batchSize, nCritic, wganCriticSchedule, diagnosticsEvery, fixedNoiseCount, seed, dtype, device,
                GeneratorNoise.FRESH);
    }

    /** Batch 64, one D update per G update, diagnostics every step, 64 fixed samples, float32, CPU, fresh noise. */
    public static TrainerConfig defaults(long seed) {
        return new TrainerConfig(64, 1, false, 1, 64, seed, DType.FLOAT32, Device.CPU);
    }

    public TrainerConfig withBatchSize(int b) {
        return new TrainerConfig(b, nCritic, wganCriticSchedule, diagnosticsEvery, fixedNoiseCount, seed, dtype, device,
                generatorNoise, capturedSteps);
    }

    public TrainerConfig withCritic(int n, boolean wganSchedule) {
        return new TrainerConfig(batchSize, n, wganSchedule, diagnosticsEvery, fixedNoiseCount, seed, dtype, device,
                generatorNoise, capturedSteps);
    }

    public TrainerConfig withDiagnosticsEvery(int every) {
        return new TrainerConfig(batchSize, nCritic, wganCriticSchedule, every, fixedNoiseCount, seed, dtype, device,
                generatorNoise, capturedSteps);
    }

    public TrainerConfig withDevice(Device d) {
        return new TrainerConfig(batchSize, nCritic, wganCriticSchedule, diagnosticsEvery, fixedNoiseCount, seed, dtype,
                d, generatorNoise, capturedSteps);
    }

    public TrainerConfig withGeneratorNoise(GeneratorNoise g) {
        return new TrainerConfig(batchSize, nCritic, wganCriticSchedule, diagnosticsEvery, fixedNoiseCount, seed, dtype,
                device, g, capturedSteps);
    }

    /** With {@code capturedSteps} (see the parameter): on a GPU, CUDA graphs. */
    public TrainerConfig withCapturedSteps(boolean captured) {
        return new TrainerConfig(batchSize, nCritic, wganCriticSchedule, diagnosticsEvery, fixedNoiseCount, seed, dtype,
                device, generatorNoise, captured);
    }

    /** D updates before the G update of step {@code step} (0-based). */
    public int criticStepsAt(long step) {
        if (wganCriticSchedule && (step < 25 || step % 500 == 0)) {
            return 100;
        }
        return nCritic;
    }
}
