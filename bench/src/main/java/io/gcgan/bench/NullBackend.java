package io.gcgan.bench;

import io.gcgan.backend.Backend;
import io.gcgan.backend.BatchNormRunningStats;
import io.gcgan.backend.BatchNormShape;
import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.CapturedCalls;
import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.OptimizerHyper;
import io.gcgan.backend.ParamSlot;
import io.gcgan.backend.ReduceOp;
import io.gcgan.backend.Storage;
import io.gcgan.backend.UnaryOp;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A backend on the CPU device that computes nothing: every storage is the NULL segment, every op returns at once and
 * {@link #copyToHost} writes zeros. Installed in front of the CPU device ({@code Backends.install}), it leaves only the
 * cost of the Java layers above the Backend (tensor, autograd, nn, optim, trainer) in a training step, which is what
 * every backend pays on the host before its own costs. Values are meaningless; losses read as 0 (finite). Its
 * capture records nothing and its replays do nothing: with captured steps what remains is the host's work between
 * replays.
 */
public final class NullBackend implements Backend {

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public String description() {
        return "null (computes nothing; the Java layers' overhead only)";
    }

    @Override
    public Storage allocate(DType dtype, long numel, Lifetime lifetime) {
        return new Storage(this, dtype, numel, MemorySegment.NULL, lifetime);
    }

    @Override
    public void fill(Storage dst, double value) {
    }

    @Override
    public void copyFromHost(MemorySegment src, Storage dst) {
    }

    @Override
    public void copyToHost(Storage src, MemorySegment dst) {
        dst.asSlice(0, src.byteSize()).fill((byte) 0);
    }

    @Override
    public void copyStrided(Storage src, long srcOffset, long[] srcStrides, Storage dst, long dstOffset,
                            long[] dstStrides, long[] shape) {
    }

    @Override
    public void unary(UnaryOp op, double p0, double p1, Storage x, Storage out) {
    }

    @Override
    public void binary(BinaryOp op, Storage a, long[] aStrides, Storage b, long[] bStrides, Storage out,
                       long[] outShape) {
    }

    @Override
    public void rectifierBackward(Storage x, Storage g, double positive, double other, Storage out) {
    }

    @Override
    public void where(Storage cond, long[] condStrides, Storage a, long[] aStrides, Storage b, long[] bStrides,
                      Storage out, long[] outShape) {
    }

    @Override
    public void reduce(ReduceOp op, Storage x, long[] shape, int[] axes, Storage out) {
    }

    @Override
    public void matmul(Storage a, long aBatchStride, boolean transA, Storage b, long bBatchStride, boolean transB,
                       Storage out, int batch, int m, int n, int k) {
    }

    @Override
    public void conv2dForward(Storage x, Storage w, Storage y, ConvGeometry g) {
    }

    @Override
    public void conv2dBackwardData(Storage dy, Storage w, Storage dx, ConvGeometry g) {
    }

    @Override
    public void conv2dBackwardWeight(Storage x, Storage dy, Storage dw, ConvGeometry g) {
    }

    @Override
    public void squaredNorm(List<Storage> xs, Storage out) {
    }

    @Override
    public void batchNormForward(Storage x, Storage weight, Storage bias, BatchNormShape shape, double eps,
                                 Storage y, Storage mean, Storage var, BatchNormRunningStats running) {
    }

    @Override
    public void batchNormBackward(Storage dy, Storage x, Storage mean, Storage var, Storage weight,
                                  BatchNormShape shape, double eps, Storage dx, Storage dWeight, Storage dBias) {
    }

    @Override
    public void randomUniform(Storage out, long seed, long offset) {
    }

    @Override
    public void randomNormal(Storage out, long seed, long offset) {
    }

    @Override
    public void optimizerStep(OptimizerHyper hyper, List<ParamSlot> slots, Storage guard) {
    }

    @Override
    public void synchronize() {
    }
    // ---- capture: records nothing, a replay does nothing (what is left is the host's work between replays) ----

    private boolean capturing;

    @Override
    public void beginCapture() {
        if (capturing) {
            throw new IllegalStateException("beginCapture: the null backend is already capturing");
        }
        capturing = true;
    }

    @Override
    public CapturedCalls endCapture() {
        if (!capturing) {
            throw new IllegalStateException("endCapture: the null backend is not capturing");
        }
        capturing = false;
        return new CapturedCalls() {
            private long replays;
            private boolean closed;

            @Override
            public void replay() {
                replays++;
            }

            @Override
            public long replays() {
                return replays;
            }

            @Override
            public void close() {
                closed = true;
            }

            @Override
            public boolean isClosed() {
                return closed;
            }
        };
    }

    @Override
    public boolean capturing() {
        return capturing;
    }
}
