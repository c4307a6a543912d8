package io.gcgan.tensor;

import io.gcgan.backend.Backend;
import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.Storage;
import io.gcgan.random.Generator;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.List;
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
 *
 * <p>Autograd: a leaf marked with {@link #requiresGrad(boolean)} makes every result computed from it (while
 * {@link GradMode} is enabled) record a {@link GradFn}; the engine in {@code io.gcgan.autograd} walks those
 * records backwards. Derivative rules live beside their forwards in {@code Pointwise}, {@code ShapeOps},
 * {@code Reductions} and {@code LinearAlgebra}, written in differentiable tensor operations.
 */
public final class Tensor {

    final Storage storage;
    final long[] shape;
    /** The in-place writes to {@link #storage}, shared by the tensors that view it (detach, reshape). */
    final Version version;

    // Autograd state. A leaf that requires grad accumulates into `grad`; a recorded result has a gradFn.
    private boolean requiresGrad;
    private GradFn gradFn;
    private Tensor grad;
    // zeroGrad() leaves the gradient's memory in place but marks it as zeros not yet written: the next backward pass
    // copies its gradient in (one pass, no fill and add), and grad() writes the zeros only if it is read first.
    private boolean gradPendingZero;
    // Whether recorded calls (Capture) write the gradient: then the pending flag above, which lives in Java, would not
    // reach the device at a replay, so zeroGrad() outside a recording writes its zeros at once.
    private boolean gradWrittenByRecording;

    Tensor(Storage storage, long[] shape) {
        this(storage, shape, new Version());
    }

    /** A view of {@code storage}, which the tensors of {@code version} view too. */
    Tensor(Storage storage, long[] shape, Version version) {
        this.storage = storage;
        this.shape = shape;
        this.version = version;
    }

    /**
     * How many times a storage has been written in place, and by what last: a recorded operation notes its inputs'
     * and output's counts, and its derivative is refused if one has changed since ({@link GradFn#apply}), since the
     * rule would compute with the new values.
     */
    static final class Version {
        private int count;
        private String lastWrite = "";

        int count() {
            return count;
        }

        String lastWrite() {
            return lastWrite;
        }

        void wrote(String op) {
            count++;
            lastWrite = op;
        }
    }

    /**
     * Notes that this tensor's storage was written in place by {@code op} outside the tensor operations (an optimizer
     * step through its backend): a derivative recorded with the old values is refused from now on.
     */
    public void noteWrittenInPlace(String op) {
        version.wrote(op);
    }

    /**
     * Wraps an existing storage (for backends and optimizers); its element count must equal the shape's. The tensor
     * shares the storage's memory: it is also how a caller hands memory of its own to the CPU backend without a copy,
     * as {@code Tensor.wrap(new Storage(Backends.of(Device.CPU), DType.FLOAT32, n, seg, Lifetime.AUTOMATIC), shape)}
     * over native memory of at least {@code n} floats from a shared, global or automatic arena (the backend's worker
     * threads read it; a parameter that an optimizer then updates in place, its state allocated in the storage's
     * lifetime). The caller keeps the segment alive as long as the tensor is used.
     */
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

    /**
     * A new tensor of {@code shape} on {@code device} with every element {@code value} (rounded to {@code dtype}),
     * in the current scope.
     */
    public static Tensor full(double value, DType dtype, Device device, long... shape) {
        Tensor t = empty(dtype, device, shape);
        t.backend().fill(t.storage, value);
        return t;
    }

    /** A float32 CPU tensor of {@code shape} with every element {@code value}. */
    public static Tensor full(double value, long... shape) {
        return full(value, DType.FLOAT32, Device.CPU, shape);
    }

    /** A new tensor of zeros of {@code shape} on {@code device}, in the current scope. */
    public static Tensor zeros(DType dtype, Device device, long... shape) {
        return full(0.0, dtype, device, shape);
    }

    /** float32 zeros on the CPU. */
    public static Tensor zeros(long... shape) {
        return zeros(DType.FLOAT32, Device.CPU, shape);
    }

    /** A new tensor of ones of {@code shape} on {@code device}, in the current scope. */
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

