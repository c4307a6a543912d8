package io.gcgan.backend.cpu;

import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.UnaryOp;

/** The scalar definitions of the elementwise primitives, in double. NaN propagates as in IEEE 754. */
final class ElementMath {

    private ElementMath() {
    }

    static double unary(UnaryOp op, double x, double p0, double p1) {
        return switch (op) {
            case NEG -> -x;
            case ABS -> Math.abs(x);
            case SIGN -> x > 0 ? 1.0 : (x < 0 ? -1.0 : x); // keeps +-0 and NaN
            case EXP -> Math.exp(x);
            case LOG -> Math.log(x);
            case SQRT -> Math.sqrt(x);
            case TANH -> Math.tanh(x);
            case SIGMOID -> sigmoid(x);
            case RELU -> x < 0 ? 0.0 : x;
            case LEAKY_RELU -> x < 0 ? x * p0 : x;
            case SOFTPLUS -> Math.max(x, 0.0) + Math.log1p(Math.exp(-Math.abs(x)));
            case POW_SCALAR -> pow(x, p0);
            case CLAMP -> Math.min(Math.max(x, p0), p1);
        };
    }

    static double binary(BinaryOp op, double a, double b) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> a / b;
            case POW -> pow(a, b);
            case MAX -> Math.max(a, b);
            case MIN -> Math.min(a, b);
            case EQ -> a == b ? 1.0 : 0.0;
            case NE -> a != b ? 1.0 : 0.0;
            case LT -> a < b ? 1.0 : 0.0;
            case LE -> a <= b ? 1.0 : 0.0;
            case GT -> a > b ? 1.0 : 0.0;
            case GE -> a >= b ? 1.0 : 0.0;
        };
    }

    /** Stable logistic: never evaluates exp of a large positive number. */
    static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1.0 + e);
    }

    /** Math.pow with the common exponents done exactly the way a multiply would. */
    static double pow(double x, double p) {
        if (p == 2.0) {
            return x * x;
        }
        if (p == 1.0) {
            return x;
        }
        return Math.pow(x, p);
    }

    /** Applies {@code op} to {@code x[0 .. n)} in place; one tight loop per op so the JIT can vectorize. */
    static void unaryBlock(UnaryOp op, double[] x, int n, double p0, double p1) {
        switch (op) {
            case NEG -> { for (int i = 0; i < n; i++) { x[i] = -x[i]; } }
            case ABS -> { for (int i = 0; i < n; i++) { x[i] = Math.abs(x[i]); } }
            case RELU -> { for (int i = 0; i < n; i++) { x[i] = x[i] < 0 ? 0.0 : x[i]; } }
            case LEAKY_RELU -> { for (int i = 0; i < n; i++) { x[i] = x[i] < 0 ? x[i] * p0 : x[i]; } }
            case CLAMP -> { for (int i = 0; i < n; i++) { x[i] = Math.min(Math.max(x[i], p0), p1); } }
            case SQRT -> { for (int i = 0; i < n; i++) { x[i] = Math.sqrt(x[i]); } }
            default -> { for (int i = 0; i < n; i++) { x[i] = unary(op, x[i], p0, p1); } }
        }
    }

    /** {@code a[i] = a[i] op b[i]} for i < n. */
    static void binaryBlock(BinaryOp op, double[] a, double[] b, int n) {
        switch (op) {
            case ADD -> { for (int i = 0; i < n; i++) { a[i] += b[i]; } }
            case SUB -> { for (int i = 0; i < n; i++) { a[i] -= b[i]; } }
            case MUL -> { for (int i = 0; i < n; i++) { a[i] *= b[i]; } }
            case DIV -> { for (int i = 0; i < n; i++) { a[i] /= b[i]; } }
            case MAX -> { for (int i = 0; i < n; i++) { a[i] = Math.max(a[i], b[i]); } }
            case MIN -> { for (int i = 0; i < n; i++) { a[i] = Math.min(a[i], b[i]); } }
            case GT -> { for (int i = 0; i < n; i++) { a[i] = a[i] > b[i] ? 1.0 : 0.0; } }
            case GE -> { for (int i = 0; i < n; i++) { a[i] = a[i] >= b[i] ? 1.0 : 0.0; } }
            case LT -> { for (int i = 0; i < n; i++) { a[i] = a[i] < b[i] ? 1.0 : 0.0; } }
            case LE -> { for (int i = 0; i < n; i++) { a[i] = a[i] <= b[i] ? 1.0 : 0.0; } }
            default -> { for (int i = 0; i < n; i++) { a[i] = binary(op, a[i], b[i]); } }
        }
    }
}
