package io.gcgan.backend;

import io.gcgan.tensor.DType;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A dense buffer of {@code numel} elements of one dtype, owned by one backend.
 *
 * <p>For the CPU backend {@code segment} is host memory of {@code numel * dtype.byteSize()} bytes, 64-byte
 * aligned. For a GPU backend it is a device address (a zero-length segment that must not be dereferenced on
 * the host). It is freed with the {@link Lifetime} it was allocated in (which is kept so that state derived
 * from it, such as a parameter's gradient, can be allocated to live as long).
 *
 * <p>Storage is made by {@link Backend#allocate}. A caller who builds one by hand (to hand memory of its own to the
 * CPU backend without a copy) owns the segment's lifetime, and must give native memory of at least
 * {@link #byteSize()} bytes from a shared, global or automatic arena: the CPU backend refuses a heap segment, a
 * shorter one and one confined to a thread, which its worker threads could not read ({@link StorageChecks#hostSpan}),
 * but cannot tell whether the memory is still allocated unless the segment's scope says so.
 */
public record Storage(Backend backend, DType dtype, long numel, MemorySegment segment, Lifetime lifetime) {

    public Storage {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(segment, "segment");
        Objects.requireNonNull(lifetime, "lifetime");
        if (numel < 0) {
            throw new IllegalArgumentException("storage numel must be >= 0, got " + numel);
        }
    }

    public long byteSize() {
        return numel * dtype.byteSize();
    }
}