    /**
     * A tensor on {@code device} holding a copy of host memory {@code src}: numel(shape) elements of
     * {@code dtype} in native byte order, row-major (file readers, interop).
     */
    public static Tensor fromHost(MemorySegment src, DType dtype, Device device, long... shape) {
        long[] s = Shapes.checked("fromHost", shape);
        long bytes = Shapes.numel(s) * dtype.byteSize();
        if (src.byteSize() < bytes) {
            throw new IllegalArgumentException("fromHost: " + src.byteSize() + " bytes cannot fill shape "
                    + Shapes.toString(s) + " of " + dtype.displayName() + " (" + bytes + " bytes)");
        }
        Tensor t = empty(dtype, device, s);
        t.backend().copyFromHost(src, t.storage);
        return t;
    }

    /** Copies the elements into host memory {@code dst} (native byte order, row-major); waits for the data. */
    public void copyToHost(MemorySegment dst) {
        if (dst.byteSize() < storage.byteSize()) {
            throw new IllegalArgumentException("copyToHost: " + dst.byteSize() + " bytes cannot hold tensor "
                    + Shapes.toString(shape) + " of " + dtype().displayName() + " (" + storage.byteSize() + " bytes)");
        }
        backend().copyToHost(storage, dst);
    }

    /**
     * Overwrites this tensor's elements with host memory {@code src}: numel elements of this tensor's dtype in native
     * byte order, row-major (a float[] for float32, a double[] for float64, or bytes; a longer segment's first bytes).
     * The in-place counterpart of {@link #fromHost} and the inverse of {@link #copyToHost}, for a caller that keeps its
     * own copy of a parameter or gradient and refreshes this tensor from it each step without allocating. Not
     * recorded; refused where {@link #assign} is (on a tensor that requires grad, do it inside
     * {@code GradMode.noGrad()}). Returns this tensor.
     */
    public Tensor copyFromHost(MemorySegment src) {
        checkWritable("copyFromHost");
        if (src.byteSize() < storage.byteSize()) {
            throw new IllegalArgumentException("copyFromHost: " + src.byteSize() + " bytes cannot fill tensor "
                    + Shapes.toString(shape) + " of " + dtype().displayName() + " (" + storage.byteSize() + " bytes)");
        }
        backend().copyFromHost(src, storage);
        version.wrote("copyFromHost");
        return this;
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

    /** {@link #rand(Generator, DType, Device, long...)} as float32 on the CPU. */
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

    /** {@link #randn(Generator, DType, Device, long...)} as float32 on the CPU. */
    public static Tensor randn(Generator generator, long... shape) {
        return randn(generator, DType.FLOAT32, Device.CPU, shape);
    }

    // ==== properties =======================================================================================

    /** The size of each dimension, as a copy ({@code []} for a rank-0 tensor). */
    public long[] shape() {
        return shape.clone();
    }

    /** The size of dimension {@code dim} (-1 is the last); an {@link IllegalArgumentException} when out of range. */
    public long size(int dim) {
        return shape[Shapes.normalizeDim("size", dim, shape.length)];
    }

    /** The number of dimensions (0 for a scalar). */
    public int rank() {
        return shape.length;
    }

    /** The number of elements: the product of the shape (1 for rank 0). */
    public long numel() {
        return storage.numel();
    }

    /** The element type, float32 or float64. */
    public DType dtype() {
        return storage.dtype();
    }

    /** The device this tensor's storage lives on. */
    public Device device() {
        return storage.backend().device();
    }

    /** The backend this tensor's storage belongs to, which runs the operations on it. */
    public Backend backend() {
        return storage.backend();
    }

    /** The dense storage behind this tensor (shared by reshapes of it). */
    public Storage storage() {
        return storage;
    }

    // ==== autograd state ===================================================================================

    /** Marks a leaf as requiring (or not) a gradient; returns this tensor. */
    public Tensor requiresGrad(boolean requires) {
        if (gradFn != null) {
            throw new IllegalStateException("requiresGrad: only leaf tensors can be marked; this one is the result"
                    + " of " + gradFn.name() + " (use detach() for a leaf copy of its value)");
        }
        this.requiresGrad = requires;
        return this;
    }

    /** True for a marked leaf and for every recorded result computed from one. */
    public boolean requiresGrad() {
        return requiresGrad || gradFn != null;
    }

    /** A tensor not produced by a recorded operation. */
    public boolean isLeaf() {
        return gradFn == null;
    }

    /** How this tensor was computed, or null for a leaf. */
    public GradFn gradFn() {
        return gradFn;
    }

    /** The gradient accumulated by backward passes into this leaf, or null. */
    public Tensor grad() {
        if (gradPendingZero) {
            grad.backend().fill(grad.storage, 0.0);
            gradPendingZero = false;
        }
        return grad;
    }

    /**
     * Drops the accumulated gradient, keeping its memory: the next backward pass starts from zero. Nothing is written
     * now; the next backward pass copies its gradient in (rather than adding it to zeros), or {@link #grad()} fills
     * in the zeros when it is read first. (A reference to the gradient tensor taken before this call is not updated
     * until then: read gradients through {@link #grad()}.)
     *
     * <p>With captured calls ({@link Capture}): inside the recorded code this records the copy of the next gradient, as
     * above. Outside it, once a recording writes this gradient, the zeros are written at once, so that a replay that
     * adds into the gradient starts from them, and one that copies overwrites them.
     */
    public void zeroGrad() {
        if (grad == null) {
            return;
        }
        if (gradWrittenByRecording && !backend().capturing()) {
            grad.backend().fill(grad.storage, 0.0);
            gradPendingZero = false;
        } else {
            gradPendingZero = true;
        }
    }

    /** Forgets the accumulated gradient and its memory. */
    public void clearGrad() {
        grad = null;
        gradPendingZero = false;
    }

    /**
     * Adds {@code g} (same shape) into this leaf's gradient. The gradient lives as long as this tensor's own
     * storage (a parameter's gradient outlives the step scope it was computed in) and is updated in place.
     * Called by the autograd engine, and by a caller that computes gradients itself (after {@link #zeroGrad}, to set
     * rather than add; see {@code io.gcgan.optim.Optimizer}).
     */
    public void accumulateGrad(Tensor g) {
        checkGradTerm(g);
        gradWrittenByRecording |= backend().capturing();
        if (grad == null) {
            grad = new Tensor(backend().allocate(dtype(), numel(), storage.lifetime()), shape);
            copyDense(g, grad);
        } else if (gradPendingZero) {
            copyDense(g, grad);
            gradPendingZero = false;
        } else {
            long[] strides = Shapes.denseStrides(shape);
            backend().binary(io.gcgan.backend.BinaryOp.ADD, grad.storage, strides, g.storage, strides,
                    grad.storage, shape);
        }
    }

    /**
     * Adds the sum of {@code terms} (same shape; summed in order, as {@code terms[0].add(terms[1]).add(...)}) into
     * this leaf's gradient: the same values as {@link #accumulateGrad(Tensor)} of that sum. When the gradient holds
     * nothing yet (none, or {@link #zeroGrad} pending), the last addition writes straight into it, which saves the
     * sum's copy (a discriminator's weights get one term from real and one from generated samples). Called by the
     * autograd engine.
     */
    public void accumulateGrad(List<Tensor> terms) {
        if (terms.isEmpty()) {
            throw new IllegalArgumentException("accumulateGrad: no gradient terms");
        }
        for (Tensor t : terms) {
            checkGradTerm(t);
        }
        gradWrittenByRecording |= backend().capturing();
        int last = terms.size() - 1;
        Tensor partial = terms.get(0);
        for (int i = 1; i < last; i++) {
            partial = partial.add(terms.get(i));
        }
        if (last == 0 || (grad != null && !gradPendingZero)) {
            accumulateGrad(last == 0 ? partial : partial.add(terms.get(last)));
            return;
        }
        if (grad == null) {
            grad = new Tensor(backend().allocate(dtype(), numel(), storage.lifetime()), shape);
        }
        long[] strides = Shapes.denseStrides(shape);
        backend().binary(io.gcgan.backend.BinaryOp.ADD, partial.storage, strides, terms.get(last).storage, strides,
                grad.storage, shape);
        gradPendingZero = false;
    }

    private void checkGradTerm(Tensor g) {
        if (!Arrays.equals(g.shape, shape) || g.dtype() != dtype() || !g.device().equals(device())) {
            throw new IllegalArgumentException("accumulateGrad: gradient " + Shapes.toString(g.shape) + " "
                    + g.dtype().displayName() + " on " + g.device() + " does not match tensor "
                    + Shapes.toString(shape) + " " + dtype().displayName() + " on " + device());
        }
    }

    /** The same values as a new leaf sharing this tensor's storage (and its in-place writes), recording nothing. */
    public Tensor detach() {
        return new Tensor(storage, shape, version);
    }

    /**
     * Records how this freshly computed tensor depends on {@code inputs}, when grad mode is on and any input
     * requires grad. Returns this tensor.
     */
    Tensor record(String name, GradFn.Rule rule, Tensor... inputs) {
        if (!GradMode.isEnabled()) {
            return this;
        }
        for (Tensor in : inputs) {
            if (in != null && in.requiresGrad()) {
                gradFn = new GradFn(name, Arrays.asList(inputs.clone()), rule, version, storage);
                return this;
            }
        }
        return this;
    }

    private void checkWritable(String op) {
        if (ScalarConstants.isConstant(storage)) {
            throw new IllegalStateException(op + ": this rank-0 tensor is a constant shared by tensor operations"
                    + " (an operand of x.add(value) and the like); copy() it to get a writable tensor");
        }
        if (GradMode.isEnabled() && requiresGrad()) {
            throw new IllegalStateException(op + ": in-place write to a tensor that requires grad (shape "
                    + Shapes.toString(shape) + "); do it inside GradMode.noGrad()");
        }
    }

    // ==== conversion =======================================================================================

    /** A copy with the same shape, dtype and device, in the current scope. */
    public Tensor copy() {
        Tensor out = empty(dtype(), device(), shape);
        copyDense(this, out);
        return out.record("copy", g -> new Tensor[] {g}, this);
    }

    /**
     * Overwrites this tensor's elements with {@code src}'s (same shape; dtype converted if different). An in-place
     * write is not recorded: it is refused on a tensor that requires grad (outside {@code GradMode.noGrad()}), and a
     * recorded operation that used the old values refuses its derivative afterwards ({@link GradFn#apply}).
     */
    public Tensor assign(Tensor src) {
        checkWritable("assign");
        if (!Arrays.equals(shape, src.shape)) {
            throw new IllegalArgumentException("assign: shapes " + Shapes.toString(shape) + " and "
                    + Shapes.toString(src.shape) + " differ");
        }
        checkSameDevice("assign", this, src);
        copyDense(src, this);
        version.wrote("assign");
        return this;
    }

    /**
     * {@code this = this * value}, in place: the same values as {@code assign(mul(value))} without a temporary and a
     * copy. Not recorded; refused where {@link #assign} is. Returns this tensor.
     */
    public Tensor mulInPlace(double value) {
        checkWritable("mulInPlace");
        long[] strides = Shapes.denseStrides(shape);
        backend().binary(BinaryOp.MUL, storage, strides, scalarLike(value).storage, new long[shape.length], storage,
                shape);
        version.wrote("mulInPlace");
        return this;
    }

    /**
     * {@code this = this + other}, in place, {@code other} broadcast to this tensor's shape (which must not grow): the
     * same values as {@code assign(add(other))} without a temporary and a copy. Not recorded; refused where
     * {@link #assign} is. Returns this tensor.
     */
    public Tensor addInPlace(Tensor other) {
        checkWritable("addInPlace");
        checkCompatible("addInPlace", this, other);
        if (!Arrays.equals(Shapes.broadcast("addInPlace", shape, other.shape), shape)) {
            throw new IllegalArgumentException("addInPlace: " + Shapes.toString(other.shape) + " does not broadcast"
                    + " to " + Shapes.toString(shape) + " without growing it");
        }
        backend().binary(BinaryOp.ADD, storage, Shapes.denseStrides(shape), other.storage,
                Shapes.broadcastStrides(other.shape, shape), storage, shape);
        version.wrote("addInPlace");
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
        DType from = dtype();
        return out.record("toDType", g -> new Tensor[] {g.to(from)}, this);
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
        Device from = device();
        return out.record("toDevice", g -> new Tensor[] {g.to(from)}, this);
    }

    /**
     * A new Java array holding a copy of the elements, row-major (float64 values rounded to float); waits for the
     * data. More than {@code Integer.MAX_VALUE} elements throw an {@link ArithmeticException}.
     */
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

    /**
     * A new Java array holding a copy of the elements, row-major (float32 values widened exactly); waits for the
     * data. More than {@code Integer.MAX_VALUE} elements throw an {@link ArithmeticException}.
     */
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

    // ==== shape (ShapeOps) =================================================================================

    /** Same storage, new shape with the same element count; one dimension may be -1 (inferred). */
    public Tensor reshape(long... newShape) {
        return ShapeOps.reshape(this, newShape);
    }

    /** [d0, ..., dk, ...] -> [d0, ..., dk * ...]: e.g. flattenFrom(1) keeps the batch dimension. */
    public Tensor flattenFrom(int startDim) {
        int d = Shapes.normalizeDim("flattenFrom", startDim, shape.length);
        long[] s = Arrays.copyOf(shape, d + 1);
        // The product itself, not -1: reshape cannot infer a size when the kept dimensions hold 0 elements.
        s[d] = Shapes.numel(Arrays.copyOfRange(shape, d, shape.length));
        return reshape(s);
    }

    /** Inserts a dimension of size 1 at {@code dim} (in [-(rank+1), rank]). */
    public Tensor unsqueeze(int dim) {
        int d = Shapes.normalizeDim("unsqueeze", dim, shape.length + 1);
        long[] s = new long[shape.length + 1];
        for (int i = 0, j = 0; i < s.length; i++) {
            s[i] = i == d ? 1 : shape[j++];
        }
        return reshape(s);
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
        return reshape(s);
    }

    /** Reorders dimensions: result dimension i is this tensor's dimension {@code dims[i]}. */
    public Tensor permute(int... dims) {
        return ShapeOps.permute(this, dims);
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
        return ShapeOps.slice(this, dim, start, end, 1);
    }

    /** Elements {@code start, start+step, ...} below {@code end} along {@code dim}; step >= 1. */
    public Tensor slice(int dim, long start, long end, long step) {
        return ShapeOps.slice(this, dim, start, end, step);
    }

    /** Joins tensors of equal shape except along {@code dim}. */
    public static Tensor cat(int dim, Tensor... tensors) {
        return ShapeOps.cat(dim, tensors.clone());
    }

    /** The broadcast of this tensor to {@code target}, materialized (itself when the shape already matches). */
    public Tensor expand(long... target) {
        return ShapeOps.expand(this, target.clone());
    }

    // ==== elementwise (Pointwise) ==========================================================================

    /** {@code -x} elementwise. */
    public Tensor neg() {
        return Pointwise.neg(this);
    }

    /** {@code |x|} elementwise; the gradient is {@code sign(x)} (0 at 0). */
    public Tensor abs() {
        return Pointwise.abs(this);
    }

    /** -1, 0 or 1; carries no gradient. */
    public Tensor sign() {
        return Pointwise.sign(this);
    }

    /** {@code e^x} elementwise. */
    public Tensor exp() {
        return Pointwise.exp(this);
    }

    /** Natural logarithm elementwise (-inf at 0, NaN below 0). */
    public Tensor log() {
        return Pointwise.log(this);
    }

    /** Square root elementwise (NaN below 0). */
    public Tensor sqrt() {
        return Pointwise.sqrt(this);
    }

    /** Hyperbolic tangent elementwise. */
    public Tensor tanh() {
        return Pointwise.tanh(this);
    }

    /** The logistic function {@code 1 / (1 + exp(-x))} elementwise. */
    public Tensor sigmoid() {
        return Pointwise.sigmoid(this);
    }

    /** {@code x < 0 ? 0 : x} elementwise; the gradient is 1 where x > 0, else 0. */
    public Tensor relu() {
        return Pointwise.relu(this);
    }

    /** {@code x < 0 ? negativeSlope * x : x} elementwise; the gradient is 1 where x > 0, else {@code negativeSlope}. */
    public Tensor leakyRelu(double negativeSlope) {
        return Pointwise.leakyRelu(this, negativeSlope);
    }

    /** log(1 + exp(x)), stable for large |x|. */
    public Tensor softplus() {
        return Pointwise.softplus(this);
    }

    /** log(sigmoid(x)) = -softplus(-x), stable for large |x|. */
    public Tensor logSigmoid() {
        return neg().softplus().neg();
    }

    /** {@code x^exponent} elementwise; the gradient is {@code exponent * x^(exponent - 1)} (0 for exponent 0). */
    public Tensor pow(double exponent) {
        return Pointwise.pow(this, exponent);
    }

    /** {@code x^2} elementwise: {@code pow(2.0)}. */
    public Tensor square() {
        return Pointwise.pow(this, 2.0);
    }

    /** min(max(x, min), max); NaN stays NaN. */
    public Tensor clamp(double min, double max) {
        return Pointwise.clamp(this, min, max);
    }

    /** A read-only rank-0 constant of this tensor's backend and dtype (cached: see ScalarConstants). */
    private Tensor scalarLike(double value) {
        return ScalarConstants.of(value, dtype(), backend());
    }

    /** {@code this + other} elementwise, the shapes broadcast together. */
    public Tensor add(Tensor other) {
        return Pointwise.add(this, other);
    }

    /** {@code this + value} elementwise, {@code value} rounded to this tensor's dtype. */
    public Tensor add(double value) {
        return Pointwise.add(this, scalarLike(value));
    }

    /** {@code this - other} elementwise, the shapes broadcast together. */
    public Tensor sub(Tensor other) {
        return Pointwise.sub(this, other);
    }

    /** {@code this - value} elementwise, {@code value} rounded to this tensor's dtype. */
    public Tensor sub(double value) {
        return Pointwise.sub(this, scalarLike(value));
    }

    /** {@code this * other} elementwise, the shapes broadcast together. */
    public Tensor mul(Tensor other) {
        return Pointwise.mul(this, other);
    }

    /** {@code this * value} elementwise, {@code value} rounded to this tensor's dtype. */
    public Tensor mul(double value) {
        return Pointwise.mul(this, scalarLike(value));
    }

    /** {@code this / other} elementwise, the shapes broadcast together. */
    public Tensor div(Tensor other) {
        return Pointwise.div(this, other);
    }

    /** {@code this / value} elementwise, {@code value} rounded to this tensor's dtype. */
    public Tensor div(double value) {
        return Pointwise.div(this, scalarLike(value));
    }

    /** Elementwise power with a tensor exponent. */
    public Tensor pow(Tensor exponent) {
        return Pointwise.pow(this, exponent);
    }

    /** Elementwise maximum (NaN propagates; on ties the gradient goes to this tensor). */
    public Tensor maximum(Tensor other) {
        return Pointwise.maximum(this, other);
    }

    /** Elementwise maximum with {@code value} (NaN propagates; on ties the gradient goes to this tensor). */
    public Tensor maximum(double value) {
        return Pointwise.maximum(this, scalarLike(value));
    }

    /** Elementwise minimum (NaN propagates; on ties the gradient goes to this tensor). */
    public Tensor minimum(Tensor other) {
        return Pointwise.minimum(this, other);
    }

    /** Elementwise minimum with {@code value} (NaN propagates; on ties the gradient goes to this tensor). */
    public Tensor minimum(double value) {
        return Pointwise.minimum(this, scalarLike(value));
    }

    /** 1 where equal, else 0, in this tensor's dtype; comparisons carry no gradient. */
    public Tensor eq(Tensor other) {
        return Pointwise.compare(BinaryOp.EQ, this, other);
    }

    /** 1 where not equal (also where either is NaN), else 0; see {@link #eq}. */
    public Tensor ne(Tensor other) {
        return Pointwise.compare(BinaryOp.NE, this, other);
    }

    /** 1 where {@code this < other}, else 0; see {@link #eq}. */
    public Tensor lt(Tensor other) {
        return Pointwise.compare(BinaryOp.LT, this, other);
    }

    /** 1 where {@code this <= other}, else 0; see {@link #eq}. */
    public Tensor le(Tensor other) {
        return Pointwise.compare(BinaryOp.LE, this, other);
    }

    /** 1 where {@code this > other}, else 0; see {@link #eq}. */
    public Tensor gt(Tensor other) {
        return Pointwise.compare(BinaryOp.GT, this, other);
    }

    /** 1 where {@code this >= other}, else 0; see {@link #eq}. */
    public Tensor ge(Tensor other) {
        return Pointwise.compare(BinaryOp.GE, this, other);
    }

    /** 1 where {@code this > value}, else 0, in this tensor's dtype; carries no gradient. */
    public Tensor gt(double value) {
        return Pointwise.compare(BinaryOp.GT, this, scalarLike(value));
    }

    /** 1 where {@code this < value}, else 0, in this tensor's dtype; carries no gradient. */
    public Tensor lt(double value) {
        return Pointwise.compare(BinaryOp.LT, this, scalarLike(value));
    }

    /** {@code cond != 0 ? a : b} elementwise, all three broadcast together; cond carries no gradient. */
    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        return Pointwise.where(cond, a, b);
    }

