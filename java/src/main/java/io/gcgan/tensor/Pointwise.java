package io.gcgan.tensor;

import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.UnaryOp;
import java.util.Arrays;
import java.util.Locale;

/**
 * Elementwise operations and their derivatives. Each derivative rule sits right under its forward and is made
 * of differentiable operations; masks (comparisons) are constants, so piecewise-linear functions get the zero
 * second derivative they have almost everywhere.
 */
final class Pointwise {

    private Pointwise() {
    }

    // ---- unary ---------------------------------------------------------------------------------------------

    private static Tensor raw(UnaryOp op, double p0, double p1, Tensor x) {
        Tensor out = Tensor.empty(x.dtype(), x.device(), x.shape);
        x.backend().unary(op, p0, p1, x.storage, out.storage);
        return out;
    }

    static Tensor neg(Tensor x) {
        return raw(UnaryOp.NEG, 0, 0, x).record("neg", g -> new Tensor[] {g.neg()}, x);
    }

    static Tensor abs(Tensor x) {
        return raw(UnaryOp.ABS, 0, 0, x).record("abs", g -> new Tensor[] {g.mul(x.sign())}, x);
    }

    /** Piecewise constant: no gradient flows through sign. */
    static Tensor sign(Tensor x) {
        return raw(UnaryOp.SIGN, 0, 0, x);
    }

    static Tensor exp(Tensor x) {
        Tensor out = raw(UnaryOp.EXP, 0, 0, x);
        return out.record("exp", g -> new Tensor[] {g.mul(out)}, x);
    }

    static Tensor log(Tensor x) {
        return raw(UnaryOp.LOG, 0, 0, x).record("log", g -> new Tensor[] {g.div(x)}, x);
    }

    static Tensor sqrt(Tensor x) {
        Tensor out = raw(UnaryOp.SQRT, 0, 0, x);
        return out.record("sqrt", g -> new Tensor[] {g.div(out.mul(2.0))}, x);
    }

    static Tensor tanh(Tensor x) {
        Tensor out = raw(UnaryOp.TANH, 0, 0, x);
        return out.record("tanh", g -> new Tensor[] {g.mul(out.square().neg().add(1.0))}, x);
    }

    static Tensor sigmoid(Tensor x) {
        Tensor out = raw(UnaryOp.SIGMOID, 0, 0, x);
        return out.record("sigmoid", g -> new Tensor[] {g.mul(out.mul(out.neg().add(1.0)))}, x);
    }

    static Tensor relu(Tensor x) {
        return raw(UnaryOp.RELU, 0, 0, x).record("relu", g -> new Tensor[] {rectifierBackward(x, g, 1.0, 0.0)}, x);
    }

    static Tensor leakyRelu(Tensor x, double slope) {
        return raw(UnaryOp.LEAKY_RELU, slope, 0, x).record("leakyRelu", g -> {
            // d/dx = 1 where x > 0, slope elsewhere: mask * (1 - slope) + slope, whose two possible values are
            // selected per element by the fused call.
            double[] f = leakyReluFactors(slope, x.dtype());
            return new Tensor[] {rectifierBackward(x, g, f[1], f[0])};
        }, x);
    }

    /**
     * {@code g * (x > 0 ? positive : other)} in one backend call, the same bits as the composed
     * {@code g.mul(where(x.gt(0), positive, other))} (three calls and two temporaries). Linear in g, whose
     * derivative is the same call; x gets none (the step's derivative is 0 almost everywhere, as the comparison's
     * in the composed form).
     */
    static Tensor rectifierBackward(Tensor x, Tensor g, double positive, double other) {
        Tensor.checkCompatible("rectifierBackward", x, g);
        if (!Arrays.equals(x.shape, g.shape)) {
            throw new IllegalArgumentException("rectifierBackward: the gradient's shape " + Shapes.toString(g.shape)
                    + " differs from the input's " + Shapes.toString(x.shape));
        }
        Tensor out = Tensor.empty(g.dtype(), g.device(), g.shape);
        x.backend().rectifierBackward(x.storage, g.storage, positive, other, out.storage);
        return out.record("rectifierBackward",
                gg -> new Tensor[] {null, rectifierBackward(x, gg, positive, other)}, x, g);
    }

    /**
     * {mask 0, mask 1} values of {@code mask * (1 - slope) + slope} exactly as the backends compute them in
     * {@code dtype} (constants rounded to dtype, each operation evaluated in double and rounded once to dtype), so
     * that selecting them gives the bits that computing them per element gave.
     */
    static double[] leakyReluFactors(double slope, DType dtype) {
        boolean f32 = dtype == DType.FLOAT32;
        double a = f32 ? (float) (1.0 - slope) : 1.0 - slope;
        double b = f32 ? (float) slope : slope;
        double[] out = new double[2];
        for (int mask = 0; mask <= 1; mask++) {
            double product = mask * a;
            product = f32 ? (float) product : product;
            double sum = product + b;
            out[mask] = f32 ? (float) sum : sum;
        }
        return out;
    }

    static Tensor softplus(Tensor x) {
        return raw(UnaryOp.SOFTPLUS, 0, 0, x).record("softplus", g -> new Tensor[] {g.mul(x.sigmoid())}, x);
    }

    static Tensor pow(Tensor x, double p) {
        return raw(UnaryOp.POW_SCALAR, p, 0, x).record("pow", g -> {
            if (p == 0.0) {
                // x^0 is constant (also at x = 0, where x^(p-1) * p would be inf * 0).
                return new Tensor[] {Tensor.zeros(g.dtype(), g.device(), g.shape)};
            }
            Tensor dx = p == 2.0 ? x.mul(2.0) : x.pow(p - 1.0).mul(p);
            return new Tensor[] {g.mul(dx)};
        }, x);
    }

