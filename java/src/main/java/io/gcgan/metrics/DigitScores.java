package io.gcgan.metrics;

import io.gcgan.data.ImageDataset;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * Image-quality scores of generated 28 x 28 digits, measured with the {@link DigitClassifier} in the roles that the
 * Inception network has for natural images (the scores are comparable between gcgan runs, not with published FID or
 * Inception Score values, which use another network and other data):
 *
 * <ul>
 *   <li>{@code frechetDistance}: the squared Frechet distance between the Gaussians of the classifier's 64
 *       features of the samples and of real reference digits ({@link FrechetDistance}); 0 for identical
 *       statistics, lower is better. Like the FID it is biased upwards for few samples: compare values with the
 *       same sample count.</li>
 *   <li>{@code classifierScore}: exp(E_x KL(p(y|x) || p(y))), the Inception Score's formula with the classifier's
 *       softmax, over all samples (not averaged over splits); in [1, 10], 10 for confidently classified samples
 *       spread evenly over the digits.</li>
 *   <li>mode coverage over the ten digits: the share of samples predicted as each digit, {@code classesCovered} (the
 *       digits predicted for at least {@value #COVERED_SHARE} of the samples), {@code classImbalance}
 *       (KL(shares || uniform) in nats: 0 for an even spread, ln 10 = 2.303 when every sample is one digit), and
 *       {@code confidentFraction} (samples whose top class probability is at least {@value #CONFIDENT}).</li>
 * </ul>
 *
 * @param count             samples scored
 * @param frechetDistance   squared Frechet distance to the reference statistics
 * @param classifierScore   exp(E KL(p(y|x) || p(y)))
 * @param classesCovered    digits predicted for at least {@value #COVERED_SHARE} of the samples
 * @param classShares       the share of samples predicted as each digit 0-9
 * @param classImbalance    KL(classShares || uniform), nats
 * @param confidentFraction share of samples with top class probability >= {@value #CONFIDENT}
 */
public record DigitScores(long count, double frechetDistance, double classifierScore, int classesCovered,
                          List<Double> classShares, double classImbalance, double confidentFraction) {

    /** A digit is covered when at least this share of the samples is predicted as it. */
    public static final double COVERED_SHARE = 0.01;
    /** A sample is confidently classified when its top class probability is at least this. */
    public static final double CONFIDENT = 0.9;
    /** Images per classifier call. */
    static final int CHUNK = 500;

    public DigitScores {
        classShares = List.copyOf(classShares);
    }

    /** One line: "FD 3.21, classifier score 9.12, 10/10 digits (imbalance 0.004), 96.1% confident, 10000 samples". */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "FD %.3f, classifier score %.3f, %d/%d digits (imbalance %.3f), %.1f%%"
                + " confident, %d samples", frechetDistance, classifierScore, classesCovered, DigitClassifier.CLASSES,
                classImbalance, 100 * confidentFraction, count);
    }

    /** The feature statistics of every image of {@code data} (1 x 28 x 28), computed on {@code device}. */
    public static FeatureStatistics referenceStatistics(DigitClassifier classifier, ImageDataset data,
                                                        Device device) {
        if (data.channels() != 1 || data.height() != 28 || data.width() != 28) {
            throw new IllegalArgumentException("digit scores: the reference images are " + data.channels() + "x"
                    + data.height() + "x" + data.width() + ", not 1x28x28 digits");
        }
        FeatureStatistics.Accumulator acc = new FeatureStatistics.Accumulator(DigitClassifier.FEATURES);
        inChunks(data, device, (indices, images) -> acc.addRows(classifier.features(images).toFloatArray()));
        return acc.statistics();
    }

    /**
     * Calls {@code action} with consecutive chunks of up to {@value #CHUNK} of {@code data}'s images in order (their
     * indices and the images [n, 1, 28, 28] as float32 on {@code device}), under no-grad, each chunk in its own tensor
     * scope.
     */
    static void inChunks(ImageDataset data, Device device, BiConsumer<int[], Tensor> action) {
        try (GradMode.Guard ignored = GradMode.noGrad()) {
            for (int start = 0; start < data.size(); start += CHUNK) {
                int[] indices = new int[Math.min(CHUNK, data.size() - start)];
                for (int i = 0; i < indices.length; i++) {
                    indices[i] = start + i;
                }
                try (TensorScope scope = TensorScope.open()) {
                    action.accept(indices, data.batch(indices, DType.FLOAT32, device));
                }
            }
        }
    }

    /**
     * Scores images batch by batch: {@link #add} each batch of samples [n, 1, 28, 28] (any dtype, on the classifier's
     * device), then {@link #result}.
     */
    public static final class Accumulator {
        private final DigitClassifier classifier;
        private final FeatureStatistics reference;
        private final FeatureStatistics.Accumulator features =
                new FeatureStatistics.Accumulator(DigitClassifier.FEATURES);
        private final double[] probabilitySums = new double[DigitClassifier.CLASSES];
        private final long[] predicted = new long[DigitClassifier.CLASSES];
        private double negativeEntropySum; // sum over samples of sum_y p(y|x) ln p(y|x)
        private long confident;
        private long count;

        public Accumulator(DigitClassifier classifier, FeatureStatistics reference) {
            if (reference.dimension() != DigitClassifier.FEATURES) {
                throw new IllegalArgumentException("digit scores: reference statistics of dimension "
                        + reference.dimension() + ", the classifier gives " + DigitClassifier.FEATURES);
            }
            this.classifier = classifier;
            this.reference = reference;
        }

        /** Adds samples [n, 1, 28, 28]; a non-finite sample is refused with its index. */
        public void add(Tensor images) {
            try (TensorScope scope = TensorScope.open(); GradMode.Guard ignored = GradMode.noGrad()) {
                Tensor x = images.dtype() == DType.FLOAT32 ? images : images.to(DType.FLOAT32);
                long n = x.size(0);
                for (long start = 0; start < n; start += CHUNK) {
                    Tensor part = x.slice(0, start, Math.min(n, start + CHUNK));
                    checkFinite(part);
                    Tensor f = classifier.features(part);
                    float[] logits = classifier.logits(f).toFloatArray();
                    features.addRows(f.toFloatArray());
                    addClassProbabilities(logits);
                }
            }
        }

        private void checkFinite(Tensor part) {
            float[] v = part.toFloatArray();
            int per = (int) (v.length / part.size(0));
            for (int i = 0; i < v.length; i++) {
                if (!Float.isFinite(v[i])) {
                    throw new IllegalArgumentException("digit scores: sample " + (count + i / per)
                            + " has the non-finite pixel value " + v[i]);
                }
            }
        }

        private void addClassProbabilities(float[] logits) {
            int k = DigitClassifier.CLASSES;
            double[] p = new double[k];
            for (int r = 0; r < logits.length / k; r++) {
                // softmax in float64, from the largest logit
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < k; c++) {
                    max = Math.max(max, logits[r * k + c]);
                }
                double sum = 0;
                for (int c = 0; c < k; c++) {
                    p[c] = Math.exp(logits[r * k + c] - max);
                    sum += p[c];
                }
                int top = 0;
                for (int c = 0; c < k; c++) {
                    p[c] /= sum;
                    probabilitySums[c] += p[c];
                    if (p[c] > 0) {
                        negativeEntropySum += p[c] * Math.log(p[c]);
                    }
                    if (p[c] > p[top]) {
                        top = c;
                    }
                }
                predicted[top]++;
                if (p[top] >= CONFIDENT) {
                    confident++;
                }
                count++;
            }
        }

        /** The feature statistics of the samples added so far (at least 2), to compare with other references. */
        public FeatureStatistics featureStatistics() {
            return features.statistics();
        }

        /** Samples added so far. */
        public long count() {
            return count;
        }

        /** The scores of the samples added so far (at least 2). */
        public DigitScores result() {
            if (count < 2) {
                throw new IllegalStateException("digit scores: " + count + " samples; at least 2 are needed");
            }
            double fd = FrechetDistance.squared(featureStatistics(), reference);
            // E_x KL(p(y|x) || p(y)) = E_x sum_y p ln p - sum_y pbar ln pbar, pbar = E_x p(y|x)
            double meanKl = negativeEntropySum / count;
            List<Double> shares = new ArrayList<>();
            int covered = 0;
            double imbalance = 0;
            for (int c = 0; c < DigitClassifier.CLASSES; c++) {
                double pbar = probabilitySums[c] / count;
                if (pbar > 0) {
                    meanKl -= pbar * Math.log(pbar);
                }
                double share = (double) predicted[c] / count;
                shares.add(share);
                if (share >= COVERED_SHARE) {
                    covered++;
                }
                if (share > 0) {
                    imbalance += share * Math.log(share * DigitClassifier.CLASSES);
                }
            }
            return new DigitScores(count, fd, Math.exp(Math.max(0, meanKl)), covered, shares, Math.max(0, imbalance),
                    (double) confident / count);
        }
    }
}
