package io.gcgan.data;

/** Index checks shared by the datasets. */
final class Indices {

    private Indices() {
    }

    /** Checks and returns start, ..., start + count - 1. */
    static int[] range(Dataset data, int start, int count) {
        if (count < 1 || start < 0 || (long) start + count > data.size()) {
            throw new IndexOutOfBoundsException("batch: items [" + start + ", " + ((long) start + count)
                    + ") of a dataset of " + data.size() + " items (need count >= 1 and the range inside it)");
        }
        int[] indices = new int[count];
        for (int i = 0; i < count; i++) {
            indices[i] = start + i;
        }
        return indices;
    }

    /** Throws unless every index is in [0, size) and there is at least one. */
    static void check(int[] indices, int size) {
        if (indices.length == 0) {
            throw new IllegalArgumentException("batch: no indices (a batch holds at least one item)");
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= size) {
                throw new IndexOutOfBoundsException("batch: index " + indices[i] + " at position " + i
                        + " is outside [0, " + size + ")");
            }
        }
    }
}
