package io.gcgan.bench;

import io.gcgan.backend.Backend;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.ScopedLifetime;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.TransposedConvCentring;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * GC's cost on one optimizer step, measured in pairs: each invocation makes two {@link Backend#optimizerStep} calls
 * over the same storages of an {@code opt-*} workload ({@link OptimizerWorkload#storages}: weights, gradients and
 * moments as the optimizers hold them), one with every tensor uncentred and one centred by the {@code gc} mode,
 * each timed to its {@code synchronize()}, the two in alternating order from one invocation to the next.
 * {@link OptimizerStepBenchmark} times each GC mode in a fork of its own, one after another, so that a drift of the
 * device's clocks or of the host between forks falls on one side of the comparison: a few percent, the size of the
 * 5% goal. Here both sides share every iteration and every byte of memory: two copies of the workload in separate
 * buffers differed by 6% with no GC on either (SGD-momentum on the 2-core CPU machine, in every iteration), the
 * placement of their memory alone.
 *
 * <p>The steps call the backend as {@link Optimizer#step()} does (one fused call per step), at a fixed step count of
 * 2, so that Adam's bias corrections stay the same and SGD-momentum's buffer is not reset. The optimizer's Java
 * layer above the call (its slot list) is not timed here; {@link OptimizerStepBenchmark} times it.
 *
 * <p>The secondary results are totals over an iteration ({@link PairTimes}): {@code noneMs} and {@code gcMs}, the
 * milliseconds of the steps without and with GC, and {@code pairs}. {@link #main} prints per step both means and
 * GC's cost, {@code gcMs / noneMs - 1} over all measured iterations, with its range over the iterations.
 * {@code gc=none} centres neither step: an A/A run whose cost should read 0 within the noise; it runs by default
 * beside {@code gc}.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED --add-modules=jdk.incubator.vector -cp bench/target/benchmarks.jar \
 *        io.gcgan.bench.GcOverheadBenchmark -p backend=cpu -f 1 -wi 3 -i 5     # then the costs
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector"})
public class GcOverheadBenchmark {

    @Param({"sgdm", "adam"})
    public String algorithm;

    /**
     * The centred step's mode: {@code gcc}, {@code gc}, or {@code none} (the A/A control, run by default beside
     * {@code gc}: its cost is the noise that GC's must be read against).
     */
    @Param({"none", "gc"})
    public String gc;

    /**
     * "dcgan64", "mnist28" (not a workload of the PyTorch peer) or "50m" (slow on the CPU); see
     * {@link Dcgan64Parameters#workload}.
     */
    @Param({"dcgan64"})
    public String workload;

    /** cpu or cuda (device 0; each step is then one fused kernel launch, as {@link Optimizer#step()} makes). */
    @Param({"cpu", "cuda"})
    public String backend;

    /** The step count of every timed step: not the first (SGD-momentum would reset its buffer), always the same. */
    static final long STEP = 2;

    private Backend device;
    private ScopedLifetime lifetime;
    private OptimizerHyper hyper;
    private List<ParamSlot> plain;
    private List<ParamSlot> centred;
    private long invocations;

    /**
     * Per iteration, as {@link AuxCounters.Type#EVENTS} totals: JMH reports them as summed, not divided by time
     * (their ratio is what counts).
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class PairTimes {

        /** Milliseconds of the steps without GC. */
        public double noneMs;

        /** Milliseconds of the steps with GC ({@code gc}'s mode). */
        public double gcMs;

        /** Pairs of steps timed. */
        public double pairs;

        @Setup(Level.Iteration)
        public void reset() {
            noneMs = 0;
            gcMs = 0;
            pairs = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        GcMode mode = OptimizerStepBenchmark.gcMode(gc);
        boolean adam = OptimizerWorkload.isAdam(algorithm);
        List<Dcgan64Parameters.ParamShape> shapes = Dcgan64Parameters.workload(workload);
        device = CudaBench.backend(backend);
        lifetime = new ScopedLifetime();
        OptimizerWorkload.Storages storages = OptimizerWorkload.storages(device, lifetime, shapes, adam);
        TransposedConvCentring centring = TransposedConvCentring.INPUT_CHANNEL; // the official centring
        hyper = OptimizerWorkload.hyper(adam);
        plain = storages.slots(GcMode.NONE, centring, STEP);
        centred = storages.slots(mode, centring, STEP);
        // One step of each outside the measurement (loads the kernels).
        device.optimizerStep(hyper, plain, null);
        device.optimizerStep(hyper, centred, null);
        device.synchronize();
        System.out.println("# " + device.description() + "; " + workload + ": " + shapes.size() + " tensors, "
                + Dcgan64Parameters.numel(shapes) + " floats; " + algorithm + ", none against gc=" + gc
                + " on the same storages");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        device.synchronize();
        lifetime.close();
    }

    @Benchmark
    public void pair(PairTimes times) {
        // Alternating which goes first: the second step of a pair finds the first one's lines in the caches.
        if ((invocations++ & 1) == 0) {
            times.noneMs += timedStep(plain);
            times.gcMs += timedStep(centred);
        } else {
            times.gcMs += timedStep(centred);
            times.noneMs += timedStep(plain);
        }
        times.pairs += 1;
    }

    /** The slots of the step without GC (tests). */
    List<ParamSlot> plain() {
        return plain;
    }

    /** The slots of the step with {@code gc}'s mode (tests). */
    List<ParamSlot> centred() {
        return centred;
    }

    /** Milliseconds of one step over {@code slots}, until the device has finished it (a test overrides it). */
    double timedStep(List<ParamSlot> slots) {
        long start = System.nanoTime();
        device.optimizerStep(hyper, slots, null);
        device.synchronize();
        return (System.nanoTime() - start) * 1e-6;
    }

    /**
     * GC's cost from one iteration's (or one run's) totals: {@code gcMs / noneMs - 1}, or NaN where a total is
     * missing or not positive.
     */
    static double cost(Result<?> noneMs, Result<?> gcMs) {
        if (noneMs == null || gcMs == null || !(noneMs.getScore() > 0) || !(gcMs.getScore() >= 0)) {
            return Double.NaN;
        }
        return gcMs.getScore() / noneMs.getScore() - 1.0;
    }

    /** One line of {@link #main}'s report for a run's result. */
    static String report(RunResult r) {
        BenchmarkParams p = r.getParams();
        var total = r.getAggregatedResult().getSecondaryResults();
        double pairs = total.get("pairs") == null ? Double.NaN : total.get("pairs").getScore();
        double noneMs = total.get("noneMs") == null ? Double.NaN : total.get("noneMs").getScore() / pairs;
        double gcMs = total.get("gcMs") == null ? Double.NaN : total.get("gcMs").getScore() / pairs;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult it : b.getIterationResults()) {
                var s = it.getSecondaryResults();
                double c = cost(s.get("noneMs"), s.get("gcMs"));
                if (!Double.isNaN(c)) {
                    min = Math.min(min, c);
                    max = Math.max(max, c);
                }
            }
        }
        String range = min <= max ? String.format("%+.1f%% .. %+.1f%%", 100 * min, 100 * max) : "-";
        return String.format("  %-4s %-7s %-4s gc=%-4s  none %8.4f ms  gc %8.4f ms  GC %+6.1f%%  (iterations %s; %.0f"
                        + " pairs)%s", p.getParam("backend"), p.getParam("workload"), p.getParam("algorithm"),
                p.getParam("gc"), noneMs, gcMs, 100 * cost(total.get("noneMs"), total.get("gcMs")), range, pairs,
                p.getParam("gc").equals("none") ? "  A/A control: noise only" : "");
    }

    /**
     * {@link #main}'s lines: one {@link #report} per run, then a note for each backend, workload and algorithm
     * measured with GC but without its A/A control ({@code gc=none}), whose cost would show how much of GC's is
     * noise.
     */
    static List<String> summary(Collection<RunResult> results) {
        List<String> lines = new ArrayList<>();
        Set<String> centred = new LinkedHashSet<>();
        Set<String> controlled = new HashSet<>();
        for (RunResult r : results) {
            lines.add(report(r));
            BenchmarkParams p = r.getParams();
            String key = p.getParam("backend") + " " + p.getParam("workload") + " " + p.getParam("algorithm");
            (p.getParam("gc").equals("none") ? controlled : centred).add(key);
        }
        centred.removeAll(controlled);
        for (String key : centred) {
            lines.add("  " + key + ": no A/A control in this run, so no measure of its noise (-p gc=none,gc runs"
                    + " both)");
        }
        return lines;
    }

    /** Runs this benchmark (JMH command-line options accepted) and prints GC's cost per parameter set. */
    public static void main(String[] args) throws Exception {
        JmhRuns.Outcome outcome = JmhRuns.run(args, GcOverheadBenchmark.class);
        if (outcome == null) {
            return; // JMH's help or a listing
        }
        List<String> lines = summary(outcome.results());
        System.out.println();
        System.out.println("GC's cost per optimizer step, paired (gcMs / noneMs - 1 over the measured iterations):");
        lines.forEach(System.out::println);
        outcome.context().forEach(System.out::println);
    }
}
