package io.gcgan.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gcgan.backend.ReduceOp;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.testutil.Host;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ReduceOp.MAX keeps the first of equal values, which shows in the sign of a zero: max(+0, -0) is +0 and
 * max(-0, +0) is -0. The CUDA reduction's combine_max (device_common.cuh) does the same ({@code b > a ? b : a}),
 * and the CPU backend is its oracle, so the choice is pinned here bit for bit.
 */
class CpuReduceMaxTest {

    private static final CpuBackend B = CpuBackend.instance();

    @ParameterizedTest
    @EnumSource(DType.class)
    void maxKeepsTheFirstOfEqualValues(DType dt) {
        // x [4, 2], reduced over dim 0: column 0 is (+0, -0, -0, +0), column 1 (-0, +0, +0, -0).
        double[] x = {0.0, -0.0, -0.0, 0.0, -0.0, 0.0, 0.0, -0.0};
        Storage out = Host.poisoned(dt, 2);
        B.reduce(ReduceOp.MAX, Host.of(dt, x), new long[] {4, 2}, new int[] {0}, out);
        double[] got = Host.read(out);
        assertEquals(Double.doubleToRawLongBits(0.0), Double.doubleToRawLongBits(got[0]),
                dt + " max over (+0, -0, -0, +0): " + got[0]);
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(got[1]),
                dt + " max over (-0, +0, +0, -0): " + got[1]);
    }
}
