package io.gcgan.data;

import java.util.Arrays;

/**
 * The contents of an unsigned-byte IDX file: its dimensions (dims[0] is the item count: [N, rows, cols] for
 * images, [N] for labels) and its data, row-major, one byte per element (read with {@code & 0xFF}).
 *
 * <p>The arrays are held as given (no copies); treat them as read-only.
 */
public record IdxArray(int[] dims, byte[] data) {

    public IdxArray {
        if (dims.length < 1 || dims.length > 255) {
            throw new IllegalArgumentException("IDX arrays have 1 to 255 dimensions, got " + dims.length);
        }
        long numel = 1;
        for (int d : dims) {
            if (d < 0) {
                throw new IllegalArgumentException("negative IDX dimension in " + Arrays.toString(dims));
            }
            numel *= d;
            if (numel > Idx.MAX_DATA_BYTES) {
                throw new IllegalArgumentException("IDX dims " + Arrays.toString(dims) + " hold more than "
                        + Idx.MAX_DATA_BYTES + " elements");
            }
        }
        if (numel != data.length) {
            throw new IllegalArgumentException("IDX dims " + Arrays.toString(dims) + " hold " + numel
                    + " elements, data has " + data.length + " bytes");
        }
    }

    public int rank() {
        return dims.length;
    }

    /** The number of items: dims[0]. */
    public int count() {
        return dims[0];
    }

    /** Element i (row-major) as an unsigned value 0..255. */
    public int unsigned(int i) {
        return data[i] & 0xFF;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdxArray other && Arrays.equals(dims, other.dims) && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(dims) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "IdxArray[dims=" + Arrays.toString(dims) + ", unsigned byte]";
    }
}
