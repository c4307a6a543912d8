package io.gcgan.bindings;

import io.gcgan.bindings.cublas.Cublas;
import io.gcgan.bindings.cudart.CudaRuntime;
import io.gcgan.bindings.cudnn.Cudnn;
import io.gcgan.bindings.kernels.GcganKernels;
import java.io.IOException;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The binding signature check (DESIGN.md, "Bindings"): writes a C++17 file that compiles only if every FFM
 * descriptor of a binding class matches the real C prototype.
 *
 * <p>For each function listed in the class's {@code symbols.txt} it reads {@code NAME$descriptor()} by reflection
 * (no native library is loaded) and emits {@code static_assert}s over {@code decltype(&NAME)}: the parameter count,
 * and for the return type and each parameter the size ({@code sizeof}) and the class: integer or enum
 * ({@code std::is_integral}, {@code std::is_enum}), floating point ({@code std::is_floating_point}) or pointer
 * ({@code std::is_pointer}). Java has no unsigned types, so signedness is not compared. Listed constants must have
 * the bound values; listed structs the bound size and member offsets, sizes and classes (a partial struct, one
 * with {@code NAME$bufferSize()}, only its named members and {@code sizeof(NAME) <= bufferSize}).
 *
 * <p>Compile the output with the library's include folder, e.g.
 * {@code g++ -std=c++17 -fsyntax-only -I kernels/include gcgan_kernels_signature_check.cpp}; a mismatch fails the
 * compile with a message that names the function, the parameter and what the binding says. CI compiles it for
 * gcgan_kernels.h (no CUDA headers needed); cudart, cuBLAS and cuDNN need their headers and are compiled where they
 * are installed ({@code SignatureCheckTest} finds them; {@code kernels/signature_check.cmake} does the same at
 * build time).
 *
 * <p>Command line: {@code java -cp bindings/target/classes io.gcgan.bindings.SignatureCheck LIBRARY OUTPUT.cpp},
 * where LIBRARY is one of gcgan_kernels, cudart, cublas, cudnn; {@code --list} prints each library with its header.
 */
public final class SignatureCheck {

    /** The libraries with a binding class, the header that declares their prototypes, and the class. */
    public enum Library {
        GCGAN_KERNELS("gcgan_kernels", "gcgan_kernels.h", GcganKernels.class),
        CUDART("cudart", "cuda_runtime_api.h", CudaRuntime.class),
        CUBLAS("cublas", "cublas_v2.h", Cublas.class),
        CUDNN("cudnn", "cudnn.h", Cudnn.class);

        private final String id;
        private final String header;
        private final Class<?> binding;

        Library(String id, String header, Class<?> binding) {
            this.id = id;
            this.header = header;
            this.binding = binding;
        }

        /** The name used on the command line and in file names, e.g. "cudart". */
        public String id() {
            return id;
        }

        /** The header to include, e.g. "cuda_runtime_api.h". */
        public String header() {
            return header;
        }

        /** The binding class. */
        public Class<?> binding() {
            return binding;
        }

        /** The library with this {@link #id()}, or empty. */
        public static Optional<Library> byId(String id) {
            return Arrays.stream(values()).filter(l -> l.id.equals(id)).findFirst();
        }
    }

    /** A bound function. */
    public record Function(String name, FunctionDescriptor descriptor) {
    }

    /** A bound constant. */
    public record Constant(String name, long value) {
    }

    /**
     * A bound struct.
     *
     * @param bufferSize -1 when {@code layout} is the whole struct; otherwise the layout holds only some members and
     *                   the binding allocates bufferSize bytes for the struct
     */
    public record Struct(String name, StructLayout layout, long bufferSize) {
    }

    /** Everything one binding class binds, and the headers that declare it. */
    public record Bindings(String source, List<String> headers, List<Function> functions, List<Constant> constants,
                           List<Struct> structs) {

        public Bindings {
            headers = List.copyOf(headers);
            functions = List.copyOf(functions);
            constants = List.copyOf(constants);
            structs = List.copyOf(structs);
        }

        /** A copy in which function {@code name} has {@code descriptor} instead (for testing the check itself). */
        public Bindings withDescriptor(String name, FunctionDescriptor descriptor) {
            if (functions.stream().noneMatch(f -> f.name().equals(name))) {
                throw new IllegalArgumentException(name + " is not among the functions of " + source);
            }
            List<Function> changed = functions.stream()
                    .map(f -> f.name().equals(name) ? new Function(name, descriptor) : f).toList();
            return new Bindings(source, headers, changed, constants, structs);
        }

        /** A copy in which constant {@code name} has {@code value} instead (for testing the check itself). */
        public Bindings withConstant(String name, long value) {
            List<Constant> changed = constants.stream()
                    .map(c -> c.name().equals(name) ? new Constant(name, value) : c).toList();
            return new Bindings(source, headers, functions, changed, structs);
        }
    }

