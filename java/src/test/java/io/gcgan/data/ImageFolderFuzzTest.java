package io.gcgan.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.testutil.FileFuzz;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * PNG and JPEG images damaged in many seeded ways ({@link FileFuzz}), read as an image folder reads each file: an
 * image of the asked size, or a {@link DataFileException} naming the file; never a decoder's unchecked exception, nor
 * a gigabyte allocated for a header's size. (Checked to fail when {@code ImageFolder} stops comparing the pixels a
 * header claims with the file's size.)
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ImageFolderFuzzTest {

    @TempDir
    Path dir;

    private static byte[] encode(BufferedImage img, String format) throws IOException {
        var out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "a " + format + " writer");
        return out.toByteArray();
    }

    /** 7 x 5 pixels of seeded noise, gray or RGB. */
    private static BufferedImage noise(int type) {
        BufferedImage img = new BufferedImage(7, 5, type);
        Random rnd = new Random(5);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                img.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        return img;
    }

    /** The width, height, bit depth and colour type of a PNG's IHDR chunk (its first, at byte 8). */
    private static final List<FileFuzz.Field> IHDR = List.of(
            new FileFuzz.Field("width", 16, 4, ByteOrder.BIG_ENDIAN),
            new FileFuzz.Field("height", 20, 4, ByteOrder.BIG_ENDIAN),
            new FileFuzz.Field("bit depth and colour type", 24, 2, ByteOrder.BIG_ENDIAN),
            new FileFuzz.Field("second chunk's length", 33, 4, ByteOrder.BIG_ENDIAN));

    private static final FileFuzz.Accepted<byte[]> SIZE_12_BY_10 = (c, pixels) ->
            assertEquals(3 * 12 * 10, pixels.length, c.description());

    private int check(String name, byte[] valid, long seed, List<FileFuzz.Field> fields) throws Exception {
        return FileFuzz.check(dir.resolve(name), FileFuzz.binaryCases(valid, seed, 64, 150, fields),
                p -> ImageFolder.readImage(p, 3, 12, 10), DataFileException.class, SIZE_12_BY_10);
    }

    @Test
    void damagedPngFilesGiveAnImageOrAreRefusedByName() throws Exception {
        check("gray.png", encode(noise(BufferedImage.TYPE_BYTE_GRAY), "png"), 1, IHDR);
        check("rgb.png", encode(noise(BufferedImage.TYPE_INT_RGB), "png"), 2, IHDR);
    }

    @Test
    void damagedJpegFilesGiveAnImageOrAreRefusedByName() throws Exception {
        byte[] jpeg = encode(noise(BufferedImage.TYPE_INT_RGB), "jpg");
        int sof = 2;
        while (!((jpeg[sof] & 0xFF) == 0xFF && (jpeg[sof + 1] & 0xFF) == 0xC0)) {
            sof++; // the baseline frame header: FF C0, length, precision, height, width
        }
        check("photo.jpg", jpeg, 3, List.of(new FileFuzz.Field("height", sof + 5, 2, ByteOrder.BIG_ENDIAN),
                new FileFuzz.Field("width", sof + 7, 2, ByteOrder.BIG_ENDIAN)));
    }

    /**
     * The regression test of the fuzz case "bit flip 0x10 at byte 16": the decoder allocated 1.3 GB for a 105-byte
     * PNG and took seconds before it failed (with a smaller heap on an OutOfMemoryError it wraps).
     */
    @Test
    void aPngWhoseHeaderClaimsMorePixelsThanItsSizeCanHoldIsRefusedBeforeDecoding() throws Exception {
        byte[] png = encode(noise(BufferedImage.TYPE_BYTE_GRAY), "png");
        png[16] = 0x10; // width 0x10000007
        Path file = dir.resolve("digit.png");
        Files.write(file, png);
        DataFileException e = assertThrows(DataFileException.class, () -> ImageFolder.readImage(file, 1, 4, 4));
        assertEquals(file + ": the PNG header says 268435463 x 5 pixels, more than " + png.length + " bytes can hold"
                + " (a corrupt header?)", e.getMessage());
    }

    @Test
    void aFolderWhereAnImageIsExpectedIsRefusedByName() throws Exception {
        FileFuzz.checkFolderInPlace(dir.resolve("digit.png"), p -> ImageFolder.readImage(p, 1, 4, 4),
                DataFileException.class);
    }
}
