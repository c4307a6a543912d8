package io.gcgan.nn;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.GradMode;
import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads and writes the safetensors format, byte-compatible with the Python {@code safetensors} library:
 *
 * <pre>
 * [8 bytes]  N, the header length, unsigned little-endian
 * [N bytes]  UTF-8 JSON, padded with spaces to a multiple of 8:
 *            {"__metadata__":{"k":"v",...},
 *             "name":{"dtype":"F32","shape":[2,3],"data_offsets":[begin,end]}, ...}
 * [rest]     the tensors' raw little-endian row-major data; offsets are relative to the end of the header
 *            and the tensors tile the data section exactly, without gaps or overlaps
 * </pre>
 *
 * <p><b>Writing</b> lays the file out as the Python library does, so the same tensors and metadata give the
 * same bytes: {@code __metadata__} first (omitted when there is none), then the tensors in data order, which
 * is by dtype alignment, largest first (I64, F64, then F32; the library's dtype order), then by name (UTF-8
 * byte order); compact JSON. The one freedom: the library writes the metadata keys in the order of a Rust
 * HashMap, which changes from run to run, so no fixed order can match it byte for byte beyond one key; gcgan
 * sorts them (UTF-8 byte order), so the same content always gives the same file. The
 * write is atomic: a temporary file in the target's folder is written, forced to disk
 * ({@code FileChannel.force(true)}) and renamed over the target with {@code ATOMIC_MOVE}, so readers see the
 * old file or the new one, never a part; on failure the temporary file is removed.
 *
 * <p><b>Reading</b> reads the whole file and validates it before returning anything: header length against
 * the file size (and the library's 100 MB limit), well-formed JSON without duplicate keys, known dtypes,
 * non-negative integer shapes and offsets, {@code numel * dtype size == end - begin}, and offsets that lie in
 * the data section and cover it exactly once. Every problem is a {@link SafeTensorsException} whose message
 * starts with the file.
 *
 * <p><b>Dtypes.</b> gcgan tensors are float32 and float64 (F32, F64). PyTorch stores BatchNorm's
 * {@code num_batches_tracked} as int64, so I64 is written for the names the caller marks (a module marks its
 * counters) and read back into float64 tensors, exact up to 2^53 (a larger value is refused rather than
 * rounded). Other safetensors dtypes (F16, BF16, I32, ...) are reported as unsupported.
 */
public final class SafeTensors {

    /** The Python library's limit on the header length. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final long MAX_EXACT_LONG = 1L << 53;
    private static final ValueLayout.OfLong I64_LE =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** The dtypes the safetensors library knows; gcgan reads and writes F32, F64 and I64 of them. */
    private static final Set<String> KNOWN_DTYPES = Set.of("BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8",
            "F8_E5M2", "F8_E4M3", "F8_E8M0", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64",
            "C64");

    private static final JsonMapper JSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxStringLength((int) MAX_HEADER_BYTES).build())
                    .build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private SafeTensors() {
    }

    /**
     * The element types gcgan reads and writes, declared in the safetensors library's dtype order (the
     * writer puts larger ordinals first).
     */
    public enum ElementType {
        F32(4), F64(8), I64(8);

        private final int byteSize;

        ElementType(int byteSize) {
            this.byteSize = byteSize;
        }

        public int byteSize() {
            return byteSize;
        }

        /** F32 for float32, F64 for float64. */
        public static ElementType of(DType dtype) {
            return dtype == DType.FLOAT32 ? F32 : F64;
        }

        /** The little-endian file layout of one element. */
        ValueLayout fileLayout() {
            return switch (this) {
                case F32 -> ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                case F64 -> ValueLayout.JAVA_DOUBLE_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
                case I64 -> ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
            };
        }
    }

    /**
     * What {@link #load} read: the tensors (CPU, in the scope current at the call; F32 as float32, F64 and
     * I64 as float64) and their file element types, both in header order, and the metadata (empty if none).
     */
    public record Contents(Map<String, Tensor> tensors, Map<String, ElementType> types, Map<String, String> metadata) {
    }

    // ==== public API =======================================================================================

    /** Writes {@code tensors} (F32 or F64 by their dtype) and {@code metadata} (may be null) atomically. */
    public static void save(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        save(file, tensors, Set.of(), metadata);
    }

    /**
     * As {@link #save(Path, Map, Map)}, writing the tensors named in {@code int64Names} as I64; their values
     * must be integers.
     *
     * @throws IllegalArgumentException for a bad name, a name in int64Names that is not a tensor, or a
     *     non-integral value for an I64 entry (checked before the file is touched)
     */
    public static void save(Path file, Map<String, Tensor> tensors, Set<String> int64Names,
                            Map<String, String> metadata) throws IOException {
        for (String n : int64Names) {
            if (!tensors.containsKey(n)) {
                throw new IllegalArgumentException("save: int64 name '" + n + "' is not among the tensors "
                        + tensors.keySet());
            }
        }
        List<Item> items = new ArrayList<>();
        for (var e : tensors.entrySet()) {
            Tensor t = Objects.requireNonNull(e.getValue(), () -> "save: tensor '" + e.getKey() + "' is null");
            requireAlive("save", e.getKey(), t);
            items.add(int64Names.contains(e.getKey()) ? int64Item(e.getKey(), t) : tensorItem(e.getKey(), t));
        }
        write(file, items, metadata);
    }

    /**
     * Reads and validates a whole file; the tensors are created on the CPU in the current {@link TensorScope}.
     *
     * @throws SafeTensorsException naming the file and what is wrong with it
     */
    public static Contents load(Path file) throws IOException {
        try (Parsed p = read(file)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Map<String, ElementType> types = new LinkedHashMap<>();
            for (Entry e : p.entries.values()) {
                DType dtype = e.type() == ElementType.F32 ? DType.FLOAT32 : DType.FLOAT64;
                tensors.put(e.name(), p.tensor(e, dtype, Device.CPU));
                types.put(e.name(), e.type());
            }
            return new Contents(Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(types),
                    p.metadata);
        }
    }

    // ==== modules ==========================================================================================

    /** Writes a module's state entries; counters as I64 scalars. */
    static void saveModule(Path file, List<Module.StateEntry> entries, Map<String, String> metadata)
            throws IOException {
        List<Item> items = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (Module.StateEntry e : entries) {
            if (!seen.add(e.name())) {
                throw new IllegalArgumentException("saveWeights: the module has two entries named '" + e.name() + "'");
            }
            if (e.counter() != null) {
                long v = e.counter().get();
                items.add(new Item(e.name(), ElementType.I64, new long[0],
                        dst -> dst.set(I64_LE, 0, v)));
            } else {
                requireAlive("saveWeights", e.name(), e.tensor());
                items.add(tensorItem(e.name(), e.tensor()));
            }
        }
        write(file, items, metadata);
    }

    /**
     * {@code t}'s memory has not been freed with the {@link TensorScope} it was made in: a module made inside a step's
     * scope would otherwise fail deep in a copy, naming neither the entry nor the cause (and a load would stop halfway,
     * part of the module loaded).
     */
    private static void requireAlive(String op, String name, Tensor t) {
        if (!t.storage().segment().scope().isAlive()) {
            throw new IllegalStateException(op + ": '" + name + "' (shape " + Shapes.toString(t.shape()) + ") was freed"
                    + " with the TensorScope it was made in; make a model outside the scopes of its steps");
        }
    }

    /**
     * Reads {@code file} into a module's state entries, after checking the whole file and that it has exactly
     * the entries' names, element types (I64 for counters) and shapes; nothing is written before that.
     */
    static void loadModule(Path file, List<Module.StateEntry> entries) throws IOException {
        try (Parsed p = read(file)) {
            List<String> nameProblems = Module.nameProblems(entries, p.entries.keySet());
            if (!nameProblems.isEmpty()) {
                throw new SafeTensorsException(file, "tensor names do not match the module: "
                        + String.join("; ", nameProblems));
            }
            List<String> problems = new ArrayList<>();
            long[] counters = new long[entries.size()];
            for (int i = 0; i < entries.size(); i++) {
                Module.StateEntry m = entries.get(i);
                Entry f = p.entries.get(m.name());
                if (m.counter() == null) {
                    requireAlive("loadWeights", m.name(), m.tensor());
                }
                ElementType want = m.counter() != null ? ElementType.I64 : ElementType.of(m.tensor().dtype());
                if (f.type() != want) {
                    problems.add("'" + m.name() + "' is " + f.type() + " in the file, the module holds " + want);
                } else if (!Arrays.equals(f.shape(), m.shape())) {
                    problems.add("'" + m.name() + "' has shape " + Shapes.toString(f.shape())
                            + " in the file, the module's is " + Shapes.toString(m.shape()));
                } else if (m.counter() != null) {
                    counters[i] = p.int64Scalar(f);
                    if (counters[i] < 0) {
                        problems.add("'" + m.name() + "' is a count, but the file holds " + counters[i]);
                    }
                }
            }
            if (!problems.isEmpty()) {
                throw new SafeTensorsException(file, "does not fit the module: " + String.join("; ", problems));
            }
            try (TensorScope scope = TensorScope.open(); GradMode.Guard g = GradMode.noGrad()) {
                for (int i = 0; i < entries.size(); i++) {
                    Module.StateEntry m = entries.get(i);
                    if (m.counter() != null) {
                        m.counter().set(counters[i]);
                    } else {
                        m.tensor().assign(p.tensor(p.entries.get(m.name()), m.tensor().dtype(), m.tensor().device()));
                    }
                }
            }
        }
    }

    // ==== writing ==========================================================================================

    /** One tensor to write: name, element type, shape, and what fills its little-endian bytes. */
    private record Item(String name, ElementType type, long[] shape, Filler filler) {
        long byteSize() {
            return Math.multiplyExact(Shapes.numel(shape), (long) type.byteSize());
        }
    }

    /** Writes an item's little-endian bytes into {@code dst} (exactly its size). */
    private interface Filler {
        void fill(MemorySegment dst);
    }

    private static Item tensorItem(String name, Tensor t) {
        ElementType type = ElementType.of(t.dtype());
        return new Item(name, type, t.shape(), dst -> {
            if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                t.copyToHost(dst);
            } else {
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment host = arena.allocate(dst.byteSize(), 64);
                    t.copyToHost(host);
                    MemorySegment.copy(host, t.dtype().layout(), 0, dst, type.fileLayout(), 0, t.numel());
                }
            }
        });
    }

    private static Item int64Item(String name, Tensor t) {
        double[] values = t.toDoubleArray();
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            double v = values[i];
            if (v != Math.rint(v) || v < -0x1p63 || v >= 0x1p63) {
                throw new IllegalArgumentException("save: '" + name + "' is to be written as I64 but element " + i
                        + " is " + v + ", not an int64 value");
            }
            longs[i] = (long) v;
        }
        return new Item(name, ElementType.I64, t.shape(),
                dst -> MemorySegment.copy(longs, 0, dst, I64_LE, 0, longs.length));
    }

    /** Unsigned comparison of UTF-8 bytes: the order of Rust's String, which the Python library sorts by. */
    private static final Comparator<String> UTF8_ORDER = (a, b) -> Arrays.compareUnsigned(
            a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private static void write(Path file, List<Item> unordered, Map<String, String> metadata) throws IOException {
        Objects.requireNonNull(file, "file");
        List<Item> items = new ArrayList<>(unordered);
        for (Item it : items) {
            if (it.name() == null || it.name().equals(METADATA_KEY)) {
                throw new IllegalArgumentException("save: '" + it.name() + "' cannot name a tensor");
            }
        }
        items.sort(Comparator.comparing((Item it) -> it.type().ordinal()).reversed()
                .thenComparing(Item::name, UTF8_ORDER));
        byte[] header = header(items, metadata);

        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (!Files.isDirectory(dir)) {
            throw new java.nio.file.NoSuchFileException(target.toString(), null, "its folder " + dir
                    + " does not exist");
        }
        Path tmp = dir.resolve("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE) + ".tmp");
        boolean moved = false;
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
                writeFully(ch, len);
                writeFully(ch, ByteBuffer.wrap(header));
                for (Item it : items) {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment bytes = arena.allocate(it.byteSize(), 64);
                        it.filler().fill(bytes);
                        for (long pos = 0; pos < bytes.byteSize(); pos += 1 << 30) {
                            writeFully(ch, bytes.asSlice(pos, Math.min(1L << 30, bytes.byteSize() - pos))
                                    .asByteBuffer());
                        }
                    }
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            moved = true;
            syncDirectory(dir);
        } catch (java.nio.file.FileSystemException e) {
            throw e; // names its file
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + e.getMessage(), e); // "No space left on device"
        } finally {
            if (!moved) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    /** The header bytes: compact JSON in the Python library's key order, padded with spaces to a multiple of 8. */
    private static byte[] header(List<Item> items, Map<String, String> metadata) {
        ObjectNode root = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = root.putObject(METADATA_KEY);
            List<String> keys = new ArrayList<>();
            for (var e : metadata.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException("save: metadata keys and values must not be null: " + metadata);
                }
                keys.add(e.getKey());
            }
            keys.sort(UTF8_ORDER);
            for (String k : keys) {
                meta.put(k, metadata.get(k));
            }
        }
        long offset = 0;
        for (Item it : items) {
            ObjectNode node = root.putObject(it.name());
            node.put("dtype", it.type().name());
            ArrayNode shape = node.putArray("shape");
            for (long d : it.shape()) {
                shape.add(d);
            }
            long end = offset + it.byteSize();
            node.putArray("data_offsets").add(offset).add(end);
            offset = end;
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("safetensors header could not be written as JSON", e);
        }
        int padded = (json.length + 7) / 8 * 8;
        byte[] out = Arrays.copyOf(json, padded);
        Arrays.fill(out, json.length, padded, (byte) ' ');
        return out;
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Makes the rename durable where the platform allows opening a folder (Linux); best effort elsewhere. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // Not every platform can open or sync a folder; the file itself is already forced.
        }
    }

    // ==== reading ==========================================================================================

    /** One tensor's header entry; offsets are relative to the data section. */
    record Entry(String name, ElementType type, long[] shape, long begin, long end) {
    }

    /** A read and validated file: its header entries in header order, metadata and data section in memory. */
    static final class Parsed implements AutoCloseable {
        final Path file;
        final Map<String, Entry> entries;
        final Map<String, String> metadata;
        private final Arena arena;
        private final MemorySegment data;

        private Parsed(Path file, Map<String, Entry> entries, Map<String, String> metadata, Arena arena,
                       MemorySegment data) {
            this.file = file;
            this.entries = entries;
            this.metadata = metadata;
            this.arena = arena;
            this.data = data;
        }

        /** The value of an I64 entry of one element. */
        long int64Scalar(Entry e) {
            return data.get(I64_LE, e.begin());
        }

        /**
         * Entry {@code e} as a new tensor of {@code dtype} (F32 -> float32, F64 and I64 -> float64 only) on
         * {@code device}, in the current scope.
         */
        Tensor tensor(Entry e, DType dtype, Device device) throws SafeTensorsException {
            long n = Shapes.numel(e.shape());
            DType natural = e.type() == ElementType.F32 ? DType.FLOAT32 : DType.FLOAT64;
            if (dtype != natural) {
                throw new IllegalArgumentException("'" + e.name() + "' is " + e.type() + ", not readable as "
                        + dtype.displayName());
            }
            MemorySegment src = data.asSlice(e.begin(), e.end() - e.begin());
            if (e.type() != ElementType.I64 && ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                return Tensor.fromHost(src, dtype, device, e.shape());
            }
            try (Arena tmp = Arena.ofConfined()) {
                MemorySegment host = tmp.allocate(n * dtype.byteSize(), 64);
                if (e.type() == ElementType.I64) {
                    for (long i = 0; i < n; i++) {
                        long v = src.getAtIndex(I64_LE, i);
                        if (v > MAX_EXACT_LONG || v < -MAX_EXACT_LONG) {
                            throw new SafeTensorsException(file, "'" + e.name() + "' holds the int64 value " + v
                                    + " at element " + i + ", which float64 cannot represent exactly");
                        }
                        host.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
                    }
                } else {
                    MemorySegment.copy(src, e.type().fileLayout(), 0, host, dtype.layout(), 0, n);
                }
                return Tensor.fromHost(host, dtype, device, e.shape());
            }
        }

        @Override
        public void close() {
            arena.close();
        }
    }

    /** Reads the whole of {@code file} and validates its header and layout. */
    static Parsed read(Path file) throws IOException {
        if (Files.isDirectory(file)) { // else the read fails with "Is a directory", naming nothing
            throw new SafeTensorsException(file, "is a folder, not a safetensors file");
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new SafeTensorsException(file, "file is " + size
                        + " bytes, too short to hold the 8-byte header length (truncated or empty?)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(file, ch, lenBuf, 0);
            long n = lenBuf.getLong(0);
            if (n < 0 || n > size - 8) {
                throw new SafeTensorsException(file, "header length " + Long.toUnsignedString(n)
                        + " is larger than the " + (size - 8) + " bytes that follow it (truncated file, or not a"
                        + " safetensors file?)");
            }
            if (n > MAX_HEADER_BYTES) {
                throw new SafeTensorsException(file, "header length " + n + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            if (n < 2) {
                throw new SafeTensorsException(file, "header length " + n + " is too short for a JSON object");
            }
            byte[] header = new byte[(int) n];
            readFully(file, ch, ByteBuffer.wrap(header), 8);
            long dataLength = size - 8 - n;
            Header h = parseHeader(file, header, dataLength);
            Arena arena = Arena.ofConfined();
            try {
                MemorySegment data = arena.allocate(dataLength, 64);
                for (long pos = 0; pos < dataLength; pos += 1 << 30) {
                    ByteBuffer chunk = data.asSlice(pos, Math.min(1L << 30, dataLength - pos)).asByteBuffer();
                    readFully(file, ch, chunk, 8 + n + pos);
                }
                return new Parsed(file, h.entries(), h.metadata(), arena, data);
            } catch (IOException | RuntimeException e) {
                arena.close();
                throw e;
            }
        }
    }

    private static void readFully(Path file, FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new SafeTensorsException(file, "file ended at byte " + pos + " while reading (it shrank while"
                        + " being read?)");
            }
            pos += r;
        }
    }

    private record Header(Map<String, Entry> entries, Map<String, String> metadata) {
    }

    private static Header parseHeader(Path file, byte[] header, long dataLength) throws SafeTensorsException {
        JsonNode root;
        try {
            root = JSON.readTree(header);
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new SafeTensorsException(file, "header is not well-formed JSON: " + e.getOriginalMessage()
                    + (loc == null ? "" : " (at byte " + loc.getByteOffset() + " of the header)"), e);
        } catch (IOException e) {
            throw new SafeTensorsException(file, "header is not well-formed JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafeTensorsException(file, "header is not a JSON object");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        Map<String, String> metadata = Map.of();
        for (var field : root.properties()) {
            String name = field.getKey();
            JsonNode v = field.getValue();
            if (name.equals(METADATA_KEY)) {
                metadata = parseMetadata(file, v);
            } else {
                entries.put(name, parseEntry(file, name, v));
            }
        }
        checkLayout(file, entries, dataLength);
        return new Header(Collections.unmodifiableMap(entries), metadata);
    }

    private static Map<String, String> parseMetadata(Path file, JsonNode v) throws SafeTensorsException {
        if (!v.isObject()) {
            throw new SafeTensorsException(file, "__metadata__ must be an object of strings, got " + v.getNodeType());
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (var e : v.properties()) {
            if (!e.getValue().isTextual()) {
                throw new SafeTensorsException(file, "__metadata__ value of '" + e.getKey() + "' must be a string, got "
                        + e.getValue().getNodeType());
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return Collections.unmodifiableMap(out);
    }

    private static Entry parseEntry(Path file, String name, JsonNode v) throws SafeTensorsException {
        String what = "tensor '" + name + "'";
        if (!v.isObject()) {
            throw new SafeTensorsException(file, what + " must be an object, got " + v.getNodeType());
        }
        for (var f : v.properties()) {
            if (!Set.of("dtype", "shape", "data_offsets").contains(f.getKey())) {
                throw new SafeTensorsException(file, what + " has an unknown field '" + f.getKey() + "'");
            }
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new SafeTensorsException(file, what + " needs a string dtype, got " + dt);
        }
        String dtype = dt.textValue();
        ElementType type = switch (dtype) {
            case "F32" -> ElementType.F32;
            case "F64" -> ElementType.F64;
            case "I64" -> ElementType.I64;
            default -> throw new SafeTensorsException(file, what + " has "
                    + (KNOWN_DTYPES.contains(dtype) ? "dtype " + dtype + ", which gcgan does not read"
                            : "unknown dtype '" + dtype + "'") + " (gcgan reads F32, F64, I64)");
        };
        long[] shape = longs(file, what + " shape", v.get("shape"), -1);
        long[] offsets = longs(file, what + " data_offsets", v.get("data_offsets"), 2);
        long begin = offsets[0];
        long end = offsets[1];
        if (end < begin) {
            throw new SafeTensorsException(file, what + " has data_offsets [" + begin + ", " + end
                    + "] that end before they begin");
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(Shapes.numel(shape), (long) type.byteSize());
        } catch (ArithmeticException e) {
            throw new SafeTensorsException(file, what + " has shape " + Shapes.toString(shape) + ", too large");
        }
        if (end - begin != bytes) {
            throw new SafeTensorsException(file, what + " of dtype " + type + " and shape " + Shapes.toString(shape)
                    + " needs " + bytes + " bytes, but its data_offsets [" + begin + ", " + end + "] span "
                    + (end - begin));
        }
        return new Entry(name, type, shape, begin, end);
    }

    /** An array of non-negative integers ({@code length} of them, or any number when -1). */
    private static long[] longs(Path file, String what, JsonNode v, int length) throws SafeTensorsException {
        if (v == null || !v.isArray() || (length >= 0 && v.size() != length)) {
            throw new SafeTensorsException(file, what + " must be an array of "
                    + (length >= 0 ? length + " " : "") + "non-negative integers, got " + v);
        }
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = v.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToLong() || x.longValue() < 0) {
                throw new SafeTensorsException(file, what + " must be an array of non-negative integers, got " + v);
            }
            out[i] = x.longValue();
        }
        return out;
    }

    /** The tensors must tile [0, dataLength) of the data section: in bounds, no overlap, no gap. */
    private static void checkLayout(Path file, Map<String, Entry> entries, long dataLength)
            throws SafeTensorsException {
        List<Entry> byOffset = new ArrayList<>(entries.values());
        for (Entry e : byOffset) {
            if (e.end() > dataLength) {
                throw new SafeTensorsException(file, "tensor '" + e.name() + "' has data_offsets [" + e.begin() + ", "
                        + e.end() + "] past the end of the " + dataLength + "-byte data section (truncated file?)");
            }
        }
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long covered = 0;
        Entry previous = null;
        for (Entry e : byOffset) {
            if (e.begin() < covered) {
                throw new SafeTensorsException(file, "tensors '" + previous.name() + "' [" + previous.begin() + ", "
                        + previous.end() + "] and '" + e.name() + "' [" + e.begin() + ", " + e.end()
                        + "] overlap");
            }
            if (e.begin() > covered) {
                throw new SafeTensorsException(file, "bytes [" + covered + ", " + e.begin()
                        + ") of the data section belong to no tensor");
            }
            covered = e.end();
            previous = e;
        }
        if (covered != dataLength) {
            throw new SafeTensorsException(file, "bytes [" + covered + ", " + dataLength
                    + ") at the end of the data section belong to no tensor");
        }
    }
}
