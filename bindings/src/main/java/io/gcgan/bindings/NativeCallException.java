package io.gcgan.bindings;

/**
 * A native call returned a failure status. The message says which call failed and how, in the library's own words,
 * in the form {@code "<call> failed with <status name> (<status>): <library's message>"} (as cudnn-frontend's
 * {@code CHECK_CUDA_ERROR} does), e.g.
 * {@code "cudaGetDeviceCount failed with cudaErrorInsufficientDriver (35): CUDA driver version is insufficient for
 * CUDA runtime version"}.
 *
 * <p>Each native library has one subclass and one {@code check(int status, String call)} method that turns a
 * non-zero status into it: {@code CudaException}, {@code CublasException}, {@code CudnnException},
 * {@code GcganKernelException}. Catch this class to handle any of them.
 */
public abstract class NativeCallException extends RuntimeException {

    private final String library;
    private final int status;
    private final String statusName;
    private final String call;
    private final String nativeMessage;

    /**
     * @param library       the library, e.g. "CUDA runtime"
     * @param status        the status code the call returned
     * @param statusName    the library's name for it, e.g. "cudaErrorInsufficientDriver"
     * @param call          the call that failed, as the caller wrote it (may include arguments)
     * @param nativeMessage the library's description of the failure (may be empty)
     */
    protected NativeCallException(String library, int status, String statusName, String call, String nativeMessage) {
        super(format(status, statusName, call, nativeMessage));
        this.library = library;
        this.status = status;
        this.statusName = statusName;
        this.call = call;
        this.nativeMessage = nativeMessage == null ? "" : nativeMessage;
    }

    /** The library that reported the failure, e.g. "CUDA runtime". */
    public String library() {
        return library;
    }

    /** The status code the call returned. */
    public int status() {
        return status;
    }

    /** The library's name for the status, e.g. "cudaErrorInsufficientDriver". */
    public String statusName() {
        return statusName;
    }

    /** The call that failed, as given to {@code check}. */
    public String call() {
        return call;
    }

    /** The library's own description of the failure (cudaGetErrorString, gcgan_last_error_message, ...). */
    public String nativeMessage() {
        return nativeMessage;
    }

    private static String format(int status, String statusName, String call, String nativeMessage) {
        StringBuilder sb = new StringBuilder(call).append(" failed with ").append(statusName)
                .append(" (").append(status).append(')');
        if (nativeMessage != null && !nativeMessage.isBlank()) {
            sb.append(": ").append(nativeMessage);
        }
        return sb.toString();
    }

    /**
     * Runs a lookup of the library's error text; if that itself fails (the library could not be reached), returns
     * a note saying so instead, so that reporting a failure never fails.
     */
    protected static String describe(java.util.function.Supplier<String> lookup, String what) {
        try {
            String text = lookup.get();
            return text == null ? "(" + what + " returned NULL)" : text;
        } catch (RuntimeException | LinkageError e) {
            return "(" + what + " unavailable: " + e.getMessage() + ")";
        }
    }
}
