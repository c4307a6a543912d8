package io.gcgan.bench;

import static io.gcgan.bindings.openblas.OpenBlas.CblasNoTrans;
import static io.gcgan.bindings.openblas.OpenBlas.CblasRowMajor;

import io.gcgan.bindings.openblas.OpenBlas;
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
 * OpenBLAS cblas_sgemm through the FFM binding: C [M, N] = A [M, K] @ B [K, N], float32, row-major, beta = 0.
 * The reference rate that conv through im2col is measured against (see bench/README.md).
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
}
