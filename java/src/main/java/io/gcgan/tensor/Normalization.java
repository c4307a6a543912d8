package io.gcgan.tensor;

import io.gcgan.backend.BatchNormRunningStats;
import io.gcgan.backend.BatchNormShape;

/**
 * Fused batch normalization with batch statistics: one backend call forward ({@code batchNormForward}) and one
 * backward ({@code batchNormBackward}) where the composed form (nn.BatchNorm's reference: mean, subtract,
 * square, mean, add, pow, multiply, add) makes about ten calls forward and twenty-five backward, each a pass over
 * the activations.
 *
 * <p>Second derivatives: the fused backward is not itself differentiable, so when the derivative rule runs
 * while recording (autograd's {@code createGraph}, as gradient penalties do), it builds the same gradients from
 * differentiable tensor operations instead, recomputing the statistics from x so that their dependence on x is
 * recorded too:
 * <pre>
 *   xhat = (x - mean(x)) / sqrt(var(x) + eps),   gw = dy * weight
 *   dx = (gw - mean(gw) - xhat * mean(gw * xhat)) / sqrt(var(x) + eps),
 *   dweight = sum(dy * xhat),   dbias = sum(dy)       (means and sums over every dimension but 1)
 * </pre>
 */
final class Normalization {

    private Normalization() {
    }

    /**
     * x [N, C, ...] normalized per channel with its batch statistics, times weight [C] plus bias [C]; with
     * {@code runningMean} and {@code runningVar} [C] (else both null), those are updated in place in the same
     * backend call with factor {@code factor} (see {@link BatchNormRunningStats}).
     */
    static BatchNormResult batchNorm(Tensor x, Tensor weight, Tensor bias, double eps, Tensor runningMean,
                                     Tensor runningVar, double factor) {
        BatchNormShape shape = BatchNormShape.of(x.shape);
        if ((weight == null) != (bias == null)) {
            throw new IllegalArgumentException("batchNorm: give weight and bias together (affine) or neither, got "
                    + (weight == null ? "bias only" : "weight only"));
        }
        if (weight != null) {
            checkPerChannel("weight", weight, x, shape);
            checkPerChannel("bias", bias, x, shape);
        }
        BatchNormRunningStats running = null;
        if (runningMean != null || runningVar != null) {
            for (Tensor r : new Tensor[] {runningMean, runningVar}) {
                if (r == null) {
                    throw new IllegalArgumentException("batchNorm: give runningMean and runningVar together");
                }
                checkPerChannel(r == runningMean ? "runningMean" : "runningVar", r, x, shape);
                if (r.requiresGrad()) {
                    throw new IllegalArgumentException("batchNorm: running statistics are updated in place and must"
                            + " not require grad");
                }
            }
            running = new BatchNormRunningStats(runningMean.storage, runningVar.storage, factor);
        }
        Tensor y = Tensor.empty(x.dtype(), x.device(), x.shape);
        Tensor mean = Tensor.empty(x.dtype(), x.device(), shape.c());
        Tensor var = Tensor.empty(x.dtype(), x.device(), shape.c());
        x.backend().batchNormForward(x.storage, storage(weight), storage(bias), shape, eps, y.storage, mean.storage,
                var.storage, running);
        y.record("batchNorm", g -> GradMode.isEnabled()
                ? composedBackward(g, x, weight, bias, eps)
                : fusedBackward(g, x, weight, bias, mean, var, shape, eps), x, weight, bias);
        return new BatchNormResult(y, mean, var);
    }

    /** The gradients in one backend call; only those an input requires are computed. */
    private static Tensor[] fusedBackward(Tensor g, Tensor x, Tensor weight, Tensor bias, Tensor mean, Tensor var,
                                          BatchNormShape shape, double eps) {
        Tensor dx = x.requiresGrad() ? Tensor.empty(x.dtype(), x.device(), x.shape) : null;
        Tensor dw = weight != null && weight.requiresGrad() ? Tensor.empty(x.dtype(), x.device(), shape.c()) : null;
        Tensor db = bias != null && bias.requiresGrad() ? Tensor.empty(x.dtype(), x.device(), shape.c()) : null;
        if (dx != null || dw != null || db != null) {
            x.backend().batchNormBackward(g.storage, x.storage, mean.storage, var.storage, storage(weight), shape,
                    eps, storage(dx), storage(dw), storage(db));
        }
        return new Tensor[] {dx, dw, db};
    }

    /** The same gradients from differentiable operations (see the class comment), for second derivatives. */
    private static Tensor[] composedBackward(Tensor g, Tensor x, Tensor weight, Tensor bias, double eps) {
        int[] axes = new int[x.rank() - 1];
        long[] statShape = new long[x.rank()];
        for (int d = 0, j = 0; d < x.rank(); d++) {
            statShape[d] = d == 1 ? x.shape[1] : 1;
            if (d != 1) {
                axes[j++] = d;
            }
        }
        Tensor centred = x.sub(x.mean(axes, true));
        Tensor invStd = centred.square().mean(axes, true).add(eps).pow(-0.5);
        Tensor xhat = centred.mul(invStd);
        Tensor dx = null;
        if (x.requiresGrad()) {
            Tensor gw = weight == null ? g : g.mul(weight.reshape(statShape));
            dx = gw.sub(gw.mean(axes, true)).sub(xhat.mul(gw.mul(xhat).mean(axes, true))).mul(invStd);
        }
        Tensor dw = weight != null && weight.requiresGrad() ? g.mul(xhat).sum(axes, false) : null;
        Tensor db = bias != null && bias.requiresGrad() ? g.sum(axes, false) : null;
        return new Tensor[] {dx, dw, db};
    }

    /** {@code t} is a [C] tensor of x's dtype and device. */
    private static void checkPerChannel(String name, Tensor t, Tensor x, BatchNormShape shape) {
        Tensor.checkCompatible("batchNorm", x, t);
        if (t.rank() != 1 || t.shape[0] != shape.c()) {
            throw new IllegalArgumentException("batchNorm: " + name + " must have shape [" + shape.c()
                    + "] for an input of shape " + Shapes.toString(x.shape) + ", got " + Shapes.toString(t.shape));
        }
    }

    private static io.gcgan.backend.Storage storage(Tensor t) {
        return t == null ? null : t.storage;
    }
}
