package io.gcgan.nn;

import io.gcgan.random.Generator;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.Objects;

/**
 * Spectral normalization (Miyato et al.) of a {@link Linear} or {@link Conv2d} layer, as PyTorch's
 * {@code torch.nn.utils.spectral_norm}: the layer computes with W / sigma(W), where W is the weight reshaped to
 * [out, in * kh * kw] and sigma its largest singular value, estimated by power iteration.
 *
 * <pre>
 *   training mode, each forward (no grad, u and v updated in place), nPowerIterations times:
 *       v = normalize(W^T u),  u = normalize(W v)          normalize(y) = y / max(||y||, eps)
 *   every forward:
 *       sigma = u^T W v,  weight = W / sigma               (u, v constants: the gradient flows through W only)
 *   evaluation mode: u and v are used as they are.
 * </pre>
 *
 * <p>Names and state follow PyTorch, so state dicts and safetensors files carry the same keys: the wrapper
 * holds the layer's own tensors, {@code bias} (if any) and the weight renamed {@code weight_orig}
 * (parameters), then the buffers {@code weight_u} [out] and {@code weight_v} [in * kh * kw], in that order.
 * u and v start as normalized standard normal draws from the given generator (PyTorch does no power
 * iteration at wrapping time either). The wrapper prints as the layer does. The wrapped layer's tensors are
 * shared, not copied: initialize the layer before wrapping it (or through {@link #layer()}).
 *
 * <p>A Conv2d forward is the layer's own (conv(x, W) + b), rescaled by linearity:
 * conv(x, W / sigma) + b = (conv(x, W) + b - b) / sigma + b; a Linear forward uses W / sigma directly.
 */
public final class SpectralNorm extends Module {

    public static final int DEFAULT_POWER_ITERATIONS = 1;
    public static final double DEFAULT_EPS = 1e-12;

    private final Module layer;
    private final Tensor weightOrig;
    private final Tensor bias;
    private final Tensor u;
    private final Tensor v;
    private final int nPowerIterations;
    private final double eps;
    private final long rows;

    private SpectralNorm(Module layer, Tensor weight, Tensor bias, int nPowerIterations, double eps,
                         Generator generator) {
        if (nPowerIterations < 0) {
            throw new IllegalArgumentException("SpectralNorm: nPowerIterations must be >= 0, got " + nPowerIterations);
        }
        if (!(eps > 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException("SpectralNorm: eps must be finite and > 0, got " + eps);
        }
        Objects.requireNonNull(generator, "generator");
        this.layer = layer;
        this.nPowerIterations = nPowerIterations;
        this.eps = eps;
        this.rows = weight.size(0);
        long cols = weight.numel() / rows;
        // PyTorch's order: the remaining parameter (bias) first, then weight_orig, then the two buffers.
        this.bias = bias == null ? null : registerParameter("bias", bias);
        this.weightOrig = registerParameter("weight_orig", weight);
        Tensor u0;
        Tensor v0;
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            Tensor ru;
            Tensor rv;
            try (TensorScope tmp = TensorScope.open()) {
                ru = Tensor.randn(generator, weight.dtype(), weight.device(), rows);
                rv = Tensor.randn(generator, weight.dtype(), weight.device(), cols);
                u0 = tmp.keep(normalize(ru, eps));
                v0 = tmp.keep(normalize(rv, eps));
            }
        }
        this.u = registerBuffer("weight_u", u0);
        this.v = registerBuffer("weight_v", v0);
    }

    /** Wraps {@code layer} with one power iteration per forward and eps 1e-12. */
    public static SpectralNorm wrap(Linear layer, Generator generator) {
        return wrap(layer, DEFAULT_POWER_ITERATIONS, DEFAULT_EPS, generator);
    }

    public static SpectralNorm wrap(Linear layer, int nPowerIterations, double eps, Generator generator) {
        return new SpectralNorm(layer, layer.weight(), layer.bias(), nPowerIterations, eps, generator);
    }

