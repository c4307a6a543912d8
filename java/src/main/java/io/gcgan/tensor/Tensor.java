package io.gcgan.tensor;

import io.gcgan.backend.Backend;
import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.ReduceOp;
import io.gcgan.backend.Storage;
import io.gcgan.backend.UnaryOp;
import io.gcgan.random.Generator;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense, row-major n-dimensional array of float32 or float64 on one device.
 *
 * <p>Every tensor is contiguous: {@link #reshape} shares storage, while permute, slice, expand and concat
 * produce new dense tensors through the backend's strided copy. Operations allocate their results in the
 * current {@link TensorScope} (or leave them to the garbage collector outside any scope). Operands of one
 * operation must share dtype and device; shapes broadcast as in NumPy. Dimensions may be given negative
 * (-1 is the last). A bad shape throws an {@link IllegalArgumentException} that names the operation and the
 * shapes involved.
 */
public final class Tensor {

    private final Storage storage;
    private final long[] shape;

    private Tensor(Storage storage, long[] shape) {
        this.storage = storage;
        this.shape = shape;
    }

    /** Wraps an existing storage (for backends and optimizers); its element count must equal the shape's. */
    public static Tensor wrap(Storage storage, long... shape) {
        long[] s = Shapes.checked("wrap", shape);
        if (Shapes.numel(s) != storage.numel()) {
            throw new IllegalArgumentException("wrap: shape " + Shapes.toString(s) + " has " + Shapes.numel(s)
                    + " elements, storage has " + storage.numel());
        }
        return new Tensor(storage, s);
    }

    // ==== creation =========================================================================================

    /** Uninitialized tensor in the current scope. */
    public static Tensor empty(DType dtype, Device device, long... shape) {
        long[] s = Shapes.checked("empty", shape);
        Backend backend = Backends.of(device);
        return new Tensor(backend.allocate(dtype, Shapes.numel(s), TensorScope.current()), s);
    }

    public static Tensor full(double value, DType dtype, Device device, long... shape) {
        Tensor t = empty(dtype, device, shape);
        t.backend().fill(t.storage, value);
        return t;
    }

    public static Tensor full(double value, long... shape) {
        return full(value, DType.FLOAT32, Device.CPU, shape);
    }

    public static Tensor zeros(DType dtype, Device device, long... shape) {
        return full(0.0, dtype, device, shape);
    }

    /** float32 zeros on the CPU. */
    public static Tensor zeros(long... shape) {
        return zeros(DType.FLOAT32, Device.CPU, shape);
    }

    public static Tensor ones(DType dtype, Device device, long... shape) {
        return full(1.0, dtype, device, shape);
    }

    /** float32 ones on the CPU. */
    public static Tensor ones(long... shape) {
        return ones(DType.FLOAT32, Device.CPU, shape);
    }

    /** A rank-0 tensor holding {@code value}. */
    public static Tensor scalar(double value, DType dtype, Device device) {
        return full(value, dtype, device);
    }

    /** A rank-0 float32 CPU tensor. */
    public static Tensor scalar(double value) {
        return scalar(value, DType.FLOAT32, Device.CPU);
    }

    /** start, start + step, ... while below {@code end} (above it for a negative step), as a 1-D tensor. */
    public static Tensor arange(double start, double end, double step, DType dtype, Device device) {
        if (step == 0 || !Double.isFinite(step) || !Double.isFinite(start) || !Double.isFinite(end)) {
            throw new IllegalArgumentException("arange: need finite start, end and a non-zero step, got start="
                    + start + " end=" + end + " step=" + step);
        }
        long n = Math.max(0, (long) Math.ceil((end - start) / step));
        double[] values = new double[Math.toIntExact(n)];
        for (int i = 0; i < values.length; i++) {
            values[i] = start + i * step;
        }
        return of(values, n).to(dtype).to(device);
    }

    /** 0, 1, ..., n-1 as float32 on the CPU. */
    public static Tensor arange(long n) {
        return arange(0, n, 1, DType.FLOAT32, Device.CPU);
    }

    /** A float32 CPU tensor holding a copy of {@code data} (row-major). */
    public static Tensor of(float[] data, long... shape) {
        long[] s = Shapes.checked("of", shape);
        checkDataLength(data.length, s);
        Tensor t = empty(DType.FLOAT32, Device.CPU, s);
        t.backend().copyFromHost(MemorySegment.ofArray(data), t.storage);
        return t;
    }

    /** A float64 CPU tensor holding a copy of {@code data} (row-major). */
    public static Tensor of(double[] data, long... shape) {
        long[] s = Shapes.checked("of", shape);
        checkDataLength(data.length, s);
        Tensor t = empty(DType.FLOAT64, Device.CPU, s);
        t.backend().copyFromHost(MemorySegment.ofArray(data), t.storage);
        return t;
    }

    private static void checkDataLength(int length, long[] shape) {
        if (length != Shapes.numel(shape)) {
            throw new IllegalArgumentException("of: " + length + " values cannot fill shape " + Shapes.toString(shape)
                    + " (" + Shapes.numel(shape) + " elements)");
        }
    }

    /** Uniform in (0, 1) from {@code generator}'s Philox stream; consumes numel counter blocks. */
    public static Tensor rand(Generator generator, DType dtype, Device device, long... shape) {
        Tensor t = empty(dtype, device, shape);
        long offset = generator.reserve(t.numel());
        t.backend().randomUniform(t.storage, generator.seed(), offset);
        return t;
    }

    public static Tensor rand(Generator generator, long... shape) {
        return rand(generator, DType.FLOAT32, Device.CPU, shape);
    }

    /** Standard normal from {@code generator}'s Philox stream; consumes numel counter blocks. */
    public static Tensor randn(Generator generator, DType dtype, Device device, long... shape) {
        Tensor t = empty(dtype, device, shape);
        long offset = generator.reserve(t.numel());
        t.backend().randomNormal(t.storage, generator.seed(), offset);
        return t;
    }

    public static Tensor randn(Generator generator, long... shape) {
        return randn(generator, DType.FLOAT32, Device.CPU, shape);
    }

    // ==== properties =======================================================================================

    public long[] shape() {
        return shape.clone();
    }

    public long size(int dim) {
        return shape[Shapes.normalizeDim("size", dim, shape.length)];
    }

    public int rank() {
        return shape.length;
    }

    public long numel() {
        return storage.numel();
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return storage.backend().device();
    }

    public Backend backend() {
        return storage.backend();
    }

    /** The dense storage behind this tensor (shared by reshapes of it). */
    public Storage storage() {
        return storage;
    }

    // ==== conversion =======================================================================================

    /** A copy with the same shape, dtype and device, in the current scope. */
    public Tensor copy() {
        Tensor out = empty(dtype(), device(), shape);
        copyDense(this, out);
        return out;
    }

    /** Overwrites this tensor's elements with {@code src}'s (same shape; dtype converted if different). */
    public Tensor assign(Tensor src) {
        if (!Arrays.equals(shape, src.shape)) {
            throw new IllegalArgumentException("assign: shapes " + Shapes.toString(shape) + " and "
                    + Shapes.toString(src.shape) + " differ");
        }
        checkSameDevice("assign", this, src);
        copyDense(src, this);
        return this;
    }

    private static void copyDense(Tensor src, Tensor dst) {
        long[] strides = Shapes.denseStrides(src.shape);
        src.backend().copyStrided(src.storage, 0, strides, dst.storage, 0, strides, src.shape);
    }

    /** This tensor converted to {@code dtype} (itself when it already has it). */
    public Tensor to(DType dtype) {
        if (dtype == dtype()) {
            return this;
        }
        Tensor out = empty(dtype, device(), shape);
        copyDense(this, out);
        return out;
    }

    /** This tensor on {@code device} (itself when already there), copied through host memory. */
    public Tensor to(Device device) {
        if (device.equals(device())) {
            return this;
        }
        Tensor out = empty(dtype(), device, shape);
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            MemorySegment host = arena.allocate(storage.byteSize(), 64);
            backend().copyToHost(storage, host);
            out.backend().copyFromHost(host, out.storage);
        }
        return out;
    }

    public float[] toFloatArray() {
        if (dtype() == DType.FLOAT32) {
            float[] out = new float[Math.toIntExact(numel())];
            backend().copyToHost(storage, MemorySegment.ofArray(out));
            return out;
        }
        double[] d = toDoubleArray();
        float[] out = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = (float) d[i];
        }
        return out;
    }

    public double[] toDoubleArray() {
        if (dtype() == DType.FLOAT64) {
            double[] out = new double[Math.toIntExact(numel())];
            backend().copyToHost(storage, MemorySegment.ofArray(out));
            return out;
        }
        float[] f = toFloatArray();
        double[] out = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            out[i] = f[i];
        }
        return out;
    }

    /** The single value of a one-element tensor. */
    public double item() {
        if (numel() != 1) {
            throw new IllegalArgumentException("item: tensor of shape " + Shapes.toString(shape)
                    + " has " + numel() + " elements, not 1");
        }
        return toDoubleArray()[0];
    }

    // ==== shape ============================================================================================

    /** Same storage, new shape with the same element count; one dimension may be -1 (inferred). */
    public Tensor reshape(long... newShape) {
        long[] s = newShape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) {
                    throw new IllegalArgumentException("reshape: more than one -1 in " + Shapes.toString(newShape));
                }
                infer = i;
            } else if (s[i] < 0) {
                throw new IllegalArgumentException("reshape: bad size in " + Shapes.toString(newShape));
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) {
            if (known == 0 || numel() % known != 0) {
                throw new IllegalArgumentException("reshape: cannot reshape " + Shapes.toString(shape) + " ("
                        + numel() + " elements) into " + Shapes.toString(newShape));
            }
            s[infer] = numel() / known;
        }
        if (Shapes.numel(s) != numel()) {
            throw new IllegalArgumentException("reshape: cannot reshape " + Shapes.toString(shape) + " ("
                    + numel() + " elements) into " + Shapes.toString(newShape));
        }
        return new Tensor(storage, s);
    }

    /** [d0, d1, ...] -> [d0, d1 * ...]: keeps the first dimension (the batch). */
    public Tensor flattenFrom(int startDim) {
        int d = Shapes.normalizeDim("flattenFrom", startDim, shape.length);
        long[] s = Arrays.copyOf(shape, d + 1);
        long tail = 1;
        for (int i = d; i < shape.length; i++) {
            tail *= shape[i];
        }
        s[d] = tail;
        return new Tensor(storage, s);
    }

    /** Inserts a dimension of size 1 at {@code dim} (in [-(rank+1), rank]). */
    public Tensor unsqueeze(int dim) {
        int d = Shapes.normalizeDim("unsqueeze", dim, shape.length + 1);
        long[] s = new long[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            s[i] = i == d ? 1 : shape[j++];
        }
        return new Tensor(storage, s);
    }

    /** Removes dimension {@code dim}, which must have size 1. */
    public Tensor squeeze(int dim) {
        int d = Shapes.normalizeDim("squeeze", dim, shape.length);
        if (shape[d] != 1) {
            throw new IllegalArgumentException("squeeze: dimension " + dim + " of " + Shapes.toString(shape)
                    + " has size " + shape[d] + ", not 1");
        }
        long[] s = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != d) {
                s[j++] = shape[i];
            }
        }
        return new Tensor(storage, s);
    }

    /** Reorders dimensions: result dimension i is this tensor's dimension {@code dims[i]}. */
    public Tensor permute(int... dims) {
        if (dims.length != shape.length) {
            throw new IllegalArgumentException("permute: " + dims.length + " dimensions given for shape "
                    + Shapes.toString(shape));
        }
        boolean[] seen = new boolean[dims.length];
        long[] dense = Shapes.denseStrides(shape);
        long[] outShape = new long[dims.length];
        long[] srcStrides = new long[dims.length];
        for (int i = 0; i < dims.length; i++) {
            int d = Shapes.normalizeDim("permute", dims[i], shape.length);
            if (seen[d]) {
                throw new IllegalArgumentException("permute: dimension " + dims[i] + " repeated in "
                        + Arrays.toString(dims));
            }
            seen[d] = true;
            outShape[i] = shape[d];
            srcStrides[i] = dense[d];
        }
        Tensor out = empty(dtype(), device(), outShape);
        backend().copyStrided(storage, 0, srcStrides, out.storage, 0, Shapes.denseStrides(outShape), outShape);
        return out;
    }

    /** Swaps two dimensions. */
    public Tensor transpose(int dim0, int dim1) {
        int a = Shapes.normalizeDim("transpose", dim0, shape.length);
        int b = Shapes.normalizeDim("transpose", dim1, shape.length);
        int[] order = new int[shape.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        order[a] = b;
        order[b] = a;
        return permute(order);
    }

    /** Elements {@code start, start+1, ..., end-1} along {@code dim}. */
    public Tensor slice(int dim, long start, long end) {
        return slice(dim, start, end, 1);
    }

    /** Elements {@code start, start+step, ...} below {@code end} along {@code dim}; step >= 1. */
    public Tensor slice(int dim, long start, long end, long step) {
        int d = Shapes.normalizeDim("slice", dim, shape.length);
        if (step < 1 || start < 0 || end < start || end > shape[d]) {
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") step " + step
                    + " is not within dimension " + dim + " of " + Shapes.toString(shape));
        }
        long[] outShape = shape.clone();
        outShape[d] = (end - start + step - 1) / step;
        long[] srcStrides = Shapes.denseStrides(shape);
        long offset = start * srcStrides[d];
        srcStrides[d] *= step;
        Tensor out = empty(dtype(), device(), outShape);
        backend().copyStrided(storage, offset, srcStrides, out.storage, 0, Shapes.denseStrides(outShape), outShape);
        return out;
    }

    /** Joins tensors of equal shape except along {@code dim}. */
    public static Tensor cat(int dim, Tensor... tensors) {
        if (tensors.length == 0) {
            throw new IllegalArgumentException("cat: no tensors given");
        }
        Tensor first = tensors[0];
        int d = Shapes.normalizeDim("cat", dim, first.rank());
        long total = 0;
        for (Tensor t : tensors) {
            checkCompatible("cat", first, t);
            boolean ok = t.rank() == first.rank();
            for (int i = 0; ok && i < t.rank(); i++) {
                ok = i == d || t.shape[i] == first.shape[i];
            }
            if (!ok) {
                throw new IllegalArgumentException("cat: shapes " + Shapes.toString(first.shape) + " and "
                        + Shapes.toString(t.shape) + " differ outside dimension " + dim);
            }
            total += t.shape[d];
        }
        long[] outShape = first.shape.clone();
        outShape[d] = total;
        Tensor out = empty(first.dtype(), first.device(), outShape);
        long[] outStrides = Shapes.denseStrides(outShape);
        long at = 0;
        for (Tensor t : tensors) {
            first.backend().copyStrided(t.storage, 0, Shapes.denseStrides(t.shape), out.storage,
                    at * outStrides[d], outStrides, t.shape);
            at += t.shape[d];
        }
        return out;
    }

    /** Materializes the broadcast of this tensor to {@code target}. */
    public Tensor expand(long... target) {
        long[] b = Shapes.broadcast("expand", shape, target);
        if (!Arrays.equals(b, target)) {
            throw new IllegalArgumentException("expand: shape " + Shapes.toString(shape) + " cannot be expanded to "
                    + Shapes.toString(target));
        }
        Tensor out = empty(dtype(), device(), target);
        backend().copyStrided(storage, 0, Shapes.broadcastStrides(shape, target), out.storage, 0,
                Shapes.denseStrides(target), target);
        return out;
    }

    // ==== elementwise ======================================================================================

    private Tensor unary(UnaryOp op, double p0, double p1) {
        Tensor out = empty(dtype(), device(), shape);
        backend().unary(op, p0, p1, storage, out.storage);
        return out;
    }

    public Tensor neg() {
        return unary(UnaryOp.NEG, 0, 0);
    }

    public Tensor abs() {
        return unary(UnaryOp.ABS, 0, 0);
    }

    public Tensor sign() {
        return unary(UnaryOp.SIGN, 0, 0);
    }

    public Tensor exp() {
        return unary(UnaryOp.EXP, 0, 0);
    }

    public Tensor log() {
        return unary(UnaryOp.LOG, 0, 0);
    }

    public Tensor sqrt() {
        return unary(UnaryOp.SQRT, 0, 0);
    }

    public Tensor tanh() {
        return unary(UnaryOp.TANH, 0, 0);
    }

    public Tensor sigmoid() {
        return unary(UnaryOp.SIGMOID, 0, 0);
    }

    public Tensor relu() {
        return unary(UnaryOp.RELU, 0, 0);
    }

    public Tensor leakyRelu(double negativeSlope) {
        return unary(UnaryOp.LEAKY_RELU, negativeSlope, 0);
    }

    /** log(1 + exp(x)), stable for large |x|. */
    public Tensor softplus() {
        return unary(UnaryOp.SOFTPLUS, 0, 0);
    }

    public Tensor pow(double exponent) {
        return unary(UnaryOp.POW_SCALAR, exponent, 0);
    }

    public Tensor square() {
        return pow(2.0);
    }

    /** min(max(x, min), max); NaN stays NaN. */
    public Tensor clamp(double min, double max) {
        if (min > max) {
            throw new IllegalArgumentException("clamp: min " + min + " > max " + max);
        }
        return unary(UnaryOp.CLAMP, min, max);
    }

    private Tensor binary(BinaryOp op, Tensor other) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT);
        checkCompatible(name, this, other);
        long[] outShape = Shapes.broadcast(name, shape, other.shape);
        Tensor out = empty(dtype(), device(), outShape);
        backend().binary(op, storage, Shapes.broadcastStrides(shape, outShape),
                other.storage, Shapes.broadcastStrides(other.shape, outShape), out.storage, outShape);
        return out;
    }

    private Tensor scalarLike(double value) {
        return scalar(value, dtype(), device());
    }

    public Tensor add(Tensor other) {
        return binary(BinaryOp.ADD, other);
    }

    public Tensor add(double value) {
        return binary(BinaryOp.ADD, scalarLike(value));
    }

    public Tensor sub(Tensor other) {
        return binary(BinaryOp.SUB, other);
    }

    public Tensor sub(double value) {
        return binary(BinaryOp.SUB, scalarLike(value));
    }

    public Tensor mul(Tensor other) {
        return binary(BinaryOp.MUL, other);
    }

    public Tensor mul(double value) {
        return binary(BinaryOp.MUL, scalarLike(value));
    }

    public Tensor div(Tensor other) {
        return binary(BinaryOp.DIV, other);
    }

    public Tensor div(double value) {
        return binary(BinaryOp.DIV, scalarLike(value));
    }

    /** Elementwise power with a tensor exponent. */
    public Tensor pow(Tensor exponent) {
        return binary(BinaryOp.POW, exponent);
    }

    /** Elementwise maximum (NaN propagates). */
    public Tensor maximum(Tensor other) {
        return binary(BinaryOp.MAX, other);
    }

    public Tensor maximum(double value) {
        return binary(BinaryOp.MAX, scalarLike(value));
    }

    public Tensor minimum(Tensor other) {
        return binary(BinaryOp.MIN, other);
    }

    public Tensor minimum(double value) {
        return binary(BinaryOp.MIN, scalarLike(value));
    }

    /** 1 where equal, else 0, in this tensor's dtype. */
    public Tensor eq(Tensor other) {
        return binary(BinaryOp.EQ, other);
    }

    public Tensor ne(Tensor other) {
        return binary(BinaryOp.NE, other);
    }

    public Tensor lt(Tensor other) {
        return binary(BinaryOp.LT, other);
    }

    public Tensor le(Tensor other) {
        return binary(BinaryOp.LE, other);
    }

    public Tensor gt(Tensor other) {
        return binary(BinaryOp.GT, other);
    }

    public Tensor ge(Tensor other) {
        return binary(BinaryOp.GE, other);
    }

    public Tensor gt(double value) {
        return binary(BinaryOp.GT, scalarLike(value));
    }

    public Tensor lt(double value) {
        return binary(BinaryOp.LT, scalarLike(value));
    }

    /** {@code cond != 0 ? a : b} elementwise, all three broadcast together. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        checkCompatible("where", cond, a);
        checkCompatible("where", a, b);
        long[] outShape = Shapes.broadcast("where", Shapes.broadcast("where", cond.shape, a.shape), b.shape);
        Tensor out = empty(a.dtype(), a.device(), outShape);
        a.backend().where(cond.storage, Shapes.broadcastStrides(cond.shape, outShape),
                a.storage, Shapes.broadcastStrides(a.shape, outShape),
                b.storage, Shapes.broadcastStrides(b.shape, outShape), out.storage, outShape);
        return out;
    }

    // ==== reductions =======================================================================================

    private Tensor reduce(ReduceOp op, int[] dims, boolean keepDim) {
        String name = op.name().toLowerCase(java.util.Locale.ROOT);
        int[] axes = normalizeAxes(name, dims, shape.length);
        long[] kept = shape.clone();
        for (int a : axes) {
            kept[a] = 1;
        }
        if (op == ReduceOp.MAX) {
            for (int a : axes) {
                if (shape[a] == 0) {
                    throw new IllegalArgumentException("max: dimension " + a + " of " + Shapes.toString(shape)
                            + " is empty");
                }
            }
        }
        Tensor out = empty(dtype(), device(), kept);
        backend().reduce(op, storage, shape, axes, out.storage);
        return keepDim ? out : out.reshape(dropAxes(shape, axes));
    }

    /** Sorted, distinct, non-negative axes; an empty array means every dimension. */
    private static int[] normalizeAxes(String op, int[] dims, int rank) {
        if (dims.length == 0) {
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] axes = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            axes[i] = Shapes.normalizeDim(op, dims[i], rank);
        }
        Arrays.sort(axes);
        for (int i = 1; i < axes.length; i++) {
            if (axes[i] == axes[i - 1]) {
                throw new IllegalArgumentException(op + ": dimension repeated in " + Arrays.toString(dims));
            }
        }
        return axes;
    }

    private static long[] dropAxes(long[] shape, int[] axes) {
        long[] out = new long[shape.length - axes.length];
        for (int d = 0, j = 0, k = 0; d < shape.length; d++) {
            if (k < axes.length && axes[k] == d) {
                k++;
            } else {
                out[j++] = shape[d];
            }
        }
        return out;
    }

    /** Sum of all elements, as a rank-0 tensor. */
    public Tensor sum() {
        return reduce(ReduceOp.SUM, new int[0], false);
    }

    /** Sum over {@code dims} (every dimension when empty). */
    public Tensor sum(int[] dims, boolean keepDim) {
        return reduce(ReduceOp.SUM, dims, keepDim);
    }

    public Tensor mean() {
        return reduce(ReduceOp.MEAN, new int[0], false);
    }

    public Tensor mean(int[] dims, boolean keepDim) {
        return reduce(ReduceOp.MEAN, dims, keepDim);
    }

    public Tensor max() {
        return reduce(ReduceOp.MAX, new int[0], false);
    }

    public Tensor max(int[] dims, boolean keepDim) {
        return reduce(ReduceOp.MAX, dims, keepDim);
    }

    /**
     * Variance over {@code dims}: sum((x - mean)^2) / (count - correction); correction 0 is the population
     * variance (BatchNorm's), 1 the unbiased estimate.
     */
    public Tensor variance(int[] dims, int correction, boolean keepDim) {
        int[] axes = normalizeAxes("variance", dims, shape.length);
        long count = 1;
        for (int a : axes) {
            count *= shape[a];
        }
        if (correction < 0 || count - correction <= 0) {
            throw new IllegalArgumentException("variance: correction " + correction + " needs more than "
                    + correction + " elements, dimensions " + Arrays.toString(dims) + " of "
                    + Shapes.toString(shape) + " have " + count);
        }
        Tensor centred = sub(mean(axes, true));
        return centred.mul(centred).sum(axes, keepDim).div(count - correction);
    }

    // ==== linear algebra ===================================================================================

    /** Matrix product over the last two dimensions; leading (batch) dimensions broadcast. */
    public Tensor matmul(Tensor other) {
        return matmul(other, false, false);
    }

    /**
     * {@code op(this) @ op(other)} where op swaps the last two dimensions when its flag is set, without
     * materializing the transpose. Both operands have rank >= 2.
     */
    public Tensor matmul(Tensor other, boolean transposeThis, boolean transposeOther) {
        checkCompatible("matmul", this, other);
        if (rank() < 2 || other.rank() < 2) {
            throw new IllegalArgumentException("matmul: operands need rank >= 2, got " + Shapes.toString(shape)
                    + " and " + Shapes.toString(other.shape));
        }
        long m = transposeThis ? shape[rank() - 1] : shape[rank() - 2];
        long k = transposeThis ? shape[rank() - 2] : shape[rank() - 1];
        long k2 = transposeOther ? other.shape[other.rank() - 1] : other.shape[other.rank() - 2];
        long n = transposeOther ? other.shape[other.rank() - 2] : other.shape[other.rank() - 1];
        if (k != k2) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shapes.toString(shape)
                    + (transposeThis ? "^T" : "") + " @ " + Shapes.toString(other.shape)
                    + (transposeOther ? "^T" : "") + " (" + k + " vs " + k2 + ")");
        }
        long[] aBatch = Arrays.copyOf(shape, rank() - 2);
        long[] bBatch = Arrays.copyOf(other.shape, other.rank() - 2);
        long[] batch = Shapes.broadcast("matmul", aBatch, bBatch);
        Tensor a = batchOperand(this, aBatch, batch);
        Tensor b = batchOperand(other, bBatch, batch);
        long batchCount = Shapes.numel(batch);
        long[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;
        Tensor out = empty(dtype(), device(), outShape);
        long aStride = Shapes.numel(a.shape) == m * k ? 0 : m * k;
        long bStride = Shapes.numel(b.shape) == k * n ? 0 : k * n;
        backend().matmul(a.storage, aStride, transposeThis, b.storage, bStride, transposeOther, out.storage,
                Math.toIntExact(batchCount), Math.toIntExact(m), Math.toIntExact(n), Math.toIntExact(k));
        return out;
    }

    /** The operand as stored when its batch is the full batch or a single matrix; else expanded. */
    private static Tensor batchOperand(Tensor t, long[] ownBatch, long[] batch) {
        if (Arrays.equals(ownBatch, batch) || Shapes.numel(ownBatch) == 1) {
            return t;
        }
        long[] target = Arrays.copyOf(batch, batch.length + 2);
        target[batch.length] = t.shape[t.rank() - 2];
        target[batch.length + 1] = t.shape[t.rank() - 1];
        return t.expand(target);
    }

    // ==== convolution ======================================================================================

    /** x [N, C, H, W] conv weight [K, C, R, S] -> [N, K, P, Q]. */
    public Tensor conv2d(Tensor weight, int strideH, int strideW, int padH, int padW) {
        ConvGeometry g = convGeometry("conv2d", shape, weight, strideH, strideW, padH, padW);
        Tensor out = empty(dtype(), device(), g.yShape());
        backend().conv2dForward(storage, weight.storage, out.storage, g);
        return out;
    }

    /**
     * The gradient of conv2d with respect to its input: dy [N, K, P, Q], weight [K, C, R, S] -> [N, C, H, W]
     * where {@code inputShape} = [N, C, H, W] gives H and W (any H, W whose conv2d output is P x Q).
     */
    public static Tensor conv2dBackwardData(Tensor dy, Tensor weight, long[] inputShape,
                                            int strideH, int strideW, int padH, int padW) {
        checkCompatible("conv2dBackwardData", dy, weight);
        ConvGeometry g = convGeometry("conv2dBackwardData", inputShape, weight, strideH, strideW, padH, padW);
        checkShape("conv2dBackwardData", "dy", dy.shape, g.yShape());
        Tensor dx = empty(dy.dtype(), dy.device(), g.xShape());
        dy.backend().conv2dBackwardData(dy.storage, weight.storage, dx.storage, g);
        return dx;
    }

    /** The gradient of conv2d with respect to its weight: x [N, C, H, W], dy [N, K, P, Q] -> [K, C, R, S]. */
    public static Tensor conv2dBackwardWeight(Tensor x, Tensor dy, long[] weightShape,
                                              int strideH, int strideW, int padH, int padW) {
        checkCompatible("conv2dBackwardWeight", x, dy);
        if (x.rank() != 4 || weightShape.length != 4) {
            throw new IllegalArgumentException("conv2dBackwardWeight: x " + Shapes.toString(x.shape)
                    + " and weight shape " + Shapes.toString(weightShape) + " must have rank 4");
        }
        ConvGeometry g = geometry("conv2dBackwardWeight", x.shape, weightShape, strideH, strideW, padH, padW);
        checkShape("conv2dBackwardWeight", "dy", dy.shape, g.yShape());
        Tensor dw = empty(x.dtype(), x.device(), g.wShape());
        x.backend().conv2dBackwardWeight(x.storage, dy.storage, dw.storage, g);
        return dw;
    }

    /**
     * Transposed conv: x [N, Cin, H, W], weight [Cin, Cout, R, S] (PyTorch's layout) ->
     * [N, Cout, (H-1)*strideH - 2*padH + R + outPadH, ...]. It is conv2d's backward-data with this weight.
     */
    public Tensor convTranspose2d(Tensor weight, int strideH, int strideW, int padH, int padW,
                                  int outPadH, int outPadW) {
        checkCompatible("convTranspose2d", this, weight);
        if (rank() != 4 || weight.rank() != 4 || weight.shape[0] != shape[1]) {
            throw new IllegalArgumentException("convTranspose2d: input " + Shapes.toString(shape) + " and weight "
                    + Shapes.toString(weight.shape) + " need rank 4 and weight[0] == input channels");
        }
        if (outPadH < 0 || outPadW < 0 || outPadH >= Math.max(strideH, 1) || outPadW >= Math.max(strideW, 1)) {
            throw new IllegalArgumentException("convTranspose2d: output padding (" + outPadH + ", " + outPadW
                    + ") must be >= 0 and smaller than the stride (" + strideH + ", " + strideW + ")");
        }
        long outH = (shape[2] - 1) * strideH - 2L * padH + weight.shape[2] + outPadH;
        long outW = (shape[3] - 1) * strideW - 2L * padW + weight.shape[3] + outPadW;
        if (outH < 1 || outW < 1) {
            throw new IllegalArgumentException("convTranspose2d: output size " + outH + "x" + outW
                    + " is empty for input " + Shapes.toString(shape) + " and weight " + Shapes.toString(weight.shape));
        }
        return conv2dBackwardData(this, weight, new long[] {shape[0], weight.shape[1], outH, outW},
                strideH, strideW, padH, padW);
    }

    private static ConvGeometry convGeometry(String op, long[] xShape, Tensor weight,
                                             int strideH, int strideW, int padH, int padW) {
        if (xShape.length != 4 || weight.rank() != 4) {
            throw new IllegalArgumentException(op + ": input " + Shapes.toString(xShape) + " and weight "
                    + Shapes.toString(weight.shape) + " must have rank 4 (NCHW, KCRS)");
        }
        return geometry(op, xShape, weight.shape, strideH, strideW, padH, padW);
    }

    private static ConvGeometry geometry(String op, long[] x, long[] w, int strideH, int strideW, int padH, int padW) {
        if (x[1] != w[1]) {
            throw new IllegalArgumentException(op + ": input " + Shapes.toString(x) + " has " + x[1]
                    + " channels, weight " + Shapes.toString(w) + " expects " + w[1]);
        }
        try {
            return new ConvGeometry(Math.toIntExact(x[0]), Math.toIntExact(x[1]), Math.toIntExact(x[2]),
                    Math.toIntExact(x[3]), Math.toIntExact(w[0]), Math.toIntExact(w[2]), Math.toIntExact(w[3]),
                    strideH, strideW, padH, padW);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": input " + Shapes.toString(x) + ", weight "
                    + Shapes.toString(w) + ": " + e.getMessage(), e);
        }
    }

    private static void checkShape(String op, String what, long[] actual, long[] expected) {
        if (!Arrays.equals(actual, expected)) {
            throw new IllegalArgumentException(op + ": " + what + " has shape " + Shapes.toString(actual)
                    + ", expected " + Shapes.toString(expected));
        }
    }

    // ==== checks and printing ==============================================================================

    private static void checkCompatible(String op, Tensor a, Tensor b) {
        Objects.requireNonNull(b, op + ": operand is null");
        checkSameDevice(op, a, b);
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": dtypes " + a.dtype().displayName() + " and "
                    + b.dtype().displayName() + " differ (shapes " + Shapes.toString(a.shape) + " and "
                    + Shapes.toString(b.shape) + "); convert one with to(DType)");
        }
    }

    private static void checkSameDevice(String op, Tensor a, Tensor b) {
        if (!a.device().equals(b.device())) {
            throw new IllegalArgumentException(op + ": tensors on " + a.device() + " and " + b.device()
                    + "; move one with to(Device)");
        }
    }

    /** Shape, dtype, device and up to the first 8 values. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(shape=").append(Shapes.toString(shape))
                .append(", dtype=").append(dtype().displayName()).append(", device=").append(device());
        if (numel() <= 8 && storage.segment().scope().isAlive()) {
            sb.append(", values=").append(Arrays.toString(toDoubleArray()));
        }
        return sb.append(')').toString();
    }
}
