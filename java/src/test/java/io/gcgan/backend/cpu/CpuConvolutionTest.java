package io.gcgan.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.testutil.Close;
import io.gcgan.tensor.testutil.Data;
import io.gcgan.tensor.testutil.Host;
import io.gcgan.tensor.testutil.Ref;
import io.gcgan.tensor.testutil.Ref.Conv;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CpuBackend conv2d forward, backward-data and backward-weight against the direct loops of Ref, the adjoint
 * identity that ties the three together, and a geometry that makes CpuConvolution split the batch in chunks.
 *
 * <p>float32 data are multiples of 1/8 in [-1, 1]: every product and partial sum is then exact in float, so the
 * im2col + sgemm result must equal the float64 reference exactly and any indexing slip shows.
 */
class CpuConvolutionTest {

    private static final CpuBackend B = CpuBackend.instance();

    /** n, c, h, w, k, r, s, strideH, strideW, padH, padW. */
    static final Conv[] GEOMETRIES = {
        new Conv(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0),
        new Conv(2, 3, 5, 5, 4, 1, 1, 1, 1, 0, 0), // 1x1 kernel
        new Conv(1, 2, 7, 9, 3, 1, 1, 2, 3, 0, 0), // 1x1 kernel, strided: unread inputs
        new Conv(1, 2, 7, 9, 3, 3, 3, 1, 1, 1, 1),
        new Conv(5, 3, 7, 9, 2, 3, 3, 2, 2, 1, 1), // batch 5
        new Conv(2, 2, 7, 9, 3, 3, 3, 3, 2, 0, 1), // different strides
        new Conv(1, 3, 9, 7, 2, 4, 4, 2, 2, 1, 1), // 4x4
        new Conv(2, 2, 8, 8, 3, 4, 4, 2, 2, 2, 2), // pad 2
        new Conv(1, 2, 7, 9, 3, 5, 3, 1, 2, 2, 1), // non-square kernel
        new Conv(5, 1, 13, 7, 2, 5, 3, 3, 1, 0, 2),
        new Conv(1, 1, 7, 7, 1, 3, 3, 3, 3, 0, 0), // last row / column never read
        new Conv(2, 4, 1, 1, 3, 1, 1, 1, 1, 0, 0), // 1x1 spatial
        new Conv(1, 2, 3, 3, 2, 5, 5, 1, 1, 2, 2), // kernel larger than input
        new Conv(3, 2, 5, 11, 4, 2, 4, 1, 3, 0, 2),
        new Conv(1, 1, 1, 9, 2, 1, 3, 1, 2, 0, 1), // height 1
        new Conv(2, 3, 10, 6, 2, 3, 5, 3, 1, 2, 0),
    };

    /** The mnist28 D layers (ConvT layers of G have the same geometries) and dcgan64's D and first G layer, batch 2. */
    static final Conv[] WORKLOADS = {
        new Conv(2, 1, 28, 28, 64, 4, 4, 2, 2, 1, 1), // mnist28 D1 / G2
        new Conv(2, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1), // mnist28 D2 / G1
        new Conv(2, 3, 64, 64, 64, 4, 4, 2, 2, 1, 1), // dcgan64 d1 / g5
        new Conv(2, 64, 32, 32, 128, 4, 4, 2, 2, 1, 1), // d2 / g4
        new Conv(2, 128, 16, 16, 256, 4, 4, 2, 2, 1, 1), // d3 / g3
        new Conv(2, 256, 8, 8, 512, 4, 4, 2, 2, 1, 1), // d4 / g2
        new Conv(2, 512, 4, 4, 1, 4, 4, 1, 1, 0, 0), // d5
        new Conv(2, 512, 4, 4, 100, 4, 4, 1, 1, 0, 0), // g1: ConvT(100, 512, 4, 1, 0) from 1x1
    };

