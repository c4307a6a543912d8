package io.gcgan.cli;

import io.gcgan.data.GaussianMixture;
import io.gcgan.data.ImageDataset;
import io.gcgan.metrics.DigitClassifier;
import io.gcgan.metrics.DigitScores;
import io.gcgan.metrics.FeatureStatistics;
import io.gcgan.metrics.ModeCoverage;
import io.gcgan.metrics.SlicedWasserstein;
import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Scores G's samples of seeded noise, for {@code gcgan score} and {@code gcgan train --score-every}: the digit scores
 * of an mnist28 G, the sliced Wasserstein distance of a dcgan64 G, or the mode coverage of a 2-D G. G is given as a
 * function from noise to samples, called in chunks of {@value #CHUNK} under no-grad, each chunk in its own tensor
 * scope; the noise comes from {@code new Generator(seed)}, so the same seed gives the same samples.
 */
final class SampleScorer {

    /** Samples per G call. */
    static final int CHUNK = 500;

    /** scores.csv's columns for digit scores, in {@link #digitRow} order. */
    static final List<String> DIGIT_COLUMNS = List.of("frechet_distance", "classifier_score", "digits_covered",
            "digit_imbalance", "confident_fraction");
    /** scores.csv's columns for mode coverage, in {@link #modeRow} order. */
    static final List<String> MODE_COLUMNS = List.of("modes_covered", "modes", "high_quality_fraction");

    private SampleScorer() {
    }

    /**
     * The sliced Wasserstein distance between {@code count} samples of {@code g} (at most the data's size) and as
     * many of {@code real}'s images, chosen at random without replacement (Philox stream {@code seed}).
     */
    static SlicedWasserstein.Result swd(UnaryOperator<Tensor> g, TrainSettings s, Device device, long seed,
                                        int count, ImageDataset real) {
        int n = Math.min(count, real.size());
        long[] geometry = Experiment.imageGeometry(s.model());
        int per = Math.toIntExact(geometry[0] * geometry[1] * geometry[2]);
        if ((long) n * per > Integer.MAX_VALUE - 8) {
            throw new UsageException("--count " + count + ": the sliced Wasserstein distance holds the images in one"
                    + " array; at most " + (Integer.MAX_VALUE - 8) / per + " " + s.model() + " samples");
        }
        float[] fake = new float[n * per];
        Generator noise = new Generator(seed);
        for (int done = 0; done < n; done += CHUNK) {
            try (TensorScope scope = TensorScope.open(); GradMode.Guard ignored = GradMode.noGrad()) {
                float[] part = g.apply(noise(s, device, noise, Math.min(CHUNK, n - done))).to(DType.FLOAT32)
                        .toFloatArray();
                System.arraycopy(part, 0, fake, done * per, part.length);
            }
        }
        ImageDataset chosen = (ImageDataset) real.split(n, seed).heldOut(); // n of them, at random
        float[] data = new float[n * per];
        for (int done = 0; done < n; done += CHUNK) {
            int[] idx = new int[Math.min(CHUNK, n - done)];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = done + i;
            }
            try (TensorScope scope = TensorScope.open()) {
                float[] part = chosen.batch(idx, DType.FLOAT32, Device.CPU).toFloatArray();
                System.arraycopy(part, 0, data, done * per, part.length);
            }
        }
        return SlicedWasserstein.between(data, fake, n, (int) geometry[0], (int) geometry[1], (int) geometry[2],
                SlicedWasserstein.Options.defaults(seed));
    }

    /** Noise [n, ...] for a G of {@code s}'s model, drawn from {@code generator} (which advances). */
    static Tensor noise(TrainSettings s, Device device, Generator generator, int n) {
        long[] noiseShape = Experiment.noiseShape(s.model());
        long[] shape = new long[noiseShape.length + 1];
        shape[0] = n;
        System.arraycopy(noiseShape, 0, shape, 1, noiseShape.length);
        return Tensor.randn(generator, Experiment.dtype(s.dtype()), device, shape);
    }

    /** {@code count} samples of {@code g} scored against {@code reference}: {@code result()} gives the scores. */
    static DigitScores.Accumulator digits(UnaryOperator<Tensor> g, TrainSettings s, Device device, long seed,
                                          int count, DigitClassifier classifier, FeatureStatistics reference) {
        DigitScores.Accumulator acc = new DigitScores.Accumulator(classifier, reference);
        Generator noise = new Generator(seed);
        for (int done = 0; done < count; done += CHUNK) {
            try (TensorScope scope = TensorScope.open(); GradMode.Guard ignored = GradMode.noGrad()) {
                acc.add(g.apply(noise(s, device, noise, Math.min(CHUNK, count - done))));
            }
        }
        return acc;
    }

    /** The mode coverage of {@code count} samples of {@code g} on {@code mixture}. */
    static ModeCoverage modes(UnaryOperator<Tensor> g, TrainSettings s, Device device, long seed, int count,
                              GaussianMixture mixture) {
        try (TensorScope scope = TensorScope.open(); GradMode.Guard ignored = GradMode.noGrad()) {
            return ModeCoverage.of(g.apply(noise(s, device, new Generator(seed), count)), mixture);
        }
    }

    static double[] digitRow(DigitScores d) {
        return new double[] {d.frechetDistance(), d.classifierScore(), d.classesCovered(), d.classImbalance(),
            d.confidentFraction()};
    }

    /** scores.csv's columns for a sliced Wasserstein result: swd_RES per level (x 10^3), then swd_mean. */
    static List<String> swdColumns(SlicedWasserstein.Result r) {
        List<String> cols = new java.util.ArrayList<>();
        for (int res : r.resolutions()) {
            cols.add("swd_" + res);
        }
        cols.add("swd_mean");
        return cols;
    }

    static double[] swdRow(SlicedWasserstein.Result r) {
        double[] row = new double[r.resolutions().size() + 1];
        for (int l = 0; l < r.resolutions().size(); l++) {
            row[l] = r.distancesE3().get(l);
        }
        row[row.length - 1] = r.meanE3();
        return row;
    }

    static double[] modeRow(ModeCoverage c) {
        return new double[] {c.modesCovered(), c.totalModes(), c.highQualityFraction()};
    }
}
