package io.gcgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.testutil.FileFuzz;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * IDX files (plain and gzipped) and MNIST image/label pairs damaged in many seeded ways ({@link FileFuzz}): each is
 * read exactly as it is, or refused with a {@link DataFileException} naming the file. (Checked to fail when
 * {@code Idx} stops comparing the data with the header's size.)
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class IdxFuzzTest {

    @TempDir
    Path dir;

    /** 5 images of 4 x 3 with seeded bytes: a 76-byte file. */
    private static IdxArray images() {
        byte[] data = new byte[5 * 4 * 3];
        new Random(11).nextBytes(data);
        return new IdxArray(new int[] {5, 4, 3}, data);
    }

    private static IdxArray labels() {
        return new IdxArray(new int[] {5}, new byte[] {3, 1, 4, 1, 5});
    }

    /** The magic number and the three sizes of an [N, rows, cols] file, big-endian. */
    private static final List<FileFuzz.Field> IMAGE_FIELDS = List.of(
            new FileFuzz.Field("magic", 0, 4, ByteOrder.BIG_ENDIAN),
            new FileFuzz.Field("count", 4, 4, ByteOrder.BIG_ENDIAN),
            new FileFuzz.Field("rows", 8, 4, ByteOrder.BIG_ENDIAN),
            new FileFuzz.Field("cols", 12, 4, ByteOrder.BIG_ENDIAN));

    /** What an accepted file must have given: the array that encodes to its (decompressed) bytes. */
    private static void readAsItIs(FileFuzz.Case c, IdxArray result) throws IOException {
        byte[] content = c.content();
        if (content.length >= 2 && (content[0] & 0xFF) == 0x1f && (content[1] & 0xFF) == 0x8b) {
            try (var in = new GZIPInputStream(new ByteArrayInputStream(content))) {
                content = in.readAllBytes();
            }
        }
        assertArrayEquals(content, Idx.encode(result), c.description() + ": read as " + result);
    }

    @Test
    void damagedPlainFilesAreReadAsTheyAreOrRefusedByName() throws Exception {
        byte[] valid = Idx.encode(images());
        List<FileFuzz.Case> cases = FileFuzz.binaryCases(valid, 1, valid.length, 300, IMAGE_FIELDS);
        FileFuzz.check(dir.resolve("train-images-idx3-ubyte"), cases, Idx::read, DataFileException.class,
                IdxFuzzTest::readAsItIs);
    }

    @Test
    void damagedGzippedFilesAreReadAsTheyAreOrRefusedByName() throws Exception {
        Path file = dir.resolve("train-images-idx3-ubyte.gz");
        Idx.write(file, images(), true);
        byte[] valid = Files.readAllBytes(file);
        FileFuzz.check(file, FileFuzz.binaryCases(valid, 2, valid.length, 300, List.of()), Idx::read,
                DataFileException.class, IdxFuzzTest::readAsItIs);
    }

    @Test
    void damagedLabelsOrImagesOfAnMnistPairAreRefusedByName() throws Exception {
        Path images = dir.resolve("train-images-idx3-ubyte");
        Path labels = dir.resolve("train-labels-idx1-ubyte");
        Idx.write(images, images(), false);
        byte[] validLabels = Idx.encode(labels());
        List<FileFuzz.Case> labelCases = FileFuzz.binaryCases(validLabels, 3, validLabels.length, 200, List.of(
                new FileFuzz.Field("magic", 0, 4, ByteOrder.BIG_ENDIAN),
                new FileFuzz.Field("count", 4, 4, ByteOrder.BIG_ENDIAN)));
        FileFuzz.check(labels, labelCases, p -> Mnist.load(images, p), DataFileException.class,
                (c, d) -> assertEquals(5, d.size(), c.description()));

        Idx.write(labels, labels(), false);
        byte[] validImages = Idx.encode(images());
        List<FileFuzz.Case> imageCases = FileFuzz.binaryCases(validImages, 4, 40, 200, IMAGE_FIELDS);
        FileFuzz.check(images, imageCases, p -> Mnist.load(p, labels), DataFileException.class,
                (c, d) -> assertEquals(5, d.size(), c.description()));
    }

    @Test
    void aFolderWhereAnIdxFileIsExpectedIsRefusedByName() throws Exception {
        FileFuzz.checkFolderInPlace(dir.resolve("train-images-idx3-ubyte"), Idx::read, DataFileException.class);
    }

    /** The regression test of the folder case: IOException "Is a directory", which named nothing. */
    @Test
    void aFolderGivenAsImagesIsNamedAsAFolder() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("images"));
        DataFileException e = assertThrows(DataFileException.class, () -> Idx.read(folder));
        assertEquals(folder + ": is a folder, not an IDX file", e.getMessage());
        assertEquals(folder.toString(), e.file());
    }
}
