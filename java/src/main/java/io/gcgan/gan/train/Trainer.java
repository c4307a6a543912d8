package io.gcgan.gan.train;

import io.gcgan.autograd.Autograd;
import io.gcgan.gan.loss.GanLoss;
import io.gcgan.gan.loss.WassersteinLoss;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.gan.penalty.WeightClipping;
import io.gcgan.nn.Module;
import io.gcgan.optim.Optimizer;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Alternating GAN training: per step, {@code n_critic} discriminator updates, then one generator update, with
 * any loss, an optional centred gradient penalty, weight clipping where the loss asks for it, and separate
 * optimizers (any algorithm x GC mode, own learning rates: TTUR).
 *
 * <p>Each D update and the G update run in their own {@link TensorScope}, so a step's intermediates are freed
 * as it goes. D's outputs are flattened to logits [N]. During the G update D's parameters do not require
 * grad, so the backward pass computes no D parameter gradients. Noise, penalty interpolation weights and the
 * fixed noise come from separate Philox streams derived from the seed, and the data source has its own
 * position: {@link #state()} captures all of it for an exact resume.
 *
 * <p>The host waits for the device once per update: one copy brings back the loss, the penalty, the squared gradient
 * norm and the Wasserstein estimate together, and a NaN or infinite loss, penalty or gradient norm throws
 * {@link TrainingDivergedException} (naming the step and the quantity, checked in that order) before that update is
 * applied, so nothing non-finite reaches the weights, the optimizer state or a checkpoint.
 */
public final class Trainer {

    private static final long NOISE_STREAM = 0x6E6F697365L;
    private static final long PENALTY_STREAM = 0x70656E616C7479L;
    private static final long FIXED_STREAM = 0x6669786564L;

    private final Module generator;
    private final Module discriminator;
    private final long[] noiseShape;
    private final RealData data;
    private final GanLoss loss;
    private final CentredGradientPenalty penalty; // null: none
    private final Optimizer gOptimizer;
    private final Optimizer dOptimizer;
    private final TrainerConfig config;
    private final Generator noise;
    private final Generator penaltyNoise;
    private final Tensor fixedNoise;
    private final Function<Tensor, Tensor> critic;
    private long step;

    /**
     * @param noiseShape the shape of one noise sample: [100] for mnist28, [100, 1, 1] for dcgan64, [2] for MLPs
     * @param penalty    a gradient penalty added to D's loss, or null
     */
    public Trainer(Module generator, Module discriminator, long[] noiseShape, RealData data, GanLoss loss,
                   CentredGradientPenalty penalty, Optimizer gOptimizer, Optimizer dOptimizer, TrainerConfig config) {
        this.generator = Objects.requireNonNull(generator, "generator");
        this.discriminator = Objects.requireNonNull(discriminator, "discriminator");
        this.noiseShape = noiseShape.clone();
        this.data = Objects.requireNonNull(data, "data");
        this.loss = Objects.requireNonNull(loss, "loss");
        this.penalty = penalty;
        this.gOptimizer = Objects.requireNonNull(gOptimizer, "gOptimizer");
        this.dOptimizer = Objects.requireNonNull(dOptimizer, "dOptimizer");
        this.config = Objects.requireNonNull(config, "config");
        this.noise = new Generator(config.seed() ^ NOISE_STREAM);
        this.penaltyNoise = new Generator(config.seed() ^ PENALTY_STREAM);
        this.critic = x -> discriminator.forward(x).reshape(-1);
        // The fixed noise lives as long as the trainer (it is made outside any step scope).
        this.fixedNoise = Tensor.randn(new Generator(config.seed() ^ FIXED_STREAM), config.dtype(), config.device(),
                batchShape(config.fixedNoiseCount()));
    }

    public TrainerConfig config() {
        return config;
    }

    /** Generator updates done so far. */
    public long step() {
        return step;
    }

    /** One step: the critic updates, then the generator update, then (on schedule) the diagnostics. */
    public StepMetrics trainStep() {
        long t0 = System.nanoTime();
        int critics = config.criticStepsAt(step);
        CriticResult last = null;
        Tensor lastReal = null;
        Tensor lastFake = null;
        boolean diagnose = step % config.diagnosticsEvery() == 0;
        boolean reuse = config.generatorNoise() == GeneratorNoise.REUSE;
        try (TensorScope stepScope = TensorScope.open()) {
            Tensor recordedFake = null;
            for (int i = 0; i < critics; i++) {
                if (reuse && i == critics - 1) {
                    // Not in a scope of its own: its samples, with G's recorded forward, serve the G update.
                    CriticUpdate u = criticUpdate(true);
                    last = u.result;
                    lastReal = u.real;
                    lastFake = u.fake;
                    recordedFake = u.recordedFake;
                    continue;
                }
                try (TensorScope update = TensorScope.open()) {
                    boolean keep = diagnose && i == critics - 1;
                    CriticUpdate u = criticUpdate(false);
                    last = u.result;
                    if (keep) {
                        lastReal = update.keep(u.real);
                        lastFake = update.keep(u.fake);
                    }
                }
            }
            double[] g;
            try (TensorScope update = TensorScope.open()) {
                g = generatorUpdate(recordedFake);
            }
            double inReal = Double.NaN;
            double inFake = Double.NaN;
            double gap = Double.NaN;
            if (diagnose) {
                double[] d = diagnostics(lastReal, lastFake);
                inReal = d[0];
                inFake = d[1];
                gap = d[2];
            }
            StepMetrics m = new StepMetrics(step, critics, last.dLoss, last.penalty, last.wasserstein, g[0],
                    last.gradNorm, g[1], inReal, inFake, gap, (System.nanoTime() - t0) / 1e9);
            step++;
            return m;
        }
    }

    private record CriticResult(double dLoss, double penalty, double wasserstein, double gradNorm) {
    }

    /** fake: the samples D was updated at (no graph); recordedFake: the same with G's forward recorded, or null. */
    private record CriticUpdate(CriticResult result, Tensor real, Tensor fake, Tensor recordedFake) {
    }

    /** One D update; with {@code recordG}, G's forward is recorded for a G update at the same samples. */
    private CriticUpdate criticUpdate(boolean recordG) {
        Tensor real = data.next(config.dtype(), config.device());
        Tensor fake;
        Tensor recordedFake = null;
        if (recordG) {
            recordedFake = generator.forward(noiseBatch(real.size(0)));
            fake = recordedFake.detach();
        } else {
            try (GradMode.Guard ignored = GradMode.noGrad()) {
                fake = generator.forward(noiseBatch(real.size(0)));
            }
        }
        Tensor dReal = critic.apply(real);
        Tensor dFake = critic.apply(fake);
        Tensor dLoss = loss.discriminatorLoss(new GanLoss.Batch(real, fake, dReal, dFake));
        Tensor total = dLoss;
        Tensor penaltyValue = null;
        if (penalty != null) {
            penaltyValue = penalty.compute(critic, real, fake, penaltyNoise);
            total = dLoss.add(penaltyValue);
        }
        dOptimizer.zeroGrad();
        Autograd.backward(total);
        // One host read (one synchronization) for everything checked or reported before the update is applied.
        boolean wasserstein = loss instanceof WassersteinLoss;
        double[] read;
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            read = readOnHost(dLoss, penaltyValue, squaredGradientNorm(discriminator.parameters()),
                    wasserstein ? dReal.mean().sub(dFake.mean()) : null);
        }
        double dl = finite("D loss", read[0]);
        double pen = penaltyValue == null ? Double.NaN : finite("gradient penalty", read[1]);
        double norm = finite("D gradient norm", Math.sqrt(read[2]));
        double w = wasserstein ? read[3] : Double.NaN;
        dOptimizer.step();
        loss.weightClip().ifPresent(c -> WeightClipping.apply(discriminator, c));
        return new CriticUpdate(new CriticResult(dl, pen, w, norm), real, fake, recordedFake);
    }

    /**
     * Returns {G loss, G gradient norm}. {@code recordedFake}: the last D update's samples with G's forward
     * recorded ({@link GeneratorNoise#REUSE}), or null to draw a new noise batch.
     */
    private double[] generatorUpdate(Tensor recordedFake) {
        List<Tensor> dParams = discriminator.parameters();
        boolean[] required = new boolean[dParams.size()];
        for (int i = 0; i < required.length; i++) {
            required[i] = dParams.get(i).requiresGrad();
            dParams.get(i).requiresGrad(false);
        }
        try {
            Tensor fake = recordedFake != null ? recordedFake : generator.forward(noiseBatch(config.batchSize()));
            Tensor gLoss = loss.generatorLoss(GanLoss.Batch.forGenerator(critic.apply(fake)));
            gOptimizer.zeroGrad();
            Autograd.backward(gLoss);
            double[] read;
            try (GradMode.Guard ignored = GradMode.noGrad()) {
                read = readOnHost(gLoss, null, squaredGradientNorm(generator.parameters()), null);
            }
            double gl = finite("G loss", read[0]);
            double norm = finite("G gradient norm", Math.sqrt(read[2]));
            gOptimizer.step();
            return new double[] {gl, norm};
        } finally {
            for (int i = 0; i < required.length; i++) {
                dParams.get(i).requiresGrad(required[i]);
            }
        }
    }

    /** {mean ||dD/dx|| at real, the same at fake, mean D(train) - mean D(held-out)}, with D in eval mode. */
    private double[] diagnostics(Tensor real, Tensor fake) {
        boolean wasTraining = discriminator.isTraining();
        discriminator.eval();
        try (TensorScope scope = TensorScope.open()) {
            double inReal = CentredGradientPenalty.inputGradientNorms(critic, real).mean().item();
            double inFake = CentredGradientPenalty.inputGradientNorms(critic, fake).mean().item();
            double gap;
            try (GradMode.Guard ignored = GradMode.noGrad()) {
                Tensor heldOut = data.nextHeldOut(config.dtype(), config.device());
                gap = critic.apply(real).mean().sub(critic.apply(heldOut).mean()).item();
            }
            return new double[] {inReal, inFake, gap};
        } finally {
            discriminator.train(wasTraining);
        }
    }

    /** G(fixed noise) with G in eval mode (BatchNorm's running statistics; no training state changes). */
    public Tensor sampleFixed() {
        return sample(fixedNoise);
    }

    /**
     * G's samples of {@code z} in evaluation mode (BatchNorm's running statistics), recording nothing and changing
     * no training state (the trainer's noise streams stay where they are).
     */
    public Tensor sample(Tensor z) {
        boolean wasTraining = generator.isTraining();
        generator.eval();
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            return generator.forward(z);
        } finally {
            generator.train(wasTraining);
        }
    }

    /** Everything besides the weights and optimizer moments that an exact resume needs. */
    public record State(long step, long noiseOffset, long penaltyOffset, long[] dataPosition) {
    }

    public State state() {
        return new State(step, noise.offset(), penaltyNoise.offset(), data.position());
    }

    public void restore(State s) {
        step = s.step();
        noise.setOffset(s.noiseOffset());
        penaltyNoise.setOffset(s.penaltyOffset());
        data.setPosition(s.dataPosition());
    }

    private Tensor noiseBatch(long n) {
        return Tensor.randn(noise, config.dtype(), config.device(), batchShape(n));
    }

    private long[] batchShape(long n) {
        long[] s = new long[noiseShape.length + 1];
        s[0] = n;
        System.arraycopy(noiseShape, 0, s, 1, noiseShape.length);
        return s;
    }

    /**
     * sum over parameters of sum(grad^2), as a rank-0 tensor (one backend call), or null when no parameter has a
     * gradient.
     */
    private static Tensor squaredGradientNorm(List<Tensor> params) {
        List<Tensor> grads = new ArrayList<>(params.size());
        for (Tensor p : params) {
            if (p.grad() != null) {
                grads.add(p.grad());
            }
        }
        return grads.isEmpty() ? null : Tensor.squaredNorm(grads);
    }

    /**
     * The values of up to four rank-0 tensors {a, b, c, d} in one copy to the host (one synchronization instead of
     * one per value): null tensors read as NaN, except {@code c} (a squared gradient norm), which reads as 0. Each
     * value is exactly what {@code item()} of its tensor returns (float32 values are copied, never rounded).
     */
    private static double[] readOnHost(Tensor a, Tensor b, Tensor c, Tensor d) {
        Tensor[] parts = {a, b, c, d};
        DType dtype = DType.FLOAT32;
        for (Tensor t : parts) {
            if (t != null && t.dtype() == DType.FLOAT64) {
                dtype = DType.FLOAT64; // float32 -> float64 is exact; never the other way
            }
        }
        int[] index = new int[parts.length];
        List<Tensor> present = new ArrayList<>(parts.length);
        for (int i = 0; i < parts.length; i++) {
            index[i] = parts[i] == null ? -1 : present.size();
            if (parts[i] != null) {
                present.add(parts[i].to(dtype).reshape(1));
            }
        }
        double[] values = Tensor.cat(0, present.toArray(new Tensor[0])).toDoubleArray();
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = index[i] >= 0 ? values[index[i]] : i == 2 ? 0.0 : Double.NaN;
        }
        return out;
    }

    private double finite(String quantity, double value) {
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException(step, quantity, value);
        }
        return value;
    }
}
