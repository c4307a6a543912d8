package io.gcgan.bindings.cudnn;

import io.gcgan.bindings.NativeCallException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A cuDNN call returned an error: the {@code cudnnStatus_t}, its name (cudnnGetErrorString), cuDNN's detailed
 * message for the calling thread (cudnnGetLastErrorString; cuDNN 9 records one for most failures) and the call that
 * failed, e.g. {@code "cudnnSetTensor4dDescriptor(x) failed with CUDNN_STATUS_BAD_PARAM (2000): <cuDNN's detail>"}.
 */
public final class CudnnException extends NativeCallException {

    /** The library name carried by every CudnnException. */
    public static final String LIBRARY = "cuDNN";

    /** Bytes read from cudnnGetLastErrorString. */
    static final int MESSAGE_BYTES = 1024;

    public CudnnException(int status, String statusName, String call, String nativeMessage) {
        super(LIBRARY, status, statusName, call, nativeMessage);
    }

    /**
     * The one place where a {@code cudnnStatus_t} becomes an exception: returns for CUDNN_STATUS_SUCCESS, throws
     * otherwise. Call it on the thread that made the call, right after it: cuDNN's detailed message is per thread.
     *
     * @param status what the cuDNN call returned
     * @param call   the call, as it should appear in the message, e.g. {@code "cudnnConvolutionForward(conv1)"}
     * @throws CudnnException when status is not CUDNN_STATUS_SUCCESS
     */
    public static void check(int status, String call) {
        if (status != Cudnn.CUDNN_STATUS_SUCCESS) {
            throw of(status, call);
        }
    }

    /** The exception for a failed call, with cuDNN's name and detailed message (does not throw it). */
    public static CudnnException of(int status, String call) {
        String name = describe(() -> Cudnn.cudnnGetErrorString(status), "cudnnGetErrorString");
        String detail = describe(CudnnException::lastErrorString, "cudnnGetLastErrorString");
        return new CudnnException(status, name, call, detail);
    }

    private static String lastErrorString() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment message = arena.allocate(MESSAGE_BYTES);
            Cudnn.cudnnGetLastErrorString(message, MESSAGE_BYTES);
            message.set(java.lang.foreign.ValueLayout.JAVA_BYTE, MESSAGE_BYTES - 1, (byte) 0);
            return message.getString(0).strip();
        }
    }
}
