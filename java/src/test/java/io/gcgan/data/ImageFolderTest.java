package io.gcgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tiny PNG and JPEG files written here: listing, colour, the resampling arithmetic, and bad files. */
class ImageFolderTest {

    @TempDir
    Path dir;

    private static final int RED = 0xC81E0A;    // (200, 30, 10)
    private static final int GREEN = 0x14B43C;  // (20, 180, 60)
    private static final int BLUE = 0x0A28F0;   // (10, 40, 240)
    private static final int WHITE = 0xFFFFFF;

    /** 4 x 4 RGB: 2 x 2 quadrants red, green (top), blue, white (bottom). */
    private static BufferedImage quadrants() {
        BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                img.setRGB(x, y, y < 2 ? (x < 2 ? RED : GREEN) : (x < 2 ? BLUE : WHITE));
            }
        }
        return img;
    }

    /** A gray image whose pixel (x, y) is values[y][x]. */
    private static BufferedImage gray(int[][] values) {
        BufferedImage img = new BufferedImage(values[0].length, values.length, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < values.length; y++) {
            for (int x = 0; x < values[0].length; x++) {
                img.getRaster().setSample(x, y, 0, values[y][x]);
            }
        }
        return img;
    }

    private Path write(BufferedImage img, String relative, String format) throws IOException {
        Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        assertTrue(ImageIO.write(img, format, p.toFile()), "a " + format + " writer");
        return p;
    }

    private static int[] rgb(int color) {
        return new int[] {(color >>> 16) & 0xFF, (color >>> 8) & 0xFF, color & 0xFF};
    }

    private static int luma(int color) {
        int[] c = rgb(color);
        return (int) Math.round(0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2]);
    }

    @Test
    void shrinksRgbQuadrantsByAreaAveraging() throws IOException {
        Path p = write(quadrants(), "q.png", "png");
        byte[] out = ImageFolder.readImage(p, 3, 2, 2);
        int[] colors = {RED, GREEN, BLUE, WHITE};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                assertEquals(rgb(colors[i])[c], out[c * 4 + i] & 0xFF, "channel " + c + " pixel " + i);
            }
        }
        byte[] grayOut = ImageFolder.readImage(p, 1, 2, 2);
        for (int i = 0; i < 4; i++) {
            assertEquals(luma(colors[i]), grayOut[i] & 0xFF, "luma of pixel " + i);
        }
        byte[] same = ImageFolder.readImage(p, 3, 4, 4);
        assertEquals(rgb(GREEN)[1], same[16 + 4 + 3] & 0xFF, "unchanged at its own size: G of (x 3, y 1)");
    }

    @Test
    void grayPngKeepsItsValues() throws IOException {
        int[][] v = {{0, 50, 128, 200}, {255, 1, 2, 3}};
        Path p = write(gray(v), "g.png", "png");
        byte[] out = ImageFolder.readImage(p, 1, 2, 4);
        byte[] rgbOut = ImageFolder.readImage(p, 3, 2, 4);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(v[y][x], out[y * 4 + x] & 0xFF, "no gamma conversion at " + x + "," + y);
                for (int c = 0; c < 3; c++) {
                    assertEquals(v[y][x], rgbOut[(c * 2 + y) * 4 + x] & 0xFF);
                }
            }
        }
    }

    @Test
    void wideImageIsCentreCropped() throws IOException {
        int[][] v = new int[4][8];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 8; x++) {
                v[y][x] = 30 * x + y;
            }
        }
        byte[] out = ImageFolder.readImage(write(gray(v), "wide.png", "png"), 1, 4, 4);
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                assertEquals(30 * (x + 2) + y, out[y * 4 + x] & 0xFF, "columns 2..5 kept");
            }
        }
    }

    @Test
    void fractionalAreaWeights() throws IOException {
        // 3 x 3 -> 2 x 2: target pixel 0 covers source [0, 1.5): weights 1 and 0.5, per axis.
        int[][] v = {{0, 90, 180}, {30, 120, 210}, {60, 150, 240}};
        byte[] out = ImageFolder.readImage(write(gray(v), "three.png", "png"), 1, 2, 2);
        double[] w = {1 / 1.5, 0.5 / 1.5};
        double topLeft = 0;
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) {
                topLeft += w[y] * w[x] * v[y][x];
            }
        }
        assertEquals(Math.round(topLeft), out[0] & 0xFF);
        double bottomRight = 0;
        for (int y = 1; y < 3; y++) {
            for (int x = 1; x < 3; x++) {
                bottomRight += w[2 - y] * w[2 - x] * v[y][x];
            }
        }
        assertEquals(Math.round(bottomRight), out[3] & 0xFF);
    }

    @Test
    void enlargesBilinearly() throws IOException {
        // 2 x 2 -> 4 x 4: output centres at input x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1).
        int[][] v = {{0, 100}, {0, 100}};
        byte[] out = ImageFolder.readImage(write(gray(v), "small.png", "png"), 1, 4, 4);
        for (int y = 0; y < 4; y++) {
            assertArrayEquals(new byte[] {0, 25, 75, 100}, Arrays.copyOfRange(out, 4 * y, 4 * y + 4));
        }
    }

    @Test
    void readsJpeg() throws IOException {
        BufferedImage solid = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                solid.setRGB(x, y, 0x4080C0);
            }
        }
        byte[] out = ImageFolder.readImage(write(solid, "s.JPG", "jpg"), 3, 8, 8);
        int[] expected = {0x40, 0x80, 0xC0};
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 64; i++) {
                assertEquals(expected[c], out[c * 64 + i] & 0xFF, 4.0, "JPEG is lossy, a little");
            }
        }
    }

    @Test
    void loadsTheFolderInPathOrderIgnoringOtherFiles() throws IOException {
        write(quadrants(), "b/second.png", "png");
        write(gray(new int[][] {{7, 7}, {7, 7}}), "a.png", "png");
        Files.writeString(dir.resolve("notes.txt"), "not an image");
        Files.write(dir.resolve("._a.png"), new byte[] {0, 5, 22, 7}); // a macOS resource fork
        assertEquals(List.of(dir.resolve("a.png"), dir.resolve("b/second.png")), ImageFolder.list(dir));

        ImageDataset d = ImageFolder.load(dir, 3, 2, 2);
        assertEquals(2, d.size());
        assertArrayEquals(new long[] {3, 2, 2}, d.itemShape());
        assertEquals(7, d.pixel(0, 2, 1, 1));
        assertEquals(rgb(WHITE)[0], d.pixel(1, 0, 1, 1));
        Tensor b = d.batch(0, 2, DType.FLOAT32, Device.CPU);
        assertArrayEquals(new long[] {2, 3, 2, 2}, b.shape());
        assertEquals(7 / 127.5 - 1, b.toFloatArray()[0], 1e-7);
        assertEquals(1.0, b.toFloatArray()[12 + 3], 0.0, "white is 1");
    }

    @Test
    void corruptFileFailsNamingIt() throws IOException {
        write(quadrants(), "good.png", "png");
        Path garbage = dir.resolve("garbage.png");
        Files.write(garbage, "this is not a PNG".getBytes());
        var e = assertThrows(DataFileException.class, () -> ImageFolder.load(dir, 1, 2, 2));
        assertTrue(e.getMessage().startsWith(garbage + ": "), e.getMessage());
        assertTrue(e.problem().contains("not an image"), e.problem());
    }

    @Test
    void truncatedPngFailsNamingIt() throws IOException {
        Path good = write(quadrants(), "full.png", "png");
        byte[] bytes = Files.readAllBytes(good);
        Path cut = dir.resolve("cut.png");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        var e = assertThrows(DataFileException.class, () -> ImageFolder.readImage(cut, 3, 4, 4));
        assertTrue(e.getMessage().startsWith(cut + ": "), e.getMessage());
    }

    @Test
    void emptyOrMissingFolder() throws IOException {
        Files.writeString(dir.resolve("readme.md"), "no images");
        var e = assertThrows(DataFileException.class, () -> ImageFolder.load(dir, 3, 8, 8));
        assertTrue(e.getMessage().startsWith(dir + ": no PNG or JPEG files"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ImageFolder.load(dir.resolve("x"), 3, 8, 8));
        assertThrows(java.nio.file.NotDirectoryException.class,
                () -> ImageFolder.load(dir.resolve("readme.md"), 3, 8, 8));
        assertThrows(IllegalArgumentException.class, () -> ImageFolder.load(dir, 2, 8, 8));
    }
}
