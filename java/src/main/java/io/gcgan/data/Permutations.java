package io.gcgan.data;

import io.gcgan.random.Philox;

/**
 * Reproducible permutations from gcgan's Philox streams, so that a seed gives the same order on every JVM.
 *
 * <p>The permutation of n items from stream {@code seed} at block {@code offset} is Fisher-Yates: start from
 * the identity, then for i = n-1 down to 1 swap positions i and j = floor(u_i * (i + 1)), where u_i is the
 * float64 uniform {@code Philox.uniformDouble(seed, offset + i)} (in (0, 1), so j <= i).
 */
final class Permutations {

    /** XORed into the seed of {@link Dataset#split}, so that split and loader streams differ for one seed. */
    static final long SPLIT_DOMAIN = 0x53504C4954L;   // "SPLIT"
    /** XORed into the seed of a {@link DataLoader}'s shuffles. */
    static final long LOADER_DOMAIN = 0x4C4F41444552L; // "LOADER"

    private Permutations() {
    }

    static int[] shuffled(int n, long seed, long offset) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = (int) (Philox.uniformDouble(seed, offset + i) * (i + 1));
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
