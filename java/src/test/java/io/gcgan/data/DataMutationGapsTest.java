package io.gcgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Gaps that PIT found in the data tests: the limits of every range check (one past the end refused, the end
 * itself and size 1 accepted), IDX headers with large or exactly maximal sizes and data past the first 16 MiB
 * buffer, the causes quoted in gzip errors, the documented Philox streams of the loader and the mixtures, the
 * epoch iterator's batch numbers, 16-bit gray PNGs, and crops and bilinear weights away from scale 1.
 */
class DataMutationGapsTest {

    @TempDir
    Path dir;

    private static <T extends Throwable> String fails(Class<T> type, Executable call, String... parts) {
        String message = assertThrows(type, call).getMessage();
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
        return message;
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    /** A labels-style header [4 bytes magic 0x00000801, one size] followed by {@code data}. */
    private static byte[] rank1(long size, byte[] data) {
        byte[] out = Arrays.copyOf(new byte[] {0, 0, 8, 1, (byte) (size >>> 24), (byte) (size >>> 16),
                (byte) (size >>> 8), (byte) size}, 8 + data.length);
        System.arraycopy(data, 0, out, 8, data.length);
        return out;
    }

    // ---- IDX ---------------------------------------------------------------------------------------------------

    @Test
    void sizesUseAllFourHeaderBytesBothWays() throws IOException {
        IdxArray wide = new IdxArray(new int[] {0x01020304, 0}, new byte[0]); // 16.9 M rows of nothing
        byte[] bytes = Idx.encode(wide);
        assertEquals("000008020102030400000000", HexFormat.of().formatHex(bytes));
        IdxArray back = Idx.read(file("wide", bytes));
        assertArrayEquals(new int[] {0x01020304, 0}, back.dims());
        assertEquals(0x01020304, back.count());
    }

    @Test
    void exactlyTheLargestDataSizeIsReadAndOneMoreIsRefused() throws IOException {
        long max = Idx.MAX_DATA_BYTES;
        String atMax = fails(DataFileException.class, () -> Idx.read(file("max", rank1(max, new byte[3]))),
                "truncated", "dims [" + max + "]", "the file has 11 bytes");
        assertFalse(atMax.contains("more than"), atMax);
        fails(DataFileException.class, () -> Idx.read(file("max+1", rank1(max + 1, new byte[3]))),
                "the header's dims [" + (max + 1) + "]", "more than " + max + " bytes");
    }

    /** Full MNIST files are 47 MB: reading goes on past the first 16 MiB buffer. */
    @Test
    void dataBeyondTheFirstBufferIsReadWhole() throws IOException {
        byte[] data = new byte[(1 << 24) + 1000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + (i >>> 16));
        }
        IdxArray big = new IdxArray(new int[] {data.length}, data);
        Path p = dir.resolve("big-idx1-ubyte");
        Idx.write(p, big, false);
        assertEquals(big, Idx.read(p));
        byte[] cut = Arrays.copyOf(Files.readAllBytes(p), 8 + (1 << 24) + 10);
        fails(DataFileException.class, () -> Idx.read(file("big-cut", cut)), "truncated",
                (8L + data.length) + " bytes in all", "the file has " + (8 + (1 << 24) + 10) + " bytes");
    }

    @Test
    void gzipErrorsQuoteTheirCause() throws IOException {
        byte[] gz = IdxTest.gzip(Idx.encode(IdxTest.tinyImages()));
        DataFileException header = assertThrows(DataFileException.class,
                () -> Idx.read(file("header-only.gz", Arrays.copyOf(gz, 5))));
        assertEquals(null, header.getCause().getMessage(), "the JDK's EOFException has no message");
        assertEquals("truncated or corrupt gzip header (EOFException)", header.problem());

        byte[] badCrc = gz.clone();
        badCrc[badCrc.length - 6] ^= 1;
        DataFileException crc = assertThrows(DataFileException.class, () -> Idx.read(file("crc.gz", badCrc)));
        String cause = crc.getCause().getMessage();
        assertTrue(cause != null && !cause.isEmpty());
        assertTrue(crc.problem().endsWith("40 that the IDX header describes: " + cause), crc.problem());
    }

