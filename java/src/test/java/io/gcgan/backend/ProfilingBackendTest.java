package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.gan.loss.GanLosses;
import io.gcgan.gan.model.Mnist28;
import io.gcgan.gan.penalty.CentredGradientPenalty;
import io.gcgan.gan.train.RealData;
import io.gcgan.gan.train.StepMetrics;
import io.gcgan.gan.train.Trainer;
import io.gcgan.gan.train.TrainerConfig;
import io.gcgan.nn.Init;
import io.gcgan.nn.Module;
import io.gcgan.nn.ModuleOptions;
import io.gcgan.optim.Adam;
import io.gcgan.optim.GcMode;
import io.gcgan.optim.Optimizer;
import io.gcgan.optim.ParamGroup;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Backends;
import io.gcgan.tensor.Capture;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

class ProfilingBackendTest {

    private static final CpuBackend CPU = CpuBackend.instance();

    @Test
    void overridesEveryBackendMethod() throws NoSuchMethodException {
        for (Method m : Backend.class.getMethods()) {
            Method impl = ProfilingBackend.class.getMethod(m.getName(), m.getParameterTypes());
            assertSame(ProfilingBackend.class, impl.getDeclaringClass(),
                    "ProfilingBackend must forward (and count) Backend." + m.getName());
        }
    }

    // ---- every primitive, called through the decorator and directly, counted under its name ---------------------

    private static Map<String, Long> counts(ProfilingBackend p) {
        Map<String, Long> out = new HashMap<>();
        for (ProfilingBackend.Entry e : p.entries()) {
            out.put(e.name(), e.calls());
        }
        return out;
    }

    private static void write(Storage s, double[] values, long numel) {
        for (long i = 0; i < numel; i++) {
            s.segment().setAtIndex(ValueLayout.JAVA_DOUBLE, i, values[(int) (i % values.length)]);
        }
    }

    private static double[] read(Storage s) {
        double[] out = new double[(int) s.numel()];
        MemorySegment.copy(s.segment(), ValueLayout.JAVA_DOUBLE, 0, out, 0, out.length);
        return out;
    }

