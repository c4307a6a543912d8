package io.gcgan.backend;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The argument checks every backend makes before touching memory; messages name the op and the values. */
public final class StorageChecks {

    private StorageChecks() {
    }

    /**
     * Every storage was allocated by {@code backend}, its scope has not closed ({@link #alive}) and, on the CPU, its
     * segment is the host memory it claims to be ({@link #hostSpan}).
     */
    public static void owned(Backend backend, String op, Storage... storages) {
        for (Storage s : storages) {
            if (s.backend() != backend) {
                throw new IllegalArgumentException(op + ": storage belongs to " + s.backend().device()
                        + (s.backend().device().equals(backend.device()) ? " (another backend instance)" : "")
                        + ", not to the " + backend.device() + " backend");
            }
            alive(op, s);
            if (backend.device().kind() == Device.Kind.CPU) {
                hostSpan(op, s);
            }
        }
    }

    /**
     * A CPU storage's segment is native memory of at least {@code numel * dtype.byteSize()} bytes that any thread may
     * access. {@link Storage} is a public record, so a caller can build one over any segment; the CPU backend hands
     * segments to OpenBLAS, which would read or write past a shorter one (silent corruption or a crash of the JVM) and
     * cannot take a Java array's, and its worker threads cannot access a segment of a confined arena.
     */
    public static void hostSpan(String op, Storage s) {
        MemorySegment seg = s.segment();
        if (!seg.isNative()) {
            throw new IllegalArgumentException(op + ": a " + s.numel() + " x " + s.dtype().displayName()
                    + " storage on the CPU is a heap segment (a Java array); CPU storage must be native memory:"
                    + " allocate it with the backend, or copy the array in with copyFromHost");
        }
        if (seg.byteSize() < s.byteSize()) {
            throw new IllegalArgumentException(op + ": a " + s.numel() + " x " + s.dtype().displayName() + " storage on"
                    + " the CPU needs " + s.byteSize() + " bytes, its segment has " + seg.byteSize());
        }
        if (!seg.isAccessibleBy(NOT_AN_OWNER)) {
            throw new IllegalArgumentException(op + ": a " + s.numel() + " x " + s.dtype().displayName()
                    + " storage on the CPU is confined to one thread (Arena.ofConfined); the backend's worker threads"
                    + " access it too: use a shared, global or automatic arena");
        }
    }

    /** A thread that owns no arena (never started): a segment it may access is not confined to any thread. */
    private static final Thread NOT_AN_OWNER = Thread.ofPlatform().unstarted(() -> { });

    /**
     * The scope {@code s} was allocated in has not closed: its segment is alive. (Without this check the CPU would
     * fail on the first access with the FFM's "Already closed", and a GPU backend would pass a freed address to its
     * kernels.)
     */
    public static void alive(String op, Storage s) {
        if (!s.segment().scope().isAlive()) {
            throw usedAfterScope(op, s, "");
        }
    }

    /** The error for {@code s} used by {@code op} after its scope closed; {@code detail}: empty or " (why)". */
    public static IllegalStateException usedAfterScope(String op, Storage s, String detail) {
        return new IllegalStateException(op + ": a " + s.numel() + " x " + s.dtype().displayName() + " storage on "
                + s.backend().device() + " was used after its scope closed" + detail);
    }

