package io.gcgan.backend;

/**
 * Elementwise binary primitives with broadcasting. Comparisons write a 0/1 mask in the operands' dtype.
 * The ordinal is the op code of the C ABI ({@code gcgan_binary_op}): append only.
 */
public enum BinaryOp {
    ADD, SUB, MUL, DIV, POW, MAX, MIN,
    EQ, NE, LT, LE, GT, GE;

    public boolean isComparison() {
        return ordinal() >= EQ.ordinal();
    }
}
