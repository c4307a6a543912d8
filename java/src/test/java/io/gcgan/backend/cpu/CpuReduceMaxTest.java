package io.gcgan.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gcgan.backend.ReduceOp;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.testutil.Host;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * ReduceOp.MAX on the CPU keeps the first of equal values in row-major order, which shows in the sign of a zero:
 * max(+0, -0) is +0 and max(-0, +0) is -0; pinned here bit for bit. The CUDA reduction's combine_max
 * (device_common.cuh: {@code b > a ? b : a}) keeps the first of each pair it combines, which is the same where one
 * thread walks an output's elements in order, but its warp, block and split shapes combine lanes, warps and parts
 * in a tree, so there a maximum of zero over zeros of both signs may come back with the other sign (host_selfcheck
 * runs those kernels and counts it): gcgan does not promise the sign of a zero maximum on the GPU.
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
