package io.gcgan.bench.gpu;

import io.gcgan.backend.Backend;
import io.gcgan.backend.ProfilingBackend;
import io.gcgan.backend.cuda.ConvAutotuneTiming;
import io.gcgan.backend.cuda.ConvImplementation;
import io.gcgan.backend.cuda.CudaBackend;
import io.gcgan.bench.NullBackend;
import io.gcgan.bench.TrainingWorkload;
import io.gcgan.gan.train.GeneratorNoise;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.TensorScope;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the time of one training iteration ({@code Trainer.trainStep()}, the workload of {@code
 * TrainingIterationBenchmark}: one D and one G update, batch 64) goes, through a {@link ProfilingBackend} installed in
 * front of the device's backend; the backends themselves are not changed.
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp 'CLASSPATH' io.gcgan.bench.gpu.TrainingProfile \
 *       [--backend cuda|cpu|null] [--model mnist28,dcgan64] [--recipe nsgan-adam|wgan-0gp-adam-gc]
 *       [--warmup 20] [--iterations 20] [--math fp32|tf32] [--batch-norm fused|composed]
 *       [--generator-noise fresh|reuse] [--conv own|gemm|cudnn|auto] [--autotune-timing with-launches|device-only]
 *       [--steps written|captured]
 * </pre>
 *
 * Per model, after {@code --warmup} iterations each time (the first plans cuDNN and runs the step-0 diagnostics):
 * <ol>
 *   <li>plain: {@code --iterations} iterations on the undecorated backend, each ending with {@code synchronize()} as
 *       in the benchmark: the wall time per iteration (measured again after the decorated passes, as a check on
 *       warm-up drift);</li>
 *   <li>host: the same workload built again with the decorator installed, which times each backend call (and the
 *       releases a backend registers with a closing scope, "free") on the host without synchronizing: time inside
 *       backend calls that do not wait (launch overhead on a GPU), inside the calls that wait for the device
 *       (copyToHost, synchronize), and outside the backend (the Java tensor, autograd, module and trainer code);</li>
 *   <li>device: each call bracketed by synchronizations (the call made synchronous, minus an idle synchronize),
 *       with the call sites of every synchronizing call.</li>
 * </ol>
 * {@code --backend null} is {@link NullBackend}, which computes nothing: what remains is the Java layers' overhead.
 *
 * <p>Then a table of ops sorted by synchronized time (calls; host, synchronized and tail microseconds per iteration,
 * where tail is the device work left after the call returned: about 0 for a launch-bound op), the costliest shape
 * signatures, and the synchronizations per iteration by call site. About 50 lines per model.
 */
public final class TrainingProfile {

    private TrainingProfile() {
    }

    private static final int TABLE_ROWS = 24;
    private static final int SIGNATURE_ROWS = 8;

