package io.gcgan.bench;

import io.gcgan.backend.Backend;
import io.gcgan.backend.BatchNormRunningStats;
import io.gcgan.backend.BatchNormShape;
import io.gcgan.backend.ScopedLifetime;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import java.util.Arrays;
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
 * One fused batch normalization call ({@link Backend#batchNormForward} with the running statistics, or
 * {@link Backend#batchNormBackward} with every gradient), float32, on the BatchNorm inputs of the reference models
 * at batch 64: mnist28's G ([64, 6272] BatchNorm1d, [64, 64, 14, 14]) and dcgan64's G and D ([64, C, H, W] for
 * C = 512 .. 64, H = W = 4 .. 32; D's layers have three of these shapes).
 *
 * <p>Results: calls per second, and {@code :gb} GB/s counted at the floor of the call: 8 bytes per element forward
 * (read x, write y) and 12 backward (read dy and x, write dx); the statistics' second read of x is not counted (the
 * same floors as kernels/dev/fused_lab.cu). On CUDA each invocation ends with {@code synchronize()}.
 *
 * <pre>
 *   java -jar bench/target/benchmarks.jar BatchNorm -p backend=cpu
 *   java -jar bench/target/benchmarks.jar BatchNorm -p backend=cuda        # on a GPU machine
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class BatchNormBenchmark {

    /** The input shape, dimensions joined by "x". */
    @Param({"64x6272", "64x64x14x14", "64x512x4x4", "64x256x8x8", "64x128x16x16", "64x64x32x32"})
    public String shape;

    /** forward (batch statistics, running statistics, normalized output) or backward (dx, dWeight, dBias). */
    @Param({"forward", "backward"})
    public String pass;

    /** cpu, or cuda (device 0; fails in @Setup with the reason where CUDA cannot run). */
    @Param({"cpu", "cuda"})
    public String backend;

    private static final double EPS = 1e-5;

    private Backend b;
    private ScopedLifetime lifetime;
    private BatchNormShape view;
    private boolean forward;
    private Storage x;
    private Storage y;
    private Storage weight;
    private Storage bias;
    private Storage mean;
    private Storage var;
    private BatchNormRunningStats running;
    private Storage dy;
    private Storage dx;
    private Storage dWeight;
    private Storage dBias;
    private double gbPerCall;

    @Setup(Level.Trial)
    public void setUp() {
        long[] dims = Arrays.stream(shape.split("x")).mapToLong(Long::parseLong).toArray();
        view = BatchNormShape.of(dims);
        forward = switch (pass) {
            case "forward" -> true;
            case "backward" -> false;
            default -> throw new IllegalArgumentException("pass must be forward or backward, got '" + pass + "'");
        };
        b = CudaBench.backend(backend);
        lifetime = new ScopedLifetime();
        long numel = view.numel();
        long c = view.c();
        x = b.allocate(DType.FLOAT32, numel, lifetime);
        y = b.allocate(DType.FLOAT32, numel, lifetime);
        dy = b.allocate(DType.FLOAT32, numel, lifetime);
        dx = b.allocate(DType.FLOAT32, numel, lifetime);
        weight = b.allocate(DType.FLOAT32, c, lifetime);
        bias = b.allocate(DType.FLOAT32, c, lifetime);
        mean = b.allocate(DType.FLOAT32, c, lifetime);
        var = b.allocate(DType.FLOAT32, c, lifetime);
        dWeight = b.allocate(DType.FLOAT32, c, lifetime);
        dBias = b.allocate(DType.FLOAT32, c, lifetime);
        running = new BatchNormRunningStats(b.allocate(DType.FLOAT32, c, lifetime),
                b.allocate(DType.FLOAT32, c, lifetime), 0.1);
        b.randomNormal(x, 1, 0);
        b.randomNormal(dy, 2, 0);
        b.randomNormal(weight, 3, 0);
        b.randomNormal(bias, 4, 0);
        b.fill(running.mean(), 0.0);
        b.fill(running.var(), 1.0);
        // The forward fills mean and var for the backward; it also runs each path once outside the measurement.
        b.batchNormForward(x, weight, bias, view, EPS, y, mean, var, running);
        run();
        b.synchronize();
        gbPerCall = (forward ? 8.0 : 12.0) * numel / 1e9;
        System.out.println("# " + b.description() + "; batch norm " + pass + " of [" + shape.replace("x", ", ")
                + "] float32 as " + view);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        b.synchronize();
        lifetime.close();
    }

    @Benchmark
    public void batchNorm(ByteCounter counter) {
        run();
        b.synchronize();
        counter.gb += gbPerCall;
    }

    private void run() {
        if (forward) {
            b.batchNormForward(x, weight, bias, view, EPS, y, mean, var, running);
        } else {
            b.batchNormBackward(dy, x, mean, var, weight, view, EPS, dx, dWeight, dBias);
        }
    }
}