    /**
     * The slots of {@link Backend#optimizerStep} on {@code backend}: every storage of every slot belongs to it and is
     * alive; each slot has the states {@code hyper}'s algorithm needs; no two slots share a weight or state storage,
     * and no gradient is a weight or state storage (it is read while those are written). Messages name the slot.
     */
    public static void optimizerSlots(Backend backend, OptimizerHyper hyper, List<ParamSlot> slots) {
        Objects.requireNonNull(hyper, "optimizerStep: hyper is null");
        Objects.requireNonNull(slots, "optimizerStep: the list of slots is null");
        Map<Storage, Integer> written = new IdentityHashMap<>();
        int states = hyper.stateCount();
        for (int i = 0; i < slots.size(); i++) {
            ParamSlot slot = slots.get(i);
            if (slot == null) {
                throw new IllegalArgumentException("optimizerStep: slot " + i + " is null");
            }
            slotStorage(backend, i, "weight", slot.weight());
            slotStorage(backend, i, "grad", slot.grad());
            for (int k = 0; k < states; k++) {
                if (slot.state(k) == null) {
                    throw new IllegalArgumentException("optimizerStep: " + hyper.algorithm() + " needs " + states
                            + " state storage(s), slot " + i + " has no state" + (k + 1));
                }
                slotStorage(backend, i, STATE_NAMES[k], slot.state(k));
            }
            for (Storage s : new Storage[] {slot.weight(), slot.state1(), slot.state2()}) {
                if (s == null) {
                    continue;
                }
                Integer previous = written.put(s, i);
                if (previous != null) {
                    throw new IllegalArgumentException("optimizerStep: slots " + previous + " and " + i
                            + " share a weight or state storage");
                }
            }
        }
        for (int i = 0; i < slots.size(); i++) {
            Integer other = written.get(slots.get(i).grad());
            if (other != null) {
                throw new IllegalArgumentException("optimizerStep: slot " + i + "'s gradient is the weight or a state"
                        + " of slot " + other + " (the step reads gradients while it writes those)");
            }
        }
    }

    /**
     * A host segment that {@link Backend#copyFromHost} ({@code toHost} false) or {@link Backend#copyToHost} copies
     * {@code s}'s elements from or into: at least as many bytes as {@code s}, writable for a copy to the host, and, for
     * a Java array, of {@code s}'s element type or bytes (a double[] copied into a float32 storage would be
     * reinterpreted, not converted).
     */
    public static void hostSegment(String op, Storage s, MemorySegment host, boolean toHost) {
        Objects.requireNonNull(host, op + ": the host segment is null");
        String storage = s.numel() + " x " + s.dtype().displayName();
        if (host.byteSize() < s.byteSize()) {
            throw new IllegalArgumentException(op + ": the host segment has " + host.byteSize() + " bytes, the storage "
                    + (toHost ? "holds " : "needs ") + s.byteSize() + " (" + storage + ")");
        }
        if (toHost && host.isReadOnly()) {
            throw new IllegalArgumentException(op + ": the host segment is read-only");
        }
        Class<?> element = host.heapBase().map(a -> a.getClass().getComponentType()).orElse(null);
        Class<?> expected = s.dtype() == DType.FLOAT32 ? float.class : double.class;
        if (element != null && element != expected && element != byte.class) {
            throw new IllegalArgumentException(op + ": a " + element.getName() + "[] host array for a " + storage
                    + " storage (its bytes would be reinterpreted, not converted): use a " + expected.getName()
                    + "[] or a segment of bytes");
        }
    }

    private static final String[] STATE_NAMES = {"state1", "state2"};

    /** {@link #owned} for one storage of slot {@code slot}, the message made only when it fails (a step's hot path). */
    private static void slotStorage(Backend backend, int slot, String role, Storage s) {
        MemorySegment seg = s.segment();
        if (s.backend() != backend || !seg.scope().isAlive()
                || (!seg.isNative() || seg.byteSize() < s.byteSize() || !seg.isAccessibleBy(NOT_AN_OWNER))
                        && backend.device().kind() == Device.Kind.CPU) {
            owned(backend, "optimizerStep slot " + slot + " " + role, s);
        }
    }

    /** All storages share one dtype. */
    public static void sameDtype(String op, Storage... storages) {
        DType first = storages[0].dtype();
        for (Storage s : storages) {
            if (s.dtype() != first) {
                throw new IllegalArgumentException(op + ": mixed dtypes " + first.displayName() + " and "
                        + s.dtype().displayName());
            }
        }
    }

