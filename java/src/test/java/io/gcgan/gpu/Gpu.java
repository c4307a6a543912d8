package io.gcgan.gpu;

import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import io.gcgan.backend.Backend;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.bindings.CudaAvailability;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/**
 * The two backends of the GPU tests, whether the CUDA one can run here, and data movement that does not depend on
 * the code under test more than it must: host data is staged in native (off-heap) memory and moved with the
 * backend's own {@code copyFromHost}/{@code copyToHost}, which {@code CudaMemoryTest} checks first.
 */
final class Gpu {

    static final Device CUDA = Device.cuda(0);

    /**
     * {@code -Dgcgan.gpu.selfTest=cpu}: the CPU backend stands in for CUDA (and is registered for the CUDA device),
     * so that the tests themselves (shapes, references, tolerances against a real float32 implementation) can be
     * checked on a machine without a GPU. Comparisons are then CPU against CPU; nothing about CUDA is tested.
     */
    static final boolean SELF_TEST = "cpu".equals(System.getProperty("gcgan.gpu.selfTest"));

    private static Optional<String> reason;

    private Gpu() {
    }

    /**
     * Why the CUDA tests cannot run here, or empty when they can: CudaAvailability's reason (no driver, no device, a
     * library that does not load), or {@code Backends.of(cuda:0)} reporting the backend unavailable or missing from
     * the build. Any other error while constructing the CUDA backend on a machine where CUDA is available is not a
     * reason to skip: the tests then fail with that error.
     */
    static synchronized Optional<String> unavailableReason() {
        if (reason == null) {
            reason = probe();
        }
        return reason;
    }

    private static Optional<String> probe() {
        if (SELF_TEST) {
            Backends.register(Device.Kind.CUDA, d -> CpuBackend.instance());
            return Optional.empty();
        }
        CudaAvailability.Report report;
        try {
            report = CudaAvailability.probe();
        } catch (RuntimeException | LinkageError e) {
            return Optional.of("CUDA unavailable: the availability probe failed: " + e);
        }
        if (!report.cudaBackendAvailable()) {
            return Optional.of(report.reason());
        }
        try {
            Backends.of(CUDA);
        } catch (UnsupportedOperationException e) {
            return Optional.of("the CUDA backend is unavailable: " + e.getMessage());
        } catch (NoClassDefFoundError e) {
            return Optional.of("no CUDA backend in this build: " + e);
        } catch (RuntimeException | LinkageError e) {
            return Optional.empty(); // CUDA is there but the backend fails: let the tests report it
        }
        return Optional.empty();
    }

    static Backend cuda() {
        if (SELF_TEST) {
            unavailableReason(); // registers the stand-in
        }
        return Backends.of(CUDA);
    }

    /** The CUDA backend itself, for tests of what only it has: the test is skipped with the CPU stand-in. */
    static CudaBackend cudaBackend() {
        Backend b = cuda();
        Assumptions.assumeTrue(b instanceof CudaBackend, "the CUDA backend (not a stand-in)");
        return (CudaBackend) b;
    }

    static Backend cpu() {
        return CpuBackend.instance();
    }

    static String description() {
        try {
            return cuda().description();
        } catch (RuntimeException e) {
            return "(description failed: " + e + ")";
        }
    }

    // ---- data movement -----------------------------------------------------------------------------------

    /** A storage of {@code backend} holding {@code values} rounded to {@code dtype}. */
    static Storage upload(Backend backend, DType dtype, double[] values, Lifetime lifetime) {
        Storage s = backend.allocate(dtype, values.length, lifetime);
        write(s, values);
        return s;
    }

    /** Overwrites all of {@code s} with {@code values} (rounded to s's dtype). */
    static void write(Storage s, double[] values) {
        if (values.length != s.numel()) {
            throw new IllegalArgumentException("write: " + values.length + " values for a storage of " + s.numel());
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(Math.max(1, s.byteSize()), 64);
            for (int i = 0; i < values.length; i++) {
                if (s.dtype() == DType.FLOAT32) {
                    host.setAtIndex(JAVA_FLOAT, i, (float) values[i]);
                } else {
                    host.setAtIndex(JAVA_DOUBLE, i, values[i]);
                }
            }
            s.backend().copyFromHost(host, s);
        }
    }

    /** All elements of {@code s}, widened to double. */
    static double[] read(Storage s) {
        double[] out = new double[Math.toIntExact(s.numel())];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(Math.max(1, s.byteSize()), 64);
            s.backend().copyToHost(s, host);
            for (int i = 0; i < out.length; i++) {
                out[i] = s.dtype() == DType.FLOAT32 ? host.getAtIndex(JAVA_FLOAT, i) : host.getAtIndex(JAVA_DOUBLE, i);
            }
        }
        return out;
    }

    /** The raw bits of every element (float32 bits widened to long), for bitwise comparisons. */
    static long[] readBits(Storage s) {
        long[] out = new long[Math.toIntExact(s.numel())];
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment host = arena.allocate(Math.max(1, s.byteSize()), 64);
            s.backend().copyToHost(s, host);
            for (int i = 0; i < out.length; i++) {
                out[i] = s.dtype() == DType.FLOAT32 ? Float.floatToRawIntBits(host.getAtIndex(JAVA_FLOAT, i))
                        : Double.doubleToRawLongBits(host.getAtIndex(JAVA_DOUBLE, i));
            }
        }
        return out;
    }

    /** A new storage of {@code backend} filled with NaN by the backend's own fill: unwritten elements stay NaN. */
    static Storage poisoned(Backend backend, DType dtype, long numel, Lifetime lifetime) {
        Storage s = backend.allocate(dtype, numel, lifetime);
        backend.fill(s, Double.NaN);
        return s;
    }

    /** The same host values on the CPU and on the CUDA backend. */
    record Twin(Storage cpu, Storage cuda) {
        static Twin of(DType dtype, double[] values, Lifetime lifetime) {
            return new Twin(upload(Gpu.cpu(), dtype, values, lifetime), upload(Gpu.cuda(), dtype, values, lifetime));
        }

        /** NaN-filled outputs on both backends. */
        static Twin poisoned(DType dtype, long numel, Lifetime lifetime) {
            return new Twin(Gpu.poisoned(Gpu.cpu(), dtype, numel, lifetime),
                    Gpu.poisoned(Gpu.cuda(), dtype, numel, lifetime));
        }
    }
}
