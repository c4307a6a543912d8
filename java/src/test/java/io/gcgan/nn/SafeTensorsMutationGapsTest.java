package io.gcgan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contracts of the safetensors reader and writer that mutation testing (PIT, profile {@code mutation} of this
 * module) found unchecked: each test names the mutants it kills. Files are built by hand, as in SafeTensorsTest.
 */
class SafeTensorsMutationGapsTest {

    @TempDir
    Path dir;

    /** The header length {@code n} (little-endian), then {@code header} unpadded, then {@code data}. */
    private static byte[] file(long n, String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(n).put(h).put(data).array();
    }

    private static byte[] file(String header, byte[] data) {
        return file(header.getBytes(StandardCharsets.UTF_8).length, header, data);
    }

    private static byte[] longs(long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return b.array();
    }

    private Path write(String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    private SafeTensorsException rejected(byte[] bytes) throws IOException {
        Path f = write("bad.safetensors", bytes);
        var e = assertThrows(SafeTensorsException.class, () -> SafeTensors.load(f));
        assertEquals(f, e.file());
        assertEquals(f + ": " + e.problem(), e.getMessage(), "the problem, after the file");
        return e;
    }

    /**
     * A header length of 0 is too short for JSON, whether or not bytes follow (an 8-byte file: {@code size < 8}
     * survived as {@code <= 8}, which calls it too short to hold the length; {@code n < 0} survived as
     * {@code n <= 0}, which calls 0 larger than what follows). A header of exactly 2 bytes, "{}", is the smallest
     * valid file ({@code n < 2} survived as {@code n <= 2}: the writer pads "{}" to 8, so no test had a 2).
     */
    @Test
    void headerLengthsAtTheLowerLimits() throws IOException {
        assertEquals("header length 0 is too short for a JSON object", rejected(new byte[8]).problem());
        assertEquals("header length 0 is too short for a JSON object", rejected(file(0, "{}", new byte[0])).problem());
        assertEquals("header length 1 is too short for a JSON object", rejected(file(1, "{", new byte[0])).problem());
        Path f = write("smallest.safetensors", file("{}", new byte[0]));
        assertEquals(10, Files.size(f));
        var c = SafeTensors.load(f);
        assertTrue(c.tensors().isEmpty() && c.metadata().isEmpty());
    }

    /** The JSON error says where in the header it is (negating {@code loc == null} survived: it drops that). */
    @Test
    void badJsonNamesTheByteOfTheHeader() throws IOException {
        String problem = rejected(file("{\"a\":1,}", new byte[0])).problem();
        assertTrue(problem.startsWith("header is not well-formed JSON: Unexpected character ('}'"), problem);
        assertTrue(problem.endsWith(" (at byte 7 of the header)"), problem);
    }

    /**
     * The span in the message of a miscounted entry is end - begin (replacing it with end + begin survived: the
     * existing case begins at 0).
     */
    @Test
    void miscountedOffsetsNameTheirSpan() throws IOException {
        String problem = rejected(file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,16]}}",
                new byte[16])).problem();
        assertEquals("tensor 'a' of dtype F32 and shape [2] needs 8 bytes, but its data_offsets [4, 16] span 12",
                problem);
    }

    /**
     * The header may list the tensors in any order; only their offsets must tile the data section (removing the
     * sort by offset survived: every file in the tests lists its tensors in data order, as the writer does).
     */
    @Test
    void headerOrderNeedNotBeDataOrder() throws IOException {
        byte[] data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2f)
                .putFloat(3f).array();
        Path f = write("shuffled.safetensors", file("{\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", data));
        var c = SafeTensors.load(f);
        assertEquals(List.of("b", "a"), List.copyOf(c.tensors().keySet()), "header order");
        assertArrayEquals(new double[] {1.5}, c.tensors().get("a").toDoubleArray());
        assertArrayEquals(new double[] {-2, 3}, c.tensors().get("b").toDoubleArray());
    }

    /**
     * I64 values up to 2^53 in magnitude are read exactly, both signs ({@code v > 2^53} and {@code v < -2^53}
     * survived as {@code >=} and {@code <=}: only 2^53 + 1 was tested); one more is refused, naming the element.
     */
    @Test
    void int64ReadsExactlyUpToTwoToThe53() throws IOException {
        String header = "{\"n\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]}}";
        Path f = write("edge.safetensors", file(header, longs(1L << 53, -(1L << 53), 7)));
        assertArrayEquals(new double[] {0x1p53, -0x1p53, 7}, SafeTensors.load(f).tensors().get("n").toDoubleArray());
        String problem = rejected(file(header, longs(0, -(1L << 53) - 1, 7))).problem();
        assertEquals("'n' holds the int64 value -9007199254740993 at element 1, which float64 cannot represent exactly",
                problem);
    }

    /**
     * The writer's I64 range is [-2^63, 2^63) ({@code v < -2^63} and {@code v >= 2^63} survived as {@code <=} and
     * {@code >}: 2^63 would have been written as Long.MAX_VALUE, and -2^63, an int64, refused).
     */
    @Test
    void int64WritesTheWholeInt64RangeAndNoMore() throws IOException {
        Path f = dir.resolve("range.safetensors");
        SafeTensors.save(f, Map.of("n", Tensor.of(new double[] {-0x1p63, 5}, 2)), Set.of("n"), null);
        byte[] bytes = Files.readAllBytes(f);
        ByteBuffer data = ByteBuffer.wrap(bytes, bytes.length - 16, 16).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(Long.MIN_VALUE, data.getLong());
        assertEquals(5, data.getLong());
        Path g = dir.resolve("never.safetensors");
        var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(g,
                Map.of("n", Tensor.of(new double[] {1, 0x1p63}, 2)), Set.of("n"), null));
        assertEquals("save: 'n' is to be written as I64 but element 1 is 9.223372036854776E18, not an int64 value",
                e.getMessage());
        assertFalse(Files.exists(g));
    }

    /** A null tensor is named before the file is touched (the message had no test). */
    @Test
    void nullTensorIsNamed() {
        Path f = dir.resolve("never.safetensors");
        Map<String, Tensor> tensors = new HashMap<>();
        tensors.put("w", null);
        var e = assertThrows(NullPointerException.class, () -> SafeTensors.save(f, tensors, null));
        assertEquals("save: tensor 'w' is null", e.getMessage());
        assertFalse(Files.exists(f));
    }

    /**
     * Closing a read file frees its data section (removing {@code arena.close()} survived: every load would have
     * kept a copy of the whole file off the heap until the JVM exits).
     */
    @Test
    void closingAReadFileFreesItsData() throws IOException {
        Path f = write("n.safetensors", file("{\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}",
                longs(42)));
        SafeTensors.Parsed p = SafeTensors.read(f);
        SafeTensors.Entry n = p.entries.get("n");
        assertEquals(42, p.int64Scalar(n));
        p.close();
        assertThrows(IllegalStateException.class, () -> p.int64Scalar(n));
    }
}