    @Test
    void corruptGzipAfterExtraBytesCountsThem() throws IOException {
        byte[] longer = IdxTest.gzip(Arrays.copyOf(Idx.encode(IdxTest.tinyImages()), 44));
        longer[longer.length - 6] ^= 1; // the CRC-32, checked once all 44 bytes are out
        fails(DataFileException.class, () -> Idx.read(file("longer-bad-crc.gz", longer)),
                "corrupt gzip data after 44 decompressed bytes of the 40 that the IDX header describes");
    }

    @Test
    void idxArrayLimits() throws IOException {
        int[] ones = new int[255];
        Arrays.fill(ones, 1);
        IdxArray deep = new IdxArray(ones, new byte[] {42});
        IdxArray back = Idx.read(file("rank255", Idx.encode(deep)));
        assertEquals(255, back.rank(), "the rank byte is unsigned");
        assertEquals(42, back.unsigned(0));
        fails(IllegalArgumentException.class, () -> new IdxArray(new int[256], new byte[0]), "got 256");
        fails(IllegalArgumentException.class, () -> new IdxArray(new int[0], new byte[0]), "got 0");

        IdxArray empty = new IdxArray(new int[] {0}, new byte[0]);
        assertEquals(0, Idx.read(file("empty-labels", Idx.encode(empty))).count());
        fails(IllegalArgumentException.class, () -> new IdxArray(new int[] {2, -1}, new byte[0]),
                "negative IDX dimension in [2, -1]");
        int max = (int) Idx.MAX_DATA_BYTES;
        String atMax = fails(IllegalArgumentException.class, () -> new IdxArray(new int[] {max}, new byte[0]),
                "hold " + max + " elements, data has 0 bytes");
        assertFalse(atMax.contains("more than"), atMax);
        fails(IllegalArgumentException.class, () -> new IdxArray(new int[] {max + 1}, new byte[0]),
                "hold more than " + max + " elements");
    }

    @Test
    void idxArrayEqualityIsByContent() {
        IdxArray a = new IdxArray(new int[] {2, 3}, new byte[] {1, 2, 3, 4, 5, 6});
        IdxArray same = new IdxArray(new int[] {2, 3}, new byte[] {1, 2, 3, 4, 5, 6});
        assertEquals(a, same);
        assertEquals(a.hashCode(), same.hashCode());
        assertNotEquals(a, new IdxArray(new int[] {3, 2}, new byte[] {1, 2, 3, 4, 5, 6}));
        assertNotEquals(a, new IdxArray(new int[] {2, 3}, new byte[] {1, 2, 3, 4, 5, 7}));
        assertNotEquals(a, (Object) "IdxArray[dims=[2, 3], unsigned byte]");
        assertEquals("IdxArray[dims=[2, 3], unsigned byte]", a.toString());
        assertNotEquals(a.hashCode(), new IdxArray(new int[] {3, 2}, a.data()).hashCode());
    }

    // ---- Mnist -------------------------------------------------------------------------------------------------

    @Test
    void imagesOfOnePixelLoadWithoutLabels() throws IOException {
        Path p = dir.resolve("dots-idx3-ubyte");
        Idx.write(p, new IdxArray(new int[] {2, 1, 1}, new byte[] {0, (byte) 255}), false);
        ImageDataset d = Mnist.loadImages(p);
        assertEquals(2, d.size());
        assertFalse(d.hasLabels());
        assertArrayEquals(new long[] {1, 1, 1}, d.itemShape());
        assertEquals(255, d.pixel(1, 0, 0, 0));
        assertTrue(d.toString().startsWith(p.toString()), d.toString());
    }