    /**
     * The operands of {@link Backend#matmul} hold the elements its sizes reach: {@code a}
     * {@code (batch - 1) * aBatchStride + m * k}, {@code b} {@code (batch - 1) * bBatchStride + k * n} and {@code out}
     * {@code batch * m * n}; sizes and batch strides are >= 0. A GEMM reads and writes through raw addresses, so a
     * storage too small for its sizes would be overrun, not refused.
     */
    public static void matmulSizes(String op, Storage a, long aBatchStride, Storage b, long bBatchStride,
                                   Storage out, int batch, int m, int n, int k) {
        if (batch < 0 || m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException(op + ": negative size batch=" + batch + " m=" + m + " n=" + n
                    + " k=" + k);
        }
        if (aBatchStride < 0 || bBatchStride < 0) {
            throw new IllegalArgumentException(op + ": negative batch stride aBatchStride=" + aBatchStride
                    + " bBatchStride=" + bBatchStride);
        }
        if (batch == 0) {
            return;
        }
        matmulOperand(op, "a", a, batch, aBatchStride, m, k);
        matmulOperand(op, "b", b, batch, bBatchStride, k, n);
        matmulOperand(op, "out", out, batch, (long) m * n, m, n);
    }

    /** Operand {@code name} holds {@code batch} matrices of [rows, cols], {@code batchStride} elements apart. */
    private static void matmulOperand(String op, String name, Storage s, int batch, long batchStride, int rows,
                                      int cols) {
        long matrix = (long) rows * cols;
        if (matrix == 0) {
            return;
        }
        long needed;
        try {
            needed = Math.addExact(Math.multiplyExact(batch - 1L, batchStride), matrix);
        } catch (ArithmeticException e) {
            needed = Long.MAX_VALUE;
        }
        if (s.numel() < needed) {
            throw new IllegalArgumentException(op + ": " + name + " holds " + s.numel() + " elements, " + batch
                    + " matrices of [" + rows + ", " + cols + "] " + batchStride + " apart need " + needed);
        }
    }

    /**
     * The elements a strided walk of {@code s} reaches, {@code offset + sum(i[d] * strides[d])} for every index tuple
     * {@code i} of {@code shape}, lie within the storage: the strided calls ({@link Backend#copyStrided},
     * {@link Backend#binary}, {@link Backend#where}) index it directly, so a stride or offset too large for it would
     * read or write past its end. {@code name} names the operand in the message ("src", "a", ...). O(rank).
     */
    public static void stridedReach(String op, String name, Storage s, long offset, long[] strides, long[] shape) {
        if (strides.length != shape.length) {
            throw new IllegalArgumentException(op + ": " + name + " strides " + Arrays.toString(strides) + " of rank "
                    + strides.length + " for shape " + Arrays.toString(shape) + " of rank " + shape.length);
        }
        long low = offset;
        long high = offset;
        try {
            for (int d = 0; d < shape.length; d++) {
                if (shape[d] < 0) {
                    throw new IllegalArgumentException(op + ": negative size " + shape[d] + " in shape "
                            + Arrays.toString(shape));
                }
                if (shape[d] == 0) {
                    return;
                }
                long span = Math.multiplyExact(strides[d], shape[d] - 1);
                if (span < 0) {
                    low = Math.addExact(low, span);
                } else {
                    high = Math.addExact(high, span);
                }
            }
        } catch (ArithmeticException e) {
            low = Long.MIN_VALUE;
        }
        if (low < 0 || high >= s.numel()) {
            throw new IllegalArgumentException(op + ": " + name + " (offset " + offset + ", strides "
                    + Arrays.toString(strides) + ", shape " + Arrays.toString(shape) + ") reaches elements "
                    + (low == Long.MIN_VALUE ? "beyond the long range" : "[" + low + ", " + high + "]")
                    + ", the storage holds " + s.numel());
        }
    }

