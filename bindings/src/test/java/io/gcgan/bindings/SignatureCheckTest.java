package io.gcgan.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gcgan.bindings.SignatureCheck.Bindings;
import io.gcgan.bindings.SignatureCheck.Library;
import io.gcgan.bindings.Toolchain.Compilation;
import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The binding signature check (DESIGN.md, "Bindings"): the generated C++ compiles against the real headers, and a
 * wrong descriptor makes it fail. gcgan_kernels.h needs only a C++ compiler, so that check runs everywhere (CI);
 * cuda_runtime_api.h, cublas_v2.h and cudnn.h are checked wherever their headers are found (see {@link Toolchain}),
 * and skipped with a reason elsewhere.
 */
class SignatureCheckTest {

    private static final Path OUT = Path.of("target", "signature-check");

    /** The C++ compiler; skips the calling test, with the reason, when there is none. */
    private static Path cxx() {
        Optional<Path> found = Toolchain.cxx();
        assumeTrue(found.isPresent(), "no C++ compiler ($CXX, g++, c++ or clang++ on the PATH): compile skipped");
        return found.get();
    }

    private static List<Path> kernelsInclude() {
        Optional<Path> root = Toolchain.repositoryRoot();
        assertTrue(root.isPresent(), "kernels/include/gcgan_kernels.h not found above " + Path.of("").toAbsolutePath());
        return List.of(root.get().resolve("kernels/include"));
    }

    private static Compilation generateAndCompile(String name, Bindings bindings, List<Path> includeDirs)
            throws IOException {
        Files.createDirectories(OUT);
        Path source = OUT.resolve(name + ".cpp");
        Files.writeString(source, SignatureCheck.generate(bindings), StandardCharsets.UTF_8);
        return Toolchain.compile(cxx(), source, includeDirs);
    }

    private static void assertCompiles(Library library, List<Path> includeDirs) throws IOException {
        Bindings bindings = SignatureCheck.read(library);
        Compilation c = generateAndCompile(library.id() + "_signature_check", bindings, includeDirs);
        assertTrue(c.succeeded(), "the bound descriptors of " + library.binding().getSimpleName()
                + " do not match " + library.header() + ":\n" + String.join(" ", c.command()) + "\n" + c.output());
    }

    // ---- the real checks ----------------------------------------------------------------------------------

    @Test
    void gcganKernelsBindingsMatchTheHeader() throws IOException {
        assertCompiles(Library.GCGAN_KERNELS, kernelsInclude());
    }

    @Test
    void cudaRuntimeBindingsMatchTheHeader() throws IOException {
        List<Path> dirs = Toolchain.cudaIncludeDirs();
        assumeTrue(Toolchain.hasHeader(cxx(), "cuda_runtime_api.h", dirs), "cuda_runtime_api.h not found (looked in "
                + dirs + " and the compiler's default folders; set -D" + Toolchain.CUDA_INCLUDE_PROPERTY + "=DIR)");
        assertCompiles(Library.CUDART, dirs);
    }

    @Test
    void cublasBindingsMatchTheHeader() throws IOException {
        List<Path> dirs = Toolchain.cudaIncludeDirs();
        assumeTrue(Toolchain.hasHeader(cxx(), "cublas_v2.h", dirs), "cublas_v2.h not found (looked in " + dirs
                + " and the compiler's default folders; set -D" + Toolchain.CUDA_INCLUDE_PROPERTY + "=DIR): the"
                + " cuBLAS prototypes are checked on a machine with cuBLAS installed");
        assertCompiles(Library.CUBLAS, dirs);
    }

    @Test
    void cudnnBindingsMatchTheHeader() throws IOException {
        List<Path> dirs = Toolchain.cudnnIncludeDirs();
        assumeTrue(Toolchain.hasHeader(cxx(), "cudnn.h", dirs), "cudnn.h not found (looked in " + dirs
                + " and the compiler's default folders; set -D" + Toolchain.CUDNN_INCLUDE_PROPERTY + "=DIR): the"
                + " cuDNN prototypes are checked on a machine with cuDNN installed");
        assertCompiles(Library.CUDNN, dirs);
    }

    // ---- the check can fail ---------------------------------------------------------------------------------

    private static Compilation compileKernelsWith(String name, Bindings changed) throws IOException {
        return generateAndCompile(name, changed, kernelsInclude());
    }

