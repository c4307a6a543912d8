package io.gcgan.optim;

/**
 * Which parameter tensors gradient centralization (Yong et al. 2020) centres, by rank, as in the official code:
 * each slice along dimension 0 has the mean over all other dimensions subtracted from its gradient. Rank-1
 * tensors (biases, BatchNorm weights) and scalars are never centred.
 *
 * <p>A centred tensor whose slices hold one element each (a Linear weight [out, 1], a 1x1 conv from one channel)
 * gets a gradient of exactly 0 and never changes, as in the official code: the mean of one element is itself. Use
 * {@link #CONV_ONLY} or a group without GC for such layers.
 */
public enum GcMode {
    /** No centring. */
    NONE(Integer.MAX_VALUE),
    /** The official "GCC": conv weights only, tensors of rank > 3. */
    CONV_ONLY(3),
    /** The official "GC": conv and fully connected weights, tensors of rank > 1. */
    CONV_AND_FC(1);

    private final int rankAbove;

    GcMode(int rankAbove) {
        this.rankAbove = rankAbove;
    }

    /**
     * The mode of its official name, the one the paper, its code and {@code gcgan train --gc} use: {@code "none"},
     * {@code "gcc"} ({@link #CONV_ONLY}) or {@code "gc"} ({@link #CONV_AND_FC}); an {@link IllegalArgumentException}
     * naming the valid ones otherwise.
     */
    public static GcMode parse(String name) {
        return switch (String.valueOf(name)) {
            case "none" -> NONE;
            case "gcc" -> CONV_ONLY;
            case "gc" -> CONV_AND_FC;
            default -> throw new IllegalArgumentException("unknown GC mode '" + name
                    + "'; valid values: none, gcc, gc");
        };
    }

    /** True when a gradient of this rank is centred in this mode. */
    public boolean centres(int rank) {
        return rank > rankAbove;
    }
}
