package io.gcgan.gan.train;

import io.gcgan.autograd.Autograd;
import io.gcgan.backend.CapturedCalls;
import io.gcgan.backend.ScopedLifetime;
import io.gcgan.gan.loss.GanLoss;
import io.gcgan.gan.loss.WassersteinLoss;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.gan.penalty.WeightClipping;
import io.gcgan.nn.Module;
import io.gcgan.optim.Optimizer;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Capture;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
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
 *
 * <p>With {@link TrainerConfig#capturedSteps} each kind of step (its number of D updates) runs once as written, and
 * is then recorded ({@link Capture}: a CUDA graph per update on a GPU) and replayed from then on: between replays
 * the host draws the inputs from the same streams into fixed input tensors and runs the optimizer steps, the weight
 * clipping and the modules' counters, so the results are those of the steps as written (bit for bit on the CPU). A
 * recorded step holds its graphs and inputs until {@link #close()}.
 */
public final class Trainer implements AutoCloseable {

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
    /** Kinds of step (numbers of D updates) run as written so far; with capturedSteps, the ones to record next. */
    private final Set<Integer> ranAsWritten = new HashSet<>();
    private final Map<Integer, CapturedStep> captured = new HashMap<>();

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
        boolean diagnose = step % config.diagnosticsEvery() == 0;
        try (TensorScope stepScope = TensorScope.open()) {
            StepResult r;
            if (config.capturedSteps() && ranAsWritten.contains(critics)) {
                CapturedStep c = captured.computeIfAbsent(critics, CapturedStep::new);
                try {
                    r = c.run();
                } catch (RuntimeException | Error e) {
                    if (!c.recorded()) { // a failed recording: drop it whole (the next step records again)
                        captured.remove(critics);
                        c.close();
                    }
                    throw e;
                }
            } else {
                r = stepAsWritten(critics, diagnose);
                ranAsWritten.add(critics);
            }
            StepChecks checks = r.checks();
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
                double[] diag = diagnostics(r.lastReal(), r.lastFake());
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

    /** A step's checked values, and the last D update's samples (null where not kept) for the diagnostics. */
    private record StepResult(StepChecks checks, Tensor lastReal, Tensor lastFake) {
    }

    /** A step as written: every update's tensor code runs, queuing its backend calls one by one. */
    private StepResult stepAsWritten(int critics, boolean diagnose) {
        boolean reuse = config.generatorNoise() == GeneratorNoise.REUSE;
        StepChecks checks = new StepChecks(config.dtype());
        CriticUpdate last = null;
        for (int i = 0; i < critics; i++) {
            boolean isLast = i == critics - 1;
            CriticUpdate u = criticUpdate(drawCriticInputs(), reuse && isLast, diagnose && isLast, checks);
            criticStep(checks.values());
            last = u;
        }
        Tensor noise = reuse ? null : noiseBatch(config.batchSize());
        generatorUpdate(noise, last.recordedFake, checks);
        gOptimizer.step(checks.values());
        return new StepResult(checks, last.real, last.fake);
    }

    /**
     * The D updates and the G update of one kind of step (its number of D updates), recorded as backend calls on the
     * step's first run ({@link Capture}; CUDA graphs on a GPU) and replayed on every later one. Between replays the
     * host draws the next inputs (real batch, noise, penalty alpha) from the same streams as a step as written, into
     * tensors the recorded calls read, and runs each update's optimizer step (whose step count changes) guarded by
     * the values the replay left on the device. A step as written runs first (the trainer records a kind only after
     * running it once), so cuDNN's and the autotuner's algorithm choices, parameter gradients and cached constants
     * exist before anything is recorded.
     */
    private final class CapturedStep implements AutoCloseable {
        private final int critics;
        private final boolean reuse = config.generatorNoise() == GeneratorNoise.REUSE;
        private final ScopedLifetime inputs = new ScopedLifetime();
        private final CriticInputs[] staged;
        private final CapturedCalls[] updates;
        private final Tensor[] guards;
        private Tensor generatorNoise; // null with REUSE
        private StepChecks checks;     // null before the first run
        private CriticUpdate last;
        /**
         * The modules' counters (BatchNorm's batches seen), which a replay does not advance, and per update by how
         * much the update's code advanced them when it was recorded.
         */
        private final List<Module.Counter> counters = new ArrayList<>();
        private final long[][] advances;

        CapturedStep(int critics) {
            this.critics = critics;
            this.staged = new CriticInputs[critics];
            this.updates = new CapturedCalls[critics + 1];
            this.guards = new Tensor[critics + 1];
            this.advances = new long[critics + 1][];
            counters.addAll(generator.namedCounters().values());
            counters.addAll(discriminator.namedCounters().values());
        }

        /** Records {@code code} as update {@code u}, noting by how much it advanced the counters. */
        private CapturedCalls record(int u, Runnable code) {
            long[] before = counterValues();
            CapturedCalls calls = Capture.record(config.device(), code);
            long[] after = counterValues();
            for (int k = 0; k < after.length; k++) {
                after[k] -= before[k];
            }
            advances[u] = after;
            return calls;
        }

        /** Replays update {@code u}; on runs after the recording one, advances the counters as its code did. */
        private void replay(int u, boolean recorded) {
            updates[u].replay();
            if (!recorded) {
                for (int k = 0; k < counters.size(); k++) {
                    Module.Counter c = counters.get(k);
                    c.set(c.get() + advances[u][k]);
                }
            }
        }

        private long[] counterValues() {
            long[] v = new long[counters.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = counters.get(k).get();
            }
            return v;
        }

        /** Whether every update has been recorded (the first run completed). */
        boolean recorded() {
            return checks != null;
        }

        StepResult run() {
            boolean record = checks == null;
            StepChecks c = record ? new StepChecks(config.dtype()) : checks;
            for (int i = 0; i < critics; i++) {
                staged[i] = stage(staged[i], drawCriticInputs());
                if (record) {
                    CriticInputs in = staged[i];
                    boolean isLast = i == critics - 1;
                    CriticUpdate[] made = new CriticUpdate[1];
                    updates[i] = record(i, () -> made[0] = criticUpdate(in, reuse && isLast, isLast, c));
                    guards[i] = c.values();
                    last = made[0];
                }
                replay(i, record);
                criticStep(guards[i]);
            }
            if (!reuse) {
                generatorNoise = stageInput(generatorNoise, noiseBatch(config.batchSize()));
            }
            if (record) {
                updates[critics] = record(critics, () -> generatorUpdate(generatorNoise, last.recordedFake, c));
                guards[critics] = c.values();
                checks = c;
            }
            replay(critics, record);
            gOptimizer.step(guards[critics]);
            return new StepResult(checks, last.real, last.fake);
        }

        /** Copies drawn inputs into this step's input tensors (made on the first call). */
        private CriticInputs stage(CriticInputs into, CriticInputs drawn) {
            CriticInputs to = into != null ? into : new CriticInputs(null, null, null);
            return new CriticInputs(stageInput(to.real(), drawn.real()), stageInput(to.noise(), drawn.noise()),
                    drawn.alpha() == null ? null : stageInput(to.alpha(), drawn.alpha()));
        }

        private Tensor stageInput(Tensor into, Tensor drawn) {
            if (into != null && !Arrays.equals(into.shape(), drawn.shape())) {
                throw new IllegalStateException("captured steps need inputs of one shape: step " + step + " with "
                        + critics + " D updates was recorded with an input of shape " + Shapes.toString(into.shape())
                        + ", now drawn " + Shapes.toString(drawn.shape()) + " (a data loader without dropLast?)");
            }
            Tensor to = into != null ? into : Capture.input(inputs, drawn.dtype(), drawn.device(), drawn.shape());
            try (GradMode.Guard ignored = GradMode.noGrad()) {
                return to.assign(drawn);
            }
        }

        @Override
        public void close() {
            for (CapturedCalls u : updates) {
                if (u != null) {
                    u.close();
                }
            }
            inputs.close();
        }
    }

    /** Frees the recorded steps ({@link TrainerConfig#capturedSteps}) and their inputs; the trainer stays usable. */
    @Override
    public void close() {
        for (CapturedStep c : captured.values()) {
            c.close();
        }
        captured.clear();
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

    /** What a D update draws: a real batch, G's noise and the penalty's alpha (null without one at interpolates). */
    private record CriticInputs(Tensor real, Tensor noise, Tensor alpha) {
    }

    /** The next D update's inputs, each from its own stream. */
    private CriticInputs drawCriticInputs() {
        Tensor real = data.next(config.dtype(), config.device());
        Tensor z = noiseBatch(real.size(0));
        Tensor alpha = penalty == null ? null : penalty.drawAlpha(real, penaltyNoise);
        return new CriticInputs(real, z, alpha);
    }

    /**
     * One D update's gradients and checked values (appended to {@code checks}), in a scope of its own unless
     * {@code recordG}: then G's forward is recorded, and the update's samples and that record stay for a G update at
     * the same samples. The samples are returned with {@code recordG} or {@code keepSamples}, else null.
     */
    private CriticUpdate criticUpdate(CriticInputs in, boolean recordG, boolean keepSamples, StepChecks checks) {
        if (recordG) {
            return criticGradients(in, true, checks); // in the step's scope: the G update needs it
        }
        try (TensorScope update = TensorScope.open()) {
            CriticUpdate u = criticGradients(in, false, checks);
            checks.keepIn(update);
            return keepSamples ? new CriticUpdate(update.keep(u.real), update.keep(u.fake), null)
                    : new CriticUpdate(null, null, null);
        }
    }

    /** D's loss, penalty and gradients at {@code in}; appends the update's checked values to {@code checks}. */
    private CriticUpdate criticGradients(CriticInputs in, boolean recordG, StepChecks checks) {
        Tensor real = in.real();
        Tensor fake;
        Tensor recordedFake = null;
        if (recordG) {
            recordedFake = generator.forward(in.noise());
            fake = recordedFake.detach();
        } else {
            try (GradMode.Guard ignored = GradMode.noGrad()) {
                fake = generator.forward(in.noise());
            }
        }
        Tensor dReal = critic.apply(real);
        Tensor dFake = critic.apply(fake);
        Tensor dLoss = loss.discriminatorLoss(new GanLoss.Batch(real, fake, dReal, dFake));
        Tensor total = dLoss;
        Tensor penaltyValue = null;
        if (penalty != null) {
            penaltyValue = penalty.computeWithAlpha(critic, real, fake, in.alpha());
            total = dLoss.add(penaltyValue);
        }
        dOptimizer.zeroGrad();
        Autograd.backward(total);
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            Tensor wasserstein = loss instanceof WassersteinLoss ? dReal.mean().sub(dFake.mean()) : null;
            checks.append(dLoss, penaltyValue, squaredGradientNorm(discriminator.parameters()), wasserstein);
        }
        return new CriticUpdate(real, fake, recordedFake);
    }

    /**
     * D's optimizer step, guarded by {@code guard} (this step's checked values so far: if any is not finite it
     * changes nothing), then the loss's weight clipping.
     */
    private void criticStep(Tensor guard) {
        dOptimizer.step(guard);
        loss.weightClip().ifPresent(c -> WeightClipping.apply(discriminator, c));
    }

    /**
     * The G update's gradients, its checked values appended to {@code checks}, in a scope of its own: at
     * {@code recordedFake} (the last D update's samples with G's forward recorded, {@link GeneratorNoise#REUSE}), or
     * else at G({@code noise}).
     */
    private void generatorUpdate(Tensor noise, Tensor recordedFake, StepChecks checks) {
        List<Tensor> dParams = discriminator.parameters();
        boolean[] required = new boolean[dParams.size()];
        for (int i = 0; i < required.length; i++) {
            required[i] = dParams.get(i).requiresGrad();
            dParams.get(i).requiresGrad(false);
        }
        try (TensorScope update = TensorScope.open()) {
            Tensor fake = recordedFake != null ? recordedFake : generator.forward(noise);
            Tensor gLoss = loss.generatorLoss(GanLoss.Batch.forGenerator(critic.apply(fake)));
            gOptimizer.zeroGrad();
            Autograd.backward(gLoss);
            try (GradMode.Guard ignored = GradMode.noGrad()) {
                checks.append(gLoss, null, squaredGradientNorm(generator.parameters()), null);
            }
            checks.keepIn(update);
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