    @Test
    void malformedPartnersGetAHintOnlyWhenItFits() throws IOException {
        Path images = dir.resolve("images");
        Idx.write(images, IdxTest.tinyImages(), false);
        for (int[] dims : new int[][] {{2, 0, 3}, {2, 3, 0}}) {
            Path p = dir.resolve("empty-rows-" + Arrays.toString(dims));
            Idx.write(p, new IdxArray(dims, new byte[0]), false);
            String m = fails(DataFileException.class, () -> Mnist.loadImages(p), "got dims " + Arrays.toString(dims));
            assertFalse(m.contains("?)"), m);
        }
        Path labels1 = dir.resolve("labels");
        Idx.write(labels1, IdxTest.tinyLabels(), false);
        fails(DataFileException.class, () -> Mnist.loadImages(labels1), "(a labels file given as images?)");
        Path rank2 = dir.resolve("rank2");
        Idx.write(rank2, new IdxArray(new int[] {3, 8}, new byte[24]), false);
        String m = fails(DataFileException.class, () -> Mnist.loadImages(rank2), "got dims [3, 8]");
        assertFalse(m.contains("?)"), m);

        fails(DataFileException.class, () -> Mnist.load(images, images), images + ": expected an IDX labels file",
                "got dims [3, 2, 4] (an images file given as labels?)");
        m = fails(DataFileException.class, () -> Mnist.load(images, rank2), "got dims [3, 8]");
        assertFalse(m.contains("?)"), m);
    }

    // ---- datasets ----------------------------------------------------------------------------------------------

