package io.gcgan.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gcgan.bindings.SignatureCheck.Library;
import io.gcgan.bindings.cublas.CublasLoader;
import io.gcgan.bindings.cudart.CudaRuntimeLoader;
import io.gcgan.bindings.cudnn.CudnnLoader;
import io.gcgan.bindings.kernels.GcganKernelsLoader;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each binding class and its symbols.txt agree in both directions: every listed function has its typed method and
 * the $descriptor/$handle/$address accessors, every listed constant and struct is bound, and nothing is bound without
 * being listed. Where the library loads on this machine, it exports every listed function.
 */
class BindingSymbolsTest {

    private static Set<String> staticMethodsEndingWith(Class<?> binding, String suffix) {
        return Arrays.stream(binding.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && Modifier.isStatic(m.getModifiers()))
                .map(Method::getName)
                .filter(n -> n.endsWith(suffix))
                .map(n -> n.substring(0, n.length() - suffix.length()))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Method staticMethod(Class<?> binding, String name, Class<?> returnType) {
        Method found = Arrays.stream(binding.getDeclaredMethods())
                .filter(m -> m.getName().equals(name) && Modifier.isPublic(m.getModifiers())
                        && Modifier.isStatic(m.getModifiers()))
                .findFirst().orElse(null);
        assertNotNull(found, binding.getSimpleName() + " has no public static method " + name);
        if (returnType != null) {
            assertEquals(returnType, found.getReturnType(), binding.getSimpleName() + "." + name + " return type");
        }
        return found;
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void everyListedFunctionIsBound(Library library) {
        Class<?> binding = library.binding();
        SymbolList list = SymbolList.of(binding);
        assertFalse(list.functions().isEmpty(), list.source() + " lists no function");
        for (String name : list.functions()) {
            staticMethod(binding, name, null);
            staticMethod(binding, name + "$descriptor", FunctionDescriptor.class);
            staticMethod(binding, name + "$handle", MethodHandle.class);
            staticMethod(binding, name + "$address", MemorySegment.class);
        }
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void everyBoundSymbolIsListed(Library library) {
        Class<?> binding = library.binding();
        SymbolList list = SymbolList.of(binding);
        assertEquals(new TreeSet<>(list.functions()), staticMethodsEndingWith(binding, "$descriptor"),
                "functions bound in " + binding.getSimpleName() + " vs listed in " + list.source());
        assertEquals(new TreeSet<>(list.structs()), staticMethodsEndingWith(binding, "$layout"),
                "structs bound in " + binding.getSimpleName() + " vs listed in " + list.source());
        Set<String> constants = new TreeSet<>();
        for (Field f : binding.getDeclaredFields()) {
            int mods = f.getModifiers();
            if (Modifier.isPublic(mods) && Modifier.isStatic(mods) && Modifier.isFinal(mods)
                    && (f.getType() == int.class || f.getType() == long.class)) {
                constants.add(f.getName());
            }
        }
        assertEquals(new TreeSet<>(list.constants()), constants,
                "constants bound in " + binding.getSimpleName() + " vs listed in " + list.source());
    }

    @ParameterizedTest
    @EnumSource(Library.class)
    void theLoadedLibraryExportsEveryListedFunction(Library library) throws Exception {
        NativeLibrary lib = switch (library) {
            case CUDART -> CudaRuntimeLoader.library();
            case CUBLAS -> CublasLoader.library();
            case CUDNN -> CudnnLoader.library();
            case GCGAN_KERNELS -> GcganKernelsLoader.library();
        };
        var failure = lib.loadFailure();
        assumeTrue(failure.isEmpty(), () -> lib.name() + " does not load here: " + failure.get().getMessage());
        for (String name : SymbolList.of(library.binding()).functions()) {
            Object address = library.binding().getMethod(name + "$address").invoke(null);
            assertTrue(address instanceof MemorySegment a && !a.equals(MemorySegment.NULL),
                    name + " is not exported by " + lib.loaded().source());
        }
    }
}
