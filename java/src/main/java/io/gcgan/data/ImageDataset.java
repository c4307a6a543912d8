package io.gcgan.data;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * Images held as bytes, [N, C, H, W] row-major (0..255, 0 = black), optionally with a byte label per image;
 * batches are [B, C, H, W] in [-1, 1] (k / 127.5 - 1). One byte per value keeps MNIST's 60,000 digits at
 * 47 MB; the storage is a {@link MemorySegment}, so a folder of images may exceed 2 GB.
 *
 * <p>{@link #subset} views share the storage and keep the labels.
 */
public final class ImageDataset implements Dataset {

    private static final float[] FLOAT_OF_BYTE = new float[256];
    private static final double[] DOUBLE_OF_BYTE = new double[256];

    static {
        for (int k = 0; k < 256; k++) {
            DOUBLE_OF_BYTE[k] = k / 127.5 - 1.0;
            FLOAT_OF_BYTE[k] = (float) DOUBLE_OF_BYTE[k];
        }
    }

    private final MemorySegment pixels; // [baseCount, C, H, W] bytes
    private final int channels;
    private final int height;
    private final int width;
    private final byte[] labels;        // [baseCount] or null
    private final int[] index;          // item i is base item index[i]; null: the identity
    private final int size;
    private final String description;

    private ImageDataset(MemorySegment pixels, int channels, int height, int width, byte[] labels, int[] index,
                         int size, String description) {
        this.pixels = pixels;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.labels = labels;
        this.index = index;
        this.size = size;
        this.description = description;
    }

    /**
     * Images from bytes [count, channels, height, width] (row-major, held without a copy), with one label per
     * image or null; {@code description} names the source in {@link #toString()}.
     */
    public static ImageDataset of(byte[] pixels, int count, int channels, int height, int width, byte[] labels,
                                  String description) {
        return of(MemorySegment.ofArray(pixels), count, channels, height, width, labels, description);
    }

    static ImageDataset of(MemorySegment pixels, int count, int channels, int height, int width, byte[] labels,
                           String description) {
        if (count < 0 || channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("ImageDataset: need count >= 0 and positive C, H, W, got ["
                    + count + ", " + channels + ", " + height + ", " + width + "]");
        }
        long bytes = (long) count * channels * height * width;
        if (pixels.byteSize() != bytes) {
            throw new IllegalArgumentException("ImageDataset: " + pixels.byteSize() + " pixel bytes for ["
                    + count + ", " + channels + ", " + height + ", " + width + "] (" + bytes + " bytes)");
        }
        if (labels != null && labels.length != count) {
            throw new IllegalArgumentException("ImageDataset: " + labels.length + " labels for " + count
                    + " images");
        }
        return new ImageDataset(pixels, channels, height, width, labels, null, count,
                Objects.requireNonNull(description, "description"));
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public long[] itemShape() {
        return new long[] {channels, height, width};
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    public boolean hasLabels() {
        return labels != null;
    }

    /** The label of item i (0..255; 0..9 for MNIST). */
    public int label(int i) {
        if (labels == null) {
            throw new IllegalStateException("label: " + description + " has no labels");
        }
        return labels[base(i)] & 0xFF;
    }

    /** The byte value 0..255 of one pixel of item i. */
    public int pixel(int i, int channel, int y, int x) {
        if (channel < 0 || channel >= channels || y < 0 || y >= height || x < 0 || x >= width) {
            throw new IndexOutOfBoundsException("pixel: (c, y, x) = (" + channel + ", " + y + ", " + x
                    + ") outside [" + channels + ", " + height + ", " + width + "]");
        }
        long offset = itemBytes() * base(i) + ((long) channel * height + y) * width + x;
        return pixels.get(ValueLayout.JAVA_BYTE, offset) & 0xFF;
    }

    /** A copy of item i's bytes, [C, H, W] row-major. */
    public byte[] itemBytes(int i) {
        byte[] out = new byte[Math.toIntExact(itemBytes())];
        MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, itemBytes() * base(i), out, 0, out.length);
        return out;
    }

    @Override
    public Tensor batch(int[] indices, DType dtype, Device device) {
        Indices.check(indices, size);
        int per = Math.toIntExact(itemBytes());
        int total = Math.multiplyExact(indices.length, per);
        byte[] item = new byte[per];
        long[] shape = {indices.length, channels, height, width};
        Tensor host;
        if (dtype == DType.FLOAT64) {
            double[] values = new double[total];
            for (int b = 0; b < indices.length; b++) {
                MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, (long) per * base(indices[b]), item, 0, per);
                for (int k = 0, o = b * per; k < per; k++, o++) {
                    values[o] = DOUBLE_OF_BYTE[item[k] & 0xFF];
                }
            }
            host = Tensor.of(values, shape);
        } else {
            float[] values = new float[total];
            for (int b = 0; b < indices.length; b++) {
                MemorySegment.copy(pixels, ValueLayout.JAVA_BYTE, (long) per * base(indices[b]), item, 0, per);
                for (int k = 0, o = b * per; k < per; k++, o++) {
                    values[o] = FLOAT_OF_BYTE[item[k] & 0xFF];
                }
            }
            host = Tensor.of(values, shape).to(dtype);
        }
        return host.to(device);
    }

    @Override
    public ImageDataset subset(int[] indices) {
        int[] mapped = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= size) {
                throw new IndexOutOfBoundsException("subset: index " + indices[i] + " at position " + i
                        + " is outside [0, " + size + ")");
            }
            mapped[i] = base(indices[i]);
        }
        return new ImageDataset(pixels, channels, height, width, labels, mapped, mapped.length,
                indices.length + (indices.length == 1 ? " item of " : " items of ") + description);
    }

    private long itemBytes() {
        return (long) channels * height * width;
    }

    private int base(int i) {
        if (i < 0 || i >= size) {
            throw new IndexOutOfBoundsException("item " + i + " is outside [0, " + size + ")");
        }
        return index == null ? i : index[i];
    }

    @Override
    public String toString() {
        return description + " (" + size + (size == 1 ? " image, " : " images, ") + channels + "x" + height + "x"
                + width + ")";
    }
}