    /**
     * The arguments of {@link Backend#reduce}: {@code axes} distinct dimensions of {@code shape}, {@code x} of at least
     * {@code numel(shape)} elements and {@code out} of at least the kept-dimension shape's (every reduced axis set to
     * 1). A backend's loops index both directly, so a shape larger than a storage would read or write past it.
     */
    public static void reduceSizes(String op, Storage x, long[] shape, int[] axes, Storage out) {
        boolean[] reduced = new boolean[shape.length];
        for (int a : axes) {
            if (a < 0 || a >= shape.length || reduced[a]) {
                throw new IllegalArgumentException(op + ": bad axes " + Arrays.toString(axes) + " for shape "
                        + Arrays.toString(shape));
            }
            reduced[a] = true;
        }
        long numel = 1;
        long kept = 1;
        for (int d = 0; d < shape.length; d++) {
            if (shape[d] < 0) {
                throw new IllegalArgumentException(op + ": negative size " + shape[d] + " in shape "
                        + Arrays.toString(shape));
            }
            numel = Math.multiplyExact(numel, shape[d]);
            kept = reduced[d] ? kept : Math.multiplyExact(kept, shape[d]);
        }
        if (x.numel() < numel || out.numel() < kept) {
            throw new IllegalArgumentException(op + ": x of shape " + Arrays.toString(shape) + " needs " + numel
                    + " elements and out, over axes " + Arrays.toString(axes) + ", " + kept + "; the storages hold "
                    + x.numel() + " and " + out.numel());
        }
    }

    /** x, w and y hold at least the elements of {@code g}'s x [n, c, h, w], w [k, c, r, s] and y [n, k, p, q]. */
    public static void convSizes(String op, ConvGeometry g, Storage x, Storage w, Storage y) {
        long xn = (long) g.n() * g.c() * g.h() * g.w();
        long wn = (long) g.k() * g.c() * g.r() * g.s();
        long yn = (long) g.n() * g.k() * g.p() * g.q();
        if (x.numel() < xn || w.numel() < wn || y.numel() < yn) {
            throw new IllegalArgumentException(op + ": storages too small for " + g + " (x " + x.numel() + " < "
                    + xn + "?, w " + w.numel() + " < " + wn + "?, y " + y.numel() + " < " + yn + "?)");
        }
    }

    /** The arguments of {@link Backend#rectifierBackward}: owned, one dtype, one element count. */
    public static void rectifierBackward(Backend backend, Storage x, Storage g, Storage out) {
        String op = "rectifierBackward";
        owned(backend, op, x, g, out);
        sameDtype(op, x, g, out);
        if (g.numel() != x.numel() || out.numel() != x.numel()) {
            throw new IllegalArgumentException(op + ": x has " + x.numel() + " elements, g " + g.numel() + ", out "
                    + out.numel() + "; they must be equal");
        }
    }

    /**
     * The arguments of {@link Backend#squaredNorm}: every storage owned by {@code backend} and of out's dtype, out
     * holding at least one element.
     */
    public static void squaredNorm(Backend backend, List<Storage> xs, Storage out) {
        Objects.requireNonNull(xs, "squaredNorm: the list of storages is null");
        Objects.requireNonNull(out, "squaredNorm: out is null");
        owned(backend, "squaredNorm out", out);
        if (out.numel() < 1) {
            throw new IllegalArgumentException("squaredNorm: out has no element");
        }
        for (int i = 0; i < xs.size(); i++) {
            Storage x = xs.get(i);
            if (x == null) {
                throw new IllegalArgumentException("squaredNorm: storage " + i + " is null");
            }
            owned(backend, "squaredNorm storage " + i, x);
            if (x.dtype() != out.dtype()) {
                throw new IllegalArgumentException("squaredNorm: storage " + i + " is " + x.dtype().displayName()
                        + ", out is " + out.dtype().displayName());
            }
        }
    }

