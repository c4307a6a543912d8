package io.gcgan.backend;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A {@link Backend} decorator that counts and times every call it forwards to the backend it wraps, for profiling a
 * workload without changing either backend. Install it with {@code io.gcgan.tensor.Backends.install} before the
 * tensors it should see are made: a storage belongs to the backend that allocated it and a tensor sends its ops to its
 * storage's backend, so this decorator hands out its own {@link Storage} records (same device memory, {@code backend()}
 * = this decorator) and translates them back to the wrapped backend's on every call. Tensors made before it was
 * installed (or after it was removed) cannot be mixed with tensors made while it was installed.
 *
 * <p>Every call is counted under a name ({@code "unary RELU"}, {@code "binary MUL"}, {@code "reduce SUM"}, {@code
 * "conv2d forward"}, {@code "copyToHost"}, ..., and {@code "free"} for what the wrapped backend releases when a
 * scope closes). What else is measured depends on the {@link Mode}:
 * <ul>
 *   <li>{@link Mode#COUNT}: nothing more;</li>
 *   <li>{@link Mode#HOST}: the host time inside the wrapped backend's method, without synchronizing (for an
 *       asynchronous GPU backend that is the launch overhead; a reading call also waits for the device);</li>
 *   <li>{@link Mode#DEVICE}: the wrapped backend is synchronized before and after each call and the time between is
 *       recorded (the call made synchronous: host launch cost plus device execution plus one synchronize's latency;
 *       see {@link #idleSynchronizeNanos}), and separately the part after the call returned (the device work the
 *       launch did not overlap), also per shape signature ({@link Entry#details}).</li>
 * </ul>
 * With {@link #traceSynchronizations(boolean)} on, each {@code copyToHost} and {@code synchronize} call (the calls
 * that make the host wait for the device) records its call site: the public tensor method that made it and the
 * callers above that.
 *
 * <p>Counters are shared by all calling threads (updates are synchronized); timings are meaningful when one thread
 * drives the backend. Costs: two {@code System.nanoTime()} calls per call and a few small allocations (the
 * translated storage records) outside the timed region.
 */
public final class ProfilingBackend implements Backend {

    /** What is measured besides the call counts. */
    public enum Mode { COUNT, HOST, DEVICE }

    /**
     * Totals for one op name since the last {@link #reset()}. DEVICE mode: {@code deviceNanos} from before the call
     * (after synchronizing) to after the synchronize that follows it; {@code tailNanos} from the call's return to the
     * end of that synchronize (the device work the launch did not overlap, plus one synchronize's latency);
     * {@code details} by shape signature: {calls, deviceNanos, tailNanos}.
     */
    public record Entry(String name, long calls, long hostNanos, long deviceCalls, long deviceNanos, long tailNanos,
                        Map<String, long[]> details) {
    }

    /** One call site of a synchronizing call: the frames, and how many calls came from it. */
    public record SyncSite(String kind, String site, long calls) {
    }

    private static final String[] UNARY = names("unary ", UnaryOp.values());
    private static final String[] BINARY = names("binary ", BinaryOp.values());
    private static final String[] REDUCE = names("reduce ", ReduceOp.values());
    private static final int SITE_FRAMES = 3;

    private final Backend inner;
    private volatile Mode mode = Mode.HOST;
    private volatile boolean traceSyncs;
    private final Map<String, Stat> stats = new HashMap<>();
    private final Map<String, long[]> sites = new LinkedHashMap<>(); // "kind\tsite" -> {calls}

    private static final class Stat {
        long calls;
        long hostNanos;
        long deviceCalls;
        long deviceNanos;
        long tailNanos;
        final Map<String, long[]> details = new HashMap<>(); // signature -> {calls, deviceNanos, tailNanos}
    }

    /** A decorator of {@code inner}, in {@link Mode#HOST}. */
    public ProfilingBackend(Backend inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
        if (inner instanceof ProfilingBackend) {
            throw new IllegalArgumentException("ProfilingBackend: " + inner + " is already a profiling decorator");
        }
    }

    /** The backend this decorator forwards to. */
    public Backend inner() {
        return inner;
    }

    public Mode mode() {
        return mode;
    }

    public void setMode(Mode mode) {
        this.mode = Objects.requireNonNull(mode, "mode");
    }

    /** Records the call site of every copyToHost and synchronize call (a stack walk each; off by default). */
    public void traceSynchronizations(boolean on) {
        this.traceSyncs = on;
    }

    /** Forgets every count, time and call site. */
    public synchronized void reset() {
        stats.clear();
        sites.clear();
    }

    /** The totals by op name, in no particular order. */
    public synchronized List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        for (Map.Entry<String, Stat> e : stats.entrySet()) {
            Stat s = e.getValue();
            Map<String, long[]> details = new HashMap<>();
            s.details.forEach((k, v) -> details.put(k, v.clone()));
            out.add(new Entry(e.getKey(), s.calls, s.hostNanos, s.deviceCalls, s.deviceNanos, s.tailNanos,
                    Map.copyOf(details)));
        }
        return out;
    }

    /** The recorded call sites of copyToHost and synchronize, in the order first seen. */
    public synchronized List<SyncSite> syncSites() {
        List<SyncSite> out = new ArrayList<>();
        for (Map.Entry<String, long[]> e : sites.entrySet()) {
            String[] kindAndSite = e.getKey().split("\t", 2);
            out.add(new SyncSite(kindAndSite[0], kindAndSite[1], e.getValue()[0]));
        }
        return out;
    }

    /**
     * The median time of {@code samples} synchronize calls on the wrapped backend when nothing is queued: the
     * floor that {@link Mode#DEVICE} adds to every call (not counted as calls).
     */
    public long idleSynchronizeNanos(int samples) {
        long[] t = new long[Math.max(1, samples)];
        inner.synchronize();
        for (int i = 0; i < t.length; i++) {
            long t0 = System.nanoTime();
            inner.synchronize();
            t[i] = System.nanoTime() - t0;
        }
        Arrays.sort(t);
        return t[t.length / 2];
    }

    // ---- bookkeeping ---------------------------------------------------------------------------------------

    private static String[] names(String prefix, Enum<?>[] values) {
        String[] out = new String[values.length];
        for (Enum<?> v : values) {
            out[v.ordinal()] = prefix + v.name();
        }
        return out;
    }

    /** Starts timing a call: synchronizes first in DEVICE mode. Returns the start time (0 in COUNT mode). */
    private long begin(Mode m) {
        if (m == Mode.COUNT) {
            return 0;
        }
        if (synchronizes(m)) {
            inner.synchronize();
        }
        return System.nanoTime();
    }

    /** DEVICE mode synchronizes around each call, except while the wrapped backend captures (nothing runs then). */
    private boolean synchronizes(Mode m) {
        return m == Mode.DEVICE && !inner.capturing();
    }

    /** Ends timing a call started with {@link #begin} and records it; {@code signature} may be null. */
    private void end(Mode m, long t0, String name, Signature signature) {
        long elapsed = 0;
        long tail = 0;
        if (m != Mode.COUNT) {
            if (synchronizes(m)) {
                long returned = System.nanoTime();
                inner.synchronize();
                long done = System.nanoTime();
                tail = done - returned;
                elapsed = done - t0;
            } else {
                elapsed = System.nanoTime() - t0;
            }
        }
        String detail = m == Mode.DEVICE && signature != null ? signature.describe() : null;
        synchronized (this) {
            Stat s = stats.computeIfAbsent(name, k -> new Stat());
            s.calls++;
            if (m == Mode.HOST) {
                s.hostNanos += elapsed;
            } else if (m == Mode.DEVICE) {
                s.deviceCalls++;
                s.deviceNanos += elapsed;
                s.tailNanos += tail;
                if (detail != null) {
                    long[] d = s.details.computeIfAbsent(detail, k -> new long[3]);
                    d[0]++;
                    d[1] += elapsed;
                    d[2] += tail;
                }
            }
        }
    }

    /** A shape signature, formatted only when DEVICE mode needs it. */
    @FunctionalInterface
    private interface Signature {
        String describe();
    }

    /** "x[64,64,14,14] w[128,64,4,4] y 7x7 stride 2 pad 1". */
    private static String batchNorm(BatchNormShape b) {
        return "n=" + b.n() + " c=" + b.c() + " s=" + b.s();
    }

    private static String conv(ConvGeometry g) {
        return "x[" + g.n() + "," + g.c() + "," + g.h() + "," + g.w() + "] w[" + g.k() + "," + g.c() + "," + g.r()
                + "," + g.s() + "] y " + g.p() + "x" + g.q() + " stride " + g.strideH()
                + (g.strideW() != g.strideH() ? "," + g.strideW() : "") + " pad " + g.padH()
                + (g.padW() != g.padH() ? "," + g.padW() : "");
    }

    private void recordSite(String kind) {
        if (!traceSyncs) {
            return;
        }
        StringBuilder site = new StringBuilder();
        StackWalker.getInstance().walk(frames -> {
            int taken = 0;
            String entry = null;
            for (StackWalker.StackFrame f : (Iterable<StackWalker.StackFrame>) frames::iterator) {
                String cls = f.getClassName();
                if (cls.equals(ProfilingBackend.class.getName())) {
                    continue;
                }
                String simple = cls.substring(cls.lastIndexOf('.') + 1);
                if (cls.startsWith("io.gcgan.tensor.") || cls.startsWith("io.gcgan.backend.")) {
                    entry = simple + "." + f.getMethodName(); // the outermost tensor-layer frame: the API used
                    continue;
                }
                if (taken == 0 && entry != null) {
                    site.append(entry).append(" <- ");
                }
                if (taken > 0) {
                    site.append(" <- ");
                }
                site.append(simple).append('.').append(f.getMethodName()).append(':').append(f.getLineNumber());
                if (++taken == SITE_FRAMES) {
                    break;
                }
            }
            return null;
        });
        synchronized (this) {
            sites.computeIfAbsent(kind + "\t" + site, k -> new long[1])[0]++;
        }
    }

    // ---- storage translation -------------------------------------------------------------------------------

    /** The wrapped backend's view of {@code s} (a storage handed out by this decorator); null stays null. */
    private Storage in(Storage s) {
        if (s == null) {
            return null;
        }
        if (s.backend() != this) {
            throw new IllegalArgumentException("ProfilingBackend: storage belongs to " + s.backend()
                    + ", not to this decorator of " + inner + " (tensors made before the decorator was installed,"
                    + " or after it was removed, cannot be mixed with tensors made while it was installed)");
        }
        return new Storage(inner, s.dtype(), s.numel(), s.segment(), s.lifetime());
    }

    // ---- Backend -------------------------------------------------------------------------------------------

    @Override
    public Device device() {
        return inner.device();
    }

    @Override
    public String description() {
        return inner.description() + " [profiled]";
    }

    @Override
    public String toString() {
        return "ProfilingBackend(" + inner + ")";
    }

    /**
     * Allocates through the wrapped backend with {@code lifetime} seen through {@link CountedFrees}, so that what the
     * wrapped backend releases when a scope closes is counted and timed as "free" (on CUDA a cudaFreeAsync per
     * allocation; the CPU backend frees its host memory with the scope's arena, which is not counted).
     */
    @Override
    public Storage allocate(DType dtype, long numel, Lifetime lifetime) {
        Mode m = mode;
        long t0 = begin(m);
        Storage s = inner.allocate(dtype, numel, lifetime.scoped() ? countedFrees(lifetime) : lifetime);
        end(m, t0, "allocate", null);
        return new Storage(this, s.dtype(), s.numel(), s.segment(), lifetime);
    }

    /** The last CountedFrees made, reused while allocations come from the same scope. */
    private volatile CountedFrees lastCounted;

    /**
     * {@code lifetime} seen through {@link CountedFrees}: one view for consecutive allocations in the same scope, so
     * that the wrapped backend sees one lifetime per scope, as it would without this decorator (a CUDA capture makes
     * one arena per scope that allocates while recording).
     */
    private CountedFrees countedFrees(Lifetime lifetime) {
        CountedFrees c = lastCounted;
        if (c == null || c.lifetime != lifetime) {
            c = new CountedFrees(lifetime);
            lastCounted = c;
        }
        return c;
    }

    /** A scoped lifetime whose release actions are counted as "free" calls of this decorator. */
    private final class CountedFrees implements Lifetime {
        private final Lifetime lifetime;

        CountedFrees(Lifetime lifetime) {
            this.lifetime = lifetime;
        }

        @Override
        public java.lang.foreign.Arena arena() {
            return lifetime.arena();
        }

        @Override
        public void onClose(Runnable release) {
            lifetime.onClose(() -> {
                Mode m = mode;
                long t0 = begin(m);
                release.run();
                end(m, t0, "free", null);
            });
        }

        @Override
        public boolean scoped() {
            return true;
        }
    }

    @Override
    public void fill(Storage dst, double value) {
        Storage d = in(dst);
        Mode m = mode;
        long t0 = begin(m);
        inner.fill(d, value);
        end(m, t0, "fill", () -> "n=" + d.numel());
    }

    @Override
    public void copyFromHost(MemorySegment src, Storage dst) {
        Storage d = in(dst);
        Mode m = mode;
        long t0 = begin(m);
        inner.copyFromHost(src, d);
        end(m, t0, "copyFromHost", () -> "bytes=" + d.byteSize());
    }

    @Override
    public void copyToHost(Storage src, MemorySegment dst) {
        Storage s = in(src);
        recordSite("copyToHost");
        Mode m = mode;
        long t0 = begin(m);
        inner.copyToHost(s, dst);
        end(m, t0, "copyToHost", () -> "bytes=" + s.byteSize());
    }

    @Override
    public void copyStrided(Storage src, long srcOffset, long[] srcStrides, Storage dst, long dstOffset,
                            long[] dstStrides, long[] shape) {
        Storage s = in(src);
        Storage d = in(dst);
        Mode m = mode;
        long t0 = begin(m);
        inner.copyStrided(s, srcOffset, srcStrides, d, dstOffset, dstStrides, shape);
        end(m, t0, "copyStrided", () -> Arrays.toString(shape) + " src" + Arrays.toString(srcStrides)
                + " dst" + Arrays.toString(dstStrides) + (s.dtype() != d.dtype() ? " cast" : ""));
    }

    @Override
    public void unary(UnaryOp op, double p0, double p1, Storage x, Storage out) {
        Storage a = in(x);
        Storage o = out == x ? a : in(out);
        Mode m = mode;
        long t0 = begin(m);
        inner.unary(op, p0, p1, a, o);
        end(m, t0, UNARY[op.ordinal()], () -> "n=" + a.numel());
    }

    @Override
    public void binary(BinaryOp op, Storage a, long[] aStrides, Storage b, long[] bStrides, Storage out,
                       long[] outShape) {
        Storage ia = in(a);
        Storage ib = b == a ? ia : in(b);
        Storage io = out == a ? ia : out == b ? ib : in(out);
        Mode m = mode;
        long t0 = begin(m);
        inner.binary(op, ia, aStrides, ib, bStrides, io, outShape);
        end(m, t0, BINARY[op.ordinal()], () -> Arrays.toString(outShape) + " a" + Arrays.toString(aStrides)
                + " b" + Arrays.toString(bStrides));
    }

    @Override
    public void rectifierBackward(Storage x, Storage g, double positive, double other, Storage out) {
        Storage ix = in(x);
        Storage ig = out == g ? null : in(g);
        Storage io = in(out);
        Mode m = mode;
        long t0 = begin(m);
        inner.rectifierBackward(ix, ig == null ? io : ig, positive, other, io);
        end(m, t0, "rectifierBackward", () -> "n=" + x.numel() + " (" + positive + ", " + other + ")");
    }

    @Override
    public void where(Storage cond, long[] condStrides, Storage a, long[] aStrides, Storage b, long[] bStrides,
                      Storage out, long[] outShape) {
        Storage ic = in(cond);
        Storage ia = in(a);
        Storage ib = in(b);
        Storage io = in(out);
        Mode m = mode;
        long t0 = begin(m);
        inner.where(ic, condStrides, ia, aStrides, ib, bStrides, io, outShape);
        end(m, t0, "where", () -> Arrays.toString(outShape));
    }

    @Override
    public void reduce(ReduceOp op, Storage x, long[] shape, int[] axes, Storage out) {
        Storage ix = in(x);
        Storage io = in(out);
        Mode m = mode;
        long t0 = begin(m);
        inner.reduce(op, ix, shape, axes, io);
        end(m, t0, REDUCE[op.ordinal()], () -> Arrays.toString(shape) + " axes" + Arrays.toString(axes));
    }

    @Override
    public void matmul(Storage a, long aBatchStride, boolean transA, Storage b, long bBatchStride, boolean transB,
                       Storage out, int batch, int m, int n, int k) {
        Storage ia = in(a);
        Storage ib = b == a ? ia : in(b);
        Storage io = in(out);
        Mode md = mode;
        long t0 = begin(md);
        inner.matmul(ia, aBatchStride, transA, ib, bBatchStride, transB, io, batch, m, n, k);
        end(md, t0, "matmul", () -> "batch=" + batch + " m=" + m + " n=" + n + " k=" + k
                + (transA ? " tA" : "") + (transB ? " tB" : ""));
    }

    @Override
    public void conv2dForward(Storage x, Storage w, Storage y, ConvGeometry g) {
        Storage ix = in(x);
        Storage iw = in(w);
        Storage iy = in(y);
        Mode m = mode;
        long t0 = begin(m);
        inner.conv2dForward(ix, iw, iy, g);
        end(m, t0, "conv2d forward", () -> conv(g));
    }

    @Override
    public void conv2dBackwardData(Storage dy, Storage w, Storage dx, ConvGeometry g) {
        Storage idy = in(dy);
        Storage iw = in(w);
        Storage idx = in(dx);
        Mode m = mode;
        long t0 = begin(m);
        inner.conv2dBackwardData(idy, iw, idx, g);
        end(m, t0, "conv2d backwardData", () -> conv(g));
    }

    @Override
    public void conv2dBackwardWeight(Storage x, Storage dy, Storage dw, ConvGeometry g) {
        Storage ix = in(x);
        Storage idy = in(dy);
        Storage idw = in(dw);
        Mode m = mode;
        long t0 = begin(m);
        inner.conv2dBackwardWeight(ix, idy, idw, g);
        end(m, t0, "conv2d backwardWeight", () -> conv(g));
    }

    @Override
    public void squaredNorm(List<Storage> xs, Storage out) {
        List<Storage> ixs = new ArrayList<>(xs.size());
        long elements = 0;
        for (Storage x : xs) {
            ixs.add(in(x));
            elements += x == null ? 0 : x.numel();
        }
        Storage io = in(out);
        long total = elements;
        Mode m = mode;
        long t0 = begin(m);
        inner.squaredNorm(ixs, io);
        end(m, t0, "squaredNorm", () -> xs.size() + " tensors, " + total + " elements");
    }

    @Override
    public void batchNormForward(Storage x, Storage weight, Storage bias, BatchNormShape shape, double eps,
                                 Storage y, Storage mean, Storage var, BatchNormRunningStats running) {
        Storage ix = in(x);
        Storage iw = in(weight);
        Storage ib = in(bias);
        Storage iy = in(y);
        Storage im = in(mean);
        Storage iv = in(var);
        BatchNormRunningStats ir = running == null ? null
                : new BatchNormRunningStats(in(running.mean()), in(running.var()), running.factor());
        Mode m = mode;
        long t0 = begin(m);
        inner.batchNormForward(ix, iw, ib, shape, eps, iy, im, iv, ir);
        end(m, t0, "batchNorm forward", () -> batchNorm(shape));
    }

    @Override
    public void batchNormBackward(Storage dy, Storage x, Storage mean, Storage var, Storage weight,
                                  BatchNormShape shape, double eps, Storage dx, Storage dWeight, Storage dBias) {
        Storage idy = in(dy);
        Storage ix = in(x);
        Storage im = in(mean);
        Storage iv = in(var);
        Storage iw = in(weight);
        Storage idx = in(dx);
        Storage idw = in(dWeight);
        Storage idb = in(dBias);
        Mode m = mode;
        long t0 = begin(m);
        inner.batchNormBackward(idy, ix, im, iv, iw, shape, eps, idx, idw, idb);
        end(m, t0, "batchNorm backward", () -> batchNorm(shape));
    }

    @Override
    public void randomUniform(Storage out, long seed, long offset) {
        Storage o = in(out);
        Mode m = mode;
        long t0 = begin(m);
        inner.randomUniform(o, seed, offset);
        end(m, t0, "randomUniform", () -> "n=" + o.numel());
    }

    @Override
    public void randomNormal(Storage out, long seed, long offset) {
        Storage o = in(out);
        Mode m = mode;
        long t0 = begin(m);
        inner.randomNormal(o, seed, offset);
        end(m, t0, "randomNormal", () -> "n=" + o.numel());
    }

    @Override
    public void optimizerStep(OptimizerHyper hyper, List<ParamSlot> slots, Storage guard) {
        // One translation per storage object, so that the wrapped backend's check for slots sharing a storage sees
        // what the caller passed.
        Map<Storage, Storage> seen = new IdentityHashMap<>();
        UnaryOperator<Storage> tr = st -> st == null ? null : seen.computeIfAbsent(st, this::in);
        List<ParamSlot> translated = new ArrayList<>(slots.size());
        long elements = 0;
        for (ParamSlot s : slots) {
            translated.add(new ParamSlot(tr.apply(s.weight()), tr.apply(s.grad()), tr.apply(s.state1()),
                    tr.apply(s.state2()), s.step(), s.centring()));
            elements += s.weight().numel();
        }
        long total = elements;
        Storage innerGuard = tr.apply(guard);
        Mode m = mode;
        long t0 = begin(m);
        inner.optimizerStep(hyper, translated, innerGuard);
        end(m, t0, "optimizerStep", () -> translated.size() + " tensors, " + total + " elements");
    }

    @Override
    public void synchronize() {
        recordSite("synchronize");
        Mode m = mode;
        long t0 = begin(m);
        inner.synchronize();
        end(m, t0, "synchronize", null);
    }

    // ---- capture: forwarded, not counted (a replay runs on the wrapped backend) -------------------------

    @Override
    public void beginCapture() {
        inner.beginCapture();
    }

    @Override
    public CapturedCalls endCapture() {
        return inner.endCapture();
    }

    @Override
    public boolean capturing() {
        return inner.capturing();
    }
}
