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
 * <p>The host waits for the device once per step, after it has queued every update: one copy brings back each
 * update's loss, penalty, squared gradient norm and Wasserstein estimate. Each update is guarded on the device by
 * those values of itself and of the step's earlier updates ({@link Optimizer#step(Tensor)}): if one is NaN or
 * infinite, that update and every later one of the step change no weight and no moment. The host then checks them
 * in order and throws {@link TrainingDivergedException}, naming the step and the first non-finite quantity, so
 * nothing non-finite reaches the weights, the optimizer state or a checkpoint. (A skipped update still counts in
 * its optimizer's step count, and WGAN's weight clipping still runs, which changes only weights outside the clip
 * range; after the exception, continue from a checkpoint.) On a GPU this lets the host queue the G update while the
 * device still runs the D update, instead of waiting for D's loss first.
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
        Tensor lastReal = null;
        Tensor lastFake = null;
        boolean diagnose = step % config.diagnosticsEvery() == 0;
        boolean reuse = config.generatorNoise() == GeneratorNoise.REUSE;
        try (TensorScope stepScope = TensorScope.open()) {
            Tensor recordedFake = null;
            StepChecks checks = new StepChecks(config.dtype());
            for (int i = 0; i < critics; i++) {
                if (reuse && i == critics - 1) {
                    // Not in a scope of its own: its samples, with G's recorded forward, serve the G update.
                    CriticUpdate u = criticUpdate(true, checks);
                    lastReal = u.real;
                    lastFake = u.fake;
                    recordedFake = u.recordedFake;
                    continue;
                }
                try (TensorScope update = TensorScope.open()) {
                    boolean keep = diagnose && i == critics - 1;
                    CriticUpdate u = criticUpdate(false, checks);
                    checks.keepIn(update);
                    if (keep) {
                        lastReal = update.keep(u.real);
                        lastFake = update.keep(u.fake);
                    }
                }
            }
            try (TensorScope update = TensorScope.open()) {
                generatorUpdate(recordedFake, checks);
                checks.keepIn(update);
            }
            // The step's one host synchronization: every update was queued, each guarded by the values before it.
            // Every guarded value is checked here, so a skipped update always ends in TrainingDivergedException.
            double[] values = checks.values().toDoubleArray();
            for (int u = 0; u <= critics; u++) {
                String[] names = u < critics ? D_QUANTITIES : G_QUANTITIES;
                for (int which = 0; which < names.length; which++) {
                    if (checks.has(u, which)) {
                        double v = checks.value(values, u, which);
                        finite(names[which], which == GRAD_NORM_SQ ? Math.sqrt(v) : v);
                    }
                }
            }
            int d = critics - 1;
            double inReal = Double.NaN;
            double inFake = Double.NaN;
            double gap = Double.NaN;
            if (diagnose) {
                double[] diag = diagnostics(lastReal, lastFake);
                inReal = diag[0];
                inFake = diag[1];
                gap = diag[2];
            }
            StepMetrics m = new StepMetrics(step, critics, checks.value(values, d, LOSS),
                    checks.value(values, d, PENALTY), checks.value(values, d, WASSERSTEIN),
                    checks.value(values, critics, LOSS), Math.sqrt(checks.value(values, d, GRAD_NORM_SQ)),
                    Math.sqrt(checks.value(values, critics, GRAD_NORM_SQ)), inReal, inFake, gap,
                    (System.nanoTime() - t0) / 1e9);
            step++;
            return m;
        }
    }

    // The values an update checks, in this order: the loss, the gradient penalty, the squared gradient norm and the
    // Wasserstein estimate (each where the update has it).
    private static final int LOSS = 0;
    private static final int PENALTY = 1;
    private static final int GRAD_NORM_SQ = 2;
    private static final int WASSERSTEIN = 3;
    // Their names in TrainingDivergedException (a squared norm is reported as the norm).
    private static final String[] D_QUANTITIES = {"D loss", "gradient penalty", "D gradient norm",
        "Wasserstein estimate"};
    private static final String[] G_QUANTITIES = {"G loss", null, "G gradient norm", null}; // G has no others

    /**
     * A step's checked values: on the device one rank-1 tensor in the parameters' dtype that every update extends by
     * the values it has (the guard of each optimizer step: the values of that update and of the step's earlier
     * ones), and on the host where each update's values sit in it.
     */
    private static final class StepChecks {
        private final DType dtype;
        private final List<int[]> at = new ArrayList<>(); // per update, the index of each value; -1 where absent
        private Tensor values;                           // null before the first update
        private int size;

        StepChecks(DType dtype) {
            this.dtype = dtype;
        }

        /** Appends one update's values (null: the update has none) and returns the grown tensor. */
        Tensor append(Tensor loss, Tensor penalty, Tensor squaredNorm, Tensor wasserstein) {
            Tensor[] given = {loss, penalty, squaredNorm, wasserstein};
            int[] index = new int[given.length];
            List<Tensor> parts = new ArrayList<>(given.length + 1);
            if (values != null) {
                parts.add(values);
            }
            for (int k = 0; k < given.length; k++) {
                index[k] = given[k] == null ? -1 : size++;
                if (given[k] != null) {
                    parts.add(given[k].to(dtype).reshape(1));
                }
            }
            at.add(index);
            values = Tensor.cat(0, parts.toArray(new Tensor[0]));
            return values;
        }

        /** Moves the values into the scope enclosing {@code update}, which is about to close. */
        void keepIn(TensorScope update) {
            values = update.keep(values);
        }

        /** The values so far, on the device. */
        Tensor values() {
            return values;
        }

        /** Whether update {@code u} has value {@code which}. */
        boolean has(int u, int which) {
            return at.get(u)[which] >= 0;
        }

        /** Update {@code u}'s value {@code which} in {@code read} (the values on the host): NaN where absent. */
        double value(double[] read, int u, int which) {
            int i = at.get(u)[which];
            return i >= 0 ? read[i] : which == GRAD_NORM_SQ ? 0.0 : Double.NaN; // no gradient: norm 0
        }
    }

    /** fake: the samples D was updated at (no graph); recordedFake: the same with G's forward recorded, or null. */
    private record CriticUpdate(Tensor real, Tensor fake, Tensor recordedFake) {
    }

    /**
     * One D update; with {@code recordG}, G's forward is recorded for a G update at the same samples. The update is
     * guarded by this step's checked values so far and its own: if any is not finite it changes nothing.
     */
    private CriticUpdate criticUpdate(boolean recordG, StepChecks checks) {
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
        Tensor guard;
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            Tensor wasserstein = loss instanceof WassersteinLoss ? dReal.mean().sub(dFake.mean()) : null;
            guard = checks.append(dLoss, penaltyValue, squaredGradientNorm(discriminator.parameters()), wasserstein);
        }
        dOptimizer.step(guard);
        loss.weightClip().ifPresent(c -> WeightClipping.apply(discriminator, c));
        return new CriticUpdate(real, fake, recordedFake);
    }

    /**
     * The G update, guarded by this step's checked values and its own, which it appends to {@code checks}.
     * {@code recordedFake}: the last D update's samples with G's forward recorded ({@link GeneratorNoise#REUSE}),
     * or null to draw a new noise batch.
     */
    private void generatorUpdate(Tensor recordedFake, StepChecks checks) {
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
            Tensor guard;
            try (GradMode.Guard ignored = GradMode.noGrad()) {
                guard = checks.append(gLoss, null, squaredGradientNorm(generator.parameters()), null);
            }
            gOptimizer.step(guard);
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

    private double finite(String quantity, double value) {
        if (!Double.isFinite(value)) {
            throw new TrainingDivergedException(step, quantity, value);
        }
        return value;
    }
}
