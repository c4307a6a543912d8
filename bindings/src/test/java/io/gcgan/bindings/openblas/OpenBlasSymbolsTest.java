package io.gcgan.bindings.openblas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * symbols.txt, the OpenBlas class and the library agree: every listed function is bound, exported by the loaded
 * libopenblas, and declared in the bundled cblas.h with the same signature (size and int/float/pointer class of
 * the return and of each parameter); every bound function is listed.
 */
class OpenBlasSymbolsTest {

    private static final String SYMBOLS = "symbols.txt";
    private static final String HEADER = OpenBlasLoader.RESOURCE_DIR + "include/cblas.h";
    private static final String CONFIG_HEADER = OpenBlasLoader.RESOURCE_DIR + "include/openblas_config.h";

    static List<String> listedSymbols() throws IOException {
        try (InputStream in = OpenBlas.class.getResourceAsStream(SYMBOLS)) {
            assertNotNull(in, "io/gcgan/bindings/openblas/" + SYMBOLS + " missing from the class path");
            List<String> names = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] words = line.split("\\s+");
                assertTrue(words.length == 2 && words[0].equals("--include-function"), "bad line: " + line);
                names.add(words[1]);
            }
            return names;
        }
    }

    @Test
    void everyListedSymbolIsBoundAndExported() throws IOException {
        List<String> listed = listedSymbols();
        assertFalse(listed.isEmpty());
        for (String name : listed) {
            assertTrue(Arrays.stream(OpenBlas.class.getMethods())
                            .anyMatch(m -> m.getName().equals(name) && Modifier.isStatic(m.getModifiers())),
                    name + " is listed in " + SYMBOLS + " but OpenBlas has no static method of that name");
            assertTrue(OpenBlasLoader.lookup().find(name).isPresent(),
                    name + " is not exported by " + OpenBlasLoader.loaded().source());
        }
    }

    @Test
    void everyBoundFunctionIsListed() throws IOException {
        Set<String> listed = new TreeSet<>(listedSymbols());
        for (Method m : OpenBlas.class.getMethods()) {
            String name = m.getName();
            if (m.getDeclaringClass() == OpenBlas.class && Modifier.isStatic(m.getModifiers()) && !name.contains("$")
                    && (name.startsWith("cblas_") || name.startsWith("openblas_"))) {
                assertTrue(listed.contains(name), name + " is bound in OpenBlas but not listed in " + SYMBOLS);
            }
        }
    }

    @Test
    void descriptorsMatchTheCPrototypes() throws Exception {
        String config = resourceText(CONFIG_HEADER);
        assertFalse(config.contains("#define OPENBLAS_USE64BITINT"),
                "this OpenBLAS uses 64-bit blasint; the bindings assume 32-bit");
        String header = resourceText(HEADER).replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\n]*", " ");
        for (String name : listedSymbols()) {
            Prototype prototype = prototype(header, name);
            FunctionDescriptor descriptor =
                    (FunctionDescriptor) OpenBlas.class.getMethod(name + "$descriptor").invoke(null);
            String want = prototype.returnClass() + " " + name + prototype.parameterClasses();
            String got = descriptor.returnLayout().map(OpenBlasSymbolsTest::classOf).orElse("void") + " " + name
                    + descriptor.argumentLayouts().stream().map(OpenBlasSymbolsTest::classOf).toList();
            assertEquals(want, got, "signature of " + name + " (cblas.h: " + prototype.text() + ")");
        }
    }

    record Prototype(String text, String returnClass, List<String> parameterClasses) {
    }

    /** Finds "RET NAME(PARAMS);" in the header and classifies each C type. */
    static Prototype prototype(String header, String name) {
        Matcher m = Pattern.compile("(?m)^([^;#{}()]*?)\\b" + Pattern.quote(name) + "\\s*\\(([^;]*)\\)\\s*;")
                .matcher(header);
        assertTrue(m.find(), name + " is not declared in " + HEADER);
        String text = m.group().replaceAll("\\s+", " ").strip();
        List<String> params = new ArrayList<>();
        String list = m.group(2).replaceAll("\\s+", " ").strip();
        if (!list.equals("void") && !list.isEmpty()) {
            for (String param : list.split(",")) {
                params.add(classOfC(param, true));
            }
        }
        return new Prototype(text, classOfC(m.group(1), false), params);
    }

    /** "i32", "i64", "f32", "f64", "ptr" or "void" for a C declaration (with a parameter name when named). */
    static String classOfC(String declaration, boolean named) {
        String d = declaration.replace("OPENBLAS_CONST", " ").replace("const", " ").replaceAll("\\s+", " ").strip();
        if (d.contains("*")) {
            return "ptr";
        }
        List<String> words = new ArrayList<>(List.of(d.split(" ")));
        if (named && words.size() > 1) {
            words.removeLast();
        }
        String type = String.join(" ", words);
        return switch (type) {
            case "void" -> "void";
            case "int", "blasint", "unsigned int" -> "i32";
            case "float" -> "f32";
            case "double" -> "f64";
            case "size_t", "long", "BLASLONG" -> "i64";
            default -> {
                if (type.startsWith("enum ") || type.equals("CBLAS_ORDER") || type.equals("CBLAS_TRANSPOSE")) {
                    yield "i32"; // C enums with small values are ints
                }
                throw new AssertionError("unclassified C type '" + type + "' in '" + declaration + "'");
            }
        };
    }

    static String classOf(MemoryLayout layout) {
        if (layout instanceof AddressLayout) {
            return "ptr";
        }
        if (layout instanceof ValueLayout.OfFloat) {
            return "f32";
        }
        if (layout instanceof ValueLayout.OfDouble) {
            return "f64";
        }
        if (layout instanceof ValueLayout.OfInt || layout instanceof ValueLayout.OfLong) {
            return "i" + layout.byteSize() * 8;
        }
        return layout.toString();
    }

    private static String resourceText(String path) throws IOException {
        try (InputStream in = OpenBlasSymbolsTest.class.getClassLoader().getResourceAsStream(path)) {
            assertNotNull(in, path + " missing from the class path");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
