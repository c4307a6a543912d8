package io.gcgan.bindings.cudart;

import io.gcgan.bindings.NativeCallException;

/**
 * A CUDA runtime call returned an error: the {@code cudaError_t}, its name (cudaGetErrorName), CUDA's own
 * description (cudaGetErrorString) and the call that failed, e.g.
 * {@code "cudaGetDeviceCount failed with cudaErrorInsufficientDriver (35): CUDA driver version is insufficient for
 * CUDA runtime version"}.
 */
public final class CudaException extends NativeCallException {

    /** The library name carried by every CudaException. */
    public static final String LIBRARY = "CUDA runtime";

    public CudaException(int status, String statusName, String call, String nativeMessage) {
        super(LIBRARY, status, statusName, call, nativeMessage);
    }

    /**
     * The one place where a {@code cudaError_t} becomes an exception: returns for cudaSuccess, throws otherwise.
     *
     * <p>On failure it also calls cudaGetLastError once, which resets the thread's pending error: the runtime keeps
     * a failed call's error as "last error", and an unrelated later check of the last error (libgcgan_kernels checks
     * it after every kernel launch) would report it again. Sticky errors, after which the context is unusable, stay.
     *
     * @param status what the CUDA call returned
     * @param call   the call, as it should appear in the message, e.g. {@code "cudaSetDevice(1)"}
     * @throws CudaException when status is not cudaSuccess
     */
    public static void check(int status, String call) {
        if (status != CudaRuntime.cudaSuccess) {
            CudaException e = of(status, call);
            try {
                CudaRuntime.cudaGetLastError();
            } catch (RuntimeException | LinkageError ignored) {
                // the message above already says what failed
            }
            throw e;
        }
    }

    /** The exception for a failed call, with CUDA's name and description of status (does not throw it). */
    public static CudaException of(int status, String call) {
        String name = describe(() -> CudaRuntime.cudaGetErrorName(status), "cudaGetErrorName");
        String text = describe(() -> CudaRuntime.cudaGetErrorString(status), "cudaGetErrorString");
        return new CudaException(status, name, call, text);
    }

    /** The call returned cudaErrorInsufficientDriver or cudaErrorStubLibrary: no usable driver on this machine. */
    public boolean isNoDriver() {
        return status() == CudaRuntime.cudaErrorInsufficientDriver || status() == CudaRuntime.cudaErrorStubLibrary;
    }

    /** The call returned cudaErrorNoDevice: a driver, but no device it can use. */
    public boolean isNoDevice() {
        return status() == CudaRuntime.cudaErrorNoDevice;
    }
}
