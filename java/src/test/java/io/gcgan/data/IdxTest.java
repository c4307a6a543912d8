package io.gcgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * IDX round trips (plain and gzipped, recognized by content) against hand-built bytes, and every kind of bad
 * file: each error names the file and says what is wrong, with the byte counts where sizes disagree.
 */
class IdxTest {

    @TempDir
    Path dir;

    /** 3 images of 2 x 4, bytes 0, 37, 74, ... (mod 256), so values above 127 occur. */
    static IdxArray tinyImages() {
        byte[] data = new byte[3 * 2 * 4];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 37);
        }
        return new IdxArray(new int[] {3, 2, 4}, data);
    }

    static IdxArray tinyLabels() {
        return new IdxArray(new int[] {3}, new byte[] {7, 0, 9});
    }

    /** {@code plain} gzip-compressed, as an {@code .idx3-ubyte.gz} file holds it (DataMutationGapsTest too). */
    static byte[] gzip(byte[] plain) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var z = new GZIPOutputStream(bytes)) {
            z.write(plain);
        }
        return bytes.toByteArray();
    }

    private Path file(String name, byte[] content) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, content);
        return p;
    }

    private DataFileException readFails(Path p) {
        DataFileException e = assertThrows(DataFileException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().startsWith(p.toString() + ": "), e.getMessage());
        assertEquals(p.toString(), e.file());
        return e;
    }

    private static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    // ---- the format ----------------------------------------------------------------------------------------

    @Test
    void encodesTheHandBuiltHeader() {
        byte[] bytes = Idx.encode(tinyImages());
        assertEquals("0000080300000003000000020000000400", HexFormat.of().formatHex(bytes, 0, 17));
        assertEquals(16 + 24, bytes.length);
        assertEquals((byte) (23 * 37), bytes[bytes.length - 1]);
        assertEquals("000008010000000307" + "0009", HexFormat.of().formatHex(Idx.encode(tinyLabels())));
    }

    @Test
    void roundTripsPlainAndGzipped() throws IOException {
        for (IdxArray a : new IdxArray[] {tinyImages(), tinyLabels()}) {
            for (boolean gz : new boolean[] {false, true}) {
                Path p = dir.resolve("a-" + a.rank() + (gz ? ".gz" : ""));
                Idx.write(p, a, gz);
                byte[] raw = Files.readAllBytes(p);
                assertEquals(gz, (raw[0] & 0xFF) == 0x1f && (raw[1] & 0xFF) == 0x8b);
                IdxArray back = Idx.read(p);
                assertEquals(a, back);
                assertArrayEquals(a.dims(), back.dims());
            }
        }
        assertEquals(222, tinyImages().unsigned(6));
    }

    @Test
    void gzipIsRecognizedByContentNotName() throws IOException {
        Path gzNamedPlain = file("images.gz", Idx.encode(tinyImages()));
        Path plainNamedGz = file("images-idx3-ubyte", gzip(Idx.encode(tinyImages())));
        assertEquals(tinyImages(), Idx.read(gzNamedPlain));
        assertEquals(tinyImages(), Idx.read(plainNamedGz));
    }

    @Test
    void readsFromAStreamWithTheGivenName() throws IOException {
        var in = new java.io.ByteArrayInputStream(gzip(Idx.encode(tinyLabels())));
        assertEquals(tinyLabels(), Idx.read(in, "resource x"));
        var bad = new java.io.ByteArrayInputStream(new byte[] {1, 2, 3, 4});
        var e = assertThrows(DataFileException.class, () -> Idx.read(bad, "resource x"));
        assertTrue(e.getMessage().startsWith("resource x: not an IDX file"), e.getMessage());
    }

    // ---- corrupt, truncated and mismatched files ----------------------------------------------------------

    @Test
    void emptyFile() throws IOException {
        assertContains(readFails(file("empty", new byte[0])).problem(), "no IDX magic number: the file is empty");
    }

    @Test
    void badMagic() throws IOException {
        byte[] png = HexFormat.of().parseHex("89504e470d0a1a0a0000000d49484452");
        assertContains(readFails(file("digits.png", png)).problem(), "not an IDX file", "magic number 0x89504E47",
                "0x00000803");
    }

    @Test
    void unsupportedAndUnknownTypeBytes() throws IOException {
        byte[] floats = Idx.encode(tinyImages());
        floats[2] = 0x0D;
        assertContains(readFails(file("floats", floats)).problem(), "magic number 0x00000D03",
                "data type 0x0D (float (float32)) is not supported", "unsigned byte (0x08)");
        byte[] unknown = Idx.encode(tinyImages());
        unknown[2] = 0x07;
        assertContains(readFails(file("unknown", unknown)).problem(), "data type byte 0x07",
                "not an IDX type");
    }

    @Test
    void zeroDimensions() throws IOException {
        assertContains(readFails(file("rank0", new byte[] {0, 0, 8, 0})).problem(), "declares 0 dimensions");
    }

    @Test
    void truncatedHeader() throws IOException {
        assertContains(readFails(file("short-magic", new byte[] {0, 0})).problem(), "truncated IDX header",
                "has 2 bytes", "needs 4");
        byte[] cut = Arrays.copyOf(Idx.encode(tinyImages()), 9);
        assertContains(readFails(file("short-dims", cut)).problem(), "truncated IDX header",
                "3 dimensions need 16 header bytes", "the file has 9");
    }

    @Test
    void truncatedDataNamesBothByteCounts() throws IOException {
        byte[] full = Idx.encode(tinyImages()); // 16 + 24 = 40 bytes
        Path p = file("cut-idx3-ubyte", Arrays.copyOf(full, 30));
        assertContains(readFails(p).problem(), "truncated", "dims [3, 2, 4]", "40 bytes in all",
                "16 header + 24 data", "the file has 30 bytes");
    }

    @Test
    void headerClaimsMoreDataThanThereIs() throws IOException {
        byte[] bytes = Idx.encode(tinyImages());
        bytes[7] = 4; // 4 images of 2 x 4 claimed, 3 present
        assertContains(readFails(file("claims-more", bytes)).problem(), "truncated", "dims [4, 2, 4]",
                "48 bytes in all", "the file has 40 bytes");
        byte[] huge = Idx.encode(tinyLabels());
        huge[4] = (byte) 0x7f; // dims [0x7f000003]: fails on the missing data, not on a 2 GB allocation
        assertContains(readFails(file("claims-huge", huge)).problem(), "truncated", "the file has 11 bytes");
        byte[] tooBig = Idx.encode(tinyImages());
        tooBig[4] = (byte) 0xff; // 0xff000003 * 2 * 4 bytes
        assertContains(readFails(file("claims-too-much", tooBig)).problem(), "more than 2147483639 bytes");
    }

    @Test
    void extraBytesAfterTheData() throws IOException {
        byte[] longer = Arrays.copyOf(Idx.encode(tinyImages()), 44);
        assertContains(readFails(file("longer", longer)).problem(), "longer than its header describes",
                "40 bytes in all", "the file has 44 bytes (4 extra)");
    }

    @Test
    void truncatedAndCorruptGzip() throws IOException {
        byte[] plainCut = Arrays.copyOf(Idx.encode(tinyImages()), 30);
        assertContains(readFails(file("valid-gzip-short-data.gz", gzip(plainCut))).problem(), "truncated",
                "40 bytes in all", "the gzip data (decompressed) has 30 bytes");

        byte[] big = new byte[5000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * i >>> 3);
        }
        byte[] gz = gzip(Idx.encode(new IdxArray(new int[] {5, 1000}, big)));
        assertContains(readFails(file("cut.gz", Arrays.copyOf(gz, gz.length / 2))).problem(),
                "truncated gzip data", "of the 5012 that the IDX header describes");

        byte[] flipped = gz.clone();
        for (int i = 20; i < flipped.length - 8; i += 7) {
            flipped[i] ^= 0x5A;
        }
        String problem = readFails(file("flipped.gz", flipped)).problem();
        assertTrue(problem.contains("corrupt gzip data") || problem.contains("truncated gzip data"), problem);

        byte[] badCrc = gz.clone();
        badCrc[badCrc.length - 6] ^= 1; // the CRC-32 in the trailer
        assertContains(readFails(file("bad-crc.gz", badCrc)).problem(), "corrupt gzip data");

        assertContains(readFails(file("header-only.gz", Arrays.copyOf(gz, 5))).problem(), "gzip");
    }

    @Test
    void missingFileIsTheJdkError() {
        Path p = dir.resolve("absent-idx1-ubyte");
        var e = assertThrows(java.nio.file.NoSuchFileException.class, () -> Idx.read(p));
        assertTrue(e.getMessage().contains("absent-idx1-ubyte"));
    }

    // ---- image and label files together (Mnist) -----------------------------------------------------------

    @Test
    void imagesAndLabelsLoadTogether() throws IOException {
        Path images = dir.resolve("i");
        Path labels = dir.resolve("l");
        Idx.write(images, tinyImages(), true);
        Idx.write(labels, tinyLabels(), false);
        ImageDataset d = Mnist.load(images, labels);
        assertEquals(3, d.size());
        assertArrayEquals(new long[] {1, 2, 4}, d.itemShape());
        assertEquals(9, d.label(2));
        assertEquals(74, d.pixel(0, 0, 0, 2));
        assertEquals(23 * 37 & 0xFF, d.pixel(2, 0, 1, 3), "last pixel: index 2 * 8 + 1 * 4 + 3");
    }

    @Test
    void countMismatchNamesBothFiles() throws IOException {
        Path images = dir.resolve("train-images-idx3-ubyte");
        Path labels = dir.resolve("t10k-labels-idx1-ubyte");
        Idx.write(images, tinyImages(), false);
        Idx.write(labels, new IdxArray(new int[] {2}, new byte[] {1, 2}), false);
        var e = assertThrows(DataFileException.class, () -> Mnist.load(images, labels));
        assertContains(e.getMessage(), images.toString(), labels.toString(), "has 3 images", "has 2 labels");
    }

    @Test
    void swappedOrMalformedPartners() throws IOException {
        Path images = dir.resolve("images");
        Path labels = dir.resolve("labels");
        Idx.write(images, tinyImages(), false);
        Idx.write(labels, tinyLabels(), false);
        var swapped = assertThrows(DataFileException.class, () -> Mnist.load(labels, images));
        assertContains(swapped.getMessage(), labels.toString(), "dims [N, rows, cols]", "got dims [3]");

        Path badLabels = dir.resolve("bad-labels");
        Idx.write(badLabels, new IdxArray(new int[] {3}, new byte[] {1, 10, 2}), false);
        var notDigit = assertThrows(DataFileException.class, () -> Mnist.load(images, badLabels));
        assertContains(notDigit.getMessage(), badLabels.toString(), "label 10 at index 1");
    }

    @Test
    void standardFileNamesInAFolder() throws IOException {
        Idx.write(dir.resolve("train-images-idx3-ubyte.gz"), tinyImages(), true);
        Idx.write(dir.resolve("train-labels.idx1-ubyte"), tinyLabels(), false);
        assertEquals(3, Mnist.loadFolder(dir, false).size());
        var e = assertThrows(java.nio.file.NoSuchFileException.class, () -> Mnist.loadFolder(dir, true));
        assertContains(e.getMessage(), dir.toString(), "t10k-images-idx3-ubyte.gz");
    }
}
