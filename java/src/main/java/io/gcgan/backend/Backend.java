package io.gcgan.backend;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The primitives every backend implements (DESIGN.md, "The Backend primitives"). Everything else, from
 * variance to gradient penalties, is composed above this interface so that backends cannot drift apart.
 *
 * <p>Conventions: storages are dense and row-major; shapes and strides are counted in elements; a stride of 0
 * broadcasts. Operands of one call share a dtype unless a method says otherwise. Calls may be asynchronous
 * (a GPU backend queues them on its stream); {@link #copyToHost} waits for the data it reads.
 *
 * <p>Every storage must hold each element that a call's sizes, offsets and strides reach. Both backends refuse one
 * that does not before anything is read or written, naming the call and the operand (the CPU backend through
 * {@link StorageChecks}, the CUDA backend through the same element counts before each launch or GEMM).
 *
 * <p>Ownership: a storage belongs to the backend that allocated it and is freed with its {@link Lifetime} (the
 * caller's scope, or the garbage collector for {@link Lifetime#AUTOMATIC}); a call neither keeps nor frees the
 * storages it is given, and outputs are overwritten, never accumulated into, unless a method says so. An output may be
 * the same storage as an input only where a method says so ({@code unary}, {@code rectifierBackward}, and
 * {@code binary} when that input has the output's dense layout, as an in-place update); otherwise outputs must not
 * overlap inputs.
 *
 * <p>Threads: {@link io.gcgan.backend.cpu.CpuBackend} and {@link io.gcgan.backend.cuda.CudaBackend} take calls from
 * any thread (see each for what concurrent calls may share); while a capture is under way one thread drives the
 * backend.
 */
public interface Backend {

    Device device();

    /** A one-line description for logs, e.g. "cpu (OpenBLAS 0.3.31, 2 threads)". */
    String description();

    // ---- memory ------------------------------------------------------------------------------------------

    /** Uninitialized storage of {@code numel} elements, freed with {@code lifetime}. */
    Storage allocate(DType dtype, long numel, Lifetime lifetime);

    /** Sets every element of {@code dst} to {@code value} (rounded to dst's dtype). */
    void fill(Storage dst, double value);

    /** Copies {@code dst.numel()} elements, laid out in dst's dtype, from host memory. */
    void copyFromHost(MemorySegment src, Storage dst);

    /** Copies all of {@code src} into host memory laid out in src's dtype; returns when the data is there. */
    void copyToHost(Storage src, MemorySegment dst);

    /**
     * For every index tuple {@code i} of {@code shape}:
     * {@code dst[dstOffset + sum(i * dstStrides)] = src[srcOffset + sum(i * srcStrides)]}, converting between
     * dtypes when they differ. Covers contiguous copy, permute, slice, concat, expand (stride 0) and cast.
     * Destination positions must not repeat (no stride 0 in dstStrides for a dimension larger than 1).
     */
    void copyStrided(Storage src, long srcOffset, long[] srcStrides,
                     Storage dst, long dstOffset, long[] dstStrides, long[] shape);

    // ---- elementwise -------------------------------------------------------------------------------------

    /** {@code out[i] = op(x[i]; p0, p1)} over all elements; {@code out} may be {@code x}. */
    void unary(UnaryOp op, double p0, double p1, Storage x, Storage out);

    /**
     * {@code out[i] = a[i] op b[i]} for every index tuple {@code i} of {@code outShape}; {@code out} is dense
     * with shape {@code outShape}; {@code aStrides} and {@code bStrides} have outShape's rank, 0 where
     * broadcast.
     */
    void binary(BinaryOp op, Storage a, long[] aStrides, Storage b, long[] bStrides, Storage out, long[] outShape);

    /** {@code out[i] = cond[i] != 0 ? a[i] : b[i]}, broadcasting as {@link #binary}; cond shares the dtype. */
    void where(Storage cond, long[] condStrides, Storage a, long[] aStrides, Storage b, long[] bStrides,
               Storage out, long[] outShape);

    /**
     * A rectifier's derivative, fused (beside the composed reference {@code g * where(x > 0, positive, other)}):
     * {@code out[i] = g[i] * (x[i] > 0 ? positive : other)} over dense storages of one size, the factors first
     * rounded to the dtype (as the composed form's {@code where} stores them), the product computed in float64 and
     * rounded to the dtype (NaN in x selects {@code other}). ReLU's is {@code (1, 0)}, LeakyReLU's
     * {@code (1 - slope + slope, slope)} as its composed form rounds them. {@code out} may be {@code g}.
     */
    void rectifierBackward(Storage x, Storage g, double positive, double other, Storage out);

    // ---- reductions --------------------------------------------------------------------------------------

    /**
     * Reduces dense {@code x} of {@code shape} over {@code axes} (sorted, distinct). {@code out} is dense with
     * the kept-dimension shape ({@code shape} with every reduced axis set to 1). Sums accumulate in float64.
     */
    void reduce(ReduceOp op, Storage x, long[] shape, int[] axes, Storage out);

    /**
     * The squared L2 norm of a list of tensors, {@code out[0] = sum over every element x of every storage in
     * {@code xs} of x * x}, accumulated in float64 in an order that depends only on the storages' sizes (so the
     * result is deterministic), rounded once to out's dtype. All storages share one dtype; an empty list gives 0.
     * One call where a loop of square, sum and add would make three per tensor: the gradient norm a trainer checks
     * before every update.
     */
    void squaredNorm(List<Storage> xs, Storage out);

    // ---- linear algebra ----------------------------------------------------------------------------------

    /**
     * Batched GEMM: for {@code i < batch}, {@code out_i [m, n] = op(a_i) @ op(b_i)}, where {@code a_i} starts
     * at {@code i * aBatchStride} and is stored [m, k] (or [k, m] when {@code transA}), {@code b_i} at
     * {@code i * bBatchStride} stored [k, n] (or [n, k] when {@code transB}); a batch stride of 0 reuses one
     * matrix for every batch entry. {@code out} is dense [batch, m, n]. Storages too small for these sizes and
     * strides are refused ({@link StorageChecks#matmulSizes}): the GEMM itself would run past them.
     */
    void matmul(Storage a, long aBatchStride, boolean transA, Storage b, long bBatchStride, boolean transB,
                Storage out, int batch, int m, int n, int k);

    // ---- convolution (see ConvGeometry for layouts) ------------------------------------------------------

    /** y = conv2d(x, w): cross-correlation as PyTorch's, no bias; overwrites y. Layouts in {@link ConvGeometry}. */
    void conv2dForward(Storage x, Storage w, Storage y, ConvGeometry g);

    /** dx = conv2d_backward_data(dy, w); also the forward pass of a transposed conv. Overwrites dx. */
    void conv2dBackwardData(Storage dy, Storage w, Storage dx, ConvGeometry g);

    /** dw = conv2d_backward_weight(x, dy), summed over the batch. Overwrites dw. */
    void conv2dBackwardWeight(Storage x, Storage dy, Storage dw, ConvGeometry g);

    // ---- fused batch normalization (DESIGN.md: a fused primitive beside the composed reference) -------------

    /**
     * Batch normalization with batch statistics over dense {@code x} of layout {@code shape}: for each channel
     * {@code k}, {@code mean[k]} and the biased variance {@code var[k]} over its {@code n * s} elements, both
     * accumulated in float64 (two passes: the variance is the mean of {@code (x - mean)^2}, not
     * {@code E[x^2] - mean^2}), then {@code y = (x - mean[k]) / sqrt(var[k] + eps) * weight[k] + bias[k]}.
     * {@code weight} and {@code bias} are [c], both null when not affine; {@code mean} and {@code var} are [c];
     * {@code y} is laid out like x and must not be x. With {@code running} (null: none), the running statistics are
     * updated from the batch's in the same call (see {@link BatchNormRunningStats}). nn.BatchNorm's composed form
     * is the reference.
     */
    void batchNormForward(Storage x, Storage weight, Storage bias, BatchNormShape shape, double eps,
                          Storage y, Storage mean, Storage var, BatchNormRunningStats running);

    /**
     * The derivative of {@link #batchNormForward} for an output gradient {@code dy} (laid out like x), from the
     * saved {@code mean} and {@code var}: with {@code xhat = (x - mean[k]) / sqrt(var[k] + eps)} and per-channel
     * sums over the {@code n * s} elements accumulated in float64,
     * <pre>
     *   dBias[k]   = sum(dy)
     *   dWeight[k] = sum(dy * xhat)
     *   dx         = weight[k] / sqrt(var[k] + eps) * (dy - dBias[k] / (n s) - xhat * dWeight[k] / (n s))
     * </pre>
     * (weight null: 1). Any of {@code dx}, {@code dWeight}, {@code dBias} may be null when not wanted. Not
     * differentiable itself: second derivatives go through the composed form.
     */
    void batchNormBackward(Storage dy, Storage x, Storage mean, Storage var, Storage weight, BatchNormShape shape,
                           double eps, Storage dx, Storage dWeight, Storage dBias);

    // ---- random (Philox 4x32-10, see io.gcgan.random.Philox for the exact streams) -----------------------

    /** out[i] = uniform in (0, 1) from Philox block {@code offset + i} under key {@code seed}. */
    void randomUniform(Storage out, long seed, long offset);

    /** out[i] = standard normal from Philox block {@code offset + i} under key {@code seed}. */
    void randomNormal(Storage out, long seed, long offset);

    // ---- optimizer ---------------------------------------------------------------------------------------

    /**
     * One optimizer step over a list of parameter tensors that share {@code hyper} (one parameter group): for
     * each slot, the gradient is decayed (coupled), centred over the slot's {@link CentringView} and fed to the
     * update rule, in place on the weight and state storages (see {@link OptimizerHyper} for the exact math and
     * the state layout). Gradients are read only. Slots must not share weight or state storage.
     *
     * <p>A GPU backend does this as one multi-tensor kernel launch (one read of g, w and the state, one write of
     * w and the state); the CPU backend's per-tensor loop is the reference it is tested against.
     *
     * <p>{@code guard} (null: none): when any of its elements is NaN or infinite, the call changes nothing (every
     * weight and state keeps its value). It is read when the step runs, on the device, so a training loop can pass a
     * step's losses and gradient norms while they are still being computed and read them on the host later,
     * instead of waiting for them before it queues the update. It must belong to this backend and have the slots'
     * dtype ({@link OptimizerGuard#check}).
     *
     * <p>Called directly (not through {@code io.gcgan.optim.Optimizer}), the caller also owns two duties the backend
     * cannot check: each slot's {@link CentringView} must describe the weight's real shape (only its element count is
     * checked), and a weight that a recorded autograd graph may still read must be marked with
     * {@code Tensor.noteWrittenInPlace} after the step, as the optimizers do.
     */
    void optimizerStep(OptimizerHyper hyper, List<ParamSlot> slots, Storage guard);

    // ---- ordering ----------------------------------------------------------------------------------------

    /** Waits until every queued operation has finished. A no-op for synchronous backends. */
    void synchronize();

    // ---- capture (CUDA graphs) ---------------------------------------------------------------------------

    /**
     * Starts recording: from now until {@link #endCapture}, calls on this backend are recorded, not run (on CUDA,
     * stream capture into a CUDA graph), so that the sequence can later be replayed as a whole with no host work per
     * call ({@link CapturedCalls}). One thread drives the backend while it records.
     *
     * <p>What a replay would get wrong or cannot do is refused while recording, with an {@link IllegalStateException}
     * naming the call: the host transfers and {@link #synchronize} (nothing has run, so there is nothing to read;
     * copy inputs into storage allocated before the capture instead), the random fills (their Philox offset would be
     * the same in every replay; draw before replaying, into storage the calls read), and {@link #optimizerStep} (its
     * step counts, Adam's bias correction, would be fixed; run it between replays).
     *
     * <p>Memory, the same rules on every backend (those of CUDA graph memory): storage allocated while recording is
     * the capture's. If its scope closes while recording it is freed inside the recording, and any later call on it
     * is refused; otherwise it keeps its address until the capture is closed, whatever its scope, and holds nothing
     * before the first replay (calls on it outside the recording are refused until then; a capture whose recorded
     * calls use it is replayed only after that first replay). Storage allocated before the capture that the recorded
     * calls use must stay allocated until the capture is closed: a replay is refused once one of them has been
     * freed.
     *
     * @throws UnsupportedOperationException when this backend cannot capture
     * @throws IllegalStateException         when a capture is already under way
     */
    default void beginCapture() {
        throw new UnsupportedOperationException(description() + " cannot capture calls");
    }

    /**
     * Ends the capture begun by {@link #beginCapture} and returns the recorded calls, ready to replay (none has run).
     *
     * @throws IllegalStateException when no capture is under way
     */
    default CapturedCalls endCapture() {
        throw new IllegalStateException(description() + " is not capturing");
    }

    /** Whether a capture is under way ({@link #beginCapture}). */
    default boolean capturing() {
        return false;
    }
}
