package io.gcgan.bindings.cudart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gcgan.bindings.NativeLibrary.Candidate;
import io.gcgan.bindings.NativeLibraryException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * libcudart through the binding, on any machine where it loads (a CUDA toolkit or runtime package is enough; no
 * driver or GPU needed): versions, error strings, and cudaGetDeviceCount's status turned into a CudaException with
 * CUDA's own words when there is no driver or device.
 */
class CudaRuntimeTest {

    private static void requireRuntime() {
        Optional<NativeLibraryException> failure = CudaRuntimeLoader.library().loadFailure();
        assumeTrue(failure.isEmpty(), () -> "libcudart does not load here: " + failure.get().getMessage());
    }

    @Test
    void theRuntimeReportsItsVersionWithoutADriver() {
        requireRuntime();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment version = arena.allocate(ValueLayout.JAVA_INT);
            CudaException.check(CudaRuntime.cudaRuntimeGetVersion(version), "cudaRuntimeGetVersion");
            int v = version.get(ValueLayout.JAVA_INT, 0);
            assertTrue(v >= CudaRuntimeLoader.MIN_RUNTIME_VERSION, "runtime version " + v);
            MemorySegment driver = arena.allocate(ValueLayout.JAVA_INT);
            CudaException.check(CudaRuntime.cudaDriverGetVersion(driver), "cudaDriverGetVersion");
            assertTrue(driver.get(ValueLayout.JAVA_INT, 0) >= 0);
        }
    }

    @Test
    void errorNamesAndStringsComeFromCuda() {
        requireRuntime();
        assertEquals("cudaSuccess", CudaRuntime.cudaGetErrorName(CudaRuntime.cudaSuccess));
        assertEquals("cudaErrorInsufficientDriver",
                CudaRuntime.cudaGetErrorName(CudaRuntime.cudaErrorInsufficientDriver));
        assertEquals("cudaErrorNoDevice", CudaRuntime.cudaGetErrorName(CudaRuntime.cudaErrorNoDevice));
        assertEquals("cudaErrorMemoryAllocation", CudaRuntime.cudaGetErrorName(CudaRuntime.cudaErrorMemoryAllocation));
        assertTrue(CudaRuntime.cudaGetErrorString(CudaRuntime.cudaErrorNoDevice).contains("no CUDA-capable device"),
                CudaRuntime.cudaGetErrorString(CudaRuntime.cudaErrorNoDevice));
    }

    @Test
    void checkTurnsAStatusIntoAnExceptionWithCudasWords() {
        requireRuntime();
        CudaException.check(CudaRuntime.cudaSuccess, "nothing"); // returns
        CudaException e = assertThrows(CudaException.class,
                () -> CudaException.check(CudaRuntime.cudaErrorInvalidValue, "cudaMemcpy(dst, src, 16, kind=9)"));
        assertEquals("cudaMemcpy(dst, src, 16, kind=9) failed with cudaErrorInvalidValue (1): "
                + CudaRuntime.cudaGetErrorString(CudaRuntime.cudaErrorInvalidValue), e.getMessage());
        assertEquals("CUDA runtime", e.library());
        assertEquals(CudaRuntime.cudaErrorInvalidValue, e.status());
        assertEquals("cudaErrorInvalidValue", e.statusName());
    }

    @Test
    void cudaGetDeviceCountSucceedsOrFailsWithCudasMessage() {
        requireRuntime();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment count = arena.allocate(ValueLayout.JAVA_INT);
            int status = CudaRuntime.cudaGetDeviceCount(count);
            if (status == CudaRuntime.cudaSuccess) {
                assertTrue(count.get(ValueLayout.JAVA_INT, 0) > 0, "cudaGetDeviceCount succeeded with 0 devices");
                return;
            }
            CudaException e = assertThrows(CudaException.class,
                    () -> CudaException.check(status, "cudaGetDeviceCount"));
            assertTrue(e.statusName().startsWith("cudaError"), e.getMessage());
            assertEquals(CudaRuntime.cudaGetErrorString(status), e.nativeMessage());
            assertTrue(e.getMessage().startsWith("cudaGetDeviceCount failed with " + e.statusName() + " (" + status
                    + "): "), e.getMessage());
            // No driver (this CI machine) or a driver without a device.
            assertTrue(e.isNoDriver() || e.isNoDevice() || status == CudaRuntime.cudaErrorSystemDriverMismatch,
                    "unexpected status from cudaGetDeviceCount: " + e.getMessage());
            // check() consumed the error: the next unrelated query of the last error is not polluted by it.
            int last = CudaRuntime.cudaGetLastError();
            assertTrue(last == CudaRuntime.cudaSuccess || last == status, "last error " + last);
        }
    }

    @Test
    void theDevicePropBufferHoldsTheStruct() {
        assertTrue(CudaRuntime.cudaDeviceProp$bufferSize() >= CudaRuntime.cudaDeviceProp$layout().byteSize());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment prop = arena.allocate(CudaRuntime.cudaDeviceProp$bufferSize());
            prop.setString(0, "NVIDIA H100 80GB HBM3");
            assertEquals("NVIDIA H100 80GB HBM3", CudaRuntime.cudaDeviceProp$name(prop));
            prop.asSlice(0, 256).fill((byte) 'x'); // no terminator within the 256 bytes: read exactly 256
            assertEquals(256, CudaRuntime.cudaDeviceProp$name(prop).length());
        }
    }

    @Test
    void theSearchTakesTheConfiguredLibraryOnlyElseTheSonames() {
        List<Candidate> c = CudaRuntimeLoader.candidates(Map.of(CudaRuntimeLoader.LIBRARY_ENV, "/x/libcudart.so.13"));
        if (System.getProperty(CudaRuntimeLoader.LIBRARY_PROPERTY) == null) {
            assertEquals(List.of("/x/libcudart.so.13"), c.stream().map(Candidate::nameOrPath).toList());
            List<Candidate> d = CudaRuntimeLoader.candidates(Map.of("CUDA_HOME", "/cuda"));
            assertEquals(List.of("libcudart.so.13", "/cuda/lib64/libcudart.so.13", "/cuda/lib/libcudart.so.13",
                            "libcudart.so.12", "/cuda/lib64/libcudart.so.12", "/cuda/lib/libcudart.so.12",
                            "libcudart.so", "/cuda/lib64/libcudart.so", "/cuda/lib/libcudart.so"),
                    d.stream().map(Candidate::nameOrPath).toList());
        }
    }
}
