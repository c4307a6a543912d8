package io.gcgan.data;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;

/** Item i is item indices[i] of a parent dataset (the generic {@link Dataset#subset}). */
final class SubsetDataset implements Dataset {
    private final Dataset parent;
    private final int[] indices;

    SubsetDataset(Dataset parent, int[] indices) {
        int n = parent.size();
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= n) {
                throw new IndexOutOfBoundsException("subset: index " + indices[i] + " at position " + i
                        + " is outside [0, " + n + ")");
            }
        }
        this.parent = parent;
        this.indices = indices.clone();
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public long[] itemShape() {
        return parent.itemShape();
    }

    @Override
    public Tensor batch(int[] batchIndices, DType dtype, Device device) {
        Indices.check(batchIndices, indices.length);
        int[] mapped = new int[batchIndices.length];
        for (int i = 0; i < mapped.length; i++) {
            mapped[i] = indices[batchIndices[i]];
        }
        return parent.batch(mapped, dtype, device);
    }

    @Override
    public String toString() {
        return indices.length + (indices.length == 1 ? " item of " : " items of ") + parent;
    }
}
