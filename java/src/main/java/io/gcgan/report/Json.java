package io.gcgan.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON files of a run folder (config.json, trainer.json) and the command line's JSON output: ordered maps
 * in, pretty-printed text out. Non-finite doubles are written as null (JSON has no NaN).
 */
public final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .build();

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };

    private Json() {
    }

    /** Pretty JSON for {@code value} (maps, lists, strings, numbers, booleans, null), with a final newline. */
    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(sanitize(value)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One JSON object from text, keys in file order. */
    public static Map<String, Object> parseObject(String text, String source) throws IOException {
        try {
            Map<String, Object> m = MAPPER.readValue(text, MAP);
            if (m == null) {
                throw new IOException(source + ": expected a JSON object, found null");
            }
            return m;
        } catch (JsonProcessingException e) {
            throw new IOException(source + ": not a valid JSON object: " + e.getOriginalMessage(), e);
        }
    }

    /** One JSON object from a file. */
    public static Map<String, Object> read(Path file) throws IOException {
        return parseObject(TextFiles.read(file), file.toString());
    }

    private static Object sanitize(Object v) {
        if (v instanceof Double d && !Double.isFinite(d)) {
            return null;
        }
        if (v instanceof Float f && !Float.isFinite(f)) {
            return null;
        }
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put(k, sanitize(x)));
            return out;
        }
        if (v instanceof Iterable<?> it) {
            java.util.List<Object> out = new java.util.ArrayList<>();
            it.forEach(x -> out.add(sanitize(x)));
            return out;
        }
        if (v instanceof double[] a) {
            java.util.List<Object> out = new java.util.ArrayList<>();
            for (double x : a) {
                out.add(sanitize(x));
            }
            return out;
        }
        return v;
    }

    /** A number field of a parsed object; fails naming the field and the source when absent or not a number. */
    public static long longField(Map<String, Object> m, String key, String source) throws IOException {
        Object v = m.get(key);
        if (v instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            if (!isExactLong(n)) {
                throw new IOException(source + ": field '" + key + "' is too large for a 64-bit integer, found " + v);
            }
            return n.longValue();
        }
        throw new IOException(source + ": field '" + key + "' must be an integer, found " + v);
    }

    /**
     * Whether {@code n} is a whole number that a long holds exactly: a parsed integer is a Long (the mapper refuses
     * larger ones), but a number written with a fraction or exponent (3.0, 1e300) is a Double, cast to a long
     * without a word (to 2^63 - 1 for 1e300).
     */
    static boolean isExactLong(Number n) {
        if (n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte) {
            return true;
        }
        double d = n.doubleValue();
        return d == Math.rint(d) && d >= -0x1p63 && d < 0x1p63;
    }

    /** A string field of a parsed object. */
    public static String stringField(Map<String, Object> m, String key, String source) throws IOException {
        Object v = m.get(key);
        if (v instanceof String s) {
            return s;
        }
        throw new IOException(source + ": field '" + key + "' must be a string, found " + v);
    }

    /** An object field of a parsed object. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> objectField(Map<String, Object> m, String key, String source)
            throws IOException {
        Object v = m.get(key);
        if (v instanceof Map<?, ?> o) {
            return (Map<String, Object>) o;
        }
        throw new IOException(source + ": field '" + key + "' must be an object, found " + v);
    }
}