    @Test
    void aParameterOfTheWrongSizeFailsTheCompile() throws IOException {
        // int64_t n bound as a 4-byte int
        Bindings wrong = SignatureCheck.read(Library.GCGAN_KERNELS).withDescriptor("gcgan_random_uniform_f32",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        Compilation c = compileKernelsWith("wrong_size", wrong);
        assertFalse(c.succeeded(), "a 4-byte n compiled:\n" + c.output());
        assertTrue(c.output().contains("gcgan_random_uniform_f32: parameter 2: the FFM descriptor says i32"),
                c.output());
    }

    @Test
    void aParameterOfTheWrongClassFailsTheCompile() throws IOException {
        // uint64_t seed bound as a double: same size, wrong class
        Bindings wrong = SignatureCheck.read(Library.GCGAN_KERNELS).withDescriptor("gcgan_random_normal_f64",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_DOUBLE, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        Compilation c = compileKernelsWith("wrong_class", wrong);
        assertFalse(c.succeeded(), "a double seed compiled:\n" + c.output());
        assertTrue(c.output().contains("gcgan_random_normal_f64: parameter 3: the FFM descriptor says f64"),
                c.output());
    }

    @Test
    void aWrongReturnTypeFailsTheCompile() throws IOException {
        // int32_t gcgan_abi_version(void) bound as returning a pointer
        Bindings wrong = SignatureCheck.read(Library.GCGAN_KERNELS).withDescriptor("gcgan_abi_version",
                FunctionDescriptor.of(ValueLayout.ADDRESS));
        Compilation c = compileKernelsWith("wrong_return", wrong);
        assertFalse(c.succeeded(), "a pointer return compiled:\n" + c.output());
        assertTrue(c.output().contains("gcgan_abi_version: return type: the FFM descriptor says ptr"), c.output());
    }

    @Test
    void aMissingParameterFailsTheCompile() throws IOException {
        Bindings wrong = SignatureCheck.read(Library.GCGAN_KERNELS).withDescriptor("gcgan_random_uniform_f64",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG,
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        Compilation c = compileKernelsWith("wrong_arity", wrong);
        assertFalse(c.succeeded(), "a 4-parameter descriptor compiled:\n" + c.output());
        assertTrue(c.output().contains("gcgan_random_uniform_f64: the FFM descriptor has 4 parameters"), c.output());
    }

    @Test
    void aWrongConstantFailsTheCompile() throws IOException {
        Bindings wrong = SignatureCheck.read(Library.GCGAN_KERNELS).withConstant("GCGAN_ERR_CUDA", 7);
        Compilation c = compileKernelsWith("wrong_constant", wrong);
        assertFalse(c.succeeded(), "GCGAN_ERR_CUDA = 7 compiled:\n" + c.output());
        assertTrue(c.output().contains("GCGAN_ERR_CUDA: the binding says 7"), c.output());
    }

    // ---- the generator ----------------------------------------------------------------------------------------

    @Test
    void everyListedSymbolIsInTheGeneratedCheck() {
        for (Library library : Library.values()) {
            Bindings bindings = SignatureCheck.read(library);
            SymbolList list = SymbolList.of(library.binding());
            String text = SignatureCheck.generate(bindings);
            assertEquals(list.functions(), bindings.functions().stream().map(SignatureCheck.Function::name).toList());
            for (String f : list.functions()) {
                assertTrue(text.contains("GCGAN_SIG(" + f + ")::arity"), library + ": " + f + " is not checked");
            }
            for (String k : list.constants()) {
                assertTrue(text.contains("static_cast<long long>(" + k + ")"), library + ": " + k + " is not checked");
            }
            for (String s : list.structs()) {
                assertTrue(text.contains("sizeof(" + s + ")"), library + ": struct " + s + " is not checked");
            }
            assertTrue(text.contains("#include <" + library.header() + ">"), library + " does not include its header");
        }
    }

    @Test
    void aStructPassedByValueIsRejected() {
        Bindings bindings = SignatureCheck.read(Library.GCGAN_KERNELS).withDescriptor("gcgan_abi_version",
                FunctionDescriptor.of(java.lang.foreign.MemoryLayout.structLayout(ValueLayout.JAVA_INT)));
        assertThrows(IllegalArgumentException.class, () -> SignatureCheck.generate(bindings));
    }

    @Test
    void theCommandLineWritesTheFile() throws IOException {
        Path out = OUT.resolve("cli").resolve("gcgan_kernels.cpp");
        Files.deleteIfExists(out);
        SignatureCheck.main(new String[] {"gcgan_kernels", out.toString()});
        assertEquals(SignatureCheck.generate(SignatureCheck.read(Library.GCGAN_KERNELS)),
                Files.readString(out, StandardCharsets.UTF_8));
    }
}
