package io.gcgan.optim;

import io.gcgan.tensor.Tensor;
import java.util.Objects;

/**
 * A parameter an optimizer updates: a leaf tensor, its name (the key of its optimizer state in checkpoints, as
 * {@code Module.namedParameters()} names it; null to let the optimizer name it {@code "<group>.<index>"}) and
 * its kind.
 */
public record Param(String name, Tensor tensor, ParamKind kind) {

    public Param {
        Objects.requireNonNull(tensor, "tensor");
        Objects.requireNonNull(kind, "kind");
        if (!tensor.isLeaf()) {
            throw new IllegalArgumentException("Param " + (name == null ? "" : "'" + name + "' ")
                    + "is not a leaf tensor (it is the result of " + tensor.gradFn().name()
                    + "); an optimizer can only update leaves");
        }
        if (kind == ParamKind.TRANSPOSED_CONV_WEIGHT && tensor.rank() < 3) {
            throw new IllegalArgumentException("Param " + (name == null ? "" : "'" + name + "' ")
                    + "is marked as a transposed-conv weight [in, out, k...] but has rank " + tensor.rank());
        }
    }

    public static Param of(String name, Tensor tensor) {
        return new Param(name, tensor, ParamKind.DEFAULT);
    }

    public static Param transposedConvWeight(String name, Tensor tensor) {
        return new Param(name, tensor, ParamKind.TRANSPOSED_CONV_WEIGHT);
    }
}
