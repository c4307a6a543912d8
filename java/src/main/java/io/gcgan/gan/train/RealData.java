package io.gcgan.gan.train;

import io.gcgan.data.DataLoader;
import io.gcgan.data.GaussianMixture;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;

/**
 * Where the trainer's real samples come from: training batches, and held-out batches for D's score gap
 * between training and held-out data. Its position is two counters (or generator offsets) that the trainer
 * saves with a checkpoint, so a resumed run draws exactly what an uninterrupted run would have drawn.
 */
public interface RealData {

    /** The next training batch [B, ...] on {@code device}, in the current tensor scope. */
    Tensor next(DType dtype, Device device);

    /** The next held-out batch [B, ...]; never a sample that {@link #next} can return. */
    Tensor nextHeldOut(DType dtype, Device device);

    /** The position: {training position, held-out position}. */
    long[] position();

    /** Restores a position returned by {@link #position()}. */
    void setPosition(long[] position);

    /** A finite data set split into training and held-out parts, read batch by batch across epochs. */
    static RealData of(DataLoader train, DataLoader heldOut) {
        return new RealData() {
            private long trainBatches;
            private long heldOutBatches;

            @Override
            public Tensor next(DType dtype, Device device) {
                return train.batch(trainBatches++, dtype, device);
            }

            @Override
            public Tensor nextHeldOut(DType dtype, Device device) {
                return heldOut.batch(heldOutBatches++, dtype, device);
            }

            @Override
            public long[] position() {
                return new long[] {trainBatches, heldOutBatches};
            }

            @Override
            public void setPosition(long[] p) {
                trainBatches = p[0];
                heldOutBatches = p[1];
            }
        };
    }

    /**
     * An endless Gaussian mixture (the 2-D toy data): training samples from one Philox stream, held-out samples
     * from another, so the two never coincide.
     */
    static RealData of(GaussianMixture mixture, int batchSize, long seed) {
        Generator train = new Generator(seed ^ 0x7261696E5F646174L);
        Generator heldOut = new Generator(seed ^ 0x68656C645F6F7574L);
        return new RealData() {
            @Override
            public Tensor next(DType dtype, Device device) {
                return mixture.batch(train, batchSize, dtype, device);
            }

            @Override
            public Tensor nextHeldOut(DType dtype, Device device) {
                return mixture.batch(heldOut, batchSize, dtype, device);
            }

            @Override
            public long[] position() {
                return new long[] {train.offset(), heldOut.offset()};
            }

            @Override
            public void setPosition(long[] p) {
                train.setOffset(p[0]);
                heldOut.setOffset(p[1]);
            }
        };
    }

    /**
     * The same pre-made batch for training and held-out draws, at a position that never moves: for benchmarks and
     * tests that measure or check training, not data loading.
     */
    static RealData fixed(Tensor batch) {
        return new RealData() {
            @Override
            public Tensor next(DType dtype, Device device) {
                return batch;
            }

            @Override
            public Tensor nextHeldOut(DType dtype, Device device) {
                return batch;
            }

            @Override
            public long[] position() {
                return new long[] {0, 0};
            }

            @Override
            public void setPosition(long[] position) {
                // always the same batch
            }
        };
    }
}
