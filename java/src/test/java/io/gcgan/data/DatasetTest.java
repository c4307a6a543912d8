package io.gcgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Batches, subsets, the held-out split and the loader's reproducible epoch orders. */
class DatasetTest {

    /** n images of 1 x 1 x 2 whose pixels are (i, 255 - i) and whose label is i % 10. */
    static ImageDataset numbered(int n) {
        byte[] pixels = new byte[2 * n];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            pixels[2 * i] = (byte) i;
            pixels[2 * i + 1] = (byte) (255 - i);
            labels[i] = (byte) (i % 10);
        }
        return ImageDataset.of(pixels, n, 1, 1, 2, labels, "numbered");
    }

    /** The item numbers in a batch of {@link #numbered} images. */
    static int[] items(Tensor batch) {
        float[] v = batch.toFloatArray();
        int[] out = new int[v.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.round((v[2 * i] + 1) * 127.5f);
        }
        return out;
    }

    @Test
    void imageBatchesMapBytesToMinusOneOne() {
        ImageDataset d = numbered(256);
        Tensor b = d.batch(new int[] {0, 255, 51}, DType.FLOAT32, Device.CPU);
        assertArrayEquals(new long[] {3, 1, 1, 2}, b.shape());
        assertArrayEquals(new float[] {-1f, 1f, 1f, -1f, (float) (51 / 127.5 - 1), (float) (204 / 127.5 - 1)},
                b.toFloatArray());
        Tensor d64 = d.batch(1, 2, DType.FLOAT64, Device.CPU);
        assertEquals(DType.FLOAT64, d64.dtype());
        assertArrayEquals(new double[] {1 / 127.5 - 1, 254 / 127.5 - 1, 2 / 127.5 - 1, 253 / 127.5 - 1},
                d64.toDoubleArray(), 0.0);
    }

    @Test
    void badIndicesAreRefused() {
        ImageDataset d = numbered(5);
        var e = assertThrows(IndexOutOfBoundsException.class, () -> d.batch(new int[] {1, 5}, DType.FLOAT32,
                Device.CPU));
        assertTrue(e.getMessage().contains("index 5 at position 1"), e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> d.batch(3, 3));
        assertThrows(IllegalArgumentException.class, () -> d.batch(new int[0], DType.FLOAT32, Device.CPU));
        assertThrows(IndexOutOfBoundsException.class, () -> d.subset(new int[] {-1}));
    }

    @Test
    void subsetsShareStorageAndKeepLabels() {
        ImageDataset d = numbered(20);
        ImageDataset s = d.subset(new int[] {13, 2, 7});
        ImageDataset ss = s.subset(new int[] {2, 0});
        assertEquals(3, s.size());
        assertArrayEquals(new int[] {13, 2, 7}, items(s.batch(0, 3)));
        assertArrayEquals(new int[] {7, 13}, items(ss.batch(0, 2)));
        assertEquals(3, ss.label(1));
        Dataset generic = new SubsetDataset(d, new int[] {4, 4});
        assertArrayEquals(new int[] {4, 4}, items(generic.batch(0, 2)));
    }

    @Test
    void splitIsDisjointCompleteAndReproducible() {
        ImageDataset d = numbered(100);
        Dataset.Split a = d.split(20, 42);
        Dataset.Split b = d.split(20, 42);
        Dataset.Split c = d.split(20, 43);
        assertEquals(80, a.train().size());
        assertEquals(20, a.heldOut().size());
        int[] heldOut = items(a.heldOut().batch(0, 20));
        int[] train = items(a.train().batch(0, 80));
        Set<Integer> all = new HashSet<>();
        Arrays.stream(heldOut).forEach(all::add);
        Arrays.stream(train).forEach(all::add);
        assertEquals(100, all.size(), "disjoint and complete");
        assertArrayEquals(heldOut, items(b.heldOut().batch(0, 20)));
        assertFalse(Arrays.equals(heldOut, items(c.heldOut().batch(0, 20))), "another seed, another split");
        assertFalse(Arrays.equals(Arrays.stream(heldOut).sorted().toArray(), heldOut), "held out in random order");
        assertEquals(0, d.split(0, 1).heldOut().size());
        assertEquals(100, d.split(100, 1).heldOut().size());
        assertThrows(IllegalArgumentException.class, () -> d.split(101, 1));
    }

    @Test
    void loaderVisitsEveryItemOncePerEpochInAFreshOrder() {
        ImageDataset d = numbered(10);
        DataLoader loader = new DataLoader(d, 3, DataLoader.Shuffle.EVERY_EPOCH, false, 7);
        assertEquals(4, loader.batchesPerEpoch());
        int[] epoch0 = loader.order(0);
        int[] epoch1 = loader.order(1);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Arrays.stream(epoch0).sorted().toArray());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, Arrays.stream(epoch1).sorted().toArray());
        assertFalse(Arrays.equals(epoch0, epoch1));
        // Batches 0..3 are epoch 0 (the last has 1 item), 4..7 epoch 1.
        assertArrayEquals(Arrays.copyOfRange(epoch0, 0, 3), loader.indices(0));
        assertArrayEquals(Arrays.copyOfRange(epoch0, 9, 10), loader.indices(3));
        assertArrayEquals(Arrays.copyOfRange(epoch1, 3, 6), loader.indices(5));
        assertEquals(1, loader.epochOf(7));
        assertArrayEquals(loader.indices(5), items(loader.batch(5, DType.FLOAT32, Device.CPU)));

        Iterator<Tensor> it = loader.epoch(1, DType.FLOAT32, Device.CPU);
        int seen = 0;
        while (it.hasNext()) {
            seen += (int) it.next().size(0);
        }
        assertEquals(10, seen);
    }

    @Test
    void sameSeedSameBatchesSoATrainerCanResume() {
        ImageDataset d = numbered(50);
        DataLoader a = DataLoader.shuffled(d, 8, 123);
        DataLoader b = DataLoader.shuffled(d, 8, 123);
        DataLoader other = DataLoader.shuffled(d, 8, 124);
        assertEquals(6, a.batchesPerEpoch(), "dropLast: 50 / 8");
        for (long step = 40; step >= 0; step -= 3) { // any order of asking
            assertArrayEquals(a.indices(step), b.indices(step));
            assertEquals(8, a.indices(step).length);
        }
        assertFalse(Arrays.equals(a.order(0), other.order(0)));
    }

    @Test
    void shuffleOnceAndNoShuffle() {
        ImageDataset d = numbered(12);
        DataLoader once = new DataLoader(d, 4, DataLoader.Shuffle.ONCE, true, 5);
        assertArrayEquals(once.order(0), once.order(3));
        assertFalse(Arrays.equals(once.order(0), new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}));
        DataLoader none = new DataLoader(d, 5, DataLoader.Shuffle.NONE, true, 5);
        assertEquals(2, none.batchesPerEpoch());
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, none.indices(2));
        assertArrayEquals(new int[] {5, 6, 7, 8, 9}, none.indices(3));
    }

    @Test
    void loaderRefusesWhatItCannotServe() {
        ImageDataset d = numbered(5);
        var e = assertThrows(IllegalArgumentException.class, () -> DataLoader.shuffled(d, 8, 1));
        assertTrue(e.getMessage().contains("5 items cannot fill one batch of 8"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DataLoader.shuffled(d, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> DataLoader.shuffled(numbered(0), 1, 1));
        assertEquals(1, new DataLoader(d, 8, DataLoader.Shuffle.EVERY_EPOCH, false, 1).batchesPerEpoch());
    }

    /** The order is fixed by its definition (Philox Fisher-Yates), not by this JVM's library. */
    @Test
    void permutationIsTheDocumentedFisherYates() {
        int n = 6;
        long seed = 99;
        int[] expected = {0, 1, 2, 3, 4, 5};
        for (int i = n - 1; i > 0; i--) {
            int j = (int) (io.gcgan.random.Philox.uniformDouble(seed, 1000 + i) * (i + 1));
            int t = expected[i];
            expected[i] = expected[j];
            expected[j] = t;
        }
        assertArrayEquals(expected, Permutations.shuffled(n, seed, 1000));
    }
}
