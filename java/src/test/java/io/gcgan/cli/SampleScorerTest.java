package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gcgan.data.ImageDataset;
import io.gcgan.metrics.SlicedWasserstein;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sliced Wasserstein distance of score and --score-every compares every sample of G, taken in chunks of
 * {@value SampleScorer#CHUNK}, with as many of the real images chosen at random: the same as the distance between
 * those two sets computed at once.
 */
class SampleScorerTest {

    @TempDir
    Path tmp;

    @Test
    void theDistanceOverChunksIsTheDistanceOfAllSamplesToTheChosenImages() throws Exception {
        int n = SampleScorer.CHUNK + 20; // two chunks
        int per = 3 * 64 * 64;
        Random random = new Random(5);
        byte[] pixels = new byte[n * per];
        random.nextBytes(pixels);
        ImageDataset real = ImageDataset.of(pixels, n, 3, 64, 64, null, "noise images");
        float[] fake = new float[n * per];
        for (int i = 0; i < fake.length; i++) {
            fake[i] = (float) Math.tanh(random.nextGaussian());
        }
        int[] taken = {0};
        UnaryOperator<Tensor> g = z -> { // the next samples of `fake`, as many as noise vectors
            int k = Math.toIntExact(z.shape()[0]);
            float[] part = Arrays.copyOfRange(fake, taken[0] * per, (taken[0] + k) * per);
            taken[0] += k;
            return Tensor.of(part, k, 3, 64, 64);
        };
        Path folder = ScoreCommandTest.imageFolder(tmp.resolve("faces"), 1);
        TrainSettings s = TrainDefaultsTest.resolve("--model", "dcgan64", "--data", folder.toString());
        long seed = 11;

        SlicedWasserstein.Result r = SampleScorer.swd(g, s, Device.CPU, seed, n + 100, real);
        assertEquals(n, taken[0], "every sample once");
        assertEquals(n, r.images());
        ImageDataset chosen = (ImageDataset) real.split(n, seed).heldOut();
        int[] all = new int[n];
        Arrays.setAll(all, i -> i);
        float[] data = chosen.batch(all, DType.FLOAT32, Device.CPU).toFloatArray();
        SlicedWasserstein.Result expected = SlicedWasserstein.between(data, fake, n, 3, 64, 64,
                SlicedWasserstein.Options.defaults(seed));
        assertEquals(expected.distancesE3(), r.distancesE3());
        assertEquals(expected.meanE3(), r.meanE3());
    }
}