    @Test
    void imageDatasetLimitsAndChannels() {
        assertEquals(0, ImageDataset.of(new byte[0], 0, 1, 1, 1, null, "none").size());
        ImageDataset one = ImageDataset.of(new byte[] {5}, 1, 1, 1, 1, null, "dot");
        assertEquals(5, one.pixel(0, 0, 0, 0));
        assertFalse(one.hasLabels());
        fails(IllegalStateException.class, () -> one.label(0), "dot has no labels");

        byte[] pixels = new byte[12]; // 2 items of [3, 1, 2]
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) i;
        }
        ImageDataset rgb = ImageDataset.of(pixels, 2, 3, 1, 2, new byte[] {4, 9}, "rgb");
        assertEquals(3, rgb.channels());
        assertEquals(1, rgb.height());
        assertEquals(2, rgb.width());
        assertEquals(11, rgb.pixel(1, 2, 0, 1));
        assertEquals(8, rgb.pixel(1, 1, 0, 0));
        assertEquals("rgb (2 images, 3x1x2)", rgb.toString());
        assertEquals("1 item of rgb (1 image, 3x1x2)", rgb.subset(new int[] {1}).toString());
        fails(IndexOutOfBoundsException.class, () -> rgb.pixel(0, 3, 0, 0), "(c, y, x) = (3, 0, 0)");
        fails(IndexOutOfBoundsException.class, () -> rgb.pixel(0, 0, 1, 0), "(c, y, x) = (0, 1, 0)");
        fails(IndexOutOfBoundsException.class, () -> rgb.pixel(0, 0, 0, 2), "(c, y, x) = (0, 0, 2)");
        fails(IndexOutOfBoundsException.class, () -> rgb.label(2), "item 2 is outside [0, 2)");
        fails(IndexOutOfBoundsException.class, () -> rgb.subset(new int[] {0, 2}), "index 2 at position 1");
        assertEquals(9, rgb.subset(new int[] {1}).label(0));

        byte[] cube = new byte[24]; // 3 items of [2, 2, 2]: item, channel, row and column all count
        for (int i = 0; i < cube.length; i++) {
            cube[i] = (byte) i;
        }
        ImageDataset d = ImageDataset.of(cube, 3, 2, 2, 2, null, "cube");
        assertEquals(22, d.pixel(2, 1, 1, 0), "16 + (1 * 2 + 1) * 2 + 0");
        assertEquals(13, d.pixel(1, 1, 0, 1), "8 + (1 * 2 + 0) * 2 + 1");
    }

    @Test
    void rangeBatchesReachTheEndAndNoFurther() {
        ImageDataset d = DatasetTest.numbered(5);
        assertArrayEquals(new int[] {4}, DatasetTest.items(d.batch(4, 1)));
        assertArrayEquals(new int[] {3, 4}, DatasetTest.items(d.batch(3, 2)));
        fails(IndexOutOfBoundsException.class, () -> d.batch(3, 3), "batch: items [3, 6) of a dataset of 5 items");
        fails(IndexOutOfBoundsException.class, () -> d.batch(0, 0), "items [0, 0)");
    }

    @Test
    void pointDatasetChecksAndSubsets() {
        PointDataset line = PointDataset.of(new float[] {1, 2, 3}, 1, null, "line");
        assertEquals(3, line.size());
        assertEquals(1, line.dim());
        assertFalse(line.hasLabels());
        assertArrayEquals(new float[] {3, 1}, line.batch(new int[] {2, 0}, DType.FLOAT32, Device.CPU).toFloatArray());
        fails(IllegalStateException.class, () -> line.label(0), "line has no labels");
        fails(IllegalArgumentException.class, () -> PointDataset.of(new float[] {1, 2, 3}, 2, null, "odd"),
                "3 values do not make points of dimension 2");
        fails(IllegalArgumentException.class, () -> PointDataset.of(new float[4], 2, new int[] {1}, "few"),
                "1 labels for 2 points");

        PointDataset pts = PointDataset.of(new float[] {0, 1, 10, 11, 20, 21}, 2, new int[] {7, 8, 9}, "pts");
        assertTrue(pts.hasLabels());
        assertEquals("pts (3 points of dimension 2)", pts.toString());
        fails(IndexOutOfBoundsException.class, () -> pts.coordinate(0, 2), "coordinate 2 of a 2-D point");
        fails(IndexOutOfBoundsException.class, () -> pts.label(3), "item 3 is outside [0, 3)");
        fails(IllegalArgumentException.class, () -> pts.batch(new int[0], DType.FLOAT32, Device.CPU), "no indices");

        PointDataset sub = pts.subset(new int[] {2, 0});
        assertEquals("2 points of pts (2 points of dimension 2)", sub.toString());
        assertEquals(9, sub.label(0));
        assertEquals(1f, sub.coordinate(1, 1));
        assertArrayEquals(new float[] {20, 21}, sub.batch(new int[] {0}, DType.FLOAT32, Device.CPU).toFloatArray());
        fails(IndexOutOfBoundsException.class, () -> pts.subset(new int[] {3}), "index 3 at position 0");
        fails(IndexOutOfBoundsException.class, () -> pts.subset(new int[] {-1}), "index -1 at position 0");
    }

    @Test
    void genericSubsetsCheckTheirIndices() {
        ImageDataset d = DatasetTest.numbered(5);
        assertEquals(2, new SubsetDataset(d, new int[] {0, 4}).size());
        fails(IndexOutOfBoundsException.class, () -> new SubsetDataset(d, new int[] {1, 5}),
                "subset: index 5 at position 1 is outside [0, 5)");
        fails(IndexOutOfBoundsException.class, () -> new SubsetDataset(d, new int[] {-1}), "index -1");
        Dataset s = new SubsetDataset(d, new int[] {3, 1});
        assertArrayEquals(new long[] {1, 1, 2}, s.itemShape());
        assertEquals("2 items of numbered (5 images, 1x1x2)", s.toString());
        fails(IndexOutOfBoundsException.class, () -> s.batch(new int[] {2}, DType.FLOAT32, Device.CPU),
                "batch: index 2 at position 0 is outside [0, 2)");
        Dataset ss = s.subset(new int[] {1, 1, 0});
        assertArrayEquals(new int[] {1, 1, 3}, DatasetTest.items(ss.batch(0, 3)));
        Dataset.Split split = s.split(1, 3);
        assertEquals(1, split.heldOut().size());
    }

    @Test
    void splitFollowsItsDocumentedStream() {
        ImageDataset d = DatasetTest.numbered(30);
        int[] order = Permutations.shuffled(30, Permutations.SPLIT_DOMAIN ^ 77, 0);
        Dataset.Split s = d.split(7, 77);
        assertArrayEquals(Arrays.copyOfRange(order, 0, 7), DatasetTest.items(s.heldOut().batch(0, 7)));
        assertArrayEquals(Arrays.copyOfRange(order, 7, 30), DatasetTest.items(s.train().batch(0, 23)));
        fails(IllegalArgumentException.class, () -> d.split(-1, 77), "heldOutCount = -1 is outside [0, 30]");
    }

    // ---- the loader --------------------------------------------------------------------------------------------

    @Test
    void loaderLimits() {
        ImageDataset d = DatasetTest.numbered(10);
        DataLoader single = new DataLoader(d, 1, DataLoader.Shuffle.NONE, true, 0);
        assertEquals(10, single.batchesPerEpoch());
        assertEquals(1, single.batchSize());
        assertSame(d, single.dataset());
        DataLoader whole = DataLoader.shuffled(d, 10, 0);
        assertEquals(1, whole.batchesPerEpoch(), "dropLast with exactly one batch of items");
        assertEquals(2, new DataLoader(d, 5, DataLoader.Shuffle.NONE, false, 0).batchesPerEpoch());
        assertEquals(4, new DataLoader(d, 3, DataLoader.Shuffle.NONE, false, 0).batchesPerEpoch());
        assertEquals("DataLoader[numbered (10 images, 1x1x2), batchSize=10, shuffle=EVERY_EPOCH, dropLast=true,"
                + " seed=0]", whole.toString());
        fails(IllegalArgumentException.class, () -> whole.epochOf(-1), "batch number -1 must be >= 0");
        fails(IllegalArgumentException.class, () -> whole.indices(-1), "batch number -1 must be >= 0");
        fails(IllegalArgumentException.class, () -> whole.order(-1), "epoch = -1 must be >= 0");
        fails(IllegalArgumentException.class, () -> whole.epoch(-1, DType.FLOAT32, Device.CPU), "epoch = -1");
    }

    @Test
    void ordersAreTheDocumentedPhiloxStream() {
        ImageDataset d = DatasetTest.numbered(9);
        long seed = 31;
        DataLoader every = new DataLoader(d, 4, DataLoader.Shuffle.EVERY_EPOCH, true, seed);
        DataLoader once = new DataLoader(d, 4, DataLoader.Shuffle.ONCE, true, seed);
        for (long e = 0; e < 3; e++) {
            assertArrayEquals(Permutations.shuffled(9, seed ^ Permutations.LOADER_DOMAIN, 9 * e), every.order(e));
            assertArrayEquals(Permutations.shuffled(9, seed ^ Permutations.LOADER_DOMAIN, 0), once.order(e));
        }
    }

    @Test
    void anEpochIteratesItsOwnBatchNumbers() {
        DataLoader loader = new DataLoader(DatasetTest.numbered(10), 3, DataLoader.Shuffle.EVERY_EPOCH, false, 7);
        for (long epoch : new long[] {0, 2}) {
            Iterator<Tensor> it = loader.epoch(epoch, DType.FLOAT32, Device.CPU);
            for (int b = 0; b < 4; b++) {
                assertTrue(it.hasNext());
                assertArrayEquals(loader.indices(4 * epoch + b), DatasetTest.items(it.next()), "batch " + b);
            }
            assertFalse(it.hasNext());
            fails(NoSuchElementException.class, it::next, "epoch " + epoch + " has 4 batches");
        }
    }

    // ---- Gaussian mixtures -------------------------------------------------------------------------------------

    /** The 25-Gaussian centre k before division: x = 2 (k / 5 - 2), y = 2 (k % 5 - 2). */
    private static double[] gridCentre(int k) {
        return new double[] {2.0 * (k / 5 - 2), 2.0 * (k % 5 - 2)};
    }

    @Test
    void samplesAreTheDocumentedExpressionOfTheGeneratorsStream() {
        GaussianMixture m = GaussianMixture.twentyFiveOnGrid();
        int n = 60;
        int[] comp = new int[n];
        float[] got = m.sample(new Generator(21), n, comp);
        Generator g = new Generator(21);
        double[] u = new double[n];
        double[] z = new double[2 * n];
        g.fillUniform(MemorySegment.ofArray(u), DType.FLOAT64, n);
        g.fillNormal(MemorySegment.ofArray(z), DType.FLOAT64, 2L * n);
        for (int i = 0; i < n; i++) {
            int k = (int) (u[i] * 25);
            assertEquals(k, comp[i]);
            double[] c = gridCentre(k);
            assertEquals((float) ((c[0] + 0.05 * z[2 * i]) / 2.828), got[2 * i], "x of point " + i);
            assertEquals((float) ((c[1] + 0.05 * z[2 * i + 1]) / 2.828), got[2 * i + 1], "y of point " + i);
        }
        assertEquals(2, m.sample(new Generator(1), 1).length);
    }

    @Test
    void fixedDatasetIsTheDocumentedExpressionOfTheGeneratorsStream() {
        GaussianMixture m = GaussianMixture.twentyFiveOnGrid();
        Generator used = new Generator(5);
        PointDataset d = m.fixedDataset(2, used);
        assertEquals(100, used.offset(), "2 * K * perMode normals");
        double[] z = new double[100];
        new Generator(5).fillNormal(MemorySegment.ofArray(z), DType.FLOAT64, 100);
        for (int i = 0; i < 50; i++) {
            double[] c = gridCentre(i % 25);
            assertEquals(i % 25, d.label(i));
            assertEquals((float) ((c[0] + 0.05 * z[2 * i]) / 2.828), d.coordinate(i, 0), "x of point " + i);
            assertEquals((float) ((c[1] + 0.05 * z[2 * i + 1]) / 2.828), d.coordinate(i, 1), "y of point " + i);
        }
        assertEquals(25, m.fixedDataset(1, new Generator(5)).size());
    }

    @Test
    void mixtureParameterLimits() {
        GaussianMixture points = new GaussianMixture("two points", new double[][] {{1, 2}, {3, 4}}, 0, 2);
        assertEquals("two points", points.name());
        assertEquals(0.0, points.noiseStd());
        assertEquals(2.0, points.divisor());
        assertEquals("two points (2 modes, sigma 0.0 = 0.0 / 2.0)", points.toString());
        int[] comp = new int[20];
        float[] xy = points.sample(new Generator(4), 20, comp);
        for (int i = 0; i < 20; i++) {
            assertEquals(comp[i] == 0 ? 0.5f : 1.5f, xy[2 * i]);
            assertEquals(comp[i] == 0 ? 1f : 2f, xy[2 * i + 1]);
        }
        fails(IllegalArgumentException.class, () -> new GaussianMixture("m", new double[][] {{0, 0}}, 0.1, 0),
                "got 0.1 and 0.0");
        fails(IllegalArgumentException.class, () -> new GaussianMixture("m", new double[][] {{0, 0}}, -0.1, 1),
                "got -0.1 and 1.0");
        assertEquals(0.05, GaussianMixture.twentyFiveOnGrid().noiseStd());
        assertEquals(2.828, GaussianMixture.twentyFiveOnGrid().divisor());
        Tensor t = GaussianMixture.eightOnRing().batch(new Generator(2), 3);
        assertArrayEquals(new long[] {3, 2}, t.shape());
    }

    // ---- image folders -----------------------------------------------------------------------------------------

    private Path writeImage(BufferedImage img, String name) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        assertTrue(ImageIO.write(img, "png", p.toFile()));
        return p;
    }

    /** A gray image whose pixel (x, y) is f(x, y). */
    private static BufferedImage gray(int w, int h, java.util.function.IntBinaryOperator f) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.getRaster().setSample(x, y, 0, f.applyAsInt(x, y));
            }
        }
        return img;
    }

    @Test
    void listsImageNamesOnlyInPathOrder() throws IOException {
        writeImage(gray(1, 1, (x, y) -> 0), "x.jpeg.png");
        Files.write(dir.resolve("notes.txt"), new byte[] {1});
        Files.write(dir.resolve("b.JPEG"), new byte[] {1});
        Files.write(dir.resolve(".hidden.png"), new byte[] {1});
        Files.createDirectories(dir.resolve("folder.png"));
        Files.write(dir.resolve("folder.png/c.Jpg"), new byte[] {1});
        assertEquals(List.of(dir.resolve("b.JPEG"), dir.resolve("folder.png/c.Jpg"), dir.resolve("x.jpeg.png")),
                ImageFolder.list(dir));
        assertFalse(ImageFolder.isImageName("png"));
        assertFalse(ImageFolder.isImageName("a.gif"));
    }

    @Test
    void sixteenBitGrayIsScaledToBytes() throws IOException {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        int[] samples = {65535, 128 * 257, 257};
        for (int x = 0; x < 3; x++) {
            img.getRaster().setSample(x, 0, 0, samples[x]);
        }
        byte[] out = ImageFolder.readImage(writeImage(img, "deep.png"), 1, 1, 3);
        assertArrayEquals(new byte[] {(byte) 255, (byte) 128, 1}, out);
    }

    @Test
    void shrinksAndCropsTheCentreAtScaleTwo() throws IOException {
        // 12 x 4 -> 4 x 2: scale 2, columns 2..9 kept; target (x, y) averages columns 2 + 2x, 3 + 2x, rows 2y, 2y + 1.
        Path wide = writeImage(gray(12, 4, (x, y) -> 10 * x + 20 * y), "wide.png");
        byte[] out = ImageFolder.readImage(wide, 1, 2, 4);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(35 + 20 * x + 40 * y, out[y * 4 + x] & 0xFF, "wide (" + x + ", " + y + ")");
            }
        }
        Path tall = writeImage(gray(4, 12, (x, y) -> 20 * x + 10 * y), "tall.png");
        out = ImageFolder.readImage(tall, 1, 4, 2);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 2; x++) {
                assertEquals(35 + 20 * y + 40 * x, out[y * 2 + x] & 0xFF, "tall (" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void onePixelTargetIsTheMeanAndBadSizesAreRefused() throws IOException {
        Path p = writeImage(gray(2, 2, (x, y) -> 10 + 10 * x + 20 * y), "four.png");
        assertArrayEquals(new byte[] {25}, ImageFolder.readImage(p, 1, 1, 1));
        fails(IllegalArgumentException.class, () -> ImageFolder.readImage(p, 2, 1, 1), "got [2, 1, 1]");
        fails(IllegalArgumentException.class, () -> ImageFolder.readImage(p, 1, 0, 1), "got [1, 0, 1]");
        fails(IllegalArgumentException.class, () -> ImageFolder.readImage(p, 1, 1, 0), "got [1, 1, 0]");
    }

    @Test
    void enlargesBilinearlyBetweenInnerPixels() throws IOException {
        // 3 x 3 -> 6 x 6: output centres at input -0.25 (clamped to 0), 0.25, 0.75, 1.25, 1.75, 2.25 (clamped to 2);
        // a linear image stays linear.
        Path p = writeImage(gray(3, 3, (x, y) -> 40 * x + 20 * y), "three.png");
        byte[] out = ImageFolder.readImage(p, 1, 6, 6);
        double[] at = {0, 0.25, 0.75, 1.25, 1.75, 2};
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 6; x++) {
                assertEquals(40 * at[x] + 20 * at[y], out[y * 6 + x] & 0xFF, 0.0, "(" + x + ", " + y + ")");
            }
        }
    }

    @Test
    void undecodablePngNamesItsFormatAndSize() throws IOException {
        byte[] png = Files.readAllBytes(writeImage(gray(8, 8, (x, y) -> x * y), "full.png"));
        byte[] half = Arrays.copyOf(png, png.length / 2);
        Path cut = file("cut.png", half);
        DataFileException e = assertThrows(DataFileException.class, () -> ImageFolder.readImage(cut, 1, 8, 8));
        assertTrue(e.problem().startsWith("cannot decode the PNG image (" + half.length + " bytes): "), e.problem());
    }
}
