package io.gcgan.nn;

import io.gcgan.tensor.Capture;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;

/**
 * Batch normalization over dimension 1 (channels), the common part of {@link BatchNorm1d} and
 * {@link BatchNorm2d}, with PyTorch's semantics, state names and defaults:
 *
 * <ul>
 *   <li>parameters {@code weight} [C] (1) and {@code bias} [C] (0) when affine; buffers {@code running_mean}
 *       [C] (0), {@code running_var} [C] (1) and the counter {@code num_batches_tracked} (0) when tracking
 *       running statistics; eps 1e-5, momentum 0.1;</li>
 *   <li>training: y = (x - mean) / sqrt(var + eps) * weight + bias with the batch mean and the biased batch
 *       variance over every dimension but 1; then num_batches_tracked += 1 and
 *       running = (1 - f) running + f stat, where f is momentum (or 1 / num_batches_tracked when momentum is
 *       null: a cumulative average) and the variance stat is the <em>unbiased</em> one, var * n / (n - 1);</li>
 *   <li>evaluation: the running statistics instead of the batch's (the batch's again when not tracking).</li>
 * </ul>
 *
 * With batch statistics the forward is by default one fused backend call ({@link Tensor#batchNorm}, one call
 * backward too); {@link #useFusedKernel(boolean) useFusedKernel(false)} selects the form composed from tensor
 * operations (mean, subtraction, square, power, multiply), the reference the fused one is tested against.
 * Both have first and second derivatives for x, weight and bias, as gradient penalties through BatchNorm need.
 * Evaluation with running statistics is always composed. The running statistics are updated in place without
 * recording: by the fused call itself (in float64, rounded once), or by in-place tensor operations in the
 * module's dtype.
 */
public abstract sealed class BatchNorm extends Module permits BatchNorm1d, BatchNorm2d {

    private final int numFeatures;
    private final double eps;
    private final Double momentum;
    private final Tensor weight;
    private final Tensor bias;
    private final Tensor runningMean;
    private final Tensor runningVar;
    private final Counter numBatchesTracked;
    private boolean fused = true;

    /**
     * @param momentum the running statistics' update factor, or null for a cumulative moving average
     */
    BatchNorm(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats,
              ModuleOptions options) {
        if (numFeatures < 1 || !(eps > 0) || (momentum != null && !(momentum >= 0 && momentum <= 1))) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": need numFeatures >= 1, eps > 0 and"
                    + " momentum in [0, 1] or null, got " + numFeatures + ", " + eps + ", " + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        var dt = options.dtype();
        var dev = options.device();
        this.weight = affine ? registerParameter("weight", Tensor.empty(dt, dev, numFeatures)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.empty(dt, dev, numFeatures)) : null;
        this.runningMean = trackRunningStats ? registerBuffer("running_mean", Tensor.empty(dt, dev, numFeatures))
                : null;
        this.runningVar = trackRunningStats ? registerBuffer("running_var", Tensor.empty(dt, dev, numFeatures))
                : null;
        this.numBatchesTracked = trackRunningStats ? registerCounter("num_batches_tracked") : null;
        resetParameters();
    }

    /** Running mean 0, running variance 1, num_batches_tracked 0. */
    public void resetRunningStats() {
        if (runningMean != null) {
            Init.constant(runningMean, 0.0);
            Init.constant(runningVar, 1.0);
            numBatchesTracked.set(0);
        }
    }

    /** The running statistics reset, weight 1 and bias 0 (PyTorch's reset_parameters). */
    public void resetParameters() {
        resetRunningStats();
        if (weight != null) {
            Init.constant(weight, 1.0);
            Init.constant(bias, 0.0);
        }
    }

    /** Checks the input's rank (and more) for this kind of BatchNorm; dimension 1 is checked here. */
    abstract void checkRank(Tensor x);