    /** Wraps {@code layer} with one power iteration per forward and eps 1e-12. */
    public static SpectralNorm wrap(Conv2d layer, Generator generator) {
        return wrap(layer, DEFAULT_POWER_ITERATIONS, DEFAULT_EPS, generator);
    }

    public static SpectralNorm wrap(Conv2d layer, int nPowerIterations, double eps, Generator generator) {
        return new SpectralNorm(layer, layer.weight(), layer.bias(), nPowerIterations, eps, generator);
    }

    /** y / max(||y||, eps) for a vector y. */
    private static Tensor normalize(Tensor y, double eps) {
        return y.div(y.square().sum().sqrt().maximum(eps));
    }

    /** In training mode, advances u and v by the power iterations (in place, recording nothing). */
    private void powerIterate() {
        if (!isTraining() || nPowerIterations == 0) {
            return;
        }
        try (TensorScope tmp = TensorScope.open(); GradMode.Guard ignored = GradMode.noGrad()) {
            Tensor w = weightOrig.detach().reshape(rows, -1);
            Tensor uu = u;
            Tensor vv = v;
            for (int i = 0; i < nPowerIterations; i++) {
                // v = normalize(W^T u), u = normalize(W v), as [1, rows] @ W and W @ [cols, 1].
                vv = normalize(uu.reshape(1, rows).matmul(w).reshape(-1), eps);
                uu = normalize(w.matmul(vv.reshape(-1, 1)).reshape(-1), eps);
            }
            v.assign(vv);
            u.assign(uu);
        }
    }

    /**
     * sigma = u^T W v with the current u and v (constants), differentiable with respect to W: rank 0. The graph gets
     * copies of u and v (as PyTorch's spectral_norm clones them): the next forward's power iteration updates the
     * buffers in place, and a derivative of this forward, taken after it (D on real, then on generated samples, then
     * one backward), must see the u and v this forward used.
     */
    private Tensor sigmaFromBuffers() {
        Tensor w = weightOrig.reshape(rows, -1);
        return u.copy().reshape(1, rows).matmul(w).matmul(v.copy().reshape(-1, 1)).reshape();
    }

    /** W / sigma from the current u and v, without advancing them (recorded for autograd). */
    public Tensor normalizedWeight() {
        return weightOrig.div(sigmaFromBuffers());
    }

    /** The current estimate sigma = u^T W v (rank 0, recorded for autograd); does not advance u and v. */
    public Tensor sigma() {
        return sigmaFromBuffers();
    }

    @Override
    public Tensor forward(Tensor x) {
        requireStateAlive();
        powerIterate();
        Tensor sigma = sigmaFromBuffers();
        if (layer instanceof Linear fc) {
            if (x.rank() < 2 || x.size(-1) != fc.inFeatures()) {
                throw new IllegalArgumentException("SpectralNorm(" + fc + "): input of shape "
                        + java.util.Arrays.toString(x.shape()) + " needs rank >= 2 and last dimension "
                        + fc.inFeatures());
            }
            Tensor out = x.matmul(weightOrig.div(sigma), false, true);
            return bias == null ? out : out.add(bias);
        }
        Tensor y = layer.forward(x); // conv(x, W) + b
        if (bias == null) {
            return y.div(sigma);
        }
        Tensor b = bias.reshape(1, bias.numel(), 1, 1);
        return y.sub(b).div(sigma).add(b);
    }

    /** The wrapped layer (sharing its weight and bias with this module). */
    public Module layer() {
        return layer;
    }

    /** W, the trained parameter ({@code weight_orig}). */
    public Tensor weightOrig() {
        return weightOrig;
    }

    /** The left singular vector estimate [out] ({@code weight_u}). */
    public Tensor u() {
        return u;
    }

    /** The right singular vector estimate [in * kh * kw] ({@code weight_v}). */
    public Tensor v() {
        return v;
    }

    public int nPowerIterations() {
        return nPowerIterations;
    }

    public double eps() {
        return eps;
    }

    /** Prints as the wrapped layer, as PyTorch prints a spectral-normalized layer. */
    @Override
    public String toString() {
        return layer.toString();
    }
}
