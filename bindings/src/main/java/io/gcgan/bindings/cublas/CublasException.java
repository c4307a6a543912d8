package io.gcgan.bindings.cublas;

import io.gcgan.bindings.NativeCallException;

/**
 * A cuBLAS call returned an error: the {@code cublasStatus_t}, its name (cublasGetStatusName), cuBLAS's own
 * description (cublasGetStatusString) and the call that failed, e.g.
 * {@code "cublasCreate_v2 failed with CUBLAS_STATUS_NOT_INITIALIZED (1): the library was not initialized"}.
 */
public final class CublasException extends NativeCallException {

    /** The library name carried by every CublasException. */
    public static final String LIBRARY = "cuBLAS";

    public CublasException(int status, String statusName, String call, String nativeMessage) {
        super(LIBRARY, status, statusName, call, nativeMessage);
    }

    /**
     * The one place where a {@code cublasStatus_t} becomes an exception: returns for CUBLAS_STATUS_SUCCESS, throws
     * otherwise.
     *
     * @param status what the cuBLAS call returned
     * @param call   the call, as it should appear in the message, e.g. {@code "cublasSgemm_v2(m=64, n=64, k=27)"}
     * @throws CublasException when status is not CUBLAS_STATUS_SUCCESS
     */
    public static void check(int status, String call) {
        if (status != Cublas.CUBLAS_STATUS_SUCCESS) {
            throw of(status, call);
        }
    }

    /** The exception for a failed call, with cuBLAS's name and description of status (does not throw it). */
    public static CublasException of(int status, String call) {
        String name = describe(() -> Cublas.cublasGetStatusName(status), "cublasGetStatusName");
        String text = describe(() -> Cublas.cublasGetStatusString(status), "cublasGetStatusString");
        return new CublasException(status, name, call, text);
    }
}
