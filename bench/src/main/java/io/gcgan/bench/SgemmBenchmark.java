package io.gcgan.bench;

import static io.gcgan.bindings.openblas.OpenBlas.CblasNoTrans;
import static io.gcgan.bindings.openblas.OpenBlas.CblasRowMajor;

import io.gcgan.backend.ScopedLifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.bindings.openblas.OpenBlas;
import io.gcgan.tensor.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * C [M, N] = A [M, K] @ B [K, N], float32, row-major: {@code sgemm} calls OpenBLAS's cblas_sgemm through the
 * FFM binding with OpenBLAS's own threads; {@code cpuBackendMatmul} is the CPU backend's matmul (single-threaded
 * OpenBLAS calls on row blocks, one per core), the GEMM that conv through im2col uses. Each benchmark runs in
 * its own fork, so the backend's thread setting does not leak into {@code sgemm}. These are the reference
 * rates conv is measured against (see bench/README.md).
 *
 * <p>Results: the primary score is sgemm calls per second; {@code :gflop} is GFLOP/s (2 M N K per call).
 * {@code offsetBytes} moves every operand that many bytes past a 64-byte boundary (0 = 64-byte aligned, as the
 * CPU backend allocates; try {@code -p offsetBytes=0,4} to see what alignment is worth).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SgemmBenchmark {

    @Param({"1024"})
    public int m;

    @Param({"1024"})
    public int n;

    @Param({"1024"})
    public int k;

    @Param({"0"})
    public int offsetBytes;

    private Arena arena;
    private MemorySegment a;
    private MemorySegment b;
    private MemorySegment c;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        SplittableRandom random = new SplittableRandom(42);
        a = matrix((long) m * k, random);
        b = matrix((long) k * n, random);
        c = matrix((long) m * n, random);
        gflopPerCall = 2.0 * m * n * k / 1e9;
        System.out.println("# " + OpenBlas.description());
    }

    private MemorySegment matrix(long elements, SplittableRandom random) {
        long bytes = elements * Float.BYTES;
        MemorySegment s = arena.allocate(bytes + offsetBytes, 64).asSlice(offsetBytes, bytes);
        for (long i = 0; i < elements; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (2 * random.nextDouble() - 1));
        }
        return s;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
    }

    @Benchmark
    public void sgemm(GflopCounter counter) {
        OpenBlas.cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k,
                1.0f, a, k, b, n, 0.0f, c, n);
        counter.gflop += gflopPerCall;
    }

    /**
     * The CPU backend's operands, a separate state so that only {@link #cpuBackendMatmul}'s fork creates the
     * backend (which switches OpenBLAS to one thread per call).
     */
    @State(Scope.Thread)
    public static class BackendOperands {
        CpuBackend backend;
        ScopedLifetime lifetime;
        Storage a;
        Storage b;
        Storage c;

        @Setup(Level.Trial)
        public void setUp(SgemmBenchmark shape) {
            backend = CpuBackend.instance();
            lifetime = new ScopedLifetime();
            a = backend.allocate(DType.FLOAT32, (long) shape.m * shape.k, lifetime);
            b = backend.allocate(DType.FLOAT32, (long) shape.k * shape.n, lifetime);
            c = backend.allocate(DType.FLOAT32, (long) shape.m * shape.n, lifetime);
            backend.randomNormal(a, 1, 0);
            backend.randomNormal(b, 2, 0);
            System.out.println("# " + backend.description());
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            lifetime.close();
        }
    }

    @Benchmark
    public void cpuBackendMatmul(BackendOperands ops, GflopCounter counter) {
        ops.backend.matmul(ops.a, 0, false, ops.b, 0, false, ops.c, 1, m, n, k);
        counter.gflop += gflopPerCall;
    }
}
