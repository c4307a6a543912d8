package io.gcgan.nn;

import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;

/** {@link BatchNorm} of x [N, C, H, W], statistics over N, H and W per channel. */
public final class BatchNorm2d extends BatchNorm {

    /** eps 1e-5, momentum 0.1, affine, tracking running statistics; float32 on the CPU. */
    public BatchNorm2d(int numFeatures) {
        this(numFeatures, ModuleOptions.defaults());
    }

    /** eps 1e-5, momentum 0.1, affine, tracking running statistics. */
    public BatchNorm2d(int numFeatures, ModuleOptions options) {
        this(numFeatures, 1e-5, 0.1, true, true, options);
    }

    /** @param momentum null for a cumulative moving average */
    public BatchNorm2d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats,
                       ModuleOptions options) {
        super(numFeatures, eps, momentum, affine, trackRunningStats, options);
    }

    @Override
    void checkRank(Tensor x) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException("BatchNorm2d: expected input [N, C, H, W], got shape "
                    + Shapes.toString(x.shape()));
        }
    }
}
