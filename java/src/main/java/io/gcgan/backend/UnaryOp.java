package io.gcgan.backend;

/**
 * Elementwise unary primitives. Two scalar parameters travel with the op; their meaning is listed per op.
 * The ordinal is the op code of the C ABI ({@code gcgan_unary_op} in gcgan_kernels.h): append only.
 */
public enum UnaryOp {
    NEG,
    ABS,
    /** -1, 0 or +1 (0 for 0 and NaN stays NaN). */
    SIGN,
    EXP,
    LOG,
    SQRT,
    TANH,
    SIGMOID,
    RELU,
    /** p0 = negative slope. */
    LEAKY_RELU,
    /** log(1 + exp(x)), computed stably as max(x, 0) + log1p(exp(-|x|)). */
    SOFTPLUS,
    /** x^p0. */
    POW_SCALAR,
    /** min(max(x, p0), p1). */
    CLAMP
}
