package io.gcgan.backend;

/**
 * The layout of a fused batch normalization ({@link Backend#batchNormForward}, {@link Backend#batchNormBackward}):
 * a dense input of any rank >= 2 viewed as {@code [n, c, s]}, where {@code n} is dimension 0 (the batch),
 * {@code c} dimension 1 (the channels, normalized separately) and {@code s} the product of the rest (1 for
 * BatchNorm1d's [N, C], H*W for BatchNorm2d's [N, C, H, W]). Element {@code (i, k, j)} is at flat offset
 * {@code (i * c + k) * s + j}; channel {@code k} is {@code n} runs of {@code s} elements, {@code c * s} apart.
 */
public record BatchNormShape(long n, long c, long s) {

    public BatchNormShape {
        if (n < 1 || c < 1 || s < 1) {
            throw new IllegalArgumentException("batchNorm: n, c and s must be >= 1, got n=" + n + " c=" + c
                    + " s=" + s);
        }
        if (n * s < 2) {
            throw new IllegalArgumentException("batchNorm: batch statistics need more than 1 value per channel,"
                    + " got n=" + n + " s=" + s);
        }
    }

    /** The view of a dense tensor of {@code shape} (rank >= 2). */
    public static BatchNormShape of(long[] shape) {
        if (shape.length < 2) {
            throw new IllegalArgumentException("batchNorm: the input needs rank >= 2 ([N, C, ...]), got rank "
                    + shape.length);
        }
        long s = 1;
        for (int d = 2; d < shape.length; d++) {
            s *= shape[d];
        }
        return new BatchNormShape(shape[0], shape[1], s);
    }

    /** Elements of the input. */
    public long numel() {
        return n * c * s;
    }

    /** Elements per channel, {@code n * s}: the divisor of a channel's mean and biased variance. */
    public long perChannel() {
        return n * s;
    }
}