    @Test
    void forwardsAndCountsEachPrimitive() {
        ProfilingBackend p = new ProfilingBackend(CPU);
        assertEquals(Device.CPU, p.device());
        assertTrue(p.description().startsWith(CPU.description()));
        Map<String, Long> expected = new HashMap<>();
        double[] v = {0.5, -1.25, 2.0, 3.5, -0.75, 1.0, 0.25, -2.5, 4.0, 1.5, -0.5, 0.125};

        // Storages owned by the decorator for both sides, so the decorator's calls are valid.
        Storage[] pa = new Storage[8];
        Storage[] ca = new Storage[8];
        for (int i = 0; i < pa.length; i++) {
            pa[i] = p.allocate(DType.FLOAT64, 64, Lifetime.AUTOMATIC);
            ca[i] = CPU.allocate(DType.FLOAT64, 64, Lifetime.AUTOMATIC);
            assertSame(p, pa[i].backend(), "the decorator hands out its own storages");
        }
        expected.put("allocate", (long) pa.length);
        assertEquals(expected, counts(p));

        Call check = (name, call) -> {
            for (int i = 0; i < pa.length; i++) {
                double[] init = new double[64];
                for (int j = 0; j < 64; j++) {
                    init[j] = v[(j + i) % v.length] * (1 + j / 16);
                }
                write(pa[i], init, 64);
                write(ca[i], init, 64);
            }
            call.accept(p, pa);
            call.accept(CPU, ca);
            for (int i = 0; i < pa.length; i++) {
                assertArrayEquals(read(ca[i]), read(pa[i]), name + ": storage " + i + " differs from the direct call");
            }
            expected.merge(name, 1L, Long::sum);
            assertEquals(expected, counts(p), "counts after " + name);
        };
        check.run("fill", (b, s) -> b.fill(s[0], 7.5));
        check.run("copyFromHost", (b, s) -> {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment host = arena.allocate(64 * 8, 8);
                for (int i = 0; i < 64; i++) {
                    host.setAtIndex(ValueLayout.JAVA_DOUBLE, i, i * 0.5);
                }
                b.copyFromHost(host, s[1]);
            }
        });
        check.run("copyToHost", (b, s) -> {
            double[] host = new double[64];
            b.copyToHost(s[2], MemorySegment.ofArray(host));
            assertEquals(read(s[2])[5], host[5]);
        });
        check.run("copyStrided", (b, s) -> b.copyStrided(s[0], 1, new long[] {1, 8}, s[1], 0, new long[] {7, 1},
                new long[] {7, 7}));
        check.run("unary TANH", (b, s) -> b.unary(UnaryOp.TANH, 0, 0, s[0], s[1]));
        check.run("unary CLAMP", (b, s) -> b.unary(UnaryOp.CLAMP, -1, 1, s[2], s[2]));
        check.run("binary MUL", (b, s) -> b.binary(BinaryOp.MUL, s[0], new long[] {8, 1}, s[1], new long[] {0, 1},
                s[2], new long[] {8, 8}));
        check.run("binary ADD", (b, s) -> b.binary(BinaryOp.ADD, s[3], new long[] {1}, s[3], new long[] {1}, s[3],
                new long[] {64}));
        check.run("where", (b, s) -> b.where(s[0], new long[] {1}, s[1], new long[] {1}, s[2], new long[] {0}, s[3],
                new long[] {64}));
        check.run("reduce SUM", (b, s) -> b.reduce(ReduceOp.SUM, s[0], new long[] {4, 4, 4}, new int[] {0, 2}, s[1]));
        check.run("reduce MAX", (b, s) -> b.reduce(ReduceOp.MAX, s[0], new long[] {8, 8}, new int[] {1}, s[1]));
        check.run("matmul", (b, s) -> b.matmul(s[0], 16, false, s[1], 0, true, s[2], 2, 4, 5, 3));
        ConvGeometry small = new ConvGeometry(1, 2, 4, 4, 2, 3, 3, 2, 2, 1, 1); // x 32, w 36, y 8 elements
        check.run("conv2d forward", (b, s) -> b.conv2dForward(s[0], s[1], s[2], small));
        check.run("conv2d backwardData", (b, s) -> b.conv2dBackwardData(s[2], s[1], s[3], small));
        check.run("conv2d backwardWeight", (b, s) -> b.conv2dBackwardWeight(s[0], s[2], s[4], small));
        check.run("randomUniform", (b, s) -> b.randomUniform(s[0], 42, 3));
        check.run("randomNormal", (b, s) -> b.randomNormal(s[1], 42, 3));
        OptimizerHyper adam = OptimizerHyper.adam(0.01, 0.9, 0.999, 1e-8, 0, WeightDecayMode.COUPLED);
        check.run("optimizerStep", (b, s) -> b.optimizerStep(adam, List.of(
                new ParamSlot(s[0], s[1], s[2], s[3], 1, CentringView.along(new long[] {8, 8}, 0)),
                new ParamSlot(s[4], s[5], s[6], s[7], 3, CentringView.NONE)), null));
        // The guard is passed on: a NaN in it leaves both sides unchanged (a dropped guard would update one side).
        check.run("optimizerStep", (b, s) -> {
            write(s[4], new double[] {Double.NaN}, 1);
            b.optimizerStep(adam, List.of(new ParamSlot(s[0], s[1], s[2], s[3], 2, CentringView.NONE)), s[4]);
        });
        check.run("synchronize", (b, s) -> b.synchronize());

