package io.gcgan.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * A folder of PNG and JPEG images, decoded with {@code javax.imageio}, scaled and centre-cropped to the
 * model's size, as an {@link ImageDataset} [N, C, H, W] (C = 1 grayscale or 3 RGB) without labels.
 *
 * <p>Files: every regular file named {@code *.png}, {@code *.jpg} or {@code *.jpeg} (any case) in the folder
 * and its subfolders (class folders, as torchvision's ImageFolder has them), except names starting with a
 * dot; in order of their path relative to the folder. Anything else is ignored. A matching file that does
 * not decode fails the whole load with a {@link DataFileException} naming it.
 *
 * <p>Geometry: the image is scaled by the same factor along both axes so that it covers H x W (its shorter
 * side, relative to the target, becomes the target's), then the centre H x W is kept, its offset rounded
 * (half up) to whole target pixels, so that scale 1 crops whole source pixels. For a square target this is
 * torchvision's Resize(size) + CenterCrop(size), except that the scaled size is not rounded to integers.
 * Resampling, per axis:
 * <b>area averaging</b> when shrinking (each target pixel is the mean of the source area it covers, partial
 * source pixels weighted by their covered fraction), <b>bilinear</b> interpolation when enlarging (pixel
 * centres at half-integers, edges clamped). An image already H x W is copied unchanged.
 *
 * <p>Colour: RGB from {@link BufferedImage#getRGB}, which converts palettes and 16-bit samples; gray
 * sources (gray PNG, grayscale JPEG) are read from the raster instead, since {@code getRGB} would put a gray
 * image through a gamma conversion (a gray 50 would come out as 122). Grayscale output from colour uses
 * ITU-R 601 luma 0.299 R + 0.587 G + 0.114 B (PIL's "L"); RGB output from gray repeats the gray. Alpha is
 * ignored (as PIL's convert("RGB") drops it). Values are rounded to bytes after resampling.
 */
public final class ImageFolder {

    /**
     * The most pixels a file may claim per byte of its size. A PNG's deflate data expands at most 1032-fold, and a
     * pixel takes at least 1 bit of it, so a PNG holds at most 8,256 pixels per byte; a JPEG holds far fewer. A header
     * claiming more is corrupt, and is refused before the decoder allocates its pixels.
     */
    static final long MAX_PIXELS_PER_BYTE = 16_384;

    private ImageFolder() {
    }

    /**
     * Loads every image under {@code folder} as [N, channels, height, width].
     *
     * @throws DataFileException naming the file that does not decode, or the folder when it holds no image
     * @throws NotDirectoryException when {@code folder} is not a folder
     */
    public static ImageDataset load(Path folder, int channels, int height, int width) throws IOException {
        checkGeometry(channels, height, width);
        List<Path> files = list(folder);
        if (files.isEmpty()) {
            throw new DataFileException(folder.toString(), "no PNG or JPEG files (*.png, *.jpg, *.jpeg) in this"
                    + " folder or its subfolders");
        }
        long per = (long) channels * height * width;
        MemorySegment pixels = Arena.ofAuto().allocate(Math.multiplyExact(per, (long) files.size()));
        IOException[] failures = new IOException[files.size()];
        IntStream.range(0, files.size()).parallel().forEach(i -> {
            try {
                byte[] item = readImage(files.get(i), channels, height, width);
                MemorySegment.copy(item, 0, pixels, ValueLayout.JAVA_BYTE, per * i, item.length);
            } catch (IOException e) {
                failures[i] = e;
            }
        });
        for (IOException failure : failures) {
            if (failure != null) {
                throw failure; // the first file in order, whatever thread met it
            }
        }
        return ImageDataset.of(pixels, files.size(), channels, height, width, null, folder.toString());
    }

    /** The image files {@link #load} reads, in its order. */
    public static List<Path> list(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            if (!Files.exists(folder)) {
                throw new java.nio.file.NoSuchFileException(folder.toString(), null, "no such image folder");
            }
            throw new NotDirectoryException(folder.toString());
        }
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> isImageName(p.getFileName().toString()))
                    .sorted(Comparator.comparing(p -> folder.relativize(p).toString()))
                    .toList();
        }
    }

    static boolean isImageName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return !name.startsWith(".")
                && (lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg"));
    }

    /**
     * One image file scaled and centre-cropped to [channels, height, width] bytes (see the class comment).
     *
     * @throws DataFileException naming the file when it cannot be decoded, its header claims more pixels than its
     *     size can hold, or it is a folder
     */
    public static byte[] readImage(Path file, int channels, int height, int width) throws IOException {
        checkGeometry(channels, height, width);
        if (Files.isDirectory(file)) { // else the read fails with "Is a directory", naming nothing
            throw new DataFileException(file.toString(), "is a folder, not an image file");
        }
        byte[] encoded = Files.readAllBytes(file);
        BufferedImage image = decode(file, encoded);
        return resize(planes(image, channels), image.getHeight(), image.getWidth(), height, width);
    }

    /** Decodes with the first javax.imageio reader that recognizes the bytes (no disk cache). */
    private static BufferedImage decode(Path file, byte[] encoded) throws DataFileException {
        ImageReader reader = null;
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new DataFileException(file.toString(), "not an image that javax.imageio can decode ("
                        + encoded.length + " bytes; no PNG or JPEG reader recognizes its contents)");
            }
            reader = readers.next();
            reader.setInput(in, true, true);
            long pixels = (long) reader.getWidth(0) * reader.getHeight(0); // reads the header only
            if (pixels > MAX_PIXELS_PER_BYTE * encoded.length) {
                throw new DataFileException(file.toString(), "the " + reader.getFormatName().toUpperCase(Locale.ROOT)
                        + " header says " + reader.getWidth(0) + " x " + reader.getHeight(0) + " pixels, more than "
                        + encoded.length + " bytes can hold (a corrupt header?)");
            }
            return reader.read(0);
        } catch (DataFileException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Decoders throw IIOException for bad data, and sometimes unchecked exceptions too.
            String format = "image";
            try {
                format = reader == null ? format : reader.getFormatName().toUpperCase(Locale.ROOT) + " image";
            } catch (IOException ignored) {
                // keep "image"
            }
            throw new DataFileException(file.toString(), "cannot decode the " + format + " (" + encoded.length
                    + " bytes): " + e.getMessage(), e);
        } finally {
            if (reader != null) {
                reader.dispose();
            }
        }
    }

    /** The image as float planes [C][H * W] with values 0..255. */
    static float[][] planes(BufferedImage image, int channels) {
        int h = image.getHeight();
        int w = image.getWidth();
        float[][] planes = new float[channels][h * w];
        Raster raster = image.getRaster();
        boolean gray = image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && image.getColorModel().getNumColorComponents() == 1;
        if (gray) {
            int bits = image.getColorModel().getComponentSize(0);
            float scale = 255f / ((1L << bits) - 1);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) * scale;
                    for (int c = 0; c < channels; c++) {
                        planes[c][y * w + x] = v;
                    }
                }
            }
            return planes;
        }
        int[] row = new int[w];
        for (int y = 0; y < h; y++) {
            image.getRGB(0, y, w, 1, row, 0, w);
            for (int x = 0; x < w; x++) {
                int rgb = row[x];
                int r = (rgb >>> 16) & 0xFF;
                int g = (rgb >>> 8) & 0xFF;
                int b = rgb & 0xFF;
                if (channels == 3) {
                    planes[0][y * w + x] = r;
                    planes[1][y * w + x] = g;
                    planes[2][y * w + x] = b;
                } else {
                    planes[0][y * w + x] = 0.299f * r + 0.587f * g + 0.114f * b;
                }
            }
        }
        return planes;
    }

    /**
     * Planes [C][srcH * srcW] (values 0..255) scaled to cover height x width and centre-cropped, rounded to
     * bytes [C, height, width].
     */
    static byte[] resize(float[][] planes, int srcH, int srcW, int height, int width) {
        // Source pixels per target pixel, the same along both axes: the image just covers the target.
        double s = Math.min((double) srcW / width, (double) srcH / height);
        double ox = s * Math.round(Math.max(0, (srcW / s - width) / 2));
        double oy = s * Math.round(Math.max(0, (srcH / s - height) / 2));
        Axis ax = Axis.of(srcW, width, s, ox);
        Axis ay = Axis.of(srcH, height, s, oy);
        int channels = planes.length;
        byte[] out = new byte[channels * height * width];
        float[] rows = new float[srcH * width];
        for (int c = 0; c < channels; c++) {
            float[] src = planes[c];
            for (int y = 0; y < srcH; y++) {
                for (int x = 0; x < width; x++) {
                    double v = 0;
                    for (int k = ax.start[x]; k < ax.start[x + 1]; k++) {
                        v += ax.weight[k] * src[y * srcW + ax.source[k]];
                    }
                    rows[y * width + x] = (float) v;
                }
            }
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    double v = 0;
                    for (int k = ay.start[y]; k < ay.start[y + 1]; k++) {
                        v += ay.weight[k] * rows[ay.source[k] * width + x];
                    }
                    out[(c * height + y) * width + x] = (byte) Math.clamp(Math.round(v), 0, 255);
                }
            }
        }
        return out;
    }

    /** Output pixel o of one axis is the sum of weight[k] * input[source[k]] for k in [start[o], start[o+1]). */
    private record Axis(int[] start, int[] source, double[] weight) {

        /** n input pixels, m outputs, s input pixels per output, the window starting at input offset. */
        static Axis of(int n, int m, double s, double offset) {
            int[] start = new int[m + 1];
            int[] source = new int[m * ((int) Math.ceil(s) + 2)];
            double[] weight = new double[source.length];
            int k = 0;
            for (int o = 0; o < m; o++) {
                start[o] = k;
                if (s >= 1) {
                    // Area: the interval [lo, hi) of the input, each input pixel [i, i + 1) by its overlap.
                    double lo = offset + o * s;
                    double hi = Math.min(n, lo + s);
                    for (int i = (int) Math.floor(lo); i < hi && i < n; i++) {
                        double overlap = Math.min(hi, i + 1) - Math.max(lo, i);
                        if (overlap > 1e-12) {
                            source[k] = i;
                            weight[k++] = overlap;
                        }
                    }
                    double total = 0;
                    for (int j = start[o]; j < k; j++) {
                        total += weight[j];
                    }
                    for (int j = start[o]; j < k; j++) {
                        weight[j] /= total;
                    }
                } else {
                    // Bilinear: the output centre's position in input pixel coordinates, clamped to the edges.
                    double x = Math.clamp(offset + (o + 0.5) * s - 0.5, 0.0, n - 1.0);
                    int i0 = (int) Math.floor(x);
                    double f = x - i0;
                    source[k] = i0;
                    weight[k++] = 1 - f;
                    if (f > 0) {
                        source[k] = Math.min(i0 + 1, n - 1);
                        weight[k++] = f;
                    }
                }
            }
            start[m] = k;
            return new Axis(start, source, weight);
        }
    }

    private static void checkGeometry(int channels, int height, int width) {
        if ((channels != 1 && channels != 3) || height < 1 || width < 1) {
            throw new IllegalArgumentException("image size: need 1 (grayscale) or 3 (RGB) channels and positive"
                    + " height and width, got [" + channels + ", " + height + ", " + width + "]");
        }
    }
}
