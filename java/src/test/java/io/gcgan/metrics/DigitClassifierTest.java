package io.gcgan.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.autograd.Autograd;
import io.gcgan.data.ImageDataset;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class DigitClassifierTest {

    @Test
    void logSoftmaxIsExactAndStableForLargeLogits() {
        double[] z = {1000, 999, 990, -5, 0.5, 0, 3, 3};
        try (TensorScope s = TensorScope.open()) {
            double[] got = DigitClassifier.logSoftmax(Tensor.of(z, 2, 4)).toDoubleArray();
            for (int r = 0; r < 2; r++) {
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < 4; c++) {
                    max = Math.max(max, z[r * 4 + c]);
                }
                double sum = 0;
                for (int c = 0; c < 4; c++) {
                    sum += Math.exp(z[r * 4 + c] - max);
                }
                for (int c = 0; c < 4; c++) {
                    assertEquals(z[r * 4 + c] - max - Math.log(sum), got[r * 4 + c], 1e-13, "row " + r + " col " + c);
                }
            }
        }
    }

    @Test
    void theCrossEntropyGradientIsSoftmaxMinusOneHotOverN() {
        // d/dz of -(1/N) sum_i log softmax(z_i)[y_i] = (softmax(z) - onehot(y)) / N, in float64.
        double[] z = {0.3, -1.2, 2.0, 0.0, 5.0, 5.0, -3.0, 1.0, 0.1};
        double[] onehot = {0, 0, 1, 1, 0, 0, 0, 1, 0};
        try (TensorScope s = TensorScope.open()) {
            Tensor logits = Tensor.of(z, 3, 3).requiresGrad(true);
            Autograd.backward(DigitClassifierTraining.crossEntropy(logits, Tensor.of(onehot, 3, 3)));
            double[] grad = logits.grad().toDoubleArray();
            for (int r = 0; r < 3; r++) {
                double sum = 0;
                for (int c = 0; c < 3; c++) {
                    sum += Math.exp(z[r * 3 + c]);
                }
                for (int c = 0; c < 3; c++) {
                    double expected = (Math.exp(z[r * 3 + c]) / sum - onehot[r * 3 + c]) / 3;
                    assertEquals(expected, grad[r * 3 + c], 1e-15, "row " + r + " col " + c);
                }
            }
        }
    }

    @Test
    void mapsImagesToFeaturesAndLogitsAndRefusesOtherShapes() throws Exception {
        DigitClassifier c = DigitClassifier.load(Device.CPU);
        assertEquals(136_554L, c.parameterCount());
        try (TensorScope s = TensorScope.open()) {
            Tensor x = Tensor.zeros(DType.FLOAT32, Device.CPU, 5, 1, 28, 28);
            Tensor f = c.features(x);
            assertArrayEquals(new long[] {5, DigitClassifier.FEATURES}, f.shape());
            assertArrayEquals(new long[] {5, DigitClassifier.CLASSES}, c.logits(f).shape());
            assertArrayEquals(c.forward(x).toFloatArray(), c.logits(f).toFloatArray());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> c.features(Tensor.zeros(DType.FLOAT32, Device.CPU, 5, 28, 28)));
            assertTrue(e.getMessage().contains("expected images [N, 1, 28, 28], got [5, 28, 28]"), e.getMessage());
        }
    }

    @Test
    void theTrainingRecipeLearnsDigitsInTwoShortEpochs() {
        var split = DigitClassifierTraining.split();
        ImageDataset train = ((ImageDataset) split.train()).subset(IntStream.range(0, 3000).toArray());
        ImageDataset test = (ImageDataset) split.heldOut();
        DigitClassifier c = DigitClassifierTraining.train(train, 2, Device.CPU, null);
        double accuracy = DigitClassifierTraining.accuracy(c, test, Device.CPU);
        System.out.println("2 epochs on 3,000 digits: test accuracy " + accuracy);
        assertTrue(accuracy > 0.8, "test accuracy " + accuracy + " (an untrained network: about 0.1)");
    }
}