        // The wrapped backend still sees slots that share a storage (one translation per storage object).
        assertThrows(IllegalArgumentException.class, () -> p.optimizerStep(adam, List.of(
                new ParamSlot(pa[0], pa[1], pa[2], pa[3], 1, CentringView.NONE),
                new ParamSlot(pa[0], pa[5], pa[6], pa[7], 1, CentringView.NONE)), null));
        // A storage of another backend is refused with a message, not passed through.
        assertThrows(IllegalArgumentException.class, () -> p.fill(ca[0], 1.0));
        p.reset();
        assertTrue(p.entries().isEmpty());
    }

    /** What a backend releases when a scope closes (CUDA: cudaFreeAsync per allocation) is counted as "free". */
    @Test
    void releasesAtScopeCloseAreCountedAsFrees() {
        int[] released = {0};
        Backend[] self = new Backend[1];
        self[0] = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "device" -> Device.CPU;
                    case "allocate" -> {
                        Lifetime lifetime = (Lifetime) args[2];
                        if (lifetime.scoped()) {
                            lifetime.onClose(() -> released[0]++);
                        }
                        yield new Storage(self[0], (DType) args[0], (Long) args[1], MemorySegment.NULL, lifetime);
                    }
                    case "toString" -> "stub";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> null;
                });
        ProfilingBackend p = new ProfilingBackend(self[0]);
        try (TensorScope scope = TensorScope.open()) {
            Storage s = p.allocate(DType.FLOAT32, 10, scope);
            assertSame(scope, s.lifetime(), "the caller's lifetime is kept on the storage it gets");
            p.allocate(DType.FLOAT32, 5, scope);
            p.allocate(DType.FLOAT32, 5, Lifetime.AUTOMATIC);
        }
        assertEquals(2, released[0]);
        assertEquals(Map.of("allocate", 3L, "free", 2L), counts(p));
    }

    @FunctionalInterface
    private interface Call {
        void run(String name, BiConsumer<Backend, Storage[]> call);
    }

    // ---- a training step with and without the decorator -------------------------------------------------------

    /** mnist28, batch 8, non-saturating loss plus the zero-centred penalty (a double backward), Adam with GC. */
    private static Trainer trainer(Device device) {
        ModuleOptions o = new ModuleOptions(DType.FLOAT32, device, new Generator(7));
        Module g = Init.dcgan(Mnist28.generator(o), o.generator());
        Module d = Init.dcgan(Mnist28.discriminator(o), o.generator());
        Tensor real = Tensor.randn(new Generator(8), DType.FLOAT32, device, 8, 1, 28, 28).clamp(-1, 1);
        RealData data = RealData.fixed(real);
        TrainerConfig config = new TrainerConfig(8, 1, false, 1000, 1, 9, DType.FLOAT32, device);
        return new Trainer(g, d, new long[] {Mnist28.NZ}, data, GanLosses.byName(GanLosses.NSGAN),
                CentredGradientPenalty.zeroCentred(10), adam(g), adam(d), config);
    }

    private static Optimizer adam(Module m) {
        return new Adam(List.of(ParamGroup.builder(2e-4).addAll(m.namedParameters()).gc(GcMode.CONV_AND_FC).build()),
                0.5, 0.999, 1e-8);
    }

    private static List<String> train(Trainer t, int steps) {
        List<String> metrics = new ArrayList<>();
        for (int i = 0; i < steps; i++) {
            StepMetrics m = t.trainStep();
            metrics.add(m.dLoss() + " " + m.gLoss() + " " + m.penalty() + " " + m.dGradNorm() + " " + m.gGradNorm());
        }
        return metrics;
    }

    @Test
    void trainingStepsThroughTheDecoratorMatchThePlainBackendAndAreCounted() {
        List<String> plain;
        List<float[]> plainSample;
        try (TensorScope ignored = TensorScope.open()) {
            Trainer t = trainer(Device.CPU);
            plain = train(t, 3);
            plainSample = List.of(t.sampleFixed().toFloatArray());
        }
        ProfilingBackend p = new ProfilingBackend(CPU);
        assertEquals(null, Backends.install(p));
        List<String> profiled;
        List<float[]> profiledSample;
        try (TensorScope ignored = TensorScope.open()) {
            assertSame(p, Backends.of(Device.CPU));
            Trainer t = trainer(Device.CPU);
            t.trainStep(); // step 0: diagnostics
            p.setMode(ProfilingBackend.Mode.HOST);
            p.reset();
            List<String> one = train(t, 1);
            List<ProfilingBackend.Entry> host = p.entries();
            p.setMode(ProfilingBackend.Mode.DEVICE);
            p.traceSynchronizations(true);
            p.reset();
            List<String> two = train(t, 1);
            List<ProfilingBackend.Entry> dev = p.entries();
            List<ProfilingBackend.SyncSite> sites = p.syncSites();
            p.setMode(ProfilingBackend.Mode.COUNT);
            profiledSample = List.of(t.sampleFixed().toFloatArray());
            profiled = List.of(one.get(0), two.get(0)); // steps 1 and 2

            Map<String, Long> hostCalls = new HashMap<>();
            for (ProfilingBackend.Entry e : host) {
                hostCalls.put(e.name(), e.calls());
                assertTrue(e.hostNanos() > 0 || e.calls() == 0, e.name() + " has calls but no host time");
                assertEquals(0, e.deviceCalls(), e.name());
            }
            // One host read per step: every update's loss, penalty and gradient norm together, after both updates
            // were queued (each guarded on the device by the values before it).
            assertEquals(1L, hostCalls.get("copyToHost"), hostCalls.toString());
            assertEquals(2L, hostCalls.get("optimizerStep"), hostCalls.toString());
            for (String op : List.of("allocate", "conv2d forward", "conv2d backwardData", "conv2d backwardWeight",
                    "matmul", "reduce SUM", "binary MUL", "randomNormal", "randomUniform", "fill")) {
                assertTrue(hostCalls.getOrDefault(op, 0L) > 0, op + " not counted: " + hostCalls);
            }
            for (ProfilingBackend.Entry e : dev) {
                assertEquals(e.calls(), e.deviceCalls(), e.name());
                assertTrue(e.tailNanos() >= 0 && e.tailNanos() <= e.deviceNanos(), e.toString());
                assertEquals(e.calls(), hostCalls.get(e.name()), "the same step makes the same calls: " + e.name());
                long detailCalls = e.details().values().stream().mapToLong(c -> c[0]).sum();
                assertEquals(e.name().equals("allocate") || e.name().equals("free") ? 0 : e.calls(), detailCalls,
                        e.name());
            }
            assertEquals(1, sites.stream().mapToLong(ProfilingBackend.SyncSite::calls).sum(), sites.toString());
            assertTrue(sites.stream().allMatch(s -> s.kind().equals("copyToHost")
                    && s.site().startsWith("Tensor.toDoubleArray <- Trainer.trainStep:")), sites.toString());
        } finally {
            Backends.uninstall(Device.CPU);
        }
        assertSame(CPU, Backends.of(Device.CPU));
        assertEquals(plain.subList(1, 3), profiled,
                "the decorated run must compute exactly what the plain one does");
        assertArrayEquals(plainSample.get(0), profiledSample.get(0));
    }
    @Test
    void aCaptureThroughTheDecoratorInDeviceModeRecordsAndReplays() {
        ProfilingBackend p = new ProfilingBackend(CPU);
        p.setMode(ProfilingBackend.Mode.DEVICE); // it synchronizes around calls, which a capture refuses
        assertEquals(null, Backends.install(p));
        try (TensorScope ignored = TensorScope.open()) {
            Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
            Tensor[] y = new Tensor[1];
            try (CapturedCalls calls = Capture.record(Device.CPU, () -> y[0] = x.mul(2))) {
                assertTrue(p.entries().stream().anyMatch(e -> e.name().equals("binary MUL")), "the call is counted");
                calls.replay();
                assertArrayEquals(new double[] {2, 4, 6}, y[0].toDoubleArray());
            }
        } finally {
            Backends.uninstall(Device.CPU);
        }
    }

    // ---- what DEVICE mode and the accessors add ------------------------------------------------------------------

    /**
     * A stub backend on the CPU device that logs the calls it gets and runs {@code onSynchronize} in each synchronize;
     * every other call does nothing.
     */
    private static Backend logging(List<String> log, Runnable onSynchronize) {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "device" -> Device.CPU;
                    case "capturing" -> false;
                    case "toString" -> "stub";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "synchronize" -> {
                        log.add("synchronize");
                        onSynchronize.run();
                        yield null;
                    }
                    default -> {
                        log.add(method.getName());
                        yield null;
                    }
                });
    }

    @Test
    void accessorsNameTheWrappedBackendAndTheMode() {
        ProfilingBackend p = new ProfilingBackend(CPU);
        assertSame(CPU, p.inner());
        assertEquals(ProfilingBackend.Mode.HOST, p.mode(), "the default mode");
        p.setMode(ProfilingBackend.Mode.COUNT);
        assertEquals(ProfilingBackend.Mode.COUNT, p.mode());
        assertEquals("ProfilingBackend(" + CPU + ")", p.toString());
    }

    /**
     * DEVICE mode synchronizes the wrapped backend before and after each call (the time after the call returned is
     * the tail); HOST mode does not synchronize at all.
     */
    @Test
    void deviceModeSynchronizesAroundEachCallHostModeDoesNot() {
        List<String> log = new ArrayList<>();
        ProfilingBackend p = new ProfilingBackend(logging(log, () -> { }));
        Storage s = new Storage(p, DType.FLOAT32, 4, MemorySegment.NULL, Lifetime.AUTOMATIC);
        p.fill(s, 1);
        assertEquals(List.of("fill"), log, "HOST mode");
        log.clear();
        p.setMode(ProfilingBackend.Mode.DEVICE);
        p.fill(s, 1);
        assertEquals(List.of("synchronize", "fill", "synchronize"), log, "DEVICE mode");
    }

    /**
     * The floor of DEVICE mode: one synchronize to drain the queue, then the median of the timed ones. The stub's
     * synchronizes take 0, 40, 40, 0, 0, 40 ms in turn (the first one untimed), so the median of the five timed is
     * 40 ms and the middle one unsorted would be a 0.
     */
    @Test
    void idleSynchronizeIsTheMedianOfTheTimedSamples() {
        List<String> log = new ArrayList<>();
        long[] sleeps = {0, 40, 40, 0, 0, 40};
        ProfilingBackend p = new ProfilingBackend(logging(log, () -> {
            try {
                Thread.sleep(sleeps[log.size() - 1]);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }));
        long median = p.idleSynchronizeNanos(5);
        assertEquals(6, log.size(), "one untimed synchronize and five timed: " + log);
        assertTrue(median >= 40_000_000L && median < 1_000_000_000L, "median " + median + " ns");
        assertTrue(p.entries().isEmpty(), "not counted as calls");
        log.clear();
        assertTrue(p.idleSynchronizeNanos(0) >= 0);
        assertEquals(2, log.size(), "at least one sample");
    }

    /** DEVICE mode's details are keyed by each call's shapes, so that calls of one op are told apart by size. */
    @Test
    void deviceModeDetailsNameTheShapes() {
        ProfilingBackend p = new ProfilingBackend(CPU);
        p.setMode(ProfilingBackend.Mode.DEVICE);
        Storage[] s = new Storage[4];
        for (int i = 0; i < s.length; i++) {
            s[i] = p.allocate(DType.FLOAT64, 64, Lifetime.AUTOMATIC);
        }
        p.binary(BinaryOp.MUL, s[0], new long[] {8, 1}, s[1], new long[] {0, 1}, s[2], new long[] {8, 8});
        p.where(s[0], new long[] {1}, s[1], new long[] {1}, s[2], new long[] {0}, s[3], new long[] {64});
        p.squaredNorm(List.of(s[0], s[1], s[2]), s[3]);
        Map<String, Map<String, long[]>> details = new HashMap<>();
        for (ProfilingBackend.Entry e : p.entries()) {
            details.put(e.name(), e.details());
        }
        assertEquals(Map.of("[8, 8] a[8, 1] b[0, 1]", 1L), calls(details.get("binary MUL")));
        assertEquals(Map.of("[64]", 1L), calls(details.get("where")));
        assertEquals(Map.of("3 tensors, 192 elements", 1L), calls(details.get("squaredNorm")));
    }

    private static Map<String, Long> calls(Map<String, long[]> details) {
        Map<String, Long> out = new HashMap<>();
        details.forEach((k, v) -> out.put(k, v[0]));
        return out;
    }

    /**
     * A synchronizing call's site is the outermost frame of the tensor and backend layers and the three callers
     * above it, one entry per site; calls from the same line add up.
     */
    @Test
    void aSyncSiteIsTheEntryAndThreeCallers() {
        ProfilingBackend p = new ProfilingBackend(CPU);
        p.synchronize();
        assertTrue(p.syncSites().isEmpty(), "not traced by default");
        p.traceSynchronizations(true);
        for (int i = 0; i < 2; i++) {
            p.synchronize();
        }
        List<ProfilingBackend.SyncSite> sites = p.syncSites();
        assertEquals(1, sites.size(), sites.toString());
        ProfilingBackend.SyncSite site = sites.get(0);
        assertEquals("synchronize", site.kind());
        assertEquals(2, site.calls());
        // this test class is in io.gcgan.backend, so its frame is the entry; JUnit's frames are the callers
        String[] frames = site.site().split(" <- ");
        assertEquals("ProfilingBackendTest.aSyncSiteIsTheEntryAndThreeCallers", frames[0], site.site());
        assertEquals(4, frames.length, site.site());
    }
}