    // ==== reductions (Reductions) ==========================================================================

    /**
     * The squared L2 norm of every element of {@code tensors} together (e.g. a model's gradients), a rank-0 tensor
     * from one backend call, accumulated in float64 in an order fixed by the sizes. The tensors share dtype and
     * device. Differentiable.
     */
    public static Tensor squaredNorm(List<Tensor> tensors) {
        return Reductions.squaredNorm(tensors);
    }

    /** Sum of all elements, as a rank-0 tensor. */
    public Tensor sum() {
        return Reductions.sum(this, new int[0], false);
    }

    /** Sum over {@code dims} (every dimension when empty). */
    public Tensor sum(int[] dims, boolean keepDim) {
        return Reductions.sum(this, dims, keepDim);
    }

    /** Mean of all elements, as a rank-0 tensor. */
    public Tensor mean() {
        return Reductions.mean(this, new int[0], false);
    }

    /**
     * Mean over {@code dims} (every dimension when empty); {@code keepDim} keeps them as size 1, else they are
     * removed.
     */
    public Tensor mean(int[] dims, boolean keepDim) {
        return Reductions.mean(this, dims, keepDim);
    }

    /**
     * The largest element, as a rank-0 tensor; the gradient is shared equally among tied maxima. An empty tensor
     * throws an {@link IllegalArgumentException}.
     */
    public Tensor max() {
        return Reductions.max(this, new int[0], false);
    }

