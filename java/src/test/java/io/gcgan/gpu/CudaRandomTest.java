package io.gcgan.gpu;

import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * randomUniform and randomNormal on CUDA give the same bits as the Java Philox streams (io.gcgan.random.Philox,
 * through the CPU backend), for both dtypes: bit for bit, uniform and normal alike. The normal is Box-Muller through
 * gcgan's fixed-operation ln and cos, written operation for operation with round-to-nearest intrinsics in
 * kernels/src/random.cu, so it is designed to be bit-exact too; a mismatch is reported with its count, the largest
 * difference and the first elements (values and bits).
 *
 * <p>Cases: odd counts (1 to a million and three), seeds with high bits set, offsets that cross the 2^32 boundary of
 * the counter's low word and that wrap around 2^64, and a fill split in two that must continue the stream.
 */
@GpuTest
class CudaRandomTest {

    enum Distribution { UNIFORM, NORMAL }

    static Stream<Arguments> cases() {
        long[][] streams = {
            // seed, offset, count
            {0L, 0L, 1},
            {42L, 0L, 1_000_003},
            {0xDEADBEEFCAFEBABEL, 123_456_789L, 65_537},
            {7L, 0xFFFF_FFF0L, 4099},           // low counter word carries into the high word
            {-1L, -5L, 1001},                    // offset wraps around 2^64
            {0x0000_0001_0000_0000L, 1L << 40, 33},
        };
        List<Arguments> out = new ArrayList<>();
        for (Distribution d : Distribution.values()) {
            for (DType dtype : DType.values()) {
                for (long[] s : streams) {
                    out.add(Arguments.of(d, dtype, s[0], s[1], s[2]));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} seed {2} offset {3} n {4}")
    @MethodSource("cases")
    void sameBitsAsJava(Distribution dist, DType dtype, long seed, long offset, long n) {
        String what = dist + " " + dtype + " seed 0x" + Long.toHexString(seed) + " offset "
                + Long.toUnsignedString(offset) + " n " + n;
        try (TensorScope scope = TensorScope.open()) {
            Storage ref = Gpu.poisoned(Gpu.cpu(), dtype, n, scope);
            Storage got = Gpu.poisoned(Gpu.cuda(), dtype, n, scope);
            fill(dist, true, ref, seed, offset);
            fill(dist, false, got, seed, offset);
            Check.bitwise(what, dtype, Gpu.readBits(ref), Gpu.readBits(got));
        }
    }

    @ParameterizedTest(name = "{0} {1} split fill")
    @MethodSource("splitCases")
    void aSplitFillContinuesTheStream(Distribution dist, DType dtype) {
        long seed = 2024;
        int n = 10_007;
        int first = 4_321;
        try (TensorScope scope = TensorScope.open()) {
            Storage whole = Gpu.poisoned(Gpu.cpu(), dtype, n, scope);
            fill(dist, true, whole, seed, 99);
            Storage a = Gpu.poisoned(Gpu.cuda(), dtype, first, scope);
            Storage b = Gpu.poisoned(Gpu.cuda(), dtype, n - first, scope);
            fill(dist, false, a, seed, 99);
            fill(dist, false, b, seed, 99 + first);
            long[] ref = Gpu.readBits(whole);
            long[] ra = Gpu.readBits(a);
            long[] rb = Gpu.readBits(b);
            long[] got = new long[n];
            System.arraycopy(ra, 0, got, 0, first);
            System.arraycopy(rb, 0, got, first, n - first);
            Check.bitwise(dist + " " + dtype + " as two fills (" + first + " + " + (n - first) + ")", dtype, ref, got);
        }
    }

    static Stream<Arguments> splitCases() {
        List<Arguments> out = new ArrayList<>();
        for (Distribution d : Distribution.values()) {
            for (DType dtype : DType.values()) {
                out.add(Arguments.of(d, dtype));
            }
        }
        return out.stream();
    }

    private static void fill(Distribution dist, boolean cpu, Storage s, long seed, long offset) {
        var be = cpu ? Gpu.cpu() : Gpu.cuda();
        if (dist == Distribution.UNIFORM) {
            be.randomUniform(s, seed, offset);
        } else {
            be.randomNormal(s, seed, offset);
        }
    }
}
