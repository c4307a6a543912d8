package io.gcgan.random;

import io.gcgan.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A seeded counter-based generator over the {@link Philox} streams. Its whole state is (seed, offset): a draw
 * of n elements takes the blocks [offset, offset + n) and advances the offset by n, whatever the dtype and
 * distribution. The same (seed, offset) therefore gives the same numbers on the CPU and the CUDA backends,
 * and saving the two longs (in a checkpoint, say) is enough to resume the stream.
 *
 * <p>Thread-safe: {@link #reserve} is atomic, so concurrent draws get disjoint block ranges (which thread gets
 * which range depends on timing, of course). The offset wraps modulo 2^64, as the counter does.
 */
public final class Generator {
    private final long seed;
    private final AtomicLong offset;

    /** A generator of the stream {@code seed}, at offset 0. */
    public Generator(long seed) {
        this(seed, 0L);
    }

    /** A generator of the stream {@code seed}, at the given offset (as saved from {@link #offset()}). */
    public Generator(long seed, long offset) {
        this.seed = seed;
        this.offset = new AtomicLong(offset);
    }

    public long seed() {
        return seed;
    }

    /** The first block the next draw will use. */
    public long offset() {
        return offset.get();
    }

    public void setOffset(long newOffset) {
        offset.set(newOffset);
    }

    /**
     * Reserves {@code numel} blocks: returns the current offset and advances it by numel (mod 2^64).
     *
     * @throws IllegalArgumentException if numel is negative
     */
    public long reserve(long numel) {
        if (numel < 0) {
            throw new IllegalArgumentException("numel = " + numel + " must be >= 0");
        }
        return offset.getAndAdd(numel);
    }

    /** Reserves numel blocks and fills the segment with that many uniforms (see {@link Philox#fillUniform}). */
    public void fillUniform(MemorySegment seg, DType dtype, long numel) {
        checkFits(seg, dtype, numel);
        Philox.fillUniform(seg, dtype, numel, seed, reserve(numel));
    }

    /** Reserves numel blocks and fills the segment with that many normals (see {@link Philox#fillNormal}). */
    public void fillNormal(MemorySegment seg, DType dtype, long numel) {
        checkFits(seg, dtype, numel);
        Philox.fillNormal(seg, dtype, numel, seed, reserve(numel));
    }

    /** Checked before reserving, so that a failed fill does not consume blocks. */
    private static void checkFits(MemorySegment seg, DType dtype, long numel) {
        if (numel < 0) {
            throw new IllegalArgumentException("numel = " + numel + " must be >= 0");
        }
        long bytes = Math.multiplyExact(numel, (long) dtype.byteSize());
        if (seg.byteSize() < bytes) {
            throw new IllegalArgumentException("segment of " + seg.byteSize() + " bytes is too small for "
                    + numel + " " + dtype.displayName() + " elements (" + bytes + " bytes)");
        }
    }

    @Override
    public String toString() {
        return "Generator[seed=" + Long.toUnsignedString(seed) + ", offset=" + Long.toUnsignedString(offset())
                + "]";
    }
}
