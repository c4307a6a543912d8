package io.gcgan.bench;

import io.gcgan.backend.Storage;
import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.optim.Adam;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.optim.Sgd;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Tensor;
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
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * One optimizer step ({@link Optimizer#step()}, i.e. {@code CpuBackend.optimizerStep}, the reference per-tensor
 * loop) over DESIGN.md's {@code opt-*} workloads, float32, with and without gradient centralization:
 * {@code dcgan64} = the dcgan64 G + D parameters ({@link Dcgan64Parameters}, 24 tensors, 6.34M floats, the
 * ConvTranspose weights centred along dimension 0, the official behaviour) and, on request, {@code 50m} = 200
 * tensors of [250, 1000] (slow: 800 MB of weights, gradients and moments; {@code -p workload=50m}).
 *
 * <p>{@code sgdm} is SGD with momentum 0.9; {@code adam} is Adam with DCGAN's betas (0.5, 0.999). {@code gc}:
 * {@code none}, {@code gcc} (conv weights, rank > 3) or {@code gc} (rank > 1; for dcgan64 the same tensors as
 * gcc, since it has no linear layers). GC's overhead is {@code time(gc) / time(none)} at equal algorithm and
 * workload; {@link #main} runs the benchmark through JMH and prints those ratios.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -jar bench/target/benchmarks.jar OptimizerStep -f 1 -wi 1 -i 3
 *   java --enable-native-access=ALL-UNNAMED -cp bench/target/benchmarks.jar \
 *        io.gcgan.bench.OptimizerStepBenchmark -f 1 -wi 1 -i 3      # the same, then the ratios
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class OptimizerStepBenchmark {

    @Param({"sgdm", "adam"})
    public String algorithm;

    @Param({"none", "gcc", "gc"})
    public String gc;

    /** "dcgan64", or "50m" (slow). */
    @Param({"dcgan64"})
    public String workload;

    private final CpuBackend backend = CpuBackend.instance();
    private TrialLifetime lifetime;
    private Optimizer optimizer;

    @Setup(Level.Trial)
    public void setUp() {
        lifetime = new TrialLifetime();
        List<Dcgan64Parameters.ParamShape> shapes = Dcgan64Parameters.workload(workload);
        ParamGroup.Builder group = ParamGroup.builder(algorithm.equals("adam") ? 2e-4 : 1e-3).gc(gcMode(gc));
        long seed = 1;
        for (Dcgan64Parameters.ParamShape s : shapes) {
            Storage w = backend.allocate(DType.FLOAT32, s.numel(), lifetime);
            Storage g = backend.allocate(DType.FLOAT32, s.numel(), lifetime);
            backend.randomNormal(w, seed++, 0);
            backend.randomNormal(g, seed++, 0);
            Tensor p = Tensor.wrap(w, s.shape()).requiresGrad(true);
            p.accumulateGrad(Tensor.wrap(g, s.shape())); // the gradient lives in the trial's lifetime too
            if (s.transposedConv()) {
                group.addTransposedConvWeight(s.name(), p);
            } else {
                group.add(s.name(), p);
            }
        }
        List<ParamGroup> groups = List.of(group.build());
        optimizer = switch (algorithm) {
            case "sgdm" -> new Sgd(groups, 0.9);
            case "adam" -> new Adam(groups, 0.5, 0.999, 1e-8);
            default -> throw new IllegalArgumentException("algorithm must be sgdm or adam, got " + algorithm);
        };
        // One step outside the measurement allocates the moments.
        optimizer.step();
        System.out.println("# " + backend.description() + "; " + workload + ": " + shapes.size() + " tensors, "
                + Dcgan64Parameters.numel(shapes) + " floats; " + algorithm + ", gc=" + gc);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        lifetime.close();
    }

    @Benchmark
    public void step() {
        optimizer.step();
    }

    static GcMode gcMode(String name) {
        return switch (name) {
            case "none" -> GcMode.NONE;
            case "gcc" -> GcMode.CONV_ONLY;
            case "gc" -> GcMode.CONV_AND_FC;
            default -> throw new IllegalArgumentException("gc must be none, gcc or gc, got " + name);
        };
    }

    /** Runs this benchmark (JMH command-line options accepted) and prints GC's overhead ratios. */
    public static void main(String[] args) throws RunnerException, CommandLineOptionException {
        CommandLineOptions cli = new CommandLineOptions(args);
        OptionsBuilder options = new OptionsBuilder();
        options.parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(OptimizerStepBenchmark.class.getSimpleName());
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        // (workload, algorithm) -> gc -> ms/op
        Map<String, Map<String, Double>> times = new TreeMap<>();
        for (RunResult r : results) {
            var p = r.getParams();
            String key = p.getParam("workload") + " " + p.getParam("algorithm");
            times.computeIfAbsent(key, k -> new TreeMap<>()).put(p.getParam("gc"), r.getPrimaryResult().getScore());
        }
        System.out.println();
        System.out.println("GC overhead = time(gc mode) / time(none), ms per optimizer step:");
        List<String> lines = new ArrayList<>();
        times.forEach((key, byGc) -> {
            Double none = byGc.get("none");
            double base = none == null ? Double.NaN : none;
            StringBuilder sb = new StringBuilder(String.format("  %-14s none %8.3f ms", key, base));
            for (String mode : List.of("gcc", "gc")) {
                Double t = byGc.get(mode);
                if (t != null) {
                    sb.append(String.format("   %s %8.3f ms (x%.3f)", mode, t, t / base));
                }
            }
            lines.add(sb.toString());
        });
        lines.forEach(System.out::println);
    }
}
