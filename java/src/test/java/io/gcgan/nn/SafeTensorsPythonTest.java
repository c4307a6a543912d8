package io.gcgan.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cross-check with the Python {@code safetensors} library, where a Python that can import it is present
 * ({@code python3}, or the interpreter named by the environment variable {@code GCGAN_PYTHON}); skipped with
 * the reason otherwise. Python writes the golden tensors (Java must write the same bytes) and reads a
 * module file that Java wrote (names, dtypes, shapes and raw bytes must agree).
 */
class SafeTensorsPythonTest {

    private static String python;
    private static String skipReason;

    @TempDir
    Path dir;

    @BeforeAll
    static void findPython() {
        String exe = System.getenv().getOrDefault("GCGAN_PYTHON", "python3");
        try {
            Result r = run(List.of(exe, "-c", "import safetensors; print(safetensors.__version__)"));
            if (r.code == 0) {
                python = exe;
            } else {
                skipReason = exe + " cannot import safetensors: " + r.err.strip().lines().reduce((a, b) -> b).orElse("");
            }
        } catch (IOException e) {
            skipReason = "no " + exe + " to run: " + e.getMessage();
        }
    }

    private record Result(int code, String out, String err) {
    }

    /** Runs {@code command} with its output in temporary files (a pipe could fill up and stall it). */
    private static Result run(List<String> command) throws IOException {
        Path out = Files.createTempFile("gcgan-py", ".out");
        Path err = Files.createTempFile("gcgan-py", ".err");
        try {
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + command);
            }
            return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static Result runPython(String script, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python, "-c", script));
        cmd.addAll(List.of(args));
        Result r = run(cmd);
        assertEquals(0, r.code, "python failed:\n" + r.err);
        return r;
    }

    private static final String WRITE_GOLDEN = """
            import sys, struct, ctypes
            import safetensors
            data = {"b": ("float32", [2], struct.pack("<ff", 1.0, -2.0)),
                    "a": ("float64", [], struct.pack("<d", 0.5)),
                    "n": ("int64", [], struct.pack("<q", 3))}
            meta = {"format": "pt"}  # one key: the library writes several in hash order, which varies
            keep = []
            if hasattr(safetensors, "TensorSpec"):
                specs = {}
                for k, (dt, shape, raw) in data.items():
                    buf = ctypes.create_string_buffer(raw, len(raw))
                    keep.append(buf)
                    specs[k] = safetensors.TensorSpec(dtype=dt, shape=shape, data_ptr=ctypes.addressof(buf),
                                                      data_len=len(raw))
            else:
                specs = {k: {"dtype": dt, "shape": shape, "data": raw} for k, (dt, shape, raw) in data.items()}
            with open(sys.argv[1], "wb") as f:
                f.write(bytes(safetensors.serialize(specs, meta)))
            """;

    private static final String READ = """
            import sys, json
            import safetensors
            with open(sys.argv[1], "rb") as f:
                raw = f.read()
            out = {name: {"dtype": t["dtype"], "shape": list(t["shape"]), "hex": bytes(t["data"]).hex()}
                   for name, t in safetensors.deserialize(raw)}
            print(json.dumps(out))
            """;

    @Test
    void pythonWritesTheSameBytesAsJava() throws IOException {
        assumeTrue(python != null, skipReason);
        Path py = dir.resolve("python.safetensors");
        runPython(WRITE_GOLDEN, py.toString());
        Path java = dir.resolve("java.safetensors");
        SafeTensors.save(java, SafeTensorsTest.goldenTensors(), Set.of("n"), Map.of("format", "pt"));
        assertArrayEquals(Files.readAllBytes(py), Files.readAllBytes(java));
        assertEquals(3.0, SafeTensors.load(py).tensors().get("n").item());
    }

    @Test
    void pythonReadsWhatJavaWrote() throws IOException {
        assumeTrue(python != null, skipReason);
        var model = ReferenceModels.mnist28D(ModuleOptions.of(new Generator(4)));
        var g = new Sequential(new Linear(3, 4, true, ModuleOptions.of(new Generator(5))), new BatchNorm1d(4));
        g.forward(Tensor.randn(new Generator(6), 5, 3));
        g.forward(Tensor.randn(new Generator(7), 5, 3));
        for (Module m : List.of(model, g)) {
            Path f = dir.resolve("m.safetensors");
            m.saveWeights(f);
            JsonNode seen = new ObjectMapper().readTree(runPython(READ, f.toString()).out());
            Map<String, String> expected = new LinkedHashMap<>();
            Map<String, String> got = new LinkedHashMap<>();
            for (var e : m.stateDict().entrySet()) {
                String name = e.getKey();
                Tensor t = e.getValue();
                boolean count = name.endsWith("num_batches_tracked");
                double[] v = t.toDoubleArray();
                ByteBuffer b = ByteBuffer.allocate(v.length * (count ? 8 : 4)).order(ByteOrder.LITTLE_ENDIAN);
                for (double x : v) {
                    if (count) {
                        b.putLong((long) x);
                    } else {
                        b.putFloat((float) x);
                    }
                }
                expected.put(name, (count ? "I64 " : "F32 ") + java.util.Arrays.toString(t.shape()) + " "
                        + HexFormat.of().formatHex(b.array()));
                JsonNode s = seen.get(name);
                got.put(name, s == null ? "absent" : s.get("dtype").asText() + " " + shape(s.get("shape")) + " "
                        + s.get("hex").asText());
            }
            assertEquals(expected, got);
            assertEquals(expected.size(), seen.size());
        }
    }

    private static String shape(JsonNode a) {
        List<Long> dims = new ArrayList<>();
        a.forEach(d -> dims.add(d.asLong()));
        return dims.toString();
    }
}
