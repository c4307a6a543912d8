package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Check}, which every command's option values pass through: what it accepts (names in any case, range ends,
 * numbers with spaces) and the message of what it refuses, which names the option and the value and says what is
 * allowed; and how numbers print in those messages and in the resume comparison.
 */
class CheckTest {

    @TempDir
    Path tmp;

    private static String refused(Runnable check) {
        return assertThrows(UsageException.class, check::run).getMessage();
    }

    @Test
    void namesAreMatchedIgnoringCaseAndSpaces() {
        assertEquals("adam", Check.oneOf("--optimizer", " Adam ", List.of("sgd", "adam")));
        assertEquals("--optimizer: unknown value 'lion'; valid values: sgd, adam",
                refused(() -> Check.oneOf("--optimizer", "lion", List.of("sgd", "adam"))));
        assertEquals("--optimizer: unknown value 'null'; valid values: sgd, adam",
                refused(() -> Check.oneOf("--optimizer", null, List.of("sgd", "adam"))));
    }

    @Test
    void rangesIncludeOrExcludeTheirEndsAsAsked() {
        assertEquals(0.0, Check.range("--x", 0.0, 0, true, 1, false));
        assertEquals(1.0, Check.range("--x", 1.0, 0, false, 1, true));
        assertEquals("--x = 0 is out of range (0, 1]", refused(() -> Check.range("--x", 0.0, 0, false, 1, true)));
        assertEquals("--x = 1 is out of range [0, 1)", refused(() -> Check.range("--x", 1.0, 0, true, 1, false)));
        assertEquals("--x = NaN is out of range [0, 1]", refused(() -> Check.range("--x", Double.NaN, 0, true, 1,
                true)));
        assertEquals(5L, Check.range("--n", 5L, 5, 7));
        assertEquals(7L, Check.range("--n", 7L, 5, 7));
        assertEquals("--n = 4 is out of range [5, 7]", refused(() -> Check.range("--n", 4L, 5, 7)));
        assertEquals("--n = 8 is out of range [5, 7]", refused(() -> Check.range("--n", 8L, 5, 7)));
        assertEquals(7, Check.range("--i", 7, 5, 7));
        assertEquals("--i = 2147483647 is out of range [5, 7]", refused(() -> Check.range("--i", Integer.MAX_VALUE,
                5, 7)));
    }

    @Test
    void numberListsHaveExactlyTheirCount() {
        assertArrayEquals(new double[] {0.5, -1}, Check.numbers("--betas", " 0.5 , -1", 2));
        assertEquals("--betas: expected 2 comma-separated numbers, got '0.5,0.9,'",
                refused(() -> Check.numbers("--betas", "0.5,0.9,", 2)));
        assertEquals("--betas: '' in '0.5,' is not a number", refused(() -> Check.numbers("--betas", "0.5,", 2)));
        assertEquals("--betas: 'x' in '0.5,x' is not a number", refused(() -> Check.numbers("--betas", "0.5,x", 2)));
    }

    @Test
    void anEmptyPathIsRefusedAndNoPathIsLeftAlone() {
        assertNull(Check.nonEmptyPath("--out", null));
        assertEquals(Path.of("runs"), Check.nonEmptyPath("--out", Path.of("runs")));
        assertEquals("--out: an empty path; give a folder name", refused(() -> Check.nonEmptyPath("--out",
                Path.of(""))));
        assertEquals("--out: an empty path; give a folder name", refused(() -> Check.nonEmptyPath("--out",
                Path.of(" "))));
    }

    @Test
    void imagesAreWrittenOnlyToPngNamesThatHoldNothingElse() throws Exception {
        Check.pngOut("--out", tmp.resolve("a.png"));
        Check.pngOut("--out", tmp.resolve("B.PNG"));
        assertEquals("--out 'a.jpg': the image is written as PNG; give a file name ending in .png",
                refused(() -> Check.pngOut("--out", Path.of("a.jpg"))));
        assertEquals("--out '.png': the image is written as PNG; give a file name ending in .png",
                refused(() -> Check.pngOut("--out", Path.of(".png"))));
        Path root = tmp.getRoot();
        assertEquals("--out '" + root + "': the image is written as PNG; give a file name ending in .png",
                refused(() -> Check.pngOut("--out", root)));
        Path folder = Files.createDirectories(tmp.resolve("charts.png"));
        assertEquals("--out " + folder + " is a folder; give a .png file name",
                refused(() -> Check.pngOut("--out", folder)));
        Path text = Files.writeString(tmp.resolve("notes.png"), "not an image");
        assertEquals("--out " + text + " exists and is not a PNG image; it is not replaced (remove it, or choose"
                + " another name)", refused(() -> Check.pngOut("--out", text)));
        Path png = tmp.resolve("old.png");
        Files.write(png, new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0});
        Check.pngOut("--out", png); // a PNG may be replaced
    }

    @Test
    void numbersPrintAsTheShortestPlainDecimal() {
        assertEquals("3", Check.fmt(3.0));
        assertEquals("-2", Check.fmt(-2.0));
        assertEquals("0.0002", Check.fmt(2e-4));
        assertEquals("0.000001", Check.fmt(1e-6));
        assertEquals("1.0e-7", Check.fmt(1e-7));
        assertEquals("-1.0e-7", Check.fmt(-1e-7));
        assertEquals("100000000000000", Check.fmt(1e14));
        assertEquals("1.0e15", Check.fmt(1e15));
        assertEquals("-1.0e15", Check.fmt(-1e15));
        assertEquals("1.5e15", Check.fmt(1.5e15));
        assertEquals("0.30000000000000004", Check.fmt(0.1 + 0.2));
        assertEquals("inf", Check.fmt(Double.POSITIVE_INFINITY));
        assertEquals("-inf", Check.fmt(Double.NEGATIVE_INFINITY));
        assertEquals("NaN", Check.fmt(Double.NaN));
    }
}