    private SignatureCheck() {
    }

    // ---- reading a binding class ------------------------------------------------------------------------------

    /** Reads what {@code library}'s binding class binds, by reflection over its symbol list. */
    public static Bindings read(Library library) {
        return read(library.binding(), List.of(library.header()));
    }

    /**
     * Reads what {@code binding} binds, by reflection over its symbol list: {@code NAME$descriptor()} for functions,
     * the static field {@code NAME} for constants, {@code NAME$layout()} (and {@code NAME$bufferSize()}) for structs.
     *
     * @throws IllegalArgumentException naming the first listed symbol the class does not bind as expected
     */
    public static Bindings read(Class<?> binding, List<String> headers) {
        SymbolList symbols = SymbolList.of(binding);
        List<Function> functions = new ArrayList<>();
        for (String name : symbols.functions()) {
            Object descriptor = invokeStatic(binding, name + "$descriptor", symbols.source());
            if (!(descriptor instanceof FunctionDescriptor fd)) {
                throw new IllegalArgumentException(binding.getName() + "." + name + "$descriptor() does not return a"
                        + " FunctionDescriptor (listed in " + symbols.source() + ")");
            }
            functions.add(new Function(name, fd));
        }
        List<Constant> constants = new ArrayList<>();
        for (String name : symbols.constants()) {
            constants.add(new Constant(name, constantValue(binding, name, symbols.source())));
        }
        List<Struct> structs = new ArrayList<>();
        for (String name : symbols.structs()) {
            Object layout = invokeStatic(binding, name + "$layout", symbols.source());
            if (!(layout instanceof StructLayout sl)) {
                throw new IllegalArgumentException(binding.getName() + "." + name + "$layout() does not return a"
                        + " StructLayout (listed in " + symbols.source() + ")");
            }
            long bufferSize = -1;
            if (hasStaticMethod(binding, name + "$bufferSize")) {
                bufferSize = ((Number) invokeStatic(binding, name + "$bufferSize", symbols.source())).longValue();
            }
            structs.add(new Struct(name, sl, bufferSize));
        }
        return new Bindings(binding.getName(), headers, functions, constants, structs);
    }

    private static Object invokeStatic(Class<?> binding, String method, String source) {
        try {
            Method m = binding.getMethod(method);
            if (!Modifier.isStatic(m.getModifiers())) {
                throw new IllegalArgumentException(binding.getName() + "." + method + "() is not static");
            }
            return m.invoke(null);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(binding.getName() + " has no public method " + method
                    + "() for a symbol listed in " + source, e);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException(binding.getName() + "." + method + "() is not accessible", e);
        } catch (InvocationTargetException e) {
            throw new IllegalArgumentException(binding.getName() + "." + method + "() threw " + e.getCause(), e);
        }
    }

