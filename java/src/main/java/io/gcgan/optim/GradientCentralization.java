package io.gcgan.optim;

import io.gcgan.backend.CentringView;
import io.gcgan.tensor.Tensor;

/**
 * Gradient centralization (Yong et al. 2020): which elements of a parameter's gradient are centred together,
 * and a composed (tensor-op) form of the centring itself.
 *
 * <p>The optimizers centre inside the backend's fused step ({@code Backend.optimizerStep}), after coupled weight
 * decay and before the moments: {@code g^ = P(g + lambda w)}. {@link #centre} is the same projection written
 * with tensor operations, for inspection (gradient statistics) and as a reference.
 */
public final class GradientCentralization {

    private GradientCentralization() {
    }

    /**
     * The centring view of a parameter of {@code shape}: none when {@code mode} skips its rank (rank-1 tensors
     * always); otherwise along dimension 0, except a transposed-conv weight {@code [in, out, ...]} in a group
     * that asks for {@link TransposedConvCentring#OUTPUT_FILTER}, centred along dimension 1.
     */
    public static CentringView view(GcMode mode, ParamKind kind, TransposedConvCentring transposedConv,
                                    long[] shape) {
        if (!mode.centres(shape.length)) {
            return CentringView.NONE;
        }
        if (kind == ParamKind.TRANSPOSED_CONV_WEIGHT && transposedConv == TransposedConvCentring.OUTPUT_FILTER) {
            return CentringView.along(shape, 1);
        }
        return CentringView.along(shape, 0);
    }

    /** {@code g} with the mean of each centring group of {@code view} subtracted (g itself when not centred). */
    public static Tensor centre(Tensor g, CentringView view) {
        if (!view.centred()) {
            return g;
        }
        if (view.numel() != g.numel()) {
            throw new IllegalArgumentException("centre: view " + view + " covers " + view.numel()
                    + " elements, the tensor has " + g.numel());
        }
        Tensor v = g.reshape(view.outer(), view.slices(), view.inner());
        return v.sub(v.mean(new int[] {0, 2}, true)).reshape(g.shape());
    }

    /** {@link #centre(Tensor, CentringView)} with the view {@link #view} gives a parameter of g's shape. */
    public static Tensor centre(Tensor g, GcMode mode, ParamKind kind, TransposedConvCentring transposedConv) {
        return centre(g, view(mode, kind, transposedConv, g.shape()));
    }
}
