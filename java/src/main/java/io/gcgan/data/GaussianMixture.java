package io.gcgan.data;

import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * An equal-weight mixture of isotropic 2-D Gaussians, built as the WGAN-GP toy code (Gulrajani et al. 2017,
 * {@code gan_toy.py}) builds its data: a point is {@code (centre + noiseStd * z) / divisor} with z standard
 * normal in each coordinate. The division applies to the whole sample, noise included, so the mixture's
 * modes are {@code centre / divisor} and its per-coordinate standard deviation is
 * {@code sigma = noiseStd / divisor}.
 *
 * <ul>
 *   <li>{@link #eightOnRing()}: centres 2 (cos k pi/4, sin k pi/4), noiseStd 0.02, divisor 1.414, so the
 *       modes lie on a ring of radius 2 / 1.414 = 1.41443 and sigma = 0.02 / 1.414 = 0.0141443.</li>
 *   <li>{@link #twentyFiveOnGrid()}: centres (2i, 2j) for i, j in -2..2 (the grid -4..4 step 2), noiseStd
 *       0.05, divisor 2.828: modes 2.828 / 2 = 0.70721 apart, sigma = 0.05 / 2.828 = 0.0176803.</li>
 * </ul>
 *
 * The toy code's divisors are the literals 1.414 and 2.828, not sqrt(2) and 2 sqrt(2); so are these. It
 * computes in numpy float64, casts to float32 and then divides in float32; gcgan computes the whole
 * expression in double and rounds once to float32 (a difference of at most one float32 ulp).
 *
 * <p>Sampling: {@link #sample} draws each point's component uniformly (as the toy code's 8-Gaussian stream
 * does) from the given {@link Generator}, so repeated calls continue one infinite stream: a call for n points
 * reserves 3n counter blocks, n float64 uniforms (component k = floor(u * K)) then 2n float64 normals (x, y of
 * point 0, x, y of point 1, ...). The toy code's 25-Gaussian data is instead a fixed set of 100,000 points,
 * 4,000 per mode, shuffled once and cycled: {@link #fixedDataset}(4000, g) with a {@link DataLoader} using
 * {@link DataLoader.Shuffle#ONCE} reproduces that scheme.
 */
public final class GaussianMixture {

    private final String name;
    private final double[][] centres;
    private final double noiseStd;
    private final double divisor;

    /**
     * A mixture with the given centres (before division), noise standard deviation (before division) and
     * divisor; {@code name} appears in messages.
     */
    public GaussianMixture(String name, double[][] centres, double noiseStd, double divisor) {
        this.name = Objects.requireNonNull(name, "name");
        if (centres.length == 0) {
            throw new IllegalArgumentException(name + ": a mixture needs at least one centre");
        }
        this.centres = new double[centres.length][];
        for (int k = 0; k < centres.length; k++) {
            if (centres[k].length != 2) {
                throw new IllegalArgumentException(name + ": centre " + k + " has " + centres[k].length
                        + " coordinates, not 2");
            }
            this.centres[k] = centres[k].clone();
        }
        if (!(noiseStd >= 0) || !(divisor > 0) || !Double.isFinite(divisor)) {
            throw new IllegalArgumentException(name + ": need noiseStd >= 0 and a finite divisor > 0, got "
                    + noiseStd + " and " + divisor);
        }
        this.noiseStd = noiseStd;
        this.divisor = divisor;
    }

    /** The WGAN-GP toy code's "8gaussians", in its order: E, W, N, S, NE, SE, NW, SW. */
    public static GaussianMixture eightOnRing() {
        double d = 1.0 / Math.sqrt(2.0); // the toy code's 1./np.sqrt(2)
        double[][] unit = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}, {d, d}, {d, -d}, {-d, d}, {-d, -d}};
        double[][] centres = new double[8][];
        for (int k = 0; k < 8; k++) {
            centres[k] = new double[] {2.0 * unit[k][0], 2.0 * unit[k][1]};
        }
        return new GaussianMixture("8 Gaussians on a ring", centres, 0.02, 1.414);
    }

    /** The WGAN-GP toy code's "25gaussians", in its order: x = -4..4 outer, y = -4..4 inner, step 2. */
    public static GaussianMixture twentyFiveOnGrid() {
        double[][] centres = new double[25][];
        int k = 0;
        for (int x = -2; x <= 2; x++) {
            for (int y = -2; y <= 2; y++) {
                centres[k++] = new double[] {2.0 * x, 2.0 * y};
            }
        }
        return new GaussianMixture("25 Gaussians on a grid", centres, 0.05, 2.828);
    }

    public String name() {
        return name;
    }

    public int modeCount() {
        return centres.length;
    }

    /** The modes as samples see them, centre / divisor: [K][2] (a copy). */
    public double[][] modes() {
        double[][] modes = new double[centres.length][];
        for (int k = 0; k < centres.length; k++) {
            modes[k] = new double[] {centres[k][0] / divisor, centres[k][1] / divisor};
        }
        return modes;
    }

    /** The per-coordinate standard deviation of each component as samples see it: noiseStd / divisor. */
    public double sigma() {
        return noiseStd / divisor;
    }

    public double noiseStd() {
        return noiseStd;
    }

    public double divisor() {
        return divisor;
    }

    /** n points [n * 2] (x0, y0, x1, y1, ...), continuing the generator's stream (3n blocks). */
    public float[] sample(Generator generator, int n) {
        return sample(generator, n, null);
    }

    /**
     * As {@link #sample(Generator, int)}, also writing each point's component into {@code components}
     * (length n) unless it is null.
     */
    public float[] sample(Generator generator, int n, int[] components) {
        if (n < 1) {
            throw new IllegalArgumentException(name + ": sample n = " + n + " must be >= 1");
        }
        if (components != null && components.length != n) {
            throw new IllegalArgumentException(name + ": components has length " + components.length
                    + ", not n = " + n);
        }
        double[] uniforms = new double[n];
        double[] normals = new double[2 * n];
        generator.fillUniform(MemorySegment.ofArray(uniforms), DType.FLOAT64, n);
        generator.fillNormal(MemorySegment.ofArray(normals), DType.FLOAT64, 2L * n);
        int modes = centres.length;
        float[] points = new float[2 * n];
        for (int i = 0; i < n; i++) {
            int k = Math.min((int) (uniforms[i] * modes), modes - 1);
            if (components != null) {
                components[i] = k;
            }
            points[2 * i] = (float) ((centres[k][0] + noiseStd * normals[2 * i]) / divisor);
            points[2 * i + 1] = (float) ((centres[k][1] + noiseStd * normals[2 * i + 1]) / divisor);
        }
        return points;
    }

    /** n points as a tensor [n, 2], continuing the generator's stream. */
    public Tensor batch(Generator generator, int n, DType dtype, Device device) {
        return Tensor.of(sample(generator, n), n, 2).to(dtype).to(device);
    }

    /** n points as a float32 CPU tensor [n, 2]. */
    public Tensor batch(Generator generator, int n) {
        return batch(generator, n, DType.FLOAT32, Device.CPU);
    }

    /**
     * A fixed, balanced training set as the toy code builds its 25-Gaussian data: {@code perMode} rounds, each
     * with one point per component in component order, labelled with the component; 2 * K * perMode normals
     * from the generator (x, y of each point in turn). Not shuffled: the {@link DataLoader} does that.
     */
    public PointDataset fixedDataset(int perMode, Generator generator) {
        if (perMode < 1) {
            throw new IllegalArgumentException(name + ": perMode = " + perMode + " must be >= 1");
        }
        int modes = centres.length;
        int n = Math.multiplyExact(perMode, modes);
        double[] normals = new double[Math.multiplyExact(2, n)];
        generator.fillNormal(MemorySegment.ofArray(normals), DType.FLOAT64, 2L * n);
        float[] points = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int k = i % modes;
            labels[i] = k;
            points[2 * i] = (float) ((centres[k][0] + noiseStd * normals[2 * i]) / divisor);
            points[2 * i + 1] = (float) ((centres[k][1] + noiseStd * normals[2 * i + 1]) / divisor);
        }
        return PointDataset.of(points, 2, labels, name + ", " + perMode + " per mode");
    }

    @Override
    public String toString() {
        return name + " (" + centres.length + " modes, sigma " + sigma() + " = " + noiseStd + " / " + divisor + ")";
    }
}
