package io.gcgan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.random.Generator;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The safetensors format checked byte for byte against a file built by hand, module round trips, and every
 * kind of bad file: each gives its message, starting with the file, and leaves the module as it was.
 */
class SafeTensorsTest {

    @TempDir
    Path dir;

    // ---- the format, independently -----------------------------------------------------------------------

    /**
     * {"b": F32 [2] = [1, -2], "a": F64 [] = 0.5, "n": I64 [] = 3} with metadata format=pt, step=7. The
     * Python library orders the tensors I64, F64, F32 (largest alignment first), then by name, puts
     * __metadata__ first (gcgan sorts its keys), and pads the 203-byte JSON with 5 spaces to 208.
     */
    private static byte[] handBuiltGolden() {
        String json = "{\"__metadata__\":{\"format\":\"pt\",\"step\":\"7\"},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[8,16]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}";
        assertEquals(203, json.length());
        var out = new ByteArrayOutputStream();
        out.writeBytes(HexFormat.of().parseHex("d000000000000000")); // 208, little-endian u64
        out.writeBytes((json + "     ").getBytes(StandardCharsets.UTF_8));
        out.writeBytes(HexFormat.of().parseHex(
                "0300000000000000"     // n = 3L
                + "000000000000e03f"   // a = 0.5 (0x3FE0000000000000)
                + "0000803f"           // b[0] = 1.0f (0x3F800000)
                + "000000c0"));        // b[1] = -2.0f (0xC0000000)
        return out.toByteArray();
    }

