package io.gcgan.metrics;

import io.gcgan.random.Generator;
import io.gcgan.random.Philox;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The sliced Wasserstein distance (SWD) between two sets of images over a Laplacian pyramid of local patches, as
 * Karras et al. (2018, "Progressive Growing of GANs", appendix D) measure image quality without a trained network:
 * the one image-quality score gcgan has for dcgan64's 3 x 64 x 64 images.
 *
 * <ol>
 *   <li>Each image [C, H, W] is split into a Laplacian pyramid: G_0 is the image, G_{l+1} = down(G_l) (the 5-tap
 *       binomial filter [1, 4, 6, 4, 1] / 16 in x and y, mirrored at the borders, then every second pixel), L_l =
 *       G_l - up(G_{l+1}) (zeros between the pixels, the same filter times 4); the last level is the smallest G.
 *       Levels are kept while their side is at least {@value #MIN_RESOLUTION}: 64, 32 and 16 for 64 x 64 images,
 *       only the image itself for 28 x 28.</li>
 *   <li>From every image and level, {@code descriptorsPerImage} 7 x 7 neighbourhoods at random positions (Philox,
 *       one stream per image set) give descriptors of C x 49 values; within a set and level each channel is
 *       normalized to mean 0 and standard deviation 1 over all its descriptors.</li>
 *   <li>Per level: {@code repeats} times, {@code directions} random unit directions (Philox normals); both sets'
 *       descriptors are projected on each direction, sorted, and the mean absolute difference of the sorted
 *       projections is taken (the 1-D Wasserstein-1 distance of the projections); the level's SWD is the mean over
 *       directions and repeats.</li>
 * </ol>
 *
 * As in the paper, values are reported times 10^3 per level and as their mean; lower is better, and the two sets
 * must have the same number of images. Defaults differ from the paper's GPU setting (128 descriptors per image,
 * 512 directions) to keep a CPU run to seconds: {@value #DEFAULT_DESCRIPTORS} descriptors per image, {@value
 * #DEFAULT_DIRECTIONS} directions, {@value #DEFAULT_REPEATS} repeats. Compare values computed with the same settings
 * and image count only.
 */
public final class SlicedWasserstein {

    public static final int MIN_RESOLUTION = 16;
    public static final int PATCH = 7;
    public static final int DEFAULT_DESCRIPTORS = 32;
    public static final int DEFAULT_DIRECTIONS = 128;
    public static final int DEFAULT_REPEATS = 4;

    private static final long SET_A_STREAM = 0x61L;  // patch positions of the first set ("a") ...
    private static final long SET_B_STREAM = 0x62L;  // ... and of the second ("b")
    private static final long DIRECTION_STREAM = 0x64697273L; // "dirs"

    private SlicedWasserstein() {
    }

    /**
     * The settings of a measurement.
     *
     * @param descriptorsPerImage 7 x 7 neighbourhoods taken per image and level
     * @param directions          random projections per repeat
     * @param repeats             repeats of the projections (fresh directions each time)
     * @param seed                the Philox seed of patch positions and directions
     */
    public record Options(int descriptorsPerImage, int directions, int repeats, long seed) {
        public Options {
            if (descriptorsPerImage < 1 || directions < 1 || repeats < 1) {
                throw new IllegalArgumentException("SlicedWasserstein: descriptors per image " + descriptorsPerImage
                        + ", directions " + directions + " and repeats " + repeats + " must each be at least 1");
            }
        }

        public static Options defaults(long seed) {
            return new Options(DEFAULT_DESCRIPTORS, DEFAULT_DIRECTIONS, DEFAULT_REPEATS, seed);
        }
    }

    /**
     * SWD times 10^3 per pyramid level (finest first) and their mean.
     *
     * @param resolutions  the side of each level's images, finest first
     * @param distancesE3  SWD x 10^3 per level
     * @param meanE3       the mean of {@code distancesE3}
     * @param images       images per set
     */
    public record Result(List<Integer> resolutions, List<Double> distancesE3, double meanE3, int images) {
        public Result {
            resolutions = List.copyOf(resolutions);
            distancesE3 = List.copyOf(distancesE3);
        }

        /** "SWD x1e3 64: 10.2, 32: 8.1, 16: 9.9, mean 9.4 (2048 images)". */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("SWD x1e3 ");
            for (int l = 0; l < resolutions.size(); l++) {
                sb.append(resolutions.get(l)).append(": ")
                        .append(String.format(Locale.ROOT, "%.2f", distancesE3.get(l))).append(", ");
            }
            return sb.append(String.format(Locale.ROOT, "mean %.2f (%d images)", meanE3, images)).toString();
        }
    }

    /** The pyramid's level sides for images of side {@code h} x {@code w}: while both are at least 16, halving. */
    public static List<Integer> resolutions(int h, int w) {
        List<Integer> r = new ArrayList<>();
        for (int hh = h, ww = w; Math.min(hh, ww) >= MIN_RESOLUTION; hh /= 2, ww /= 2) {
            r.add(hh);
        }
        if (r.isEmpty()) {
            throw new IllegalArgumentException("SlicedWasserstein: images of " + h + " x " + w + " are smaller than "
                    + MIN_RESOLUTION + " x " + MIN_RESOLUTION);
        }
        return r;
    }

    /**
     * SWD between image sets a and b, each [n, c, h, w] row-major (the same shape; values in the data's range).
     */
    public static Result between(float[] a, float[] b, int n, int c, int h, int w, Options o) {
        long size = (long) n * c * h * w;
        if (a.length != size || b.length != size) {
            throw new IllegalArgumentException("SlicedWasserstein: " + a.length + " and " + b.length + " values for "
                    + n + (n == 1 ? " image of " : " images of ") + c + " x " + h + " x " + w + " (" + size + " each)");
        }
        for (float[] set : List.of(a, b)) {
            for (int i = 0; i < set.length; i++) {
                if (!Float.isFinite(set[i])) {
                    throw new IllegalArgumentException("SlicedWasserstein: image " + i / (c * h * w) + " of the "
                            + (set == a ? "first" : "second") + " set has the non-finite value " + set[i]);
                }
            }
        }
        List<Integer> res = resolutions(h, w);
        List<Level> pa = pyramid(a, n * c, h, w, res.size());
        List<Level> pb = pyramid(b, n * c, h, w, res.size());
        List<Double> dist = new ArrayList<>();
        double sum = 0;
        for (int l = 0; l < res.size(); l++) {
            Level la = pa.get(l);
            Level lb = pb.get(l);
            float[] da = descriptors(la.values(), n, c, la.h(), la.w(), o.descriptorsPerImage(),
                    o.seed() ^ SET_A_STREAM, l);
            float[] db = descriptors(lb.values(), n, c, lb.h(), lb.w(), o.descriptorsPerImage(),
                    o.seed() ^ SET_B_STREAM, l);
            double d = 1e3 * sliced(da, db, c * PATCH * PATCH, o.directions(), o.repeats(),
                    o.seed() ^ DIRECTION_STREAM ^ ((long) l << 32));
            dist.add(d);
            sum += d;
        }
        return new Result(res, dist, sum / res.size(), n);
    }

    // ---- the pyramid -------------------------------------------------------------------------------------

    /** One pyramid level: planes of h x w, one after another. */
    record Level(float[] values, int h, int w) {
    }

    /**
     * The Laplacian pyramid of {@code planes} images of h x w (row-major, one after another), finest first, the last
     * level the smallest Gaussian level.
     */
    static List<Level> pyramid(float[] x, int planes, int h, int w, int levels) {
        List<Level> out = new ArrayList<>();
        float[] g = x.clone();
        int gh = h;
        int gw = w;
        for (int l = 1; l < levels; l++) {
            int dh = (gh + 1) / 2;
            int dw = (gw + 1) / 2;
            float[] down = down(g, planes, gh, gw);
            float[] up = up(down, planes, dh, dw, gh, gw);
            float[] lap = new float[g.length];
            for (int i = 0; i < lap.length; i++) {
                lap[i] = g[i] - up[i];
            }
            out.add(new Level(lap, gh, gw));
            g = down;
            gh = dh;
            gw = dw;
        }
        out.add(new Level(g, gh, gw));
        return out;
    }

    private static final float[] BINOMIAL = {1 / 16f, 4 / 16f, 6 / 16f, 4 / 16f, 1 / 16f};

    /** Index i mirrored into [0, n) without repeating the edge (scipy's "mirror": -1 -> 1, n -> n - 2). */
    static int mirror(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int m = Math.floorMod(i, period);
        return m < n ? m : period - m;
    }

    /** Separable 5-tap binomial blur of each h x w plane, times {@code gain}. */
    static float[] blur(float[] x, int planes, int h, int w, float gain) {
        float[] tmp = new float[x.length];
        float[] out = new float[x.length];
        for (int p = 0; p < planes; p++) {
            int base = p * h * w;
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    float s = 0;
                    for (int k = -2; k <= 2; k++) {
                        s += BINOMIAL[k + 2] * x[base + y * w + mirror(xx + k, w)];
                    }
                    tmp[base + y * w + xx] = s;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    float s = 0;
                    for (int k = -2; k <= 2; k++) {
                        s += BINOMIAL[k + 2] * tmp[base + mirror(y + k, h) * w + xx];
                    }
                    out[base + y * w + xx] = gain * s;
                }
            }
        }
        return out;
    }

    /** Blur, then every second pixel: h x w -> ceil(h / 2) x ceil(w / 2). */
    static float[] down(float[] x, int planes, int h, int w) {
        float[] b = blur(x, planes, h, w, 1f);
        int dh = (h + 1) / 2;
        int dw = (w + 1) / 2;
        float[] out = new float[planes * dh * dw];
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < dh; y++) {
                for (int xx = 0; xx < dw; xx++) {
                    out[(p * dh + y) * dw + xx] = b[(p * h + 2 * y) * w + 2 * xx];
                }
            }
        }
        return out;
    }

    /** The inverse step: each pixel at (2y, 2x) of an h x w plane of zeros, then the blur times 4. */
    static float[] up(float[] x, int planes, int dh, int dw, int h, int w) {
        float[] z = new float[planes * h * w];
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < dh; y++) {
                for (int xx = 0; xx < dw; xx++) {
                    z[(p * h + 2 * y) * w + 2 * xx] = x[(p * dh + y) * dw + xx];
                }
            }
        }
        return blur(z, planes, h, w, 4f);
    }

    // ---- descriptors and the sliced distance -------------------------------------------------------------

    /**
     * {@code per} random 7 x 7 neighbourhoods of each of n images [c, h, w]: rows of c x 49 values (channel, then
     * row, then column), each channel normalized to mean 0, standard deviation 1 over all rows. The position of
     * descriptor j of image i at level l is drawn from Philox stream {@code seed}, blocks (l, i, j).
     */
    static float[] descriptors(float[] x, int n, int c, int h, int w, int per, long seed, int level) {
        if (h < PATCH || w < PATCH) {
            throw new IllegalArgumentException("SlicedWasserstein: a level of " + h + " x " + w + " is smaller than"
                    + " the 7 x 7 neighbourhood");
        }
        int d = c * PATCH * PATCH;
        int rows = n * per;
        float[] out = new float[rows * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < per; j++) {
                long block = (((long) level * n + i) * per + j) * 2;
                int y0 = (int) (Philox.uniformDouble(seed, block) * (h - PATCH + 1));
                int x0 = (int) (Philox.uniformDouble(seed, block + 1) * (w - PATCH + 1));
                int o = (i * per + j) * d;
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < PATCH; y++) {
                        int src = ((i * c + ch) * h + y0 + y) * w + x0;
                        System.arraycopy(x, src, out, o + (ch * PATCH + y) * PATCH, PATCH);
                    }
                }
            }
        }
        int perChannel = PATCH * PATCH;
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            double sumSq = 0;
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < perChannel; k++) {
                    double v = out[r * d + ch * perChannel + k];
                    sum += v;
                    sumSq += v * v;
                }
            }
            double count = (double) rows * perChannel;
            double mean = sum / count;
            double std = Math.sqrt(Math.max(0, sumSq / count - mean * mean));
            double scale = std > 0 ? 1 / std : 1;
            for (int r = 0; r < rows; r++) {
                for (int k = 0; k < perChannel; k++) {
                    int idx = r * d + ch * perChannel + k;
                    out[idx] = (float) ((out[idx] - mean) * scale);
                }
            }
        }
        return out;
    }

    /**
     * The sliced Wasserstein-1 distance between the rows of a and b (the same number of rows of d values): the mean
     * over {@code repeats} x {@code directions} random unit directions of the mean |sorted(a v) - sorted(b v)|.
     * The projections are one matrix product per set and repeat (float32, on the CPU backend).
     */
    static double sliced(float[] a, float[] b, int d, int directions, int repeats, long seed) {
        int rows = a.length / d;
        if (a.length != b.length || a.length % d != 0) {
            throw new IllegalArgumentException("SlicedWasserstein: " + a.length + " and " + b.length
                    + " values are not the same number of rows of " + d);
        }
        Generator g = new Generator(seed);
        double total = 0;
        try (TensorScope scope = TensorScope.open()) {
            Tensor ta = Tensor.of(a, rows, d);
            Tensor tb = Tensor.of(b, rows, d);
            for (int r = 0; r < repeats; r++) {
                try (TensorScope inner = TensorScope.open()) {
                    Tensor dirs = Tensor.randn(g, DType.FLOAT32, Device.CPU, directions, d);
                    dirs = dirs.div(dirs.square().sum(new int[] {1}, true).sqrt()); // unit rows
                    float[] pa = dirs.matmul(ta, false, true).toFloatArray(); // [directions, rows]
                    float[] pb = dirs.matmul(tb, false, true).toFloatArray();
                    double[] perDirection = new double[directions];
                    IntStream.range(0, directions).parallel().forEach(k -> {
                        float[] sa = Arrays.copyOfRange(pa, k * rows, (k + 1) * rows);
                        float[] sb = Arrays.copyOfRange(pb, k * rows, (k + 1) * rows);
                        Arrays.sort(sa);
                        Arrays.sort(sb);
                        double s = 0;
                        for (int i = 0; i < rows; i++) {
                            s += Math.abs((double) sa[i] - sb[i]);
                        }
                        perDirection[k] = s / rows;
                    });
                    for (double v : perDirection) {
                        total += v;
                    }
                }
            }
        }
        return total / ((double) repeats * directions);
    }
}
