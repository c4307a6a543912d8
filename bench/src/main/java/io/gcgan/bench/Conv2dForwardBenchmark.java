package io.gcgan.bench;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.Storage;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.tensor.DType;
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
 * CpuBackend.conv2dForward, float32, on the dcgan64 discriminator layers ({@link Dcgan64Shapes}), batch 64.
 *
 * <p>Results: the primary score is conv calls per second; {@code :gflop} is GFLOP/s counted as
 * {@link ConvGeometry#flops()} (2 N K P Q C R S per call, the work of the equivalent GEMM, not counting the
 * im2col copy). Compare with {@link SgemmBenchmark}'s {@code :gflop} from the same run.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class Conv2dForwardBenchmark {

    @Param({"d1", "d2", "d3", "d4", "d5"})
    public String layer;

    private final CpuBackend backend = CpuBackend.instance();
    private TrialLifetime lifetime;
    private ConvGeometry g;
    private Storage x;
    private Storage w;
    private Storage y;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void setUp() {
        g = Dcgan64Shapes.layer(layer).geometry();
        lifetime = new TrialLifetime();
        x = backend.allocate(DType.FLOAT32, numel(g.xShape()), lifetime);
        w = backend.allocate(DType.FLOAT32, numel(g.wShape()), lifetime);
        y = backend.allocate(DType.FLOAT32, numel(g.yShape()), lifetime);
        backend.randomNormal(x, 1, 0);
        backend.randomNormal(w, 2, 0);
        backend.fill(y, 0);
        gflopPerCall = g.flops() / 1e9;
        // One call outside the measurement, so the backend's scratch buffers exist before warm-up starts.
        backend.conv2dForward(x, w, y, g);
        System.out.println("# " + backend.description() + "; " + Dcgan64Shapes.layer(layer).description());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        lifetime.close();
    }

    @Benchmark
    public void conv2dForward(GflopCounter counter) {
        backend.conv2dForward(x, w, y, g);
        counter.gflop += gflopPerCall;
    }

    private static long numel(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