    static Map<String, Tensor> goldenTensors() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("b", Tensor.of(new float[] {1, -2}, 2));
        t.put("a", Tensor.scalar(0.5, DType.FLOAT64, Device.CPU));
        t.put("n", Tensor.scalar(3, DType.FLOAT64, Device.CPU));
        return t;
    }

    /** Given in reverse order: the writer sorts the keys. */
    static Map<String, String> goldenMetadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("step", "7");
        m.put("format", "pt");
        return m;
    }

    @Test
    void writesExactlyTheHandBuiltBytes() throws IOException {
        Path f = dir.resolve("golden.safetensors");
        SafeTensors.save(f, goldenTensors(), Set.of("n"), goldenMetadata());
        assertArrayEquals(handBuiltGolden(), Files.readAllBytes(f));
    }

    @Test
    void readsTheHandBuiltBytes() throws IOException {
        Path f = dir.resolve("golden.safetensors");
        Files.write(f, handBuiltGolden());
        var c = SafeTensors.load(f);
        assertEquals(List.of("n", "a", "b"), List.copyOf(c.tensors().keySet()), "header order");
        assertEquals(Map.of("n", SafeTensors.ElementType.I64, "a", SafeTensors.ElementType.F64,
                "b", SafeTensors.ElementType.F32), c.types());
        assertEquals(goldenMetadata(), c.metadata());
        assertEquals(List.of("format", "step"), List.copyOf(c.metadata().keySet()), "file order");
        assertEquals(DType.FLOAT32, c.tensors().get("b").dtype());
        assertArrayEquals(new double[] {1, -2}, c.tensors().get("b").toDoubleArray());
        assertEquals(0.5, c.tensors().get("a").item());
        assertEquals(DType.FLOAT64, c.tensors().get("n").dtype());
        assertEquals(3.0, c.tensors().get("n").item());
        assertArrayEquals(new long[0], c.tensors().get("n").shape());
    }

    @Test
    void noMetadataMeansNoMetadataKey() throws IOException {
        Path f = dir.resolve("plain.safetensors");
        SafeTensors.save(f, Map.of("w", Tensor.of(new float[] {1}, 1)), null);
        byte[] bytes = Files.readAllBytes(f);
        String header = new String(bytes, 8, (int) ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN)
                .getLong(), StandardCharsets.UTF_8);
        // 54 bytes of JSON padded with 2 spaces, as the Python library writes it
        assertEquals("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}  ", header);
        assertTrue(SafeTensors.load(f).metadata().isEmpty());
    }

    // ---- modules ---------------------------------------------------------------------------------------

    private static Sequential small(long seed, DType dtype, int hidden, boolean lastBias) {
        var o = ModuleOptions.of(new Generator(seed)).withDType(dtype);
        return new Sequential(new Linear(3, hidden, true, o), new BatchNorm1d(hidden, o), new ReLU(),
                new Linear(hidden, 2, lastBias, o));
    }

    private static Sequential small(long seed) {
        return small(seed, DType.FLOAT32, 4, false);
    }

    /** A module whose running statistics and counter are not at their initial values. */
    private static Sequential trained(long seed, int steps) {
        var m = small(seed);
        for (int i = 0; i < steps; i++) {
            m.forward(Tensor.randn(new Generator(seed * 100 + i), 5, 3));
        }
        return m;
    }

    private static Map<String, double[]> snapshot(Module m) {
        Map<String, double[]> s = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> s.put(k, v.toDoubleArray()));
        return s;
    }

    private static void assertSameState(Map<String, double[]> expected, Module m) {
        Map<String, double[]> got = snapshot(m);
        assertEquals(expected.keySet(), got.keySet());
        expected.forEach((k, v) -> assertArrayEquals(v, got.get(k), k));
    }

    @Test
    void moduleRoundTripRestoresEveryEntry() throws IOException {
        var a = trained(1, 3);
        Path f = dir.resolve("a.safetensors");
        a.saveWeights(f, Map.of("step", "3"));
        var b = small(2);
        b.loadWeights(f);
        assertSameState(snapshot(a), b);
        assertEquals(3, ((BatchNorm1d) b.get(1)).numBatchesTracked());
        var c = SafeTensors.load(f);
        assertEquals(SafeTensors.ElementType.I64, c.types().get("1.num_batches_tracked"));
        assertEquals(SafeTensors.ElementType.F32, c.types().get("0.weight"));
        assertEquals(Map.of("step", "3"), c.metadata());
        // the I64 entries come first, then the F32 ones by name
        assertEquals(List.of("1.num_batches_tracked", "0.bias", "0.weight", "1.bias", "1.running_mean",
                "1.running_var", "1.weight", "3.weight"), List.copyOf(c.tensors().keySet()));
    }

    /**
     * A module made inside a TensorScope that has closed is refused by name before the file is touched, and a load
     * into it changes nothing (before: "copyToHost: a 12 x float32 storage on cpu was used after its scope closed",
     * naming neither the entry nor the cause, and a load stopped halfway).
     */
    @Test
    void aModuleFreedWithItsScopeIsNamed() throws IOException {
        Path f = dir.resolve("good.safetensors");
        small(1).saveWeights(f);
        Sequential freed;
        try (TensorScope scope = TensorScope.open()) {
            freed = small(2);
        }
        Path out = dir.resolve("freed.safetensors");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> freed.saveWeights(out));
        assertEquals("saveWeights: '0.weight' (shape [4, 3]) was freed with the TensorScope it was made in; make a"
                + " model outside the scopes of its steps", e.getMessage());
        assertFalse(Files.exists(out), "no file written");
        e = assertThrows(IllegalStateException.class, () -> freed.loadWeights(f));
        assertTrue(e.getMessage().startsWith("loadWeights: '0.weight' (shape [4, 3]) was freed"), e.getMessage());
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        try (TensorScope scope = TensorScope.open()) {
            tensors.put("t", Tensor.ones(2));
        }
        e = assertThrows(IllegalStateException.class, () -> SafeTensors.save(out, tensors, Map.of()));
        assertTrue(e.getMessage().startsWith("save: 't' (shape [2]) was freed"), e.getMessage());
    }

    @Test
    void float64ModulesRoundTripAsF64() throws IOException {
        var a = small(1, DType.FLOAT64, 4, true);
        Path f = dir.resolve("f64.safetensors");
        a.saveWeights(f);
        var b = small(9, DType.FLOAT64, 4, true);
        b.loadWeights(f);
        assertSameState(snapshot(a), b);
        assertEquals(SafeTensors.ElementType.F64, SafeTensors.load(f).types().get("3.bias"));
    }

    /** Loads {@code bytes} into a trained module and expects a failure naming the file and {@code parts}. */
    private void assertRejected(byte[] bytes, String... parts) throws IOException {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, bytes);
        assertRejected(f, trained(5, 2), parts);
    }

    private static void assertRejected(Path f, Module target, String... parts) {
        Map<String, double[]> before = snapshot(target);
        var e = assertThrows(SafeTensorsException.class, () -> target.loadWeights(f));
        assertTrue(e.getMessage().startsWith(f + ": "), e.getMessage());
        assertEquals(f, e.file());
        for (String p : parts) {
            assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' lacks '" + p + "'");
        }
        assertSameState(before, target);
    }

    private byte[] validFile() throws IOException {
        Path f = dir.resolve("valid.safetensors");
        trained(1, 1).saveWeights(f);
        return Files.readAllBytes(f);
    }

    private static long headerLength(byte[] file) {
        return ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** A file with this header text (padded) and {@code dataLength} zero bytes of data. */
    private static byte[] crafted(String json, int dataLength) {
        byte[] h = json.getBytes(StandardCharsets.UTF_8);
        int padded = (h.length + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(8 + padded + dataLength).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(padded).put(h);
        for (int i = h.length; i < padded; i++) {
            b.put((byte) ' ');
        }
        return b.array();
    }

    private static String replaceInHeader(byte[] file, String from, String to) {
        String header = new String(file, 8, (int) headerLength(file), StandardCharsets.UTF_8);
        assertTrue(header.contains(from), header);
        return header.replace(from, to);
    }

    private static byte[] withHeader(byte[] file, String header) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        assertEquals(headerLength(file), h.length, "same-length edit");
        byte[] out = file.clone();
        System.arraycopy(h, 0, out, 8, h.length);
        return out;
    }

    @Test
    void truncatedFileIsRejected() throws IOException {
        byte[] valid = validFile();
        assertRejected(java.util.Arrays.copyOf(valid, valid.length - 4), "past the end of the", "truncated");
        assertRejected(java.util.Arrays.copyOf(valid, 40), "header length", "larger than the 32 bytes");
        assertRejected(java.util.Arrays.copyOf(valid, 5), "file is 5 bytes, too short");
        assertRejected(new byte[0], "file is 0 bytes");
    }

    @Test
    void badHeaderLengthIsRejected() throws IOException {
        byte[] huge = validFile();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putLong(0, huge.length);
        assertRejected(huge, "header length " + huge.length + " is larger than");
        byte[] negative = validFile();
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1L);
        assertRejected(negative, "header length 18446744073709551615");
        byte[] shortLength = validFile();
        ByteBuffer.wrap(shortLength).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 16);
        assertRejected(shortLength, "header is not well-formed JSON");
    }

    @Test
    void badJsonIsRejected() throws IOException {
        byte[] valid = validFile();
        String header = new String(valid, 8, (int) headerLength(valid), StandardCharsets.UTF_8);
        assertRejected(withHeader(valid, "#" + header.substring(1)), "header is not well-formed JSON");
        int close = header.lastIndexOf('}');
        assertRejected(withHeader(valid, header.substring(0, close) + "!" + header.substring(close + 1)),
                "not well-formed JSON");
        assertRejected(crafted("[1, 2]", 0), "header is not a JSON object");
        assertRejected(crafted("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8), "Duplicate field 'a'");
        assertRejected(crafted("{\"__metadata__\":{\"k\":1}}", 0), "__metadata__ value of 'k' must be a string");
        assertRejected(crafted("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"x\":0}}", 4),
                "tensor 'a' has an unknown field 'x'");
        assertRejected(crafted("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4),
                "tensor 'a' shape must be an array of non-negative integers");
        assertRejected(crafted("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", 4),
                "data_offsets must be an array of 2 non-negative integers");
    }

    @Test
    void unknownAndUnsupportedDtypesAreRejected() throws IOException {
        byte[] valid = validFile();
        assertRejected(withHeader(valid, replaceInHeader(valid, "F32", "X32")), "unknown dtype 'X32'");
        assertRejected(withHeader(valid, replaceInHeader(valid, "F32", "F16")), "dtype F16, which gcgan does not read");
    }

    @Test
    void wrongDtypeForTheModuleIsRejected() throws IOException {
        Path f = dir.resolve("f64.safetensors");
        small(1, DType.FLOAT64, 4, false).saveWeights(f);
        assertRejected(f, trained(5, 1), "does not fit the module", "'0.weight' is F64 in the file, the module holds F32");
    }

    @Test
    void wrongShapeIsRejected() throws IOException {
        Path f = dir.resolve("wide.safetensors");
        small(1, DType.FLOAT32, 5, false).saveWeights(f);
        assertRejected(f, trained(5, 1), "'0.weight' has shape [5, 3] in the file, the module's is [4, 3]",
                "'1.running_var' has shape [5]");
    }

    @Test
    void missingAndUnexpectedNamesAreListed() throws IOException {
        Path withBias = dir.resolve("bias.safetensors");
        small(1, DType.FLOAT32, 4, true).saveWeights(withBias);
        assertRejected(withBias, trained(5, 1), "tensor names do not match the module: unexpected [3.bias]");
        Path withoutBias = dir.resolve("nobias.safetensors");
        small(1).saveWeights(withoutBias);
        assertRejected(withoutBias, small(5, DType.FLOAT32, 4, true), "missing [3.bias]");
        Path other = dir.resolve("other.safetensors");
        new Sequential(new Linear(3, 4, true)).saveWeights(other);
        assertRejected(other, trained(5, 1), "missing [1.weight, 1.bias, 1.running_mean, 1.running_var,"
                + " 1.num_batches_tracked, 3.weight]");
    }

    @Test
    void overlappingGappedAndMiscountedOffsetsAreRejected() throws IOException {
        String a = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";
        assertRejected(crafted("{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12),
                "tensors 'a' [0, 8] and 'b' [4, 12] overlap");
        assertRejected(crafted("{" + a + ",\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", 20),
                "bytes [8, 12) of the data section belong to no tensor");
        assertRejected(crafted("{" + a + "}", 12), "bytes [8, 12) at the end of the data section belong to no tensor");
        assertRejected(crafted("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,12]}}", 12),
                "tensor 'a' of dtype F32 and shape [2] needs 8 bytes, but its data_offsets [0, 12] span 12");
        assertRejected(crafted("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,0]}}", 8),
                "end before they begin");
    }

    @Test
    void negativeCountIsRejected() throws IOException {
        var bn = new BatchNorm1d(2);
        Map<String, Tensor> state = new LinkedHashMap<>(bn.stateDict());
        state.put("num_batches_tracked", Tensor.scalar(-1, DType.FLOAT64, Device.CPU));
        Path f = dir.resolve("neg.safetensors");
        SafeTensors.save(f, state, Set.of("num_batches_tracked"), null);
        assertRejected(f, new BatchNorm1d(2), "'num_batches_tracked' is a count, but the file holds -1");
    }

    @Test
    void int64BeyondFloat64PrecisionIsRefusedNotRounded() throws IOException {
        Path f = dir.resolve("big.safetensors");
        byte[] bytes = crafted("{\"n\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[0,8]}}", 8);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(bytes.length - 8, (1L << 53) + 1);
        Files.write(f, bytes);
        var e = assertThrows(SafeTensorsException.class, () -> SafeTensors.load(f));
        assertTrue(e.getMessage().contains("float64 cannot represent exactly"), e.getMessage());
        // a module's counter is a long: it takes the same value exactly
        var bn = new BatchNorm1d(2);
        Path g = dir.resolve("count.safetensors");
        bn.saveWeights(g);
        byte[] file = Files.readAllBytes(g);
        // num_batches_tracked is the only I64 entry, so it comes first in the data section
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putLong(8 + (int) headerLength(file), (1L << 53) + 1);
        Files.write(g, file);
        bn.loadWeights(g);
        assertEquals((1L << 53) + 1, bn.numBatchesTracked());
    }

    // ---- writing -------------------------------------------------------------------------------------

    private List<String> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void atomicWriteLeavesNoTemporaryFile() throws IOException {
        Path f = dir.resolve("model.safetensors");
        var a = trained(1, 1);
        a.saveWeights(f);
        assertEquals(List.of("model.safetensors"), listing());
        var b = trained(2, 2);
        b.saveWeights(f); // replaces
        assertEquals(List.of("model.safetensors"), listing());
        var c = small(3);
        c.loadWeights(f);
        assertSameState(snapshot(b), c);
    }

    @Test
    void failedWriteRemovesItsTemporaryFile() throws IOException {
        Path target = Files.createDirectory(dir.resolve("taken"));
        Files.writeString(target.resolve("x"), "occupied");
        assertThrows(IOException.class, () -> trained(1, 1).saveWeights(target));
        assertEquals(List.of("taken"), listing());
    }

    @Test
    void badArgumentsAreRejectedBeforeTheFileIsTouched() {
        Path f = dir.resolve("never.safetensors");
        var e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.save(f,
                Map.of("n", Tensor.scalar(1.5, DType.FLOAT64, Device.CPU)), Set.of("n"), null));
        assertTrue(e.getMessage().contains("'n' is to be written as I64 but element 0 is 1.5"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.save(f, Map.of("__metadata__", Tensor.zeros(1)), null));
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.save(f, Map.of("a", Tensor.zeros(1)), Set.of("b"), null));
        assertFalse(Files.exists(f));
    }

    @Test
    void emptyAndZeroSizeTensorsAreFine() throws IOException {
        Path f = dir.resolve("empty.safetensors");
        SafeTensors.save(f, Map.of(), null);
        assertEquals(16, Files.size(f)); // length + "{}" padded to 8
        assertTrue(SafeTensors.load(f).tensors().isEmpty());
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("z", Tensor.zeros(0, 3));
        t.put("w", Tensor.of(new float[] {2}, 1));
        SafeTensors.save(f, t, null);
        var c = SafeTensors.load(f);
        assertArrayEquals(new long[] {0, 3}, c.tensors().get("z").shape());
        assertEquals(2.0, c.tensors().get("w").item());
    }
}