    public static void main(String[] args) {
        String backendName = "cuda";
        String models = String.join(",", TrainingWorkload.MODELS);
        String recipe = "nsgan-adam";
        String math = "fp32";
        String batchNorm = "fused";
        GeneratorNoise noise = GeneratorNoise.FRESH;
        String steps = "written";
        String conv = "own";
        ConvAutotuneTiming timing = ConvAutotuneTiming.WITH_LAUNCHES;
        int warmup = 20;
        int iterations = 20;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                System.out.println("usage: TrainingProfile [--backend cuda|cpu|null] [--model mnist28,dcgan64]"
                        + " [--recipe nsgan-adam|wgan-0gp-adam-gc] [--warmup 20] [--iterations 20] [--math fp32|tf32]"
                        + " [--batch-norm fused|composed] [--generator-noise fresh|reuse] [--conv own|gemm|cudnn|auto]"
                        + " [--autotune-timing with-launches|device-only] [--steps written|captured]");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("TrainingProfile: " + a + " needs a value (try --help)");
            }
            String v = args[++i];
            switch (a) {
                case "--backend" -> backendName = v;
                case "--model" -> models = v;
                case "--recipe" -> recipe = v;
                case "--math" -> math = v;
                case "--batch-norm" -> batchNorm = v;
                case "--generator-noise" -> noise = GeneratorNoise.fromName(v);
                case "--steps" -> steps = v;
                case "--conv" -> conv = v;
                case "--autotune-timing" -> timing = ConvAutotuneTiming.fromName(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--iterations" -> iterations = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("TrainingProfile: unknown option " + a + " (try --help)");
            }
        }
        if (iterations < 1 || warmup < 1) {
            throw new IllegalArgumentException("TrainingProfile: --iterations and --warmup must be >= 1");
        }
        Device device = switch (backendName) {
            case "cpu", "null" -> Device.CPU;
            case "cuda" -> Device.cuda(0);
            default -> throw new IllegalArgumentException("--backend must be cuda, cpu or null, got '" + backendName
                    + "'");
        };
        if (backendName.equals("null")) {
            Backends.install(new NullBackend()); // stays: the plain backend of the CPU device for this run
        }
        Backend plain = Backends.of(device);
        ConvImplementation convImplementation = ConvImplementation.fromName(conv);
        if (plain instanceof CudaBackend cuda) {
            cuda.allowTf32(math.equals("tf32"));
            cuda.setDefaultConvImplementation(convImplementation);
            cuda.setConvAutotuneTiming(timing);
        } else if (!math.equals("fp32") || convImplementation != ConvImplementation.OWN
                || timing != ConvAutotuneTiming.WITH_LAUNCHES) {
            throw new IllegalArgumentException("--math tf32, --conv gemm|cudnn|auto and --autotune-timing device-only"
                    + " need --backend cuda");
        }
        PrintStream out = System.out;
        out.println("# TrainingProfile: " + plain.description() + "; java " + Runtime.version() + "; math " + math
                + "; conv " + conv
                + (convImplementation == ConvImplementation.AUTO ? " timed " + timing.optionName() : "")
                + "; batchNorm " + batchNorm + "; generator noise " + noise.optionName() + "; steps " + steps
                + "; warmup " + warmup + ", iterations " + iterations);
        for (String model : models.split(",")) {
            profile(out, plain, device, model.trim(), recipe, batchNorm, noise, steps, warmup, iterations);
        }
        if (plain instanceof CudaBackend cuda && convImplementation == ConvImplementation.AUTO) {
            out.println("conv auto chose, per pass and geometry:");
            cuda.autotunedConvChoices().forEach(line -> out.println("  " + line));
        }
    }

    private static void profile(PrintStream out, Backend plain, Device device, String model, String recipe,
                                String batchNorm, GeneratorNoise noise, String steps, int warmup, int iterations) {
        long t0 = System.nanoTime();
        // 1. plain; its workload stays alive to be measured again after the decorated passes (JIT warm-up drift)
        double[] plainMs;
        double[] plainAfterMs;
        String description;
        double[] hostMs;
        double[] deviceMs;
        List<ProfilingBackend.Entry> host;
        List<ProfilingBackend.Entry> dev;
        List<ProfilingBackend.SyncSite> sites;
        long idleSync;
        double endSyncMs;
        try (TensorScope plainTrial = TensorScope.open()) {
            TrainingWorkload pw = TrainingWorkload.create(model, recipe, device, batchNorm, noise, steps);
            description = pw.describe();
            run(pw, plain, warmup);
            plainMs = run(pw, plain, iterations);
            // 2. and 3. decorated: a second build of the same workload, whose tensors belong to the decorator
            ProfilingBackend prof = new ProfilingBackend(plain);
            Backend previous = Backends.install(prof);
            try (TensorScope trial = TensorScope.open()) {
                TrainingWorkload w = TrainingWorkload.create(model, recipe, device, batchNorm, noise, steps);
                prof.setMode(ProfilingBackend.Mode.COUNT);
                run(w, plain, warmup);
                prof.setMode(ProfilingBackend.Mode.HOST);
                run(w, plain, 1); // JIT the timed path
                prof.reset();
                long endSync = 0;
                hostMs = new double[iterations];
                for (int i = 0; i < iterations; i++) {
                    long s = System.nanoTime();
                    w.trainer().trainStep();
                    long e = System.nanoTime();
                    plain.synchronize();
                    long f = System.nanoTime();
                    endSync += f - e;
                    hostMs[i] = (f - s) / 1e6;
                }
                endSyncMs = endSync / 1e6 / iterations;
                host = prof.entries();
                idleSync = prof.idleSynchronizeNanos(200);
                prof.setMode(ProfilingBackend.Mode.DEVICE);
                prof.traceSynchronizations(true);
                run(w, plain, 1);
                prof.reset();
                deviceMs = run(w, plain, iterations);
                dev = prof.entries();
                sites = prof.syncSites();
                w.trainer().close(); // the recorded steps (--steps captured) and the graphs' memory
            } finally {
                if (previous == null) {
                    Backends.uninstall(device);
                } else {
                    Backends.install(previous);
                }
            }
            plainAfterMs = run(pw, plain, iterations);
            pw.trainer().close();
        }
        report(out, description, iterations, plainMs, plainAfterMs, hostMs,
                deviceMs, endSyncMs, host, dev, sites, idleSync, (System.nanoTime() - t0) / 1e9);
    }

    /** {@code n} iterations, each ending with a synchronize on the plain backend; milliseconds per iteration. */
    private static double[] run(TrainingWorkload w, Backend plain, int n) {
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            w.trainer().trainStep();
            plain.synchronize();
            ms[i] = (System.nanoTime() - s) / 1e6;
        }
        return ms;
    }

    private record Row(String name, double calls, double hostUs, double syncUs, double tailUs) {
    }

    /** Microseconds per iteration of a DEVICE-pass total, less one idle synchronize per call (at least 0). */
    private static double lessFloor(long nanos, long calls, double idleUs, int n) {
        return calls == 0 ? 0 : Math.max(0, nanos / 1e3 - calls * idleUs) / n;
    }

    private static void report(PrintStream out, String title, int n, double[] plainMs, double[] plainAfterMs,
                               double[] hostMs, double[] deviceMs, double endSyncMs, List<ProfilingBackend.Entry> host,
                               List<ProfilingBackend.Entry> dev, List<ProfilingBackend.SyncSite> sites,
                               long idleSyncNanos, double seconds) {
        double idleUs = idleSyncNanos / 1e3;
        List<Row> rows = new ArrayList<>();
        double waitUs = 0;
        double callUs = 0;
        double calls = 0;
        for (ProfilingBackend.Entry h : host) {
            ProfilingBackend.Entry d = dev.stream().filter(e -> e.name().equals(h.name())).findFirst().orElse(null);
            double syncUs = d == null ? 0 : lessFloor(d.deviceNanos(), d.deviceCalls(), idleUs, n);
            double tailUs = d == null ? 0 : lessFloor(d.tailNanos(), d.deviceCalls(), idleUs, n);
            rows.add(new Row(h.name(), (double) h.calls() / n, h.hostNanos() / 1e3 / n, syncUs, tailUs));
            if (waits(h.name())) {
                waitUs += h.hostNanos() / 1e3 / n;
            } else {
                callUs += h.hostNanos() / 1e3 / n;
            }
            calls += (double) h.calls() / n;
        }
        rows.sort(Comparator.comparingDouble((Row r) -> r.syncUs).thenComparingDouble(r -> r.hostUs).reversed());
        double hostMean = mean(hostMs) * 1e3;
        double outsideUs = hostMean - callUs - waitUs - endSyncMs * 1e3;

        out.println();
        out.printf(Locale.ROOT, "== %s  (%d iterations, profiled in %.1f s)%n", title, n, seconds);
        out.printf(Locale.ROOT, "wall ms/iter, mean (min): plain %s, again after profiling %s%n", stats(plainMs),
                stats(plainAfterMs));
        out.printf(Locale.ROOT, "  decorated: host timing %s | every call synchronized %s%n", stats(hostMs),
                stats(deviceMs));
        out.printf(Locale.ROOT, "host us/iter in the host-timing pass (%.0f backend calls/iter): in backend calls"
                + " %.0f, waiting in copyToHost/synchronize %.0f%n", calls, callUs, waitUs);
        // The decorator's own work (translating storages, counting) runs outside the timed calls: estimate it as the
        // host-timing pass's wall time less the plain one (measured after it, so equally warm).
        double bookkeepingUs = Math.max(0, hostMean - mean(plainAfterMs) * 1e3);
        out.printf(Locale.ROOT, "  outside the backend (Java: tensor, autograd, nn, optim, trainer; on the CPU also"
                + " freeing scope arenas) %.0f, %s; final synchronize %.0f%n", outsideUs,
                bookkeeping(outsideUs, bookkeepingUs), endSyncMs * 1e3);
        out.printf(Locale.ROOT, "sync'd us = (synchronize; call; synchronize), tail us = from the call's return to the"
                + " end of its work; both less an idle synchronize (%.1f us) per call%n", idleUs);
        out.printf(Locale.ROOT, "%-24s %9s %10s %10s %10s %9s%n", "op", "calls/it", "host us/it", "sync'd/it",
                "tail us/it", "host us/c");
        double tc = 0;
        double th = 0;
        double ts = 0;
        double tt = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            tc += r.calls;
            th += r.hostUs;
            ts += r.syncUs;
            tt += r.tailUs;
            if (i < TABLE_ROWS || rows.size() == TABLE_ROWS + 1) {
                out.printf(Locale.ROOT, "%-24s %9.1f %10.1f %10.1f %10.1f %9.2f%n", r.name, r.calls, r.hostUs,
                        r.syncUs, r.tailUs, r.calls == 0 ? 0 : r.hostUs / r.calls);
            } else if (i == TABLE_ROWS) {
                double c = 0;
                double h = 0;
                double sy = 0;
                double ta = 0;
                for (Row o : rows.subList(i, rows.size())) {
                    c += o.calls;
                    h += o.hostUs;
                    sy += o.syncUs;
                    ta += o.tailUs;
                }
                out.printf(Locale.ROOT, "%-24s %9.1f %10.1f %10.1f %10.1f%n", "(" + (rows.size() - i) + " more)", c,
                        h, sy, ta);
            }
        }
        out.printf(Locale.ROOT, "%-24s %9.1f %10.1f %10.1f %10.1f%n", "total", tc, th, ts, tt);

        // The costliest shape signatures (device pass).
        record Sig(String name, long calls, double syncUs, double tailUs) {
        }
        List<Sig> sigs = new ArrayList<>();
        for (ProfilingBackend.Entry d : dev) {
            for (Map.Entry<String, long[]> e : d.details().entrySet()) {
                long[] v = e.getValue();
                sigs.add(new Sig(d.name() + " " + e.getKey(), v[0], lessFloor(v[1], v[0], idleUs, n),
                        lessFloor(v[2], v[0], idleUs, n)));
            }
        }
        sigs.sort(Comparator.comparingDouble(Sig::syncUs).reversed());
        out.println("costliest calls by shape (sync'd us/iter, tail us/iter, calls/iter, sync'd us/call):");
        for (Sig s : sigs.subList(0, Math.min(SIGNATURE_ROWS, sigs.size()))) {
            double c = (double) s.calls / n;
            out.printf(Locale.ROOT, "  %8.1f %8.1f %5.1f %7.1f  %s%n", s.syncUs, s.tailUs, c, s.syncUs / c,
                    clip(s.name, 90));
        }

        double syncs = 0;
        for (ProfilingBackend.SyncSite s : sites) {
            syncs += (double) s.calls() / n;
        }
        out.printf(Locale.ROOT, "host synchronizations per iteration: %.1f, by call site (innermost first):%n",
                syncs);
        for (ProfilingBackend.SyncSite s : sites) {
            out.printf(Locale.ROOT, "  %4.1f %-11s %s%n", (double) s.calls() / n, s.kind(), clip(s.site(), 110));
        }
        out.println("  (plus the profiler's own synchronize after each iteration, not counted)");
    }

    private static boolean waits(String name) {
        return name.equals("copyToHost") || name.equals("synchronize");
    }

    /**
     * The part of the time outside the backend that the decorator's own work takes, estimated as a difference of two
     * passes' wall times: where that difference exceeds the whole (the passes' noise, as on a busy CPU), it is no
     * estimate of a part, and the line says so.
     */
    static String bookkeeping(double outsideUs, double bookkeepingUs) {
        if (bookkeepingUs > outsideUs) {
            return String.format(Locale.ROOT, "the decorator's own bookkeeping not measurable here (the two passes'"
                    + " wall times differ by %.0f, more than the whole: noise)", bookkeepingUs);
        }
        return String.format(Locale.ROOT, "of which the decorator's own bookkeeping ~%.0f", bookkeepingUs);
    }

    private static double mean(double[] v) {
        return Arrays.stream(v).average().orElse(Double.NaN);
    }

    /** "19.70 (19.10)": mean (min). */
    private static String stats(double[] ms) {
        return String.format(Locale.ROOT, "%.2f (%.2f)", mean(ms), Arrays.stream(ms).min().orElse(Double.NaN));
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
