package io.gcgan.backend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.cpu.CpuBackend;
import io.gcgan.random.Philox;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.testutil.Close;
import io.gcgan.tensor.testutil.Host;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** randomUniform / randomNormal write exactly Philox's per-element values at blocks offset + i. */
class CpuBackendRandomTest {

    private static final CpuBackend B = CpuBackend.instance();
    private static final long SEED = 0x5EED_1234_ABCD_0042L;
    /** Offsets: zero, small, carrying into the counter's high word, wrapping past 2^64. */
    private static final long[] OFFSETS = {0, 5, (1L << 32) - 3, -2, 123_456_789_012L};
    private static final int[] SIZES = {1, 7, 40_000};

    @ParameterizedTest
    @EnumSource(DType.class)
    void uniformIsPhiloxAtOffset(DType dt) {
        for (long offset : OFFSETS) {
            for (int n : SIZES) {
                Storage out = Host.poisoned(dt, n);
                B.randomUniform(out, SEED, offset);
                double[] ref = new double[n];
                for (int i = 0; i < n; i++) {
                    ref[i] = dt == DType.FLOAT32 ? Philox.uniformFloat(SEED, offset + i) : Philox.uniformDouble(SEED, offset + i);
                }
                double[] got = Host.read(out);
                Close.assertExact("uniform " + dt + " offset " + offset + " n " + n, ref, got);
                for (double v : got) {
                    assertTrue(v > 0 && v < 1, "uniform outside (0, 1): " + v);
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void normalIsPhiloxAtOffset(DType dt) {
        for (long offset : OFFSETS) {
            for (int n : SIZES) {
                Storage out = Host.poisoned(dt, n);
                B.randomNormal(out, SEED, offset);
                double[] ref = new double[n];
                for (int i = 0; i < n; i++) {
                    double z = Philox.normal(SEED, offset + i);
                    ref[i] = dt == DType.FLOAT32 ? (float) z : z;
                }
                Close.assertExact("normal " + dt + " offset " + offset + " n " + n, ref, Host.read(out));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void longFillCrossesBufferBoundaryAndContinuesTheStream(DType dt) {
        int n = (1 << 20) + 37;
        Storage whole = Host.poisoned(dt, n);
        B.randomUniform(whole, SEED, 100);
        double[] got = Host.read(whole);
        for (int i = 0; i < n; i += (i < (1 << 20) - 64 ? 997 : 1)) {
            double ref = dt == DType.FLOAT32 ? Philox.uniformFloat(SEED, 100 + i) : Philox.uniformDouble(SEED, 100 + i);
            assertTrue(ref == got[i], "uniform " + dt + " element " + i + ": expected " + ref + ", got " + got[i]);
        }
        // Two fills at o and o + m equal one fill of the concatenation.
        Storage head = Host.poisoned(dt, 1000);
        Storage tail = Host.poisoned(dt, 500);
        B.randomNormal(head, SEED, 7);
        B.randomNormal(tail, SEED, 1007);
        Storage both = Host.poisoned(dt, 1500);
        B.randomNormal(both, SEED, 7);
        double[] joined = new double[1500];
        System.arraycopy(Host.read(head), 0, joined, 0, 1000);
        System.arraycopy(Host.read(tail), 0, joined, 1000, 500);
        Close.assertExact("normal fills continue the stream " + dt, joined, Host.read(both));
    }
}