    static Tensor clamp(Tensor x, double min, double max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " > max " + max);
        }
        return raw(UnaryOp.CLAMP, min, max, x).record("clamp", g -> {
            Tensor inside = x.ge(ScalarConstants.of(min, x.dtype(), x.backend()))
                    .mul(x.le(ScalarConstants.of(max, x.dtype(), x.backend())));
            return new Tensor[] {g.mul(inside)};
        }, x);
    }

    // ---- binary (broadcasting) -----------------------------------------------------------------------------

    private static Tensor raw(BinaryOp op, Tensor a, Tensor b) {
        String name = op.name().toLowerCase(Locale.ROOT);
        Tensor.checkCompatible(name, a, b);
        long[] outShape = Shapes.broadcast(name, a.shape, b.shape);
        Tensor out = Tensor.empty(a.dtype(), a.device(), outShape);
        a.backend().binary(op, a.storage, Shapes.broadcastStrides(a.shape, outShape),
                b.storage, Shapes.broadcastStrides(b.shape, outShape), out.storage, outShape);
        return out;
    }

    static Tensor add(Tensor a, Tensor b) {
        return raw(BinaryOp.ADD, a, b).record("add", g -> new Tensor[] {
                a.requiresGrad() ? ShapeOps.sumTo(g, a.shape) : null,
                b.requiresGrad() ? ShapeOps.sumTo(g, b.shape) : null}, a, b);
    }

    static Tensor sub(Tensor a, Tensor b) {
        return raw(BinaryOp.SUB, a, b).record("sub", g -> new Tensor[] {
                a.requiresGrad() ? ShapeOps.sumTo(g, a.shape) : null,
                b.requiresGrad() ? ShapeOps.sumTo(g.neg(), b.shape) : null}, a, b);
    }

    static Tensor mul(Tensor a, Tensor b) {
        return raw(BinaryOp.MUL, a, b).record("mul", g -> new Tensor[] {
                a.requiresGrad() ? ShapeOps.sumTo(g.mul(b), a.shape) : null,
                b.requiresGrad() ? ShapeOps.sumTo(g.mul(a), b.shape) : null}, a, b);
    }

    static Tensor div(Tensor a, Tensor b) {
        return raw(BinaryOp.DIV, a, b).record("div", g -> new Tensor[] {
                a.requiresGrad() ? ShapeOps.sumTo(g.div(b), a.shape) : null,
                b.requiresGrad() ? ShapeOps.sumTo(g.mul(a).div(b.square()).neg(), b.shape) : null}, a, b);
    }

    static Tensor pow(Tensor a, Tensor b) {
        Tensor out = raw(BinaryOp.POW, a, b);
        return out.record("pow", g -> new Tensor[] {
                a.requiresGrad() ? ShapeOps.sumTo(g.mul(b).mul(a.pow(b.sub(1.0))), a.shape) : null,
                b.requiresGrad() ? ShapeOps.sumTo(g.mul(exponentDerivative(a, b, out)), b.shape) : null}, a, b);
    }

    /** d(a^b)/db = a^b log a, taken as 0 where a = 0 and b >= 0 (the limit; log 0 would give 0 * -inf). */
    private static Tensor exponentDerivative(Tensor a, Tensor b, Tensor out) {
        Tensor zero = ScalarConstants.of(0.0, a.dtype(), a.backend());
        Tensor limitIsZero = a.eq(zero).mul(b.ge(zero));
        return where(limitIsZero, zero, out.mul(a.log()));
    }

    /** Elementwise maximum; on ties the gradient goes to {@code a}. */
    static Tensor maximum(Tensor a, Tensor b) {
        return selectBetween(BinaryOp.MAX, BinaryOp.GE, "maximum", a, b);
    }

    /** Elementwise minimum; on ties the gradient goes to {@code a}. */
    static Tensor minimum(Tensor a, Tensor b) {
        return selectBetween(BinaryOp.MIN, BinaryOp.LE, "minimum", a, b);
    }

    private static Tensor selectBetween(BinaryOp op, BinaryOp aWins, String name, Tensor a, Tensor b) {
        return raw(op, a, b).record(name, g -> {
            Tensor ga = g.mul(raw(aWins, a, b));
            return new Tensor[] {
                    a.requiresGrad() ? ShapeOps.sumTo(ga, a.shape) : null,
                    b.requiresGrad() ? ShapeOps.sumTo(g.sub(ga), b.shape) : null};
        }, a, b);
    }

    /** A 0/1 mask; not differentiable (no gradient flows through comparisons). */
    static Tensor compare(BinaryOp op, Tensor a, Tensor b) {
        return raw(op, a, b);
    }

    /** cond != 0 ? a : b. Backward: the gradient routed by the same mask; cond gets none. */
    static Tensor where(Tensor cond, Tensor a, Tensor b) {
        Tensor.checkCompatible("where", cond, a);
        Tensor.checkCompatible("where", a, b);
        long[] outShape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape, a.shape), b.shape);
        Tensor out = Tensor.empty(a.dtype(), a.device(), outShape);
        a.backend().where(cond.storage, Shapes.broadcastStrides(cond.shape, outShape),
                a.storage, Shapes.broadcastStrides(a.shape, outShape),
                b.storage, Shapes.broadcastStrides(b.shape, outShape), out.storage, outShape);
        return out.record("where", g -> {
            Tensor zero = ScalarConstants.of(0.0, g.dtype(), g.backend());
            return new Tensor[] {
                    null,
                    a.requiresGrad() ? ShapeOps.sumTo(where(cond, g, zero), a.shape) : null,
                    b.requiresGrad() ? ShapeOps.sumTo(where(cond, zero, g), b.shape) : null};
        }, cond, a, b);
    }
}
