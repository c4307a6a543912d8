package io.gcgan.tensor;

import io.gcgan.backend.ConvGeometry;
import java.util.Arrays;

/**
 * Matrix products and the convolution trio with their derivatives. The three convolution operations
 * (forward, backward-data, backward-weight) differentiate into each other, so every order of derivative of
 * conv2d and transposed conv2d is made of the same three backend primitives.
 */
final class LinearAlgebra {

    private LinearAlgebra() {
    }

    // ---- matmul --------------------------------------------------------------------------------------------

    /**
     * {@code C = op(A) @ op(B)} over the last two dimensions, batch dimensions broadcast.
     * Backward (without batch): dA = g @ op(B)^T, or op(B) @ g^T when A is stored transposed;
     * dB = op(A)^T @ g, or g^T @ op(A) when B is stored transposed; each summed over broadcast batches.
     */
    static Tensor matmul(Tensor a, Tensor b, boolean ta, boolean tb) {
        Tensor.checkCompatible("matmul", a, b);
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("matmul: operands need rank >= 2, got " + Shapes.toString(a.shape)
                    + " and " + Shapes.toString(b.shape));
        }
        long m = ta ? a.shape[a.rank() - 1] : a.shape[a.rank() - 2];
        long k = ta ? a.shape[a.rank() - 2] : a.shape[a.rank() - 1];
        long k2 = tb ? b.shape[b.rank() - 1] : b.shape[b.rank() - 2];
        long n = tb ? b.shape[b.rank() - 2] : b.shape[b.rank() - 1];
        if (k != k2) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shapes.toString(a.shape)
                    + (ta ? "^T" : "") + " @ " + Shapes.toString(b.shape) + (tb ? "^T" : "")
                    + " (" + k + " vs " + k2 + ")");
        }
        long[] aBatch = Arrays.copyOf(a.shape, a.rank() - 2);
        long[] bBatch = Arrays.copyOf(b.shape, b.rank() - 2);
        long[] batch;
        try {
            batch = Shapes.broadcast("matmul", aBatch, bBatch);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: batch dimensions of " + Shapes.toString(a.shape) + " and "
                    + Shapes.toString(b.shape) + " cannot be broadcast together (" + Shapes.toString(aBatch)
                    + " vs " + Shapes.toString(bBatch) + ")", e);
        }
        Tensor a2 = batchOperand(a, batch);
        Tensor b2 = batchOperand(b, batch);
        long[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = Tensor.empty(a.dtype(), a.device(), outShape);
        long aStride = a2.numel() == m * k ? 0 : m * k;
        long bStride = b2.numel() == k * n ? 0 : k * n;
        a.backend().matmul(a2.storage, aStride, ta, b2.storage, bStride, tb, out.storage,
                Math.toIntExact(Shapes.numel(batch)), Math.toIntExact(m), Math.toIntExact(n), Math.toIntExact(k));
        return out.record("matmul", g -> new Tensor[] {
                a2.requiresGrad() ? ShapeOps.sumTo(ta ? b2.matmul(g, tb, true) : g.matmul(b2, false, !tb), a2.shape)
                        : null,
                b2.requiresGrad() ? ShapeOps.sumTo(tb ? g.matmul(a2, true, ta) : a2.matmul(g, !ta, false), b2.shape)
                        : null}, a2, b2);
    }

    /** The operand as stored when it covers the whole batch or is one matrix; else expanded to the batch. */
    private static Tensor batchOperand(Tensor t, long[] batch) {
        long[] own = Arrays.copyOf(t.shape, t.rank() - 2);
        if (Arrays.equals(own, batch) || Shapes.numel(own) == 1) {
            return t;
        }
        long[] target = Arrays.copyOf(batch, batch.length + 2);
        target[batch.length] = t.shape[t.rank() - 2];
        target[batch.length + 1] = t.shape[t.rank() - 1];
        return t.expand(target);
    }

    // ---- convolution ---------------------------------------------------------------------------------------

    /** Stride and padding of a conv2d (no dilation, no groups). */
    record Conv(int strideH, int strideW, int padH, int padW) {

        ConvGeometry geometry(String op, long[] x, long[] w) {
            if (x.length != 4 || w.length != 4) {
                throw new IllegalArgumentException(op + ": input " + Shapes.toString(x) + " and weight "
                        + Shapes.toString(w) + " must have rank 4 (NCHW, KCRS)");
            }
            if (x[1] != w[1]) {
                throw new IllegalArgumentException(op + ": input " + Shapes.toString(x) + " has " + x[1]
                        + " channels, weight " + Shapes.toString(w) + " expects " + w[1]);
            }
            try {
                return new ConvGeometry(Math.toIntExact(x[0]), Math.toIntExact(x[1]), Math.toIntExact(x[2]),
                        Math.toIntExact(x[3]), Math.toIntExact(w[0]), Math.toIntExact(w[2]), Math.toIntExact(w[3]),
                        strideH, strideW, padH, padW);
            } catch (IllegalArgumentException e) {
                String why = e.getMessage().startsWith("conv2d: ") ? e.getMessage().substring(8) : e.getMessage();
                throw new IllegalArgumentException(op + ": input " + Shapes.toString(x) + ", weight "
                        + Shapes.toString(w) + ": " + why, e); // ConvGeometry's own "conv2d: " prefix once only
            }
        }
    }

    /** y = conv2d(x, w). Backward: dx = backwardData(g, w), dw = backwardWeight(x, g). */
    static Tensor conv2d(Tensor x, Tensor w, Conv conv) {
        Tensor.checkCompatible("conv2d", x, w);
        ConvGeometry geo = conv.geometry("conv2d", x.shape, w.shape);
        Tensor y = Tensor.empty(x.dtype(), x.device(), geo.yShape());
        x.backend().conv2dForward(x.storage, w.storage, y.storage, geo);
        return y.record("conv2d", g -> new Tensor[] {
                x.requiresGrad() ? convBackwardData(g, w, x.shape, conv) : null,
                w.requiresGrad() ? convBackwardWeight(x, g, w.shape, conv) : null}, x, w);
    }

    /**
     * dx = conv2d_backward_data(dy, w) of shape xShape; also transposed conv's forward. It is linear in dy
     * and in w. Backward: d(dy) = conv2d(g, w), dw = backwardWeight(g, dy).
     */
    static Tensor convBackwardData(Tensor dy, Tensor w, long[] xShape, Conv conv) {
        Tensor.checkCompatible("conv2dBackwardData", dy, w);
        ConvGeometry geo = conv.geometry("conv2dBackwardData", xShape, w.shape);
        checkShape("conv2dBackwardData", "dy", dy.shape, geo.yShape());
        Tensor dx = Tensor.empty(dy.dtype(), dy.device(), geo.xShape());
        dy.backend().conv2dBackwardData(dy.storage, w.storage, dx.storage, geo);
        return dx.record("conv2dBackwardData", g -> new Tensor[] {
                dy.requiresGrad() ? conv2d(g, w, conv) : null,
                w.requiresGrad() ? convBackwardWeight(g, dy, w.shape, conv) : null}, dy, w);
    }

    /**
     * dw = conv2d_backward_weight(x, dy) of shape wShape, summed over the batch; linear in x and in dy.
     * Backward: dx = backwardData(dy, g), d(dy) = conv2d(x, g).
     */
    static Tensor convBackwardWeight(Tensor x, Tensor dy, long[] wShape, Conv conv) {
        Tensor.checkCompatible("conv2dBackwardWeight", x, dy);
        ConvGeometry geo = conv.geometry("conv2dBackwardWeight", x.shape, wShape);
        checkShape("conv2dBackwardWeight", "dy", dy.shape, geo.yShape());
        Tensor dw = Tensor.empty(x.dtype(), x.device(), geo.wShape());
        x.backend().conv2dBackwardWeight(x.storage, dy.storage, dw.storage, geo);
        return dw.record("conv2dBackwardWeight", g -> new Tensor[] {
                x.requiresGrad() ? convBackwardData(dy, g, x.shape, conv) : null,
                dy.requiresGrad() ? conv2d(x, g, conv) : null}, x, dy);
    }

    /**
     * Transposed conv: x [N, Cin, H, W], weight [Cin, Cout, R, S] (PyTorch's layout) ->
     * [N, Cout, (H-1)*strideH - 2*padH + R + outPadH, (W-1)*strideW - 2*padW + S + outPadW].
     */
    static Tensor convTranspose2d(Tensor x, Tensor w, Conv conv, int outPadH, int outPadW) {
        Tensor.checkCompatible("convTranspose2d", x, w);
        if (x.rank() != 4 || w.rank() != 4 || w.shape[0] != x.shape[1]) {
            throw new IllegalArgumentException("convTranspose2d: input " + Shapes.toString(x.shape) + " and weight "
                    + Shapes.toString(w.shape) + " need rank 4 and weight[0] == input channels");
        }
        if (outPadH < 0 || outPadW < 0 || outPadH >= Math.max(conv.strideH(), 1)
                || outPadW >= Math.max(conv.strideW(), 1)) {
            throw new IllegalArgumentException("convTranspose2d: output padding (" + outPadH + ", " + outPadW
                    + ") must be >= 0 and smaller than the stride (" + conv.strideH() + ", " + conv.strideW() + ")");
        }
        long outH = (x.shape[2] - 1) * conv.strideH() - 2L * conv.padH() + w.shape[2] + outPadH;
        long outW = (x.shape[3] - 1) * conv.strideW() - 2L * conv.padW() + w.shape[3] + outPadW;
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("convTranspose2d: output size " + outH + "x" + outW
                    + " is empty for input " + Shapes.toString(x.shape) + " and weight " + Shapes.toString(w.shape));
        }
        return convBackwardData(x, w, new long[] {x.shape[0], w.shape[1], outH, outW}, conv);
    }

    private static void checkShape(String op, String what, long[] actual, long[] expected) {
        if (!Arrays.equals(actual, expected)) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + Shapes.toString(actual)
                    + ", expected " + Shapes.toString(expected));
        }
    }
}
