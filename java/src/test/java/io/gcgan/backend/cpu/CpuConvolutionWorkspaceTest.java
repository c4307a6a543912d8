package io.gcgan.backend.cpu;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.testutil.Close;
import io.gcgan.tensor.testutil.Host;
import io.gcgan.tensor.testutil.Ref;
import io.gcgan.tensor.testutil.Ref.Conv;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CpuConvolution on workspaces of exactly the size a call asks for: each case runs on a new CpuConvolution (its
 * own, empty workspace pool), so its first call's scratch buffers are sized by that call alone. Through the
 * backend's shared instance the buffers are grow-only and left large by earlier calls, which hid a buffer sized
 * too small (or an im2col row written past the last one) from CpuConvolutionTest.
 *
 * <p>Batches of 1 (one chunk of one sample, nothing to spare in the column buffer) and of 4 (split over the
 * cores, ranges shorter than the chunk the buffers are sized for), with P*Q > 1 and float32 data that are
 * multiples of 1/8, so the result must equal Ref's float64 loops exactly.
 */
class CpuConvolutionWorkspaceTest {

    /** n, c, h, w, k, r, s, strideH, strideW, padH, padW. */
    static final Conv[] GEOMETRIES = {
        new Conv(1, 2, 7, 9, 3, 3, 3, 1, 1, 1, 1),
        new Conv(1, 3, 9, 7, 2, 4, 4, 2, 2, 1, 1),
        new Conv(1, 2, 7, 9, 5, 5, 3, 1, 2, 2, 1), // more filters than C*R*S / P*Q rows
        new Conv(4, 3, 7, 9, 2, 3, 3, 2, 2, 1, 1),
        new Conv(4, 2, 8, 8, 7, 4, 4, 2, 2, 2, 2),
        new Conv(4, 1, 13, 7, 3, 5, 3, 3, 1, 0, 2),
    };

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            for (Conv g : GEOMETRIES) {
                out.add(Arguments.of(g, dt));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void firstCallsOnFreshWorkspacesMatchDirectLoops(Conv g, DType dt) {
        Random rnd = new Random(91);
        ConvGeometry geo = g.geometry();
        double[] x = CpuConvolutionTest.values(rnd, g.xSize(), dt);
        double[] w = CpuConvolutionTest.values(rnd, g.wSize(), dt);
        double[] dy = CpuConvolutionTest.values(rnd, g.ySize(), dt);
        int terms = Math.max(g.c() * g.r() * g.s(), Math.max(g.k() * g.r() * g.s(), g.n() * g.p() * g.q()));
        double tol = dt == DType.FLOAT32 ? 0 : 1e-15 * terms + 1e-14;

        Storage y = Host.poisoned(dt, g.ySize());
        new CpuConvolution(new Blas()).forward(Host.of(dt, x), Host.of(dt, w), y, geo);
        Close.assertAllClose("forward " + g + " " + dt, geo.yShape(), Ref.convForward(x, w, g), Host.read(y), tol, tol);

        Storage dx = Host.poisoned(dt, g.xSize());
        new CpuConvolution(new Blas()).backwardData(Host.of(dt, dy), Host.of(dt, w), dx, geo);
        Close.assertAllClose("backward-data " + g + " " + dt, geo.xShape(), Ref.convBackwardData(dy, w, g),
                Host.read(dx), tol, tol);

        Storage dw = Host.poisoned(dt, g.wSize());
        new CpuConvolution(new Blas()).backwardWeight(Host.of(dt, x), Host.of(dt, dy), dw, geo);
        Close.assertAllClose("backward-weight " + g + " " + dt, geo.wShape(), Ref.convBackwardWeight(x, dy, g),
                Host.read(dw), tol, tol);
    }
}
