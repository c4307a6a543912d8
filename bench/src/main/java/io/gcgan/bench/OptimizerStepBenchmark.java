package io.gcgan.bench;

import io.gcgan.backend.Backend;
import io.gcgan.backend.CentringView;
import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.ScopedLifetime;
import io.gcgan.backend.Storage;
import io.gcgan.backend.WeightDecayMode;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.GradientCentralization;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamKind;
import io.gcgan.optim.TransposedConvCentring;
import io.gcgan.tensor.DType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.openjdk.jmh.results.RunResult;

/**
 * One optimizer step over DESIGN.md's {@code opt-*} workloads, float32, with and without gradient centralization:
 * {@code dcgan64} = the dcgan64 G + D parameters ({@link Dcgan64Parameters}, 24 tensors, 6.34M floats, the
 * ConvTranspose weights centred as {@code tconvCentring} says, by default along dimension 0, the official
 * behaviour) and {@code 50m} = 200 tensors of
 * [250, 1000] (800 MB of weights, gradients and moments; slow on the CPU: {@code -p workload=50m}).
 *
 * <p>{@code implementation}:
 * <ul>
 *   <li>{@code cpu}: {@link Optimizer#step()} on the CPU backend (its per-tensor reference loop);</li>
 *   <li>{@code cuda-fused}: {@link Optimizer#step()} on the CUDA backend: one multi-tensor kernel launch per step;</li>
 *   <li>{@code cuda-loop}: the same update as a loop calling {@code backend.optimizerStep} once per tensor (one
 *       launch each), what a backend without the multi-tensor kernel would do.</li>
 * </ul>
 * Each invocation ends with {@code synchronize()} (a no-op on the CPU).
 *
 * <p>{@code sgdm} is SGD with momentum 0.9; {@code adam} is Adam with DCGAN's betas (0.5, 0.999). {@code gc}:
 * {@code none}, {@code gcc} (conv weights, rank > 3) or {@code gc} (rank > 1; for dcgan64 the same tensors as
 * gcc, since it has no linear layers; for 50m every tensor is centred by gc and none by gcc).
 *
 * <p>Results: the primary score is steps per second; {@code :gb} is GB/s of the minimum memory traffic of a step,
 * counted in setUp: 4-byte floats, Adam reads g, w, m, v and writes w, m, v (28 bytes per parameter),
 * SGD-momentum reads g, w, buf and writes w, buf (20 bytes), and a centred tensor's gradient is read once more
 * for its slice means (4 bytes per centred parameter). On a GPU, that rate divided by the device-to-device copy
 * rate ({@link CudaMemcpyBenchmark}'s {@code :gb}, same run) is the fraction of the memory floor reached.
 * {@link #main} runs the benchmark through JMH and prints GC's overhead ratios, time(gc) / time(none).
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar OptimizerStep -p implementation=cpu
 *   java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *        io.gcgan.bench.OptimizerStepBenchmark -p implementation=cpu -f 1 -wi 1 -i 3   # the same, then the ratios
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
public class OptimizerStepBenchmark {

    @Param({"sgdm", "adam"})
    public String algorithm;

    @Param({"none", "gcc", "gc"})
    public String gc;

    /**
     * "dcgan64", "mnist28", "50m" (slow on the CPU), or one dcgan64 tensor by name ("netD.main.8.weight":
     * [512, 256, 4, 4]).
     */
    @Param({"dcgan64"})
    public String workload;

    /**
     * How GC centres a ConvTranspose weight [in, out, kh, kw]: {@code input-channel} (along dimension 0, the
     * official behaviour: contiguous slices) or {@code output-filter} (along dimension 1: each slice is {@code in}
     * runs of kh * kw elements spread over the whole tensor; {@code --gc-tconv output-filter}).
     */
    @Param({"input-channel"})
    public String tconvCentring;

    /** cpu, cuda-fused (one launch per step) or cuda-loop (one backend.optimizerStep call per tensor). */
    @Param({"cpu", "cuda-fused", "cuda-loop"})
    public String implementation;

    private Backend backend;
    private ScopedLifetime lifetime;
    private Optimizer optimizer;     // cpu, cuda-fused
    private OptimizerWorkload.Storages loop;  // cuda-loop
    private List<CentringView> loopViews;     // cuda-loop: tensor i's centring
    private OptimizerHyper loopHyper;
    private long loopStep;
    private double gbPerStep;

    @Setup(Level.Trial)
    public void setUp() {
        backend = switch (implementation) {
            case "cpu" -> CudaBench.backend("cpu");
            case "cuda-fused", "cuda-loop" -> CudaBench.cuda();
            default -> throw new IllegalArgumentException("implementation must be cpu, cuda-fused or cuda-loop, got '"
                    + implementation + "'");
        };
        lifetime = new ScopedLifetime();
        List<Dcgan64Parameters.ParamShape> shapes = Dcgan64Parameters.workload(workload);
        GcMode mode = gcMode(gc);
        TransposedConvCentring centring = OptimizerWorkload.centring(tconvCentring);
        boolean adam = OptimizerWorkload.isAdam(algorithm);
        long bytes = 0;
        for (Dcgan64Parameters.ParamShape s : shapes) {
            bytes += s.numel() * ((adam ? 7 : 5) + (OptimizerWorkload.view(mode, centring, s).centred() ? 1 : 0))
                    * (long) Float.BYTES;
        }
        gbPerStep = bytes / 1e9;
        if (implementation.equals("cuda-loop")) {
            // The same tensors (and seeds) as OptimizerWorkload.build's, stepped one backend call each.
            loop = OptimizerWorkload.storages(backend, lifetime, shapes, adam);
            loopViews = new ArrayList<>();
            for (Dcgan64Parameters.ParamShape s : shapes) {
                loopViews.add(OptimizerWorkload.view(mode, centring, s));
            }
            loopHyper = OptimizerWorkload.hyper(adam);
        } else {
            optimizer = OptimizerWorkload.build(backend, lifetime, shapes, adam, mode, centring);
        }
        // One step outside the measurement allocates the moments (and loads the kernels).
        step();
        backend.synchronize();
        System.out.println("# " + backend.description() + "; " + workload + ": " + shapes.size() + " tensors, "
                + Dcgan64Parameters.numel(shapes) + " floats; " + algorithm + ", gc=" + gc + ", " + implementation
                + "; " + bytes + " bytes of minimum traffic per step");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.synchronize();
        lifetime.close();
    }

    @Benchmark
    public void step(ByteCounter counter) {
        step();
        backend.synchronize();
        counter.gb += gbPerStep;
    }

    private void step() {
        if (optimizer != null) {
            optimizer.step();
            return;
        }
        long t = ++loopStep;
        for (int i = 0; i < loopViews.size(); i++) {
            backend.optimizerStep(loopHyper, List.of(loop.slot(i, loopViews.get(i), t)), null);
        }
    }

    /**
     * A JMH score in {@code unit} ("ops/s", "ops/ms", ... for throughput; "s/op", "ms/op", ... for the time modes,
     * whatever {@code -bm} and {@code -tu} chose) as milliseconds per operation.
     */
    static double msPerOp(double score, String unit) {
        String[] parts = unit.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("a JMH score unit 'A/B' was expected, got '" + unit + "'");
        }
        boolean throughput = parts[0].equals("ops");
        String time = throughput ? parts[1] : parts[0];
        double ms = switch (time) {
            case "s" -> 1e3;
            case "ms" -> 1;
            case "us" -> 1e-3;
            case "ns" -> 1e-6;
            case "min" -> 6e4;
            default -> throw new IllegalArgumentException("unknown time unit '" + time + "' in '" + unit + "'");
        };
        return throughput ? ms / score : score * ms;
    }

    static GcMode gcMode(String name) {
        return switch (name) {
            case "none" -> GcMode.NONE;
            case "gcc" -> GcMode.CONV_ONLY;
            case "gc" -> GcMode.CONV_AND_FC;
            default -> throw new IllegalArgumentException("gc must be none, gcc or gc, got '" + name + "'");
        };
    }

    /**
     * {@link #main}'s lines from the milliseconds per step of each (implementation, workload, algorithm,
     * tconvCentring) and GC mode: each mode's time against {@code none}'s, as a ratio and in percent; without a
     * {@code none} time there is nothing to compare with, and the line says so instead of printing NaN.
     */
    static List<String> overheadLines(Map<String, Map<String, Double>> times) {
        List<String> lines = new ArrayList<>();
        times.forEach((key, byGc) -> {
            Double none = byGc.get("none");
            StringBuilder sb = new StringBuilder(String.format("  %-42s none ", key));
            sb.append(none == null ? "       -   " : String.format("%8.3f ms", none));
            for (String mode : List.of("gcc", "gc")) {
                Double t = byGc.get(mode);
                if (t != null) {
                    sb.append(String.format("   %s %8.3f ms", mode, t));
                    if (none != null) {
                        sb.append(String.format(" (x%.3f, %+.1f%%)", t / none, 100 * (t / none - 1)));
                    }
                }
            }
            if (none == null) {
                sb.append("   (no gc=none in this run to compare with: -p gc=none,").append(
                        String.join(",", byGc.keySet())).append(")");
            }
            lines.add(sb.toString());
        });
        return lines;
    }

    /** Runs this benchmark (JMH command-line options accepted) and prints GC's overhead ratios. */
    public static void main(String[] args) throws Exception {
        JmhRuns.Outcome outcome = JmhRuns.run(args, OptimizerStepBenchmark.class);
        if (outcome == null) {
            return; // JMH's help or a listing
        }
        Collection<RunResult> results = outcome.results();
        // (implementation, workload, algorithm, tconvCentring) -> gc -> ms per step (the score is steps per second)
        Map<String, Map<String, Double>> times = new TreeMap<>();
        for (RunResult r : results) {
            var p = r.getParams();
            String key = p.getParam("implementation") + " " + p.getParam("workload") + " " + p.getParam("algorithm")
                    + " " + p.getParam("tconvCentring");
            times.computeIfAbsent(key, k -> new TreeMap<>())
                    .put(p.getParam("gc"), msPerOp(r.getPrimaryResult().getScore(),
                            r.getPrimaryResult().getScoreUnit()));
        }
        System.out.println();
        System.out.println("GC overhead = time(gc mode) / time(none), ms per optimizer step (each mode in forks of its"
                + " own; GcOverheadBenchmark pairs the two in every invocation):");
        List<String> lines = overheadLines(times);
        lines.forEach(System.out::println);
        outcome.context().forEach(System.out::println);
    }
}
