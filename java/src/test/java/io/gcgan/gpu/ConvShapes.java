package io.gcgan.gpu;

import io.gcgan.backend.ConvGeometry;
import java.util.ArrayList;
import java.util.List;

/**
 * The conv layers of the reference models (DESIGN.md; the same table as CONV_LAYERS in pytorch_peer.py) and odd
 * geometries, as {@link ConvGeometry} at a chosen batch. A transposed layer is the conv whose backward-data is its
 * forward: its output is the geometry's x, its input the geometry's y, its weight [in, out, k, k] the geometry's w.
 */
final class ConvShapes {

    /** One layer: name, and the conv geometry its three passes use. */
    record Layer(String name, boolean transposed, ConvGeometry g) {
        @Override
        public String toString() {
            return name + (transposed ? " (transposed)" : "") + " x[" + g.n() + "," + g.c() + "," + g.h() + ","
                    + g.w() + "] w[" + g.k() + "," + g.c() + "," + g.r() + "," + g.s() + "] stride " + g.strideH()
                    + "," + g.strideW() + " pad " + g.padH() + "," + g.padW();
        }
    }

    /** (name, transposed, c_in, c_out, h_in, k, stride, pad) as in pytorch_peer.py. */
    private static final Object[][] REFERENCE = {
        {"dcgan64.g1", true, 100, 512, 1, 4, 1, 0}, {"dcgan64.g2", true, 512, 256, 4, 4, 2, 1},
        {"dcgan64.g3", true, 256, 128, 8, 4, 2, 1}, {"dcgan64.g4", true, 128, 64, 16, 4, 2, 1},
        {"dcgan64.g5", true, 64, 3, 32, 4, 2, 1},
        {"dcgan64.d1", false, 3, 64, 64, 4, 2, 1}, {"dcgan64.d2", false, 64, 128, 32, 4, 2, 1},
        {"dcgan64.d3", false, 128, 256, 16, 4, 2, 1}, {"dcgan64.d4", false, 256, 512, 8, 4, 2, 1},
        {"dcgan64.d5", false, 512, 1, 4, 4, 1, 0},
        {"mnist28.g1", true, 128, 64, 7, 4, 2, 1}, {"mnist28.g2", true, 64, 1, 14, 4, 2, 1},
        {"mnist28.d1", false, 1, 64, 28, 4, 2, 1}, {"mnist28.d2", false, 64, 128, 14, 4, 2, 1},
    };

    private ConvShapes() {
    }

    /** The reference layers whose name starts with {@code prefix}, at batch {@code n}. */
    static List<Layer> reference(String prefix, int n) {
        List<Layer> out = new ArrayList<>();
        for (Object[] r : REFERENCE) {
            String name = (String) r[0];
            if (!name.startsWith(prefix)) {
                continue;
            }
            boolean tr = (Boolean) r[1];
            int cin = (Integer) r[2];
            int cout = (Integer) r[3];
            int hin = (Integer) r[4];
            int k = (Integer) r[5];
            int s = (Integer) r[6];
            int p = (Integer) r[7];
            ConvGeometry g;
            if (tr) {
                int hout = (hin - 1) * s - 2 * p + k;
                g = new ConvGeometry(n, cout, hout, hout, cin, k, k, s, s, p, p);
                if (g.p() != hin) {
                    throw new IllegalStateException(name + ": transposed geometry gives input " + g.p() + ", not "
                            + hin);
                }
            } else {
                g = new ConvGeometry(n, cin, hin, hin, cout, k, k, s, s, p, p);
            }
            out.add(new Layer(name + " n=" + n, tr, g));
        }
        return out;
    }

    /** Odd geometries: non-square, stride larger than the kernel, 1x1, a single pixel, rows no window covers. */
    static List<Layer> odd() {
        return List.of(
                new Layer("odd rect", false, new ConvGeometry(3, 5, 11, 9, 7, 3, 2, 2, 1, 1, 0)),
                new Layer("single pixel", false, new ConvGeometry(1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0)),
                new Layer("stride 3 pad 2", false, new ConvGeometry(2, 3, 7, 7, 4, 5, 5, 3, 3, 2, 2)),
                new Layer("odd 4x1 kernel", false, new ConvGeometry(5, 17, 13, 6, 3, 4, 1, 2, 2, 1, 0)),
                new Layer("1x1 65 filters", false, new ConvGeometry(4, 33, 8, 8, 65, 1, 1, 1, 1, 0, 0)),
                // (8 - 3) / 2 + 1 = 3 windows cover rows 0..6: row 7 of dx gets no term and must be written as 0
                new Layer("uncovered last row", false, new ConvGeometry(2, 3, 8, 9, 4, 3, 3, 2, 2, 0, 0)),
                new Layer("stride > kernel", false, new ConvGeometry(2, 2, 10, 10, 3, 2, 2, 3, 3, 0, 0)));
    }
}