    static Stream<Arguments> geometries() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            for (Conv g : GEOMETRIES) {
                out.add(Arguments.of(g, dt));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> workloads() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            for (Conv g : WORKLOADS) {
                out.add(Arguments.of(g, dt));
            }
        }
        return out.stream();
    }

    static double[] values(Random rnd, int n, DType dt) {
        if (dt == DType.FLOAT32) {
            double[] v = Data.ints(rnd, n, 8);
            for (int i = 0; i < n; i++) {
                v[i] /= 8;
            }
            return v;
        }
        return Data.uniform(rnd, n, -1, 1, dt);
    }

    static void checkAll(Conv g, DType dt, long seed) {
        Random rnd = new Random(seed);
        ConvGeometry geo = g.geometry();
        double[] x = values(rnd, g.xSize(), dt);
        double[] w = values(rnd, g.wSize(), dt);
        double[] dy = values(rnd, g.ySize(), dt);
        // float64 tolerance scales with the number of terms in one sum
        int terms = Math.max(g.c() * g.r() * g.s(), Math.max(g.k() * g.r() * g.s(), g.n() * g.p() * g.q()));
        double tol = dt == DType.FLOAT32 ? 0 : 1e-15 * terms + 1e-14;

        Storage y = Host.poisoned(dt, g.ySize());
        B.conv2dForward(Host.of(dt, x), Host.of(dt, w), y, geo);
        Close.assertAllClose("forward " + g + " " + dt, geo.yShape(), Ref.convForward(x, w, g), Host.read(y), tol, tol);

        Storage dx = Host.poisoned(dt, g.xSize());
        B.conv2dBackwardData(Host.of(dt, dy), Host.of(dt, w), dx, geo);
        Close.assertAllClose("backward-data " + g + " " + dt, geo.xShape(), Ref.convBackwardData(dy, w, g),
                Host.read(dx), tol, tol);

        Storage dw = Host.poisoned(dt, g.wSize());
        B.conv2dBackwardWeight(Host.of(dt, x), Host.of(dt, dy), dw, geo);
        Close.assertAllClose("backward-weight " + g + " " + dt, geo.wShape(), Ref.convBackwardWeight(x, dy, g),
                Host.read(dw), tol, tol);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("geometries")
    void matchesDirectLoops(Conv g, DType dt) {
        checkAll(g, dt, 81);
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("workloads")
    void referenceWorkloadLayers(Conv g, DType dt) {
        checkAll(g, dt, 82);
    }

    @Test
    void geometryOutputSizeIsTheFloorFormula() {
        for (Conv g : GEOMETRIES) {
            ConvGeometry geo = g.geometry();
            assertTrue(geo.p() == g.p() && geo.q() == g.q(), "output size of " + g + ": got " + geo.p() + "x" + geo.q());
        }
    }

    /** {@code <conv(x, w), dy> == <x, backwardData(dy, w)> == <w, backwardWeight(x, dy)>} in float64. */
    @Test
    void adjointIdentityTiesTheThreeTogether() {
        Random rnd = new Random(83);
        List<Conv> all = new ArrayList<>(List.of(GEOMETRIES));
        all.add(WORKLOADS[0]);
        all.add(WORKLOADS[1]);
        for (Conv g : all) {
            ConvGeometry geo = g.geometry();
            DType dt = DType.FLOAT64;
            double[] x = Data.uniform(rnd, g.xSize(), -1, 1, dt);
            double[] w = Data.uniform(rnd, g.wSize(), -1, 1, dt);
            double[] dy = Data.uniform(rnd, g.ySize(), -1, 1, dt);
            Storage y = Host.poisoned(dt, g.ySize());
            Storage dx = Host.poisoned(dt, g.xSize());
            Storage dw = Host.poisoned(dt, g.wSize());
            B.conv2dForward(Host.of(dt, x), Host.of(dt, w), y, geo);
            B.conv2dBackwardData(Host.of(dt, dy), Host.of(dt, w), dx, geo);
            B.conv2dBackwardWeight(Host.of(dt, x), Host.of(dt, dy), dw, geo);
            double[] yv = Host.read(y);
            double[] dxv = Host.read(dx);
            double[] dwv = Host.read(dw);
            double a = Ref.dot(yv, dy);
            double b = Ref.dot(x, dxv);
            double c = Ref.dot(w, dwv);
            // Cauchy-Schwarz scale of each inner product: |<u, v>| <= |u| |v|
            double scale = Math.max(Ref.norm(yv) * Ref.norm(dy), Math.max(Ref.norm(x) * Ref.norm(dxv),
                    Ref.norm(w) * Ref.norm(dwv)));
            assertTrue(Math.abs(a - b) <= 1e-10 * scale && Math.abs(a - c) <= 1e-10 * scale,
                    "adjoint identity for " + g + ": <conv(x,w),dy> = " + a + ", <x,bwdData> = " + b
                            + ", <w,bwdWeight> = " + c + " (scale " + scale + ")");
            assertTrue(scale > 0 && !Double.isNaN(a + b + c), "degenerate adjoint check for " + g);
        }
    }

    /**
     * 128 channels, 4x4 kernel, 64x64 input, stride 1, pad 1: one sample's column matrix is CRS*PQ = 2048 * 63*63
     * = 8.1M elements, more than CHUNK_ELEMENTS (2^20; the assertion below allows up to 2 per GEMM, for a larger
     * chunk), so each sample has a GEMM of its own and a batch of 5
     * takes at least 3 GEMMs whose backward-weight results must be accumulated (beta = 1 after a chunk's first, or
     * per-worker partial sums added at the end), with an uneven last chunk.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void batchSplitAcrossSeveralChunks(DType dt) {
        Conv g = new Conv(5, 128, 64, 64, 2, 4, 4, 1, 1, 1, 1);
        long perSample = (long) Math.max(g.c() * g.r() * g.s(), g.k()) * g.p() * g.q();
        assertTrue(CpuConvolution.CHUNK_ELEMENTS / perSample <= 2,
                "geometry no longer forces several chunks: " + CpuConvolution.CHUNK_ELEMENTS / perSample + " samples fit");
        checkAll(g, dt, 84);
    }

    @Test
    void rejectsMixedDtypesAndShortStorages() {
        Conv g = new Conv(1, 2, 5, 5, 3, 3, 3, 1, 1, 1, 1);
        ConvGeometry geo = g.geometry();
        Storage x = Host.of(DType.FLOAT32, new double[g.xSize()]);
        Storage w = Host.of(DType.FLOAT32, new double[g.wSize()]);
        assertThrows(IllegalArgumentException.class,
                () -> B.conv2dForward(x, Host.of(DType.FLOAT64, new double[g.wSize()]), Host.poisoned(DType.FLOAT32, g.ySize()), geo));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> B.conv2dForward(x, w, Host.poisoned(DType.FLOAT32, g.ySize() - 1), geo));
        assertTrue(e.getMessage().contains("conv2dForward"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> B.conv2dBackwardData(Host.poisoned(DType.FLOAT32, g.ySize()), w, Host.poisoned(DType.FLOAT32, 3), geo));
        assertThrows(IllegalArgumentException.class,
                () -> B.conv2dBackwardWeight(x, Host.poisoned(DType.FLOAT32, g.ySize()), Host.poisoned(DType.FLOAT32, 3), geo));
        assertThrows(IllegalArgumentException.class, () -> new ConvGeometry(1, 1, 2, 2, 1, 5, 5, 1, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConvGeometry(1, 1, 5, 5, 1, 3, 3, 0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new ConvGeometry(1, 1, 5, 5, 1, 3, 3, 1, 1, -1, 0));
    }
}
