package io.gcgan.data;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;

/**
 * A finite, indexable collection of training items, read in batches.
 *
 * <p>Shapes: an item has shape {@link #itemShape()}, [C, H, W] for images and [D] for points (D = 2 for the
 * 2-D mixtures); a batch of B items is [B, C, H, W] or [B, D]. Image values are in [-1, 1] (the range of a
 * tanh generator): pixel byte k maps to k / 127.5 - 1, so 0 -> -1 and 255 -> 1 exactly. Points are returned
 * as they are.
 *
 * <p>Batches are built on the host and copied to the device; the returned tensor (and any conversion
 * intermediates) belong to the current {@link io.gcgan.tensor.TensorScope}. Implementations are immutable
 * and safe to read from several threads.
 */
public interface Dataset {

    /** The number of items. */
    int size();

    /** The shape of one item: [C, H, W] for images, [D] for points. */
    long[] itemShape();

    /**
     * The items at {@code indices} (in that order, repeats allowed) as one tensor [B, itemShape...] with B =
     * indices.length >= 1.
     *
     * @throws IndexOutOfBoundsException for an index outside [0, size())
     */
    Tensor batch(int[] indices, DType dtype, Device device);

    /** Items start, start + 1, ..., start + count - 1. */
    default Tensor batch(int start, int count, DType dtype, Device device) {
        return batch(Indices.range(this, start, count), dtype, device);
    }

    /** Items start, ..., start + count - 1 as float32 on the CPU. */
    default Tensor batch(int start, int count) {
        return batch(start, count, DType.FLOAT32, Device.CPU);
    }

    /**
     * A view of the items at {@code indices} (in that order): item i of the view is item indices[i] of this
     * dataset. Shares this dataset's storage.
     */
    default Dataset subset(int[] indices) {
        return new SubsetDataset(this, indices);
    }

    /**
     * Splits off {@code heldOutCount} items chosen at random (reproducibly from {@code seed}) as held-out
     * real data, for the score gap between training and held-out data. Both parts are in random order, so a
     * prefix of either is a random sample; they are disjoint and together hold every item once.
     *
     * @throws IllegalArgumentException unless 0 <= heldOutCount <= size()
     */
    default Split split(int heldOutCount, long seed) {
        int n = size();
        if (heldOutCount < 0 || heldOutCount > n) {
            throw new IllegalArgumentException("split: heldOutCount = " + heldOutCount + " is outside [0, " + n
                    + "] for a dataset of " + n + " items");
        }
        int[] order = Permutations.shuffled(n, Permutations.SPLIT_DOMAIN ^ seed, 0);
        int[] heldOut = java.util.Arrays.copyOfRange(order, 0, heldOutCount);
        int[] train = java.util.Arrays.copyOfRange(order, heldOutCount, n);
        return new Split(subset(train), subset(heldOut));
    }

    /** A training part and a held-out part of one dataset (see {@link #split}). */
    record Split(Dataset train, Dataset heldOut) {
    }
}
