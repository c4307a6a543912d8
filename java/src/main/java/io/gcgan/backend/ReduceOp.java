package io.gcgan.backend;

/** Reductions over a set of axes. The ordinal is the op code of the C ABI ({@code gcgan_reduce_op}). */
public enum ReduceOp {
    SUM, MEAN, MAX
}