    @Override
    public Tensor forward(Tensor x) {
        requireStateAlive();
        checkRank(x);
        if (x.size(1) != numFeatures) {
            throw new IllegalArgumentException(this + ": input of shape " + Shapes.toString(x.shape())
                    + " has " + x.size(1) + " channels in dimension 1, expected " + numFeatures);
        }
        int[] axes = new int[x.rank() - 1];
        long[] statShape = new long[x.rank()];
        for (int d = 0, j = 0; d < x.rank(); d++) {
            statShape[d] = d == 1 ? numFeatures : 1;
            if (d != 1) {
                axes[j++] = d;
            }
        }
        long n = x.numel() / numFeatures;
        Tensor centred;
        Tensor invStd;
        if (isTraining() || runningMean == null) {
            if (n <= 1) {
                throw new IllegalArgumentException(name() + ": expected more than 1 value per channel when using"
                        + " batch statistics, got input of shape " + Shapes.toString(x.shape()));
            }
            if (fused) {
                if (isTraining() && runningMean != null) {
                    return x.batchNorm(weight, bias, eps, runningMean, runningVar, nextRunningFactor()).output();
                }
                return x.batchNorm(weight, bias, eps).output();
            }
            Tensor mean = x.mean(axes, true);
            centred = x.sub(mean);
            Tensor var = centred.square().mean(axes, true); // biased: normalises this batch
            if (isTraining() && runningMean != null) {
                updateRunningStats(mean, var, n);
            }
            invStd = var.add(eps).pow(-0.5);
        } else {
            centred = x.sub(runningMean.reshape(statShape));
            invStd = runningVar.add(eps).pow(-0.5).reshape(statShape);
        }
        if (weight == null) {
            return centred.mul(invStd);
        }
        return centred.mul(invStd.mul(weight.reshape(statShape))).add(bias.reshape(statShape));
    }

    /** Counts this batch and returns the running statistics' update factor: momentum, or 1 / batches seen. */
    private double nextRunningFactor() {
        if (momentum == null && Capture.recording(runningMean.device())) {
            throw new IllegalStateException("BatchNorm with a cumulative average (momentum null) cannot be recorded"
                    + " for replay (io.gcgan.tensor.Capture): its update factor 1 / batches changes every batch;"
                    + " give it a momentum");
        }
        long count = numBatchesTracked.increment();
        return momentum == null ? 1.0 / count : momentum;
    }

    private void updateRunningStats(Tensor mean, Tensor biasedVar, long n) {
        double f = nextRunningFactor();
        try (GradMode.Guard g = GradMode.noGrad()) {
            Tensor m = mean.reshape(numFeatures);
            Tensor unbiased = biasedVar.reshape(numFeatures).mul((double) n / (n - 1));
            // In place, the same values as assign(r.mul(1 - f).add(m.mul(f))) with two temporaries and a copy fewer.
            runningMean.mulInPlace(1 - f).addInPlace(m.mul(f));
            runningVar.mulInPlace(1 - f).addInPlace(unbiased.mul(f));
        }
    }

    /**
     * Chooses the fused batch-statistics path (true, the default: one backend call each way) or the composed
     * reference (false). Returns this module.
     */
    public BatchNorm useFusedKernel(boolean on) {
        this.fused = on;
        return this;
    }

    /** True when batch statistics go through the fused backend call. */
    public boolean usesFusedKernel() {
        return fused;
    }

    public int numFeatures() {
        return numFeatures;
    }

    public double eps() {
        return eps;
    }

    /** The update factor, or null for a cumulative moving average. */
    public Double momentum() {
        return momentum;
    }

    /** [C], or null when not affine. */
    public Tensor weight() {
        return weight;
    }

    /** [C], or null when not affine. */
    public Tensor bias() {
        return bias;
    }

    /** [C], or null when not tracking running statistics. */
    public Tensor runningMean() {
        return runningMean;
    }

    /** [C], or null when not tracking running statistics. */
    public Tensor runningVar() {
        return runningVar;
    }

    /** Training forwards counted so far (0 when not tracking running statistics). */
    public long numBatchesTracked() {
        return numBatchesTracked == null ? 0 : numBatchesTracked.get();
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + PyRepr.pyFloat(eps) + ", momentum="
                + (momentum == null ? "None" : PyRepr.pyFloat(momentum)) + ", affine=" + PyRepr.bool(weight != null)
                + ", track_running_stats=" + PyRepr.bool(runningMean != null);
    }
}
