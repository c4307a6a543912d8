package io.gcgan.backend.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.gcgan.backend.Storage;
import io.gcgan.bindings.kernels.GcganKernelException;
import io.gcgan.bindings.kernels.GcganKernels;
import io.gcgan.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.util.List;

/**
 * {@link CudaBackend#squaredNorm}: fills two host arrays, the storages' device addresses and their element counts, and
 * makes ONE {@code gcgan_squared_norm_*} call (kernels/src/norm.cu): a chunk kernel per 256 storages with elements
 * (one for any model's gradients) whose blocks each sum 16384 elements' squares in float64, and a single-block kernel
 * that adds those partials in a fixed order and writes {@code out[0]}. The order of every addition depends only on the
 * storages' sizes, so the result is the same bits from run to run (not the CPU's bits: CpuSquaredNorm adds within a
 * chunk in another order; both accumulate in float64 and round once).
 */
final class CudaSquaredNorm {

    /**
     * Per-thread host memory for the two arrays of one call (read by the C function during the call only), grown when
     * a call has more storages; an automatic arena, so a thread's buffer goes when the thread does.
     */
    private static final ThreadLocal<MemorySegment[]> SCRATCH = ThreadLocal.withInitial(() -> new MemorySegment[1]);

    private CudaSquaredNorm() {
    }

    /** This thread's scratch segment with room for {@code count} addresses followed by {@code count} counts. */
    private static MemorySegment scratch(int count) {
        MemorySegment[] holder = SCRATCH.get();
        long bytes = Math.max(1, count) * (ADDRESS.byteSize() + JAVA_LONG.byteSize());
        if (holder[0] == null || holder[0].byteSize() < bytes) {
            long grown = Math.max(bytes, 2 * (holder[0] == null ? 0 : holder[0].byteSize()));
            holder[0] = Arena.ofAuto().allocate(Math.max(grown, 64 * 16), 16);
        }
        return holder[0];
    }

    /** The call, its arguments checked by the backend ({@code StorageChecks.squaredNorm}). */
    static void run(CudaBackend backend, List<Storage> xs, Storage out) {
        int count = xs.size();
        try {
            MemorySegment scratch = scratch(count);
            long pointersBytes = count * ADDRESS.byteSize();
            MemorySegment pointers = scratch.asSlice(0, pointersBytes);
            MemorySegment counts = scratch.asSlice(pointersBytes, count * JAVA_LONG.byteSize());
            for (int i = 0; i < count; i++) {
                Storage x = xs.get(i);
                pointers.setAtIndex(ADDRESS, i, CudaBackend.pointer(x));
                counts.setAtIndex(JAVA_LONG, i, x.numel());
            }
            MemorySegment target = CudaBackend.pointer(out);
            backend.cudaDevice().makeCurrent();
            MemorySegment stream = backend.cudaDevice().stream();
            int status = out.dtype() == DType.FLOAT32
                    ? GcganKernels.gcgan_squared_norm_f32(pointers, counts, count, target, stream)
                    : GcganKernels.gcgan_squared_norm_f64(pointers, counts, count, target, stream);
            GcganKernelException.check(status, "gcgan_squared_norm_" + (out.dtype() == DType.FLOAT32 ? "f32" : "f64")
                    + "(" + count + " storages)");
        } finally {
            // The arrays hold bare addresses: keep the storages (and their memory) alive until the launches are queued.
            Reference.reachabilityFence(xs);
            Reference.reachabilityFence(out);
        }
    }
}
