package io.gcgan.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.data.ImageDataset;
import io.gcgan.random.Philox;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The digit scores on images whose quality is known: held-out real digits, one digit only, digits with more and more
 * noise, pure noise; and the classifier score against its definition.
 */
class DigitScoresTest {

    static DigitClassifier classifier;
    static ImageDataset train;
    static ImageDataset test;
    static FeatureStatistics reference;

    @BeforeAll
    static void load() {
        classifier = DigitScoresFixture.CLASSIFIER;
        train = DigitScoresFixture.TRAIN;
        test = DigitScoresFixture.TEST;
        reference = DigitScoresFixture.REFERENCE;
    }

    static int[] all(ImageDataset d) {
        return IntStream.range(0, d.size()).toArray();
    }

    static DigitScores score(Tensor images) {
        DigitScores.Accumulator acc = new DigitScores.Accumulator(classifier, reference);
        acc.add(images);
        return acc.result();
    }

    /** test's images with noise of standard deviation sigma added (clamped to [-1, 1]), Philox stream 7. */
    static Tensor noisy(double sigma) {
        Tensor x = test.batch(all(test), DType.FLOAT32, Device.CPU);
        float[] v = x.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) Math.max(-1, Math.min(1, v[i] + sigma * Philox.normal(7, i)));
        }
        return Tensor.of(v, x.shape());
    }

    @Test
    void theShippedClassifierRecognisesItsTestDigits() {
        double accuracy = DigitClassifierTraining.accuracy(classifier, test, Device.CPU);
        assertTrue(accuracy >= 0.97, "test accuracy " + accuracy + " (0.977 when the weights were made)");
    }

    @Test
    void heldOutRealDigitsScoreNearTheReference() {
        try (TensorScope s = TensorScope.open()) {
            DigitScores real = score(test.batch(all(test), DType.FLOAT32, Device.CPU));
            System.out.println("held-out real digits: " + real);
            assertEquals(1000, real.count());
            assertEquals(10, real.classesCovered());
            assertTrue(real.classImbalance() < 0.02, real.toString());
            assertTrue(real.classifierScore() > 8.5, real.toString());
            assertTrue(real.confidentFraction() > 0.9, real.toString());
            // 11.3 when the weights were made: mostly the bias of 1,000 samples (only 1s: ~1600, uniform noise ~1600)
            assertTrue(real.frechetDistance() < 20, real.toString());
            double sum = real.classShares().stream().mapToDouble(Double::doubleValue).sum();
            assertEquals(1.0, sum, 1e-12);
        }
    }

    @Test
    void oneDigitOnlyIsACollapseToOneMode() {
        try (TensorScope s = TensorScope.open()) {
            int[] ones = IntStream.range(0, test.size()).filter(i -> test.label(i) == 1).toArray();
            DigitScores collapsed = score(test.batch(ones, DType.FLOAT32, Device.CPU));
            DigitScores real = score(test.batch(all(test), DType.FLOAT32, Device.CPU));
            System.out.println("only 1s: " + collapsed);
            assertEquals(1, collapsed.classesCovered(), collapsed.toString());
            assertTrue(collapsed.classImbalance() > 2.0, collapsed.toString());
            assertTrue(collapsed.classifierScore() < 1.5, collapsed.toString());
            assertTrue(collapsed.frechetDistance() > 10 * real.frechetDistance(), collapsed + " vs " + real);
        }
    }

    @Test
    void moreNoiseIsAWorseScore() {
        double previous = -1;
        double previousScore = 11;
        for (double sigma : new double[] {0, 0.2, 0.5, 1.0}) {
            try (TensorScope s = TensorScope.open()) {
                DigitScores d = score(noisy(sigma));
                System.out.println("noise sigma " + sigma + ": " + d);
                assertTrue(d.frechetDistance() > previous, "FD grows with the noise: " + d);
                assertTrue(d.classifierScore() < previousScore, "the classifier score falls: " + d);
                previous = d.frechetDistance();
                previousScore = d.classifierScore();
            }
        }
        try (TensorScope s = TensorScope.open()) {
            float[] v = new float[1000 * 784];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (2 * Philox.uniformDouble(8, i) - 1);
            }
            DigitScores uniform = score(Tensor.of(v, 1000, 1, 28, 28));
            System.out.println("uniform noise: " + uniform);
            assertTrue(uniform.frechetDistance() > previous, uniform.toString());
        }
    }

    @Test
    void scoresDoNotDependOnHowTheSamplesAreBatched() {
        try (TensorScope s = TensorScope.open()) {
            Tensor x = test.batch(all(test), DType.FLOAT32, Device.CPU);
            DigitScores whole = score(x);
            DigitScores.Accumulator acc = new DigitScores.Accumulator(classifier, reference);
            acc.add(x.slice(0, 0, 123));
            acc.add(x.slice(0, 123, 1000).to(DType.FLOAT64)); // float64 samples are scored as float32
            DigitScores parts = acc.result();
            assertEquals(whole.classShares(), parts.classShares());
            // Not bit for bit: a BLAS may round a row of a product differently with the count of rows around it
            // (OpenBLAS's Haswell kernels, taken on an AMD EPYC, do: classifier score 9.277073831605144 whole,
            // 9.277073836963686 in parts), so the float32 logits of a sample may differ in their last bits between
            // the two batchings. One sample left out moved the classifier score by 1.6e-4 of itself, FD by 4.7e-3.
            assertEquals(whole.classifierScore(), parts.classifierScore(), 1e-7 * whole.classifierScore());
            // FD: 1.3e-9 of itself apart there
            assertEquals(whole.frechetDistance(), parts.frechetDistance(), 1e-7 * whole.frechetDistance());
        }
    }

    @Test
    void theClassifierScoreIsExpOfTheMeanKlToTheMarginal() {
        try (TensorScope s = TensorScope.open()) {
            int[] some = IntStream.range(0, 300).toArray();
            Tensor x = test.batch(some, DType.FLOAT32, Device.CPU);
            float[] logits = classifier.forward(x).detach().toFloatArray();
            int k = DigitClassifier.CLASSES;
            double[][] p = new double[some.length][k];
            double[] marginal = new double[k];
            for (int i = 0; i < some.length; i++) {
                double z = 0;
                for (int c = 0; c < k; c++) {
                    z += Math.exp(logits[i * k + c]);
                }
                for (int c = 0; c < k; c++) {
                    p[i][c] = Math.exp(logits[i * k + c]) / z;
                    marginal[c] += p[i][c] / some.length;
                }
            }
            double kl = 0;
            for (double[] row : p) {
                for (int c = 0; c < k; c++) {
                    if (row[c] > 0) {
                        kl += row[c] * Math.log(row[c] / marginal[c]) / some.length;
                    }
                }
            }
            assertEquals(Math.exp(kl), score(x).classifierScore(), 1e-9 * Math.exp(kl));
        }
    }

    @Test
    void nonFiniteSamplesAndWrongShapesAreRefused() {
        try (TensorScope s = TensorScope.open()) {
            float[] v = new float[3 * 784];
            v[2 * 784 + 5] = Float.NaN;
            DigitScores.Accumulator acc = new DigitScores.Accumulator(classifier, reference);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> acc.add(Tensor.of(v, 3, 1, 28, 28)));
            assertTrue(e.getMessage().contains("sample 2 has the non-finite pixel value NaN"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> acc.add(Tensor.zeros(DType.FLOAT32, Device.CPU, 2, 3, 28, 28)));
            assertTrue(e.getMessage().contains("expected images [N, 1, 28, 28], got [2, 3, 28, 28]"), e.getMessage());
            IllegalStateException few = assertThrows(IllegalStateException.class, acc::result);
            assertTrue(few.getMessage().contains("0 samples; at least 2"), few.getMessage());
        }
    }
}
