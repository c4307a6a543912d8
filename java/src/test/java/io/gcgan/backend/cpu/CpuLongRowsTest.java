package io.gcgan.backend.cpu;

import io.gcgan.backend.BinaryOp;
import io.gcgan.backend.Lifetime;
import io.gcgan.backend.Storage;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.testutil.Close;
import io.gcgan.tensor.testutil.Data;
import io.gcgan.tensor.testutil.Host;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Elementwise calls whose rows StridedIndex cuts into pieces for the cores (fewer rows than tasks, rows of at least
 * 2 * MIN_PIECE elements), against float64 loops: a dense op done in place ({@code out} is {@code a}, as
 * Tensor's in-place add and scale do), where a piece handed to two tasks would be added twice; and a broadcast
 * that leaves three dimensions after coalescing, where each piece's row must be found from its index tuple.
 */
class CpuLongRowsTest {

    private static final CpuBackend B = CpuBackend.instance();

    @ParameterizedTest
    @EnumSource(DType.class)
    void inPlaceOpsOnOneLongRowApplyOncePerElement(DType dt) {
        int n = 100_003; // one row of 6+ pieces of >= 16384 elements, the last one short
        Random rnd = new Random(31);
        double[] a = Data.uniform(rnd, n, -2, 2, dt);
        double[] b = Data.uniform(rnd, n, -2, 2, dt);
        long[] dense = {1};
        long[] shape = {n};
        // ADD runs in float for float32, MAX through the double blocks: both paths of binary.
        for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.MAX}) {
            Storage as = Host.of(dt, a);
            B.binary(op, as, dense, Host.of(dt, b), dense, as, shape);
            double[] want = new double[n];
            for (int i = 0; i < n; i++) {
                want[i] = op == BinaryOp.ADD ? a[i] + b[i] : Math.max(a[i], b[i]);
            }
            double tol = Close.tol(dt);
            Close.assertAllClose(op + " in place " + dt, want, Host.read(as), tol, tol);
        }
    }

    static Stream<Arguments> broadcastCases() {
        List<Arguments> out = new ArrayList<>();
        for (DType dt : DType.values()) {
            // 6 rows (fewer than the tasks) of 40000 elements, cut into pieces; and 512 short rows split over the
            // cores by rows, each task starting at a row whose index tuple it must work out. [2, 3] alone does not
            // show a piece's row decomposed wrongly into (r * 3 % 2, r % 3): that is a permutation of the rows, so
            // every piece is still done once (PIT); over [2, 2] it is not (r * 2 % 2 is always 0).
            out.add(Arguments.of(dt, 2, 3, 40_000));
            out.add(Arguments.of(dt, 2, 2, 40_000));
            out.add(Arguments.of(dt, 8, 64, 100));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} [{1}, {2}, {3}]")
    @MethodSource("broadcastCases")
    void aBroadcastOverTheMiddleDimension(DType dt, int d0, int d1, int len) {
        // out [d0, d1, len] = a [d0, d1, len] op b [d0, 1, len]: b's zero stride on the middle dimension keeps all
        // three dimensions apart after coalescing.
        Random rnd = new Random(32);
        double[] a = Data.uniform(rnd, d0 * d1 * len, -2, 2, dt);
        double[] b = Data.uniform(rnd, d0 * len, -2, 2, dt);
        long[] shape = {d0, d1, len};
        for (BinaryOp op : new BinaryOp[] {BinaryOp.SUB, BinaryOp.MIN}) {
            Storage out = Host.poisoned(dt, a.length);
            B.binary(op, Host.of(dt, a), new long[] {(long) d1 * len, len, 1}, Host.of(dt, b),
                    new long[] {len, 0, 1}, out, shape);
            double[] want = new double[a.length];
            for (int i = 0; i < d0; i++) {
                for (int j = 0; j < d1; j++) {
                    for (int k = 0; k < len; k++) {
                        double x = a[(i * d1 + j) * len + k];
                        double y = b[i * len + k];
                        want[(i * d1 + j) * len + k] = op == BinaryOp.SUB ? x - y : Math.min(x, y);
                    }
                }
            }
            double tol = Close.tol(dt);
            Close.assertAllClose(op + " broadcast " + dt, shape, want, Host.read(out), tol, tol);
            Storage copy = B.allocate(dt, a.length, Lifetime.AUTOMATIC);
            // The same walk for a copy: b expanded over the middle dimension.
            B.copyStrided(Host.of(dt, b), 0, new long[] {len, 0, 1}, copy, 0, new long[] {(long) d1 * len, len, 1},
                    shape);
            double[] expanded = new double[a.length];
            for (int i = 0; i < d0; i++) {
                for (int j = 0; j < d1; j++) {
                    System.arraycopy(b, i * len, expanded, (i * d1 + j) * len, len);
                }
            }
            Close.assertExact("expand copy " + dt, expanded, Host.read(copy));
        }
    }
}
