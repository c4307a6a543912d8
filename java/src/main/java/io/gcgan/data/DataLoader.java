package io.gcgan.data;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Batches of a {@link Dataset}, numbered across epochs, in a reproducible order.
 *
 * <p>Batch number b (b = 0, 1, 2, ... over the whole run) is batch {@code b % batchesPerEpoch()} of epoch
 * {@code b / batchesPerEpoch()}, so a trainer resuming at step s asks for batch s and gets what it would have
 * got without the interruption: the loader keeps no position of its own.
 *
 * <p>Order of epoch e: with {@link Shuffle#EVERY_EPOCH} a fresh permutation per epoch, with
 * {@link Shuffle#ONCE} the permutation of epoch 0 for every epoch (as the WGAN-GP toy code iterates its
 * fixed 25-Gaussian set), with {@link Shuffle#NONE} the dataset's order. A permutation depends only on
 * (seed, epoch, size): it is {@code Permutations}' Fisher-Yates over the Philox stream
 * {@code seed ^ LOADER_DOMAIN} at block {@code epoch * size}.
 *
 * <p>With dropLast, every batch has exactly batchSize items and the last {@code size % batchSize} items of
 * each epoch's order are skipped (a different few each epoch when shuffling); without it, each epoch ends
 * with a smaller batch when the size is not a multiple.
 *
 * <p>Thread-safe.
 */
public final class DataLoader {

    /** How the order of items changes between epochs. */
    public enum Shuffle { NONE, ONCE, EVERY_EPOCH }

    private final Dataset data;
    private final int batchSize;
    private final Shuffle shuffle;
    private final boolean dropLast;
    private final long seed;
    private final int batchesPerEpoch;

    // The order of the epoch last asked for (batches are asked for epoch after epoch).
    private long cachedEpoch = -1;
    private int[] cachedOrder;

    /**
     * @throws IllegalArgumentException for batchSize < 1, an empty dataset, or dropLast with fewer items
     *         than one batch
     */
    public DataLoader(Dataset data, int batchSize, Shuffle shuffle, boolean dropLast, long seed) {
        this.data = Objects.requireNonNull(data, "data");
        this.shuffle = Objects.requireNonNull(shuffle, "shuffle");
        int n = data.size();
        if (batchSize < 1) {
            throw new IllegalArgumentException("DataLoader: batchSize = " + batchSize + " must be >= 1");
        }
        if (n == 0) {
            throw new IllegalArgumentException("DataLoader: the dataset " + data + " is empty");
        }
        if (dropLast && n < batchSize) {
            throw new IllegalArgumentException("DataLoader: " + n + " items cannot fill one batch of "
                    + batchSize + " with dropLast");
        }
        this.batchSize = batchSize;
        this.dropLast = dropLast;
        this.seed = seed;
        this.batchesPerEpoch = dropLast ? n / batchSize : (n + batchSize - 1) / batchSize;
    }

    /** Shuffled every epoch, full batches only: the usual training loader. */
    public static DataLoader shuffled(Dataset data, int batchSize, long seed) {
        return new DataLoader(data, batchSize, Shuffle.EVERY_EPOCH, true, seed);
    }

    public Dataset dataset() {
        return data;
    }

    public int batchSize() {
        return batchSize;
    }

    public int batchesPerEpoch() {
        return batchesPerEpoch;
    }

    /** The epoch that batch number b belongs to. */
    public long epochOf(long batchNumber) {
        checkBatchNumber(batchNumber);
        return batchNumber / batchesPerEpoch;
    }

    /** The order in which epoch e visits the items (a permutation of 0..size-1; a copy). */
    public int[] order(long epoch) {
        if (epoch < 0) {
            throw new IllegalArgumentException("order: epoch = " + epoch + " must be >= 0");
        }
        return orderOf(epoch).clone();
    }

    /** The dataset indices of batch number b. */
    public int[] indices(long batchNumber) {
        checkBatchNumber(batchNumber);
        int[] order = orderOf(batchNumber / batchesPerEpoch);
        int start = Math.toIntExact((batchNumber % batchesPerEpoch) * batchSize);
        int end = Math.min(start + batchSize, order.length);
        return java.util.Arrays.copyOfRange(order, start, end);
    }

    /** Batch number b as a tensor [B, itemShape...] (see {@link Dataset#batch(int[], DType, Device)}). */
    public Tensor batch(long batchNumber, DType dtype, Device device) {
        return data.batch(indices(batchNumber), dtype, device);
    }

    /** The batches of one epoch, in order. */
    public Iterator<Tensor> epoch(long epoch, DType dtype, Device device) {
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch = " + epoch + " must be >= 0");
        }
        long first = Math.multiplyExact(epoch, (long) batchesPerEpoch);
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < batchesPerEpoch;
            }

            @Override
            public Tensor next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("epoch " + epoch + " has " + batchesPerEpoch + " batches");
                }
                return batch(first + next++, dtype, device);
            }
        };
    }

    private void checkBatchNumber(long batchNumber) {
        if (batchNumber < 0) {
            throw new IllegalArgumentException("batch number " + batchNumber + " must be >= 0");
        }
    }

    private synchronized int[] orderOf(long epoch) {
        long effective = shuffle == Shuffle.ONCE ? 0 : epoch;
        if (effective != cachedEpoch) {
            int n = data.size();
            if (shuffle == Shuffle.NONE) {
                cachedOrder = new int[n];
                for (int i = 0; i < n; i++) {
                    cachedOrder[i] = i;
                }
            } else {
                cachedOrder = Permutations.shuffled(n, seed ^ Permutations.LOADER_DOMAIN,
                        Math.multiplyExact(effective, (long) n));
            }
            cachedEpoch = effective;
        }
        return cachedOrder;
    }

    @Override
    public String toString() {
        return "DataLoader[" + data + ", batchSize=" + batchSize + ", shuffle=" + shuffle + ", dropLast="
                + dropLast + ", seed=" + seed + "]";
    }
}
