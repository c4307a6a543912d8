package io.gcgan.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.data.ImageDataset;
import io.gcgan.metrics.DigitClassifier;
import io.gcgan.metrics.DigitClassifierTraining;
import io.gcgan.metrics.DigitScores;
import io.gcgan.metrics.FeatureStatistics;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The digit scores on CUDA against the CPU backend: the shipped classifier's features of the 1,000 test digits
 * agree element by element, and so do the scores computed from them.
 *
 * <p>Feature tolerance {@code 1e-4 (1 + |f|)}: a feature is four layers deep, each summing up to 1,024 float32
 * products (~{@code 8 sqrt(1024) 2^-24 = 1.5e-5} relative per layer and device). The scores are smooth in the
 * features: FD and classifier score within {@code 1e-3} relative.
 */
@GpuTest
class CudaDigitScoresTest {

    @Test
    void featuresAndScoresMatchTheCpuBackend() throws Exception {
        var split = DigitClassifierTraining.split();
        ImageDataset train = (ImageDataset) split.train();
        ImageDataset test = (ImageDataset) split.heldOut();
        int[] all = IntStream.range(0, test.size()).toArray();
        try (TensorScope s = TensorScope.open()) {
            DigitClassifier cpu = DigitClassifier.load(Device.CPU);
            DigitClassifier cuda = DigitClassifier.load(Gpu.CUDA);
            float[] ref = cpu.features(test.batch(all, DType.FLOAT32, Device.CPU)).toFloatArray();
            float[] got = cuda.features(test.batch(all, DType.FLOAT32, Gpu.CUDA)).toFloatArray();
            assertEquals(ref.length, got.length);
            int bad = 0;
            double worst = 0;
            for (int i = 0; i < ref.length; i++) {
                double err = Math.abs(got[i] - ref[i]) / (1 + Math.abs(ref[i]));
                worst = Math.max(worst, err);
                if (!(err <= 1e-4)) {
                    bad++;
                }
            }
            assertEquals(0, bad, bad + " of " + ref.length + " features differ beyond 1e-4 (1 + |f|); worst " + worst
                    + " on " + Gpu.description());

            FeatureStatistics refStats = DigitScores.referenceStatistics(cpu, train, Device.CPU);
            FeatureStatistics gotStats = DigitScores.referenceStatistics(cuda, train, Gpu.CUDA);
            DigitScores.Accumulator a = new DigitScores.Accumulator(cpu, refStats);
            a.add(test.batch(all, DType.FLOAT32, Device.CPU));
            DigitScores.Accumulator b = new DigitScores.Accumulator(cuda, gotStats);
            Tensor x = test.batch(all, DType.FLOAT32, Gpu.CUDA);
            b.add(x);
            DigitScores r = a.result();
            DigitScores g = b.result();
            assertEquals(r.frechetDistance(), g.frechetDistance(), 1e-3 * r.frechetDistance(), r + " vs " + g);
            assertEquals(r.classifierScore(), g.classifierScore(), 1e-3 * r.classifierScore(), r + " vs " + g);
            assertTrue(Math.abs(r.confidentFraction() - g.confidentFraction()) <= 0.002, r + " vs " + g);
        }
    }
}
