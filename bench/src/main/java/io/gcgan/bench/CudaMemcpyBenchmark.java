package io.gcgan.bench;

import io.gcgan.backend.ScopedLifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.bindings.cudart.CudaException;
import io.gcgan.bindings.cudart.CudaRuntime;
import io.gcgan.tensor.DType;
import java.lang.foreign.MemorySegment;
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
 * The device's copy bandwidth, the ceiling memory-bound kernels are held against: {@code cudaMemcpyAsync}
 * device-to-device of {@code sizeMiB} (1 GiB by default) between two buffers of the CUDA backend's pool, on the
 * legacy default stream, followed by {@code cudaStreamSynchronize}. CUDA only (fails in {@code @Setup} with the
 * reason where CUDA cannot run).
 *
 * <p>Results: the primary score is copies per second; {@code :gb} is GB/s counting each byte twice (read and
 * written), as the PyTorch peer's {@code d2d_copy_GBps} does. {@link OptimizerStepBenchmark}'s {@code :gb} from
 * the same run divided by this is the fraction of the memory floor an optimizer step reaches.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class CudaMemcpyBenchmark {

    /** Bytes copied per call, in MiB. */
    @Param({"1024"})
    public long sizeMiB;

    private CudaBackend backend;
    private ScopedLifetime lifetime;
    private Storage src;
    private Storage dst;
    private long bytes;
    private double gbPerCopy;
    private String copyCall; // the failing call's name, made once: a @Benchmark allocates nothing of its own

    @Setup(Level.Trial)
    public void setUp() {
        backend = CudaBench.cuda();
        lifetime = new ScopedLifetime();
        bytes = sizeMiB << 20;
        src = backend.allocate(DType.FLOAT32, bytes / Float.BYTES, lifetime);
        dst = backend.allocate(DType.FLOAT32, bytes / Float.BYTES, lifetime);
        backend.randomUniform(src, 1, 0);
        backend.fill(dst, 0);
        // The pool's allocations and fills are ordered on the backend's stream; the copies run on another one.
        backend.synchronize();
        gbPerCopy = 2.0 * bytes / 1e9;
        copyCall = "cudaMemcpyAsync(" + bytes + " bytes, d2d)";
        copy();
        System.out.println("# " + backend.description() + "; cudaMemcpyAsync device to device, " + bytes + " bytes");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.synchronize();
        lifetime.close();
    }

    @Benchmark
    public void cudaMemcpy(ByteCounter counter) {
        copy();
        counter.gb += gbPerCopy;
    }

    private void copy() {
        CudaException.check(CudaRuntime.cudaMemcpyAsync(dst.segment(), src.segment(), bytes,
                CudaRuntime.cudaMemcpyDeviceToDevice, MemorySegment.NULL), copyCall);
        CudaException.check(CudaRuntime.cudaStreamSynchronize(MemorySegment.NULL), "cudaStreamSynchronize");
    }
}