    /**
     * Maximum over {@code dims} (every dimension when empty), {@code keepDim} as in {@link #mean(int[], boolean)};
     * the gradient is shared equally among tied maxima. A reduced dimension of size 0 throws an
     * {@link IllegalArgumentException}.
     */
    public Tensor max(int[] dims, boolean keepDim) {
        return Reductions.max(this, dims, keepDim);
    }

    /**
     * Variance over {@code dims}: sum((x - mean)^2) / (count - correction); correction 0 is the population
     * variance (BatchNorm's), 1 the unbiased estimate.
     */
    public Tensor variance(int[] dims, int correction, boolean keepDim) {
        return Reductions.variance(this, dims, correction, keepDim);
    }

    // ==== linear algebra (LinearAlgebra) ===================================================================

    /** Matrix product over the last two dimensions; leading (batch) dimensions broadcast. */
    public Tensor matmul(Tensor other) {
        return LinearAlgebra.matmul(this, other, false, false);
    }

    /**
     * {@code op(this) @ op(other)} where op swaps the last two dimensions when its flag is set, without
     * materializing the transpose. Both operands have rank >= 2.
     */
    public Tensor matmul(Tensor other, boolean transposeThis, boolean transposeOther) {
        return LinearAlgebra.matmul(this, other, transposeThis, transposeOther);
    }

