package io.gcgan.cli;

import io.gcgan.data.GaussianMixture;
import io.gcgan.metrics.DigitClassifier;
import io.gcgan.metrics.DigitScores;
import io.gcgan.metrics.FeatureStatistics;
import io.gcgan.metrics.ModeCoverage;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Scores G's samples of seeded noise, for {@code gcgan score} and {@code gcgan train --score-every}: the digit scores
 * of an mnist28 G, or the mode coverage of a 2-D G. G is given as a function from noise to samples, called in chunks
 * of {@value #CHUNK} under no-grad, each chunk in its own tensor scope; the noise comes from
 * {@code new Generator(seed)}, so the same seed gives the same samples.
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

    /** Noise [n, ...] for a G of {@code s}'s model, drawn from {@code generator} (which advances). */
    static Tensor noise(TrainSettings s, Device device, Generator generator, int n) {
        long[] noiseShape = Experiment.noiseShape(s.model());
        long[] shape = new long[noiseShape.length + 1];
        shape[0] = n;
        System.arraycopy(noiseShape, 0, shape, 1, noiseShape.length);
        return Tensor.randn(generator, Experiment.dtype(s.dtype()), device, shape);
    }

    /** The digit scores of {@code count} samples of {@code g} against {@code reference}. */
    static DigitScores digits(UnaryOperator<Tensor> g, TrainSettings s, Device device, long seed, int count,
                              DigitClassifier classifier, FeatureStatistics reference) {
        DigitScores.Accumulator acc = new DigitScores.Accumulator(classifier, reference);
        Generator noise = new Generator(seed);
        for (int done = 0; done < count; done += CHUNK) {
            try (TensorScope scope = TensorScope.open(); GradMode.Guard ignored = GradMode.noGrad()) {
                acc.add(g.apply(noise(s, device, noise, Math.min(CHUNK, count - done))));
            }
        }
        return acc.result();
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

    static double[] modeRow(ModeCoverage c) {
        return new double[] {c.modesCovered(), c.totalModes(), c.highQualityFraction()};
    }
}
