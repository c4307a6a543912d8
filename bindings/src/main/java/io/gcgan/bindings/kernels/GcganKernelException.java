package io.gcgan.bindings.kernels;

import io.gcgan.bindings.NativeCallException;

/**
 * A libgcgan_kernels entry point returned a failure: the {@code gcgan_status}, its name (gcgan_status_string), the
 * library's message for the calling thread (gcgan_last_error_message, which carries CUDA's name and text for CUDA
 * failures) and the call that failed, e.g. {@code "gcgan_random_uniform_f32 failed with
 * GCGAN_ERR_INVALID_ARGUMENT: invalid argument (1): gcgan_random_uniform_f32: n = -1 must be >= 0"}.
 */
public final class GcganKernelException extends NativeCallException {

    /** The library name carried by every GcganKernelException. */
    public static final String LIBRARY = "libgcgan_kernels";

    public GcganKernelException(int status, String statusName, String call, String nativeMessage) {
        super(LIBRARY, status, statusName, call, nativeMessage);
    }

    /**
     * The one place where a {@code gcgan_status} becomes an exception: returns for GCGAN_OK, throws otherwise. Call
     * it on the thread that made the call, right after it: the last error message is per thread.
     *
     * @param status what the gcgan call returned
     * @param call   the call, as it should appear in the message, e.g. {@code "gcgan_random_normal_f32(n=4096)"}
     * @throws GcganKernelException when status is not GCGAN_OK
     */
    public static void check(int status, String call) {
        if (status != GcganKernels.GCGAN_OK) {
            throw of(status, call);
        }
    }

    /** The exception for a failed call, with the library's name for status and its last message (not thrown). */
    public static GcganKernelException of(int status, String call) {
        String name = describe(() -> GcganKernels.gcgan_status_string(status), "gcgan_status_string");
        String message = describe(GcganKernels::gcgan_last_error_message, "gcgan_last_error_message");
        return new GcganKernelException(status, name, call, message);
    }
}