    /**
     * The arguments of {@link Backend#batchNormForward}: every storage (weight and bias may be null, together;
     * running may be null) owned by {@code backend}, one dtype, x and y of {@code shape.numel()} elements and
     * distinct, the per-channel ones of {@code shape.c()} and the running ones distinct from the rest, eps
     * positive and finite.
     */
    public static void batchNormForward(Backend backend, BatchNormShape shape, double eps, Storage x, Storage weight,
                                        Storage bias, Storage y, Storage mean, Storage var,
                                        BatchNormRunningStats running) {
        String op = "batchNormForward";
        required(op, "x", x);
        required(op, "y", y);
        required(op, "mean", mean);
        required(op, "var", var);
        if ((weight == null) != (bias == null)) {
            throw new IllegalArgumentException(op + ": weight and bias are both given (affine) or both null, got "
                    + (weight == null ? "bias only" : "weight only"));
        }
        if (y == x) {
            throw new IllegalArgumentException(op + ": y must not be x (the statistics are read from x while y is"
                    + " written)");
        }
        batchNormArguments(backend, op, shape, eps, new Storage[] {x, y}, new Storage[] {weight, bias, mean, var},
                new String[] {"x", "y"}, new String[] {"weight", "bias", "mean", "var"});
        if (running != null) {
            batchNormArguments(backend, op, shape, eps, new Storage[] {x}, new Storage[] {running.mean(),
                    running.var()}, new String[] {"x"}, new String[] {"running mean", "running var"});
            for (Storage s : new Storage[] {x, weight, bias, y, mean, var}) {
                if (s == running.mean() || s == running.var()) {
                    throw new IllegalArgumentException(op + ": a running statistic is also another operand");
                }
            }
        }
    }

    /** The arguments of {@link Backend#batchNormBackward}, as {@link #batchNormForward}'s; outputs may be null. */
    public static void batchNormBackward(Backend backend, BatchNormShape shape, double eps, Storage dy, Storage x,
                                         Storage mean, Storage var, Storage weight, Storage dx, Storage dWeight,
                                         Storage dBias) {
        required("batchNormBackward", "dy", dy);
        required("batchNormBackward", "x", x);
        required("batchNormBackward", "mean", mean);
        required("batchNormBackward", "var", var);
        batchNormArguments(backend, "batchNormBackward", shape, eps, new Storage[] {dy, x, dx},
                new Storage[] {mean, var, weight, dWeight, dBias}, new String[] {"dy", "x", "dx"},
                new String[] {"mean", "var", "weight", "dWeight", "dBias"});
        if (dx == null && dWeight == null && dBias == null) {
            throw new IllegalArgumentException("batchNormBackward: dx, dWeight and dBias are all null: nothing to"
                    + " compute");
        }
    }

    private static void required(String op, String name, Storage s) {
        if (s == null) {
            throw new IllegalArgumentException(op + ": " + name + " is null");
        }
    }

    /**
     * Shared checks: the named storages of {@code full} hold the input's layout, those of {@code perChannel} one
     * value per channel; null entries are optional ones left out (the callers check the required ones).
     */
    private static void batchNormArguments(Backend backend, String op, BatchNormShape shape, double eps,
                                           Storage[] full, Storage[] perChannel, String[] fullNames,
                                           String[] channelNames) {
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException(op + ": eps must be positive and finite, got " + eps);
        }
        DType dtype = null;
        for (int group = 0; group < 2; group++) {
            Storage[] storages = group == 0 ? full : perChannel;
            String[] names = group == 0 ? fullNames : channelNames;
            long need = group == 0 ? shape.numel() : shape.c();
            for (int i = 0; i < storages.length; i++) {
                Storage s = storages[i];
                String name = names[i];
                if (s == null) {
                    continue;
                }
                owned(backend, op + " " + name, s);
                if (dtype == null) {
                    dtype = s.dtype();
                } else if (s.dtype() != dtype) {
                    throw new IllegalArgumentException(op + ": " + name + " is " + s.dtype().displayName()
                            + ", the other operands " + dtype.displayName());
                }
                if (s.numel() < need) {
                    throw new IllegalArgumentException(op + ": " + name + " has " + s.numel() + " elements, "
                            + shape + " needs " + need);
                }
            }
        }
    }
}