    private static boolean hasStaticMethod(Class<?> binding, String method) {
        try {
            return Modifier.isStatic(binding.getMethod(method).getModifiers());
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static long constantValue(Class<?> binding, String name, String source) {
        try {
            Field field = binding.getField(name);
            int mods = field.getModifiers();
            Class<?> type = field.getType();
            if (!Modifier.isStatic(mods) || !Modifier.isFinal(mods) || (type != int.class && type != long.class)) {
                throw new IllegalArgumentException(binding.getName() + "." + name
                        + " is not a static final int or long (listed in " + source + ")");
            }
            return ((Number) field.get(null)).longValue();
        } catch (NoSuchFieldException e) {
            throw new IllegalArgumentException(binding.getName() + " has no public field " + name
                    + " for a constant listed in " + source, e);
        } catch (IllegalAccessException e) {
            throw new IllegalArgumentException(binding.getName() + "." + name + " is not accessible", e);
        }
    }

    // ---- writing the C++ file ---------------------------------------------------------------------------------

    private static final String PRELUDE = """
            #include <cstddef>
            #include <type_traits>

            namespace gcgan_signature_check {

            enum class kind { none, integer, floating, pointer, other };

            // The class of a C type as the FFM descriptor sees it: void, integer (or enum), floating point, pointer.
            template <typename T>
            constexpr kind kind_of() {
                if constexpr (std::is_void_v<T>) {
                    return kind::none;
                } else if constexpr (std::is_pointer_v<T> || std::is_null_pointer_v<T>) {
                    return kind::pointer;
                } else if constexpr (std::is_floating_point_v<T>) {
                    return kind::floating;
                } else if constexpr (std::is_integral_v<T> || std::is_enum_v<T>) {
                    return kind::integer;
                } else {
                    return kind::other;
                }
            }

            template <typename T>
            constexpr std::size_t size_of() {
                if constexpr (std::is_void_v<T>) {
                    return 0;
                } else {
                    return sizeof(T);
                }
            }

            template <typename T, kind K, std::size_t S>
            constexpr bool is = kind_of<T>() == K && size_of<T>() == S;

            // Parameter I of a parameter pack; `missing` (kind other) past the end, so that a wrong parameter count
            // fails only the arity assertion instead of producing a template error.
            struct missing {};
            template <std::size_t I, typename... A>
            struct nth {
                using type = missing;
            };
            template <typename H, typename... T>
            struct nth<0, H, T...> {
                using type = H;
            };
            template <std::size_t I, typename H, typename... T>
            struct nth<I, H, T...> {
                using type = typename nth<I - 1, T...>::type;
            };

            // The return and parameter types of a function pointer type.
            template <typename F>
            struct fn;
            template <typename R, typename... A>
            struct fn<R (*)(A...)> {
                using ret = R;
                static constexpr std::size_t arity = sizeof...(A);
                template <std::size_t I>
                using arg = typename nth<I, A...>::type;
            };
            template <typename R, typename... A>
            struct fn<R (*)(A...) noexcept> : fn<R (*)(A...)> {};

            }  // namespace gcgan_signature_check

            #define GCGAN_SIG(f) ::gcgan_signature_check::fn<decltype(&f)>
            #define GCGAN_IS(T, K, S) ::gcgan_signature_check::is<T, ::gcgan_signature_check::kind::K, S>
            """;

    /** The C++ file that checks {@code bindings} against its headers. */
    public static String generate(Bindings bindings) {
        StringBuilder out = new StringBuilder();
        out.append("// Generated by io.gcgan.bindings.SignatureCheck from ").append(bindings.source())
                .append(" and its symbols.txt; do not edit.\n");
        out.append("// Compiles (C++17) only if every bound FFM descriptor matches the C prototype in ")
                .append(String.join(", ", bindings.headers())).append(":\n");
        out.append("// the parameter count, and the size and class (integer or enum / floating point / pointer)\n");
        out.append("// of the return type and of each parameter; listed constants and struct layouts too.\n");
        out.append(PRELUDE).append('\n');
        for (String header : bindings.headers()) {
            out.append("#include <").append(header).append(">\n");
        }
        for (Function f : bindings.functions()) {
            out.append('\n');
            appendFunction(out, f);
        }
        if (!bindings.constants().isEmpty()) {
            out.append("\n// ---- constants\n");
            for (Constant c : bindings.constants()) {
                out.append("static_assert(static_cast<long long>(").append(c.name()).append(") == ")
                        .append(c.value()).append("LL, \"").append(c.name()).append(": the binding says ")
                        .append(c.value()).append("\");\n");
            }
        }
        for (Struct s : bindings.structs()) {
            out.append('\n');
            appendStruct(out, s);
        }
        out.append("\n// checked: ").append(bindings.functions().size()).append(" functions, ")
                .append(bindings.constants().size()).append(" constants, ").append(bindings.structs().size())
                .append(" structs\n");
        return out.toString();
    }

    private static void appendFunction(StringBuilder out, Function f) {
        String name = f.name();
        FunctionDescriptor d = f.descriptor();
        List<MemoryLayout> args = d.argumentLayouts();
        out.append("// ").append(name).append(": ").append(d).append('\n');
        out.append("static_assert(GCGAN_SIG(").append(name).append(")::arity == ").append(args.size())
                .append(", \"").append(name).append(": the FFM descriptor has ").append(args.size())
                .append(args.size() == 1 ? " parameter" : " parameters").append(", the C prototype has not\");\n");
        Optional<MemoryLayout> ret = d.returnLayout();
        String retKind = ret.map(SignatureCheck::kindOf).orElse("none");
        long retSize = ret.map(MemoryLayout::byteSize).orElse(0L);
        out.append("static_assert(GCGAN_IS(GCGAN_SIG(").append(name).append(")::ret, ").append(retKind).append(", ")
                .append(retSize).append("), \"").append(name).append(": return type: the FFM descriptor says ")
                .append(ret.map(SignatureCheck::describe).orElse("void")).append(", the C type is not\");\n");
        for (int i = 0; i < args.size(); i++) {
            MemoryLayout a = args.get(i);
            out.append("static_assert(GCGAN_IS(GCGAN_SIG(").append(name).append(")::arg<").append(i).append(">, ")
                    .append(kindOf(a)).append(", ").append(a.byteSize()).append("), \"").append(name)
                    .append(": parameter ").append(i + 1).append(": the FFM descriptor says ").append(describe(a))
                    .append(", the C type is not\");\n");
        }
    }

    private static void appendStruct(StringBuilder out, Struct s) {
        String name = s.name();
        StructLayout layout = s.layout();
        out.append("// struct ").append(name).append(": ").append(layout).append('\n');
        if (s.bufferSize() < 0) {
            out.append("static_assert(sizeof(").append(name).append(") == ").append(layout.byteSize())
                    .append(", \"").append(name).append(": the bound layout has ").append(layout.byteSize())
                    .append(" bytes, sizeof differs\");\n");
        } else {
            out.append("static_assert(sizeof(").append(name).append(") <= ").append(s.bufferSize())
                    .append(", \"").append(name).append(": larger than the ").append(s.bufferSize())
                    .append(" bytes the binding allocates for it\");\n");
            out.append("static_assert(sizeof(").append(name).append(") >= ").append(layout.byteSize())
                    .append(", \"").append(name).append(": smaller than the bound members\");\n");
        }
        for (MemoryLayout member : layout.memberLayouts()) {
            if (member instanceof PaddingLayout || member.name().isEmpty()) {
                continue;
            }
            String m = member.name().get();
            long offset = layout.byteOffset(MemoryLayout.PathElement.groupElement(m));
            String type = "decltype(" + name + "::" + m + ")";
            out.append("static_assert(offsetof(").append(name).append(", ").append(m).append(") == ").append(offset)
                    .append(", \"").append(name).append('.').append(m).append(": bound at offset ").append(offset)
                    .append("\");\n");
            out.append("static_assert(sizeof(").append(type).append(") == ").append(member.byteSize())
                    .append(", \"").append(name).append('.').append(m).append(": bound with ")
                    .append(member.byteSize()).append(" bytes\");\n");
            if (member instanceof ValueLayout) {
                out.append("static_assert(GCGAN_IS(").append(type).append(", ").append(kindOf(member)).append(", ")
                        .append(member.byteSize()).append("), \"").append(name).append('.').append(m)
                        .append(": bound as ").append(describe(member)).append("\");\n");
            } else if (member instanceof SequenceLayout) {
                out.append("static_assert(std::is_array_v<").append(type).append(">, \"").append(name).append('.')
                        .append(m).append(": bound as an array\");\n");
            }
        }
    }

    /** The C++ kind name of a scalar layout. */
    static String kindOf(MemoryLayout layout) {
        if (layout instanceof AddressLayout) {
            return "pointer";
        }
        if (layout instanceof ValueLayout.OfFloat || layout instanceof ValueLayout.OfDouble) {
            return "floating";
        }
        if (layout instanceof ValueLayout) {
            return "integer"; // byte, short, char, int, long, boolean
        }
        if (layout instanceof GroupLayout) {
            throw new IllegalArgumentException("a struct or union passed by value (" + layout
                    + ") is not supported by the signature check");
        }
        throw new IllegalArgumentException("unsupported layout in a descriptor: " + layout);
    }

    /** "i32 (a 4-byte integer or enum)", "ptr (a pointer)", "f64 (an 8-byte floating point)". */
    static String describe(MemoryLayout layout) {
        long size = layout.byteSize();
        String article = size == 8 ? "an " : "a ";
        return switch (kindOf(layout)) {
            case "pointer" -> "ptr (a pointer)";
            case "floating" -> "f" + size * 8 + " (" + article + size + "-byte floating point)";
            default -> "i" + size * 8 + " (" + article + size + "-byte integer or enum)";
        };
    }

    // ---- command line -----------------------------------------------------------------------------------------

    /**
     * {@code SignatureCheck LIBRARY OUTPUT.cpp} writes the check for one library; {@code SignatureCheck --list}
     * prints "id header" lines.
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 1 && args[0].equals("--list")) {
            for (Library library : Library.values()) {
                System.out.println(library.id() + " " + library.header());
            }
            return;
        }
        if (args.length != 2) {
            System.err.println("usage: SignatureCheck LIBRARY OUTPUT.cpp   (LIBRARY: "
                    + String.join(", ", Arrays.stream(Library.values()).map(Library::id).toList()) + ")");
            System.err.println("       SignatureCheck --list");
            System.exit(2);
        }
        Optional<Library> library = Library.byId(args[0].toLowerCase(Locale.ROOT));
        if (library.isEmpty()) {
            System.err.println("SignatureCheck: unknown library '" + args[0] + "'");
            System.exit(2);
        }
        Path output = Path.of(args[1]);
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String text = generate(read(library.get()));
        // Rewrite only on change, so that a build tool does not recompile an unchanged check.
        if (!Files.exists(output) || !Files.readString(output, StandardCharsets.UTF_8).equals(text)) {
            Files.writeString(output, text, StandardCharsets.UTF_8);
        }
    }
}
