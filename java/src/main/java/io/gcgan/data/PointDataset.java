package io.gcgan.data;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.util.Objects;

/**
 * A finite set of points [N, D] (float32, row-major), returned as they are in batches [B, D], with an
 * optional integer label per point (the mixture component a sample was drawn from, say).
 * {@link #subset} views share the storage and keep the labels.
 */
public final class PointDataset implements Dataset {

    private final float[] points; // [baseCount, dim]
    private final int dim;
    private final int[] labels;   // [baseCount] or null
    private final int[] index;    // item i is base item index[i]; null: the identity
    private final int size;
    private final String description;

    private PointDataset(float[] points, int dim, int[] labels, int[] index, int size, String description) {
        this.points = points;
        this.dim = dim;
        this.labels = labels;
        this.index = index;
        this.size = size;
        this.description = description;
    }

    /** Points [points.length / dim, dim] (held without a copy), with one label per point or null. */
    public static PointDataset of(float[] points, int dim, int[] labels, String description) {
        if (dim < 1 || points.length % dim != 0) {
            throw new IllegalArgumentException("PointDataset: " + points.length + " values do not make points of"
                    + " dimension " + dim);
        }
        int count = points.length / dim;
        if (labels != null && labels.length != count) {
            throw new IllegalArgumentException("PointDataset: " + labels.length + " labels for " + count
                    + " points");
        }
        return new PointDataset(points, dim, labels, null, count, Objects.requireNonNull(description));
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long[] itemShape() {
        return new long[] {dim};
    }

    public int dim() {
        return dim;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    public int label(int i) {
        if (labels == null) {
            throw new IllegalStateException("label: " + description + " has no labels");
        }
        return labels[base(i)];
    }

    /** Coordinate d of point i. */
    public float coordinate(int i, int d) {
        if (d < 0 || d >= dim) {
            throw new IndexOutOfBoundsException("coordinate " + d + " of a " + dim + "-D point");
        }
        return points[base(i) * dim + d];
    }

    @Override
    public Tensor batch(int[] indices, DType dtype, Device device) {
        Indices.check(indices, size);
        float[] values = new float[Math.multiplyExact(indices.length, dim)];
        for (int b = 0; b < indices.length; b++) {
            System.arraycopy(points, base(indices[b]) * dim, values, b * dim, dim);
        }
        return Tensor.of(values, indices.length, dim).to(dtype).to(device);
    }

    @Override
    public PointDataset subset(int[] indices) {
        int[] mapped = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= size) {
                throw new IndexOutOfBoundsException("subset: index " + indices[i] + " at position " + i
                        + " is outside [0, " + size + ")");
            }
            mapped[i] = base(indices[i]);
        }
        return new PointDataset(points, dim, labels, mapped, mapped.length,
                indices.length + " points of " + description);
    }

    private int base(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("item " + i + " is outside [0, " + size + ")");
        }
        return index == null ? i : index[i];
    }

    @Override
    public String toString() {
        return description + " (" + size + " points of dimension " + dim + ")";
    }
}
