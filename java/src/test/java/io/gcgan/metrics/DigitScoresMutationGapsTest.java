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
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Gaps that PIT found in the digit-score tests: every score against its formula applied to the classifier's own
 * outputs (shares, coverage at exactly 1%, imbalance, confidence, the Frechet distance), the printed line, the
 * shapes refused, and the index of a non-finite sample past the first chunk.
 */
class DigitScoresMutationGapsTest {

    static DigitClassifier classifier;
    static ImageDataset test;
    static FeatureStatistics reference;

    @BeforeAll
    static void load() {
        classifier = DigitScoresFixture.CLASSIFIER;
        test = DigitScoresFixture.TEST;
        reference = DigitScoresFixture.REFERENCE;
    }

    /** The index of the largest probability, the first on ties. */
    private static int top(double[] p) {
        int best = 0;
        for (int c = 1; c < p.length; c++) {
            if (p[c] > p[best]) {
                best = c;
            }
        }
        return best;
    }

    /** Softmax in float64 of logits row r of [n, 10], from the largest logit. */
    private static double[] softmax(float[] logits, int r) {
        int k = DigitClassifier.CLASSES;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < k; c++) {
            max = Math.max(max, logits[r * k + c]);
        }
        double[] p = new double[k];
        double sum = 0;
        for (int c = 0; c < k; c++) {
            p[c] = Math.exp(logits[r * k + c] - max);
            sum += p[c];
        }
        for (int c = 0; c < k; c++) {
            p[c] /= sum;
        }
        return p;
    }

    /**
     * 100 test digits of which exactly one is predicted as the rarest predicted digit, so that digit's share is
     * exactly COVERED_SHARE.
     */
    private static int[] hundredWithOneOfADigit() {
        int[] all = IntStream.range(0, test.size()).toArray();
        float[] logits;
        try (TensorScope s = TensorScope.open()) {
            logits = classifier.forward(test.batch(all, DType.FLOAT32, Device.CPU)).detach().toFloatArray();
        }
        int[] predicted = new int[all.length];
        for (int i = 0; i < all.length; i++) {
            predicted[i] = top(softmax(logits, i));
        }
        List<Integer> picked = new ArrayList<>();
        for (int i = 0; i < all.length && picked.size() < 99; i++) {
            if (predicted[i] != 9) {
                picked.add(i);
            }
        }
        picked.add(IntStream.range(0, all.length).filter(i -> predicted[i] == 9).findFirst().orElseThrow());
        return picked.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void everyScoreIsItsFormulaOfTheClassifiersOutputs() {
        int[] some = hundredWithOneOfADigit();
        int n = some.length;
        try (TensorScope s = TensorScope.open()) {
            Tensor x = test.batch(some, DType.FLOAT32, Device.CPU);
            Tensor f = classifier.features(x);
            float[] logits = classifier.logits(f).detach().toFloatArray();
            FeatureStatistics.Accumulator features = new FeatureStatistics.Accumulator(DigitClassifier.FEATURES);
            features.addRows(f.detach().toFloatArray());
            int k = DigitClassifier.CLASSES;
            long[] predicted = new long[k];
            long confident = 0;
            for (int r = 0; r < n; r++) {
                double[] p = softmax(logits, r);
                int t = top(p);
                predicted[t]++;
                confident += p[t] >= DigitScores.CONFIDENT ? 1 : 0;
            }
            int covered = 0;
            double imbalance = 0;
            List<Double> shares = new ArrayList<>();
            for (int c = 0; c < k; c++) {
                double share = (double) predicted[c] / n;
                shares.add(share);
                covered += share >= DigitScores.COVERED_SHARE ? 1 : 0;
                imbalance += share > 0 ? share * Math.log(share * k) : 0;
            }
            assertEquals(1, predicted[9], "one sample is predicted as a 9");
            assertEquals(0.01, shares.get(9), 0.0);

            DigitScores.Accumulator acc = new DigitScores.Accumulator(classifier, reference);
            acc.add(x);
            assertEquals(n, acc.count());
            DigitScores got = acc.result();
            assertEquals(n, got.count());
            assertEquals(shares, got.classShares());
            assertEquals(covered, got.classesCovered(), "a share of exactly 1% counts as covered");
            assertEquals(imbalance, got.classImbalance(), 1e-12);
            assertEquals((double) confident / n, got.confidentFraction(), 0.0);
            double fd = FrechetDistance.squared(features.statistics(), reference);
            assertEquals(fd, got.frechetDistance(), 1e-9 * fd);
            assertTrue(imbalance > 0.01, "uneven shares: " + got);
        }
    }

    @Test
    void printsOneLine() {
        List<Double> shares = List.of(0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1);
        assertEquals("FD 3.210, classifier score 9.120, 10/10 digits (imbalance 0.004), 96.1% confident, 1000"
                + " samples", new DigitScores(1000, 3.21, 9.12, 10, shares, 0.004, 0.961).toString());
    }

    @Test
    void refusesImagesAndStatisticsOfOtherShapes() {
        ImageDataset rgb = ImageDataset.of(new byte[2 * 3 * 28 * 28], 2, 3, 28, 28, null, "rgb");
        String m = assertThrows(IllegalArgumentException.class,
                () -> DigitScores.referenceStatistics(classifier, rgb, Device.CPU)).getMessage();
        assertTrue(m.contains("the reference images are 3x28x28, not 1x28x28 digits"), m);
        for (int[] hw : new int[][] {{27, 28}, {28, 27}}) {
            ImageDataset other = ImageDataset.of(new byte[2 * hw[0] * hw[1]], 2, 1, hw[0], hw[1], null, "other");
            assertThrows(IllegalArgumentException.class,
                    () -> DigitScores.referenceStatistics(classifier, other, Device.CPU));
        }
        FeatureStatistics two = FeatureStatistics.of(new double[][] {{1, 2}, {3, 5}});
        m = assertThrows(IllegalArgumentException.class, () -> new DigitScores.Accumulator(classifier, two))
                .getMessage();
        assertTrue(m.contains("reference statistics of dimension 2, the classifier gives 64"), m);
        try (TensorScope s = TensorScope.open()) {
            m = assertThrows(IllegalArgumentException.class,
                    () -> classifier.features(Tensor.zeros(DType.FLOAT32, Device.CPU, 2, 1, 28, 27))).getMessage();
            assertTrue(m.contains("got [2, 1, 28, 27]"), m);
        }
    }

    @Test
    void aNonFiniteSampleIsNamedByItsIndexAcrossChunksAndCalls() {
        try (TensorScope s = TensorScope.open()) {
            DigitScores.Accumulator acc = new DigitScores.Accumulator(classifier, reference);
            acc.add(test.batch(new int[] {0, 1, 2}, DType.FLOAT32, Device.CPU));
            float[] v = test.batch(IntStream.range(0, 600).toArray(), DType.FLOAT32, Device.CPU).toFloatArray();
            v[550 * 784 + 300] = Float.POSITIVE_INFINITY;
            String m = assertThrows(IllegalArgumentException.class, () -> acc.add(Tensor.of(v, 600, 1, 28, 28)))
                    .getMessage();
            assertTrue(m.contains("sample 553 has the non-finite pixel value Infinity"), m);
        }
    }

    @Test
    void argmaxTakesTheFirstOfEqualLogits() {
        float[] v = {9, 1, 3, 3, 0, 7};
        assertEquals(1, DigitClassifierTraining.argmax(v, 1, 4), "v[2] = v[3] = 3: the first");
        assertEquals(0, DigitClassifierTraining.argmax(v, 0, 6));
        assertEquals(1, DigitClassifierTraining.argmax(v, 4, 2));
    }

    /** A network loaded in the test (not in @BeforeAll) scores what its weights score, over chunks of 500 and 200. */
    @Test
    void loadedWeightsAndAccuracyOverEveryChunk() throws Exception {
        DigitClassifier loaded = DigitClassifier.load(Device.CPU);
        ImageDataset some = test.subset(IntStream.range(0, 700).toArray());
        int correct = 0;
        try (TensorScope s = TensorScope.open()) {
            float[] logits = loaded.forward(some.batch(0, 700)).detach().toFloatArray();
            for (int i = 0; i < 700; i++) {
                correct += DigitClassifierTraining.argmax(logits, 10 * i, 10) == some.label(i) ? 1 : 0;
            }
        }
        assertTrue(correct > 0.95 * 700, correct + " of 700: the shipped weights");
        assertEquals(correct / 700.0, DigitClassifierTraining.accuracy(loaded, some, Device.CPU), 0.0);
    }

    /**
     * Pixels far outside [-1, 1], at scales 3 to 3000 from sample to sample, give logits far apart: the float64
     * softmax from each row's own largest logit still gives the predictions and probabilities of the logits.
     */
    @Test
    void wildSamplesAreScoredFromTheirOwnLogits() {
        int n = 20;
        float[] v = new float[n * 784];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (3 * Math.pow(10, (i / 784) % 4) * Philox.normal(12, i));
        }
        try (TensorScope s = TensorScope.open()) {
            Tensor x = Tensor.of(v, n, 1, 28, 28);
            float[] logits = classifier.forward(x).detach().toFloatArray();
            long[] predicted = new long[10];
            long confident = 0;
            double[] marginal = new double[10];
            double negativeEntropy = 0;
            for (int r = 0; r < n; r++) {
                double[] p = softmax(logits, r);
                predicted[top(p)]++;
                confident += p[top(p)] >= DigitScores.CONFIDENT ? 1 : 0;
                for (int c = 0; c < 10; c++) {
                    marginal[c] += p[c] / n;
                    negativeEntropy += p[c] > 0 ? p[c] * Math.log(p[c]) / n : 0;
                }
            }
            double meanKl = negativeEntropy;
            List<Double> shares = new ArrayList<>();
            for (int c = 0; c < 10; c++) {
                meanKl -= marginal[c] > 0 ? marginal[c] * Math.log(marginal[c]) : 0;
                shares.add((double) predicted[c] / n);
            }
            DigitScores.Accumulator acc = new DigitScores.Accumulator(classifier, reference);
            acc.add(x);
            DigitScores d = acc.result();
            assertEquals(shares, d.classShares(), d.toString());
            assertEquals((double) confident / n, d.confidentFraction(), 0.0);
            assertEquals(Math.exp(Math.max(0, meanKl)), d.classifierScore(), 1e-9);
            assertTrue(Double.isFinite(d.classImbalance()) && Double.isFinite(d.frechetDistance()), d.toString());
            DigitScores.Accumulator two = new DigitScores.Accumulator(classifier, reference);
            two.add(test.batch(new int[] {0, 1}, DType.FLOAT32, Device.CPU));
            assertEquals(2, two.result().count(), "two samples are enough");
        }
    }

    private static List<String> trainingLog(ImageDataset data, int epochs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream log = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            DigitClassifierTraining.train(data, epochs, Device.CPU, log);
        }
        return Arrays.asList(bytes.toString(StandardCharsets.UTF_8).split("\\R"));
    }

    /**
     * The recipe's schedule: the last FINE_EPOCHS epochs at a tenth of the rate, runs of at most FINE_EPOCHS epochs
     * at the full rate. Runs are deterministic, so runs of different lengths log the same losses until one of them
     * lowers the rate.
     */
    @Test
    void theLearningRateFallsForTheLastThreeEpochsOfLongerRuns() {
        ImageDataset data = test.subset(IntStream.range(0, 256).toArray()); // 4 batches of 64 per epoch
        List<String> one = trainingLog(data, 1);
        List<String> three = trainingLog(data, 3);
        List<String> four = trainingLog(data, 4);
        List<String> five = trainingLog(data, 5);
        System.out.println("1: " + one + "\n3: " + three + "\n4: " + four + "\n5: " + five);
        assertEquals(List.of(1, 3, 4, 5), List.of(one.size(), three.size(), four.size(), five.size()));
        for (List<String> log : List.of(three, four, five)) {
            assertEquals(one.get(0), log.get(0), "epoch 1 at the full rate");
            for (int e = 0; e < log.size(); e++) {
                assertTrue(log.get(e).startsWith("epoch " + (e + 1) + ": mean cross-entropy "), log.get(e));
                double loss = Double.parseDouble(log.get(e).substring(log.get(e).lastIndexOf(' ') + 1));
                assertTrue(loss > 0 && loss < Math.log(10) + 0.2, "a mean over batches, near chance: " + log.get(e));
            }
        }
        assertTrue(!four.get(1).equals(three.get(1)), "4 epochs: epoch 2 at lr / 10, 3 epochs: at lr");
        assertEquals(three.subList(0, 2), five.subList(0, 2), "5 epochs: epochs 1 and 2 at lr");
        assertTrue(!five.get(2).equals(three.get(2)), "5 epochs: epoch 3 at lr / 10");
    }
}