    /**
     * Batch normalization of this [N, C, ...] tensor with its own batch statistics, fused into one backend call
     * each way: per channel (dimension 1), {@code (x - mean) / sqrt(var + eps) * weight + bias} with the mean and
     * biased variance over every other dimension. {@code weight} and {@code bias} are [C], or both null. Has
     * first and second derivatives (see {@code Normalization}); the result also carries the statistics.
     */
    public BatchNormResult batchNorm(Tensor weight, Tensor bias, double eps) {
        return Normalization.batchNorm(this, weight, bias, eps, null, null, 0.0);
    }

    /**
     * {@link #batchNorm(Tensor, Tensor, double)} that also updates running statistics [C] in place, in the same
     * backend call: {@code running = (1 - factor) running + factor stat}, the variance stat unbiased (PyTorch's
     * training-mode BatchNorm). The running tensors must not require grad.
     */
    public BatchNormResult batchNorm(Tensor weight, Tensor bias, double eps, Tensor runningMean, Tensor runningVar,
                                     double factor) {
        return Normalization.batchNorm(this, weight, bias, eps, runningMean, runningVar, factor);
    }

    /** x [N, C, H, W] conv weight [K, C, R, S] -> [N, K, P, Q], P = (H + 2 padH - R) / strideH + 1. */
    public Tensor conv2d(Tensor weight, int strideH, int strideW, int padH, int padW) {
        return LinearAlgebra.conv2d(this, weight, new LinearAlgebra.Conv(strideH, strideW, padH, padW));
    }

