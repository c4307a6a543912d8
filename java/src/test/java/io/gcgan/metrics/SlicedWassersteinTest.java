package io.gcgan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.data.ImageDataset;
import io.gcgan.data.Mnist;
import io.gcgan.random.Philox;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.TensorScope;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SlicedWassersteinTest {

    @Test
    void mirrorsIndicesWithoutRepeatingTheEdge() {
        assertEquals(List.of(2, 1, 0, 1, 2, 3, 4, 3, 2), IntStream.rangeClosed(-2, 6)
                .map(i -> SlicedWasserstein.mirror(i, 5)).boxed().toList());
        assertEquals(0, SlicedWasserstein.mirror(3, 1));
    }

    @Test
    void theLaplacianPyramidAddsBackUpToTheImage() {
        int h = 64;
        int w = 48;
        float[] x = new float[2 * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Philox.normal(3, i);
        }
        List<SlicedWasserstein.Level> p = SlicedWasserstein.pyramid(x, 2, h, w, 3);
        assertEquals(List.of(64, 32, 16), p.stream().map(SlicedWasserstein.Level::h).toList());
        assertEquals(List.of(48, 24, 12), p.stream().map(SlicedWasserstein.Level::w).toList());
        // G_l = L_l + up(G_{l+1}), from the coarsest level up
        float[] g = p.get(2).values();
        for (int l = 1; l >= 0; l--) {
            SlicedWasserstein.Level fine = p.get(l);
            SlicedWasserstein.Level coarse = p.get(l + 1);
            float[] up = SlicedWasserstein.up(g, 2, coarse.h(), coarse.w(), fine.h(), fine.w());
            g = new float[up.length];
            for (int i = 0; i < g.length; i++) {
                g[i] = fine.values()[i] + up[i];
            }
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], g[i], 1e-5, "pixel " + i);
        }
        // The binomial blur keeps a constant plane.
        float[] c = new float[5 * 7];
        java.util.Arrays.fill(c, 0.25f);
        for (float v : SlicedWasserstein.blur(c, 1, 5, 7, 1f)) {
            assertEquals(0.25f, v, 1e-7);
        }
    }

    @Test
    void theSlicedDistanceOfOneDimensionalSetsIsTheirWassersteinDistance() {
        float[] a = {3, 0, 2, 1};
        float[] b = {1, 4, 2, 3};
        // every unit direction in 1-D is +1 or -1: mean |sorted difference| = 1
        assertEquals(1.0, SlicedWasserstein.sliced(a, b, 1, 8, 2, 5), 1e-6);
        assertEquals(0.0, SlicedWasserstein.sliced(a, a, 1, 8, 2, 5), 0.0);
    }

    @Test
    void descriptorsAreNormalizedPerChannelAndBlindToAChannelsScaleAndOffset() {
        int n = 6;
        int c = 3;
        int h = 20;
        float[] x = new float[n * c * h * h];
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Philox.uniformDouble(4, i);
            y[i] = 2 * x[i] + 0.5f;
        }
        float[] dx = SlicedWasserstein.descriptors(x, n, c, h, h, 10, 9, 0);
        float[] dy = SlicedWasserstein.descriptors(y, n, c, h, h, 10, 9, 0);
        int d = c * 49;
        assertEquals(n * 10 * d, dx.length);
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            double sq = 0;
            for (int r = 0; r < n * 10; r++) {
                for (int k = 0; k < 49; k++) {
                    double v = dx[r * d + ch * 49 + k];
                    sum += v;
                    sq += v * v;
                }
            }
            assertEquals(0.0, sum / (n * 10 * 49), 1e-6, "channel " + ch + " mean");
            assertEquals(1.0, sq / (n * 10 * 49), 1e-5, "channel " + ch + " variance");
        }
        for (int i = 0; i < dx.length; i++) {
            assertEquals(dx[i], dy[i], 2e-5, "descriptor value " + i);
        }
    }

    @Test
    void noisierImagesAreFartherFromTheRealOnes() {
        ImageDataset digits = Mnist.embedded();
        int n = 300;
        float[] a;
        float[] b;
        try (TensorScope s = TensorScope.open()) {
            a = digits.batch(IntStream.range(0, n).map(i -> i * 33).toArray(), DType.FLOAT32, Device.CPU)
                    .toFloatArray();
            b = digits.batch(IntStream.range(0, n).map(i -> i * 33 + 7).toArray(), DType.FLOAT32, Device.CPU)
                    .toFloatArray();
        }
        SlicedWasserstein.Options o = SlicedWasserstein.Options.defaults(1);
        SlicedWasserstein.Result real = SlicedWasserstein.between(a, b, n, 1, 28, 28, o);
        assertEquals(List.of(28), real.resolutions());
        double previous = real.meanE3();
        System.out.println("real vs real: " + real);
        for (double sigma : new double[] {0.1, 0.3, 1.0}) {
            float[] noisy = b.clone();
            for (int i = 0; i < noisy.length; i++) {
                noisy[i] = (float) Math.max(-1, Math.min(1, noisy[i] + sigma * Philox.normal(12, i)));
            }
            SlicedWasserstein.Result r = SlicedWasserstein.between(a, noisy, n, 1, 28, 28, o);
            System.out.println("noise " + sigma + ": " + r);
            assertTrue(r.meanE3() > previous, "SWD grows with the noise: " + r + " after " + previous);
            previous = r.meanE3();
        }
        assertTrue(previous > 5 * real.meanE3(), "heavy noise is far from real digits: " + previous + " vs " + real);
    }

    @Test
    void sixtyFourPixelImagesHaveThreeLevels() {
        int n = 40;
        float[] a = smoothImages(n, 1);
        float[] b = smoothImages(n, 2);
        SlicedWasserstein.Result same = SlicedWasserstein.between(a, b, n, 3, 64, 64,
                SlicedWasserstein.Options.defaults(3));
        assertEquals(List.of(64, 32, 16), same.resolutions());
        float[] flat = new float[a.length];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (float) (2 * Philox.uniformDouble(77, i) - 1); // white noise: all of it in the finest level
        }
        SlicedWasserstein.Result noise = SlicedWasserstein.between(a, flat, n, 3, 64, 64,
                SlicedWasserstein.Options.defaults(3));
        System.out.println("smooth vs smooth: " + same + "; smooth vs white noise: " + noise);
        for (int l = 0; l < 3; l++) {
            assertTrue(noise.distancesE3().get(l) > same.distancesE3().get(l), "level " + l + ": " + noise + " vs "
                    + same);
        }
    }

    /** n images 3 x 64 x 64 of sums of a few smooth waves with random phases (Philox stream seed). */
    private static float[] smoothImages(int n, long seed) {
        float[] x = new float[n * 3 * 64 * 64];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < 3; ch++) {
                double fx = 1 + 3 * Philox.uniformDouble(seed, (i * 3 + ch) * 4L);
                double fy = 1 + 3 * Philox.uniformDouble(seed, (i * 3 + ch) * 4L + 1);
                double px = 6.28 * Philox.uniformDouble(seed, (i * 3 + ch) * 4L + 2);
                double py = 6.28 * Philox.uniformDouble(seed, (i * 3 + ch) * 4L + 3);
                for (int y = 0; y < 64; y++) {
                    for (int xx = 0; xx < 64; xx++) {
                        x[((i * 3 + ch) * 64 + y) * 64 + xx] = (float) (0.5 * Math.sin(fx * xx / 10.0 + px)
                                * Math.cos(fy * y / 10.0 + py));
                    }
                }
            }
        }
        return x;
    }

    @Test
    void badInputIsRefusedNamingTheProblem() {
        SlicedWasserstein.Options o = SlicedWasserstein.Options.defaults(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SlicedWasserstein.between(new float[10], new float[12], 1, 1, 2, 5, o));
        assertTrue(e.getMessage().contains("10 and 12 values for 1 image of 1 x 2 x 5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> SlicedWasserstein.between(new float[2 * 64], new float[2 * 64], 2, 1, 8, 8, o));
        assertTrue(e.getMessage().contains("images of 8 x 8 are smaller than 16 x 16"), e.getMessage());
        float[] bad = new float[2 * 256];
        bad[300] = Float.NaN;
        e = assertThrows(IllegalArgumentException.class,
                () -> SlicedWasserstein.between(new float[2 * 256], bad, 2, 1, 16, 16, o));
        assertTrue(e.getMessage().contains("image 1 of the second set has the non-finite value NaN"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new SlicedWasserstein.Options(0, 1, 1, 0));
        assertTrue(e.getMessage().contains("descriptors per image 0"), e.getMessage());
    }
}
