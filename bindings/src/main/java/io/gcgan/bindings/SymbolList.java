package io.gcgan.bindings;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A binding class's symbol list, {@code symbols.txt} in the class's package: what the class binds, in jextract's
 * option syntax, one entry a line.
 *
 * <pre>
 * # comment
 * --include-function cudaGetDeviceCount     a function: NAME(...) typed method, NAME$descriptor/$handle/$address
 * --include-constant cudaSuccess            a constant: public static final int or long field NAME
 * --include-struct cudnnConvolutionFwdAlgoPerf_t   a struct: NAME$layout() (and NAME$bufferSize() if partial)
 * </pre>
 *
 * The signature check ({@link SignatureCheck}) checks exactly what is listed; the symbol tests check that the list
 * and the class agree in both directions.
 *
 * @param source    where the list was read from, for messages
 * @param functions the listed functions, in file order
 * @param constants the listed constants, in file order
 * @param structs   the listed structs, in file order
 */
public record SymbolList(String source, List<String> functions, List<String> constants, List<String> structs) {

    /** The file name of every symbol list, in the package of its binding class. */
    public static final String FILE = "symbols.txt";

    public SymbolList {
        functions = List.copyOf(functions);
        constants = List.copyOf(constants);
        structs = List.copyOf(structs);
    }

    /**
     * Reads the symbol list of {@code binding} from the class path.
     *
     * @throws UncheckedIOException when it is missing or unreadable
     * @throws IllegalArgumentException when a line is malformed
     */
    public static SymbolList of(Class<?> binding) {
        String where = binding.getPackageName().replace('.', '/') + "/" + FILE;
        try (InputStream in = binding.getResourceAsStream(FILE)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException(where + " is not on the class path"));
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), where);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + where, e);
        }
    }

    /** Parses the text of a symbol list; {@code source} names it in error messages. */
    public static SymbolList parse(String text, String source) {
        List<String> functions = new ArrayList<>();
        List<String> constants = new ArrayList<>();
        List<String> structs = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] words = line.split("\\s+");
            String where = source + ":" + (i + 1);
            if (words.length != 2 || !words[1].matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException(where + ": expected '--include-<kind> NAME', got '" + line + "'");
            }
            if (!seen.add(words[1])) {
                throw new IllegalArgumentException(where + ": " + words[1] + " is listed twice");
            }
            switch (words[0]) {
                case "--include-function" -> functions.add(words[1]);
                case "--include-constant" -> constants.add(words[1]);
                case "--include-struct" -> structs.add(words[1]);
                default -> throw new IllegalArgumentException(where + ": unknown option " + words[0]
                        + " (expected --include-function, --include-constant or --include-struct)");
            }
        }
        return new SymbolList(source, functions, constants, structs);
    }
}