    /**
     * The gradient of conv2d with respect to its input: dy [N, K, P, Q], weight [K, C, R, S] -> inputShape
     * [N, C, H, W] (any H, W whose conv2d output is P x Q).
     */
    public static Tensor conv2dBackwardData(Tensor dy, Tensor weight, long[] inputShape,
                                            int strideH, int strideW, int padH, int padW) {
        return LinearAlgebra.convBackwardData(dy, weight, inputShape.clone(),
                new LinearAlgebra.Conv(strideH, strideW, padH, padW));
    }

    /** The gradient of conv2d with respect to its weight: x [N, C, H, W], dy [N, K, P, Q] -> weightShape. */
    public static Tensor conv2dBackwardWeight(Tensor x, Tensor dy, long[] weightShape,
                                              int strideH, int strideW, int padH, int padW) {
        return LinearAlgebra.convBackwardWeight(x, dy, weightShape.clone(),
                new LinearAlgebra.Conv(strideH, strideW, padH, padW));
    }

    /**
     * Transposed conv: x [N, Cin, H, W], weight [Cin, Cout, R, S] (PyTorch's layout) ->
     * [N, Cout, (H-1)*strideH - 2*padH + R + outPadH, ...]. It is conv2d's backward-data with this weight.
     */
    public Tensor convTranspose2d(Tensor weight, int strideH, int strideW, int padH, int padW,
                                  int outPadH, int outPadW) {
        return LinearAlgebra.convTranspose2d(this, weight, new LinearAlgebra.Conv(strideH, strideW, padH, padW),
                outPadH, outPadW);
    }

    // ==== checks and printing ==============================================================================

    static void checkCompatible(String op, Tensor a, Tensor b) {
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

    /**
     * Shape, dtype, device, gradient function (or {@code requiresGrad=true} for a marked leaf) and, for a tensor of
     * at most 8 elements whose memory is still alive, its values (read from the device).
     */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(shape=").append(Shapes.toString(shape))
                .append(", dtype=").append(dtype().displayName()).append(", device=").append(device());
        if (gradFn != null) {
            sb.append(", gradFn=").append(gradFn);
        } else if (requiresGrad) {
            sb.append(", requiresGrad=true");
        }
        if (numel() <= 8 && storage.segment().scope().isAlive()) {
            sb.append(", values=").append(Arrays.toString(toDoubleArray()));
        }
        return sb.append(')').toString();
    }
}
