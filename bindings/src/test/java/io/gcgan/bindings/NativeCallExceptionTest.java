package io.gcgan.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gcgan.bindings.cublas.Cublas;
import io.gcgan.bindings.cublas.CublasException;
import io.gcgan.bindings.cudnn.Cudnn;
import io.gcgan.bindings.cudnn.CudnnException;
import io.gcgan.bindings.kernels.GcganKernelException;
import org.junit.jupiter.api.Test;

/** The exception types: one message format, and a check that reports even when the library cannot be reached. */
class NativeCallExceptionTest {

    @Test
    void theMessageNamesTheCallTheStatusAndTheLibrarysText() {
        GcganKernelException e = new GcganKernelException(2, "GCGAN_ERR_CUDA: CUDA runtime error",
                "gcgan_random_normal_f32(n=64)", "gcgan_random_normal_f32: kernel launch: cudaErrorNoDevice (...)");
        assertEquals("gcgan_random_normal_f32(n=64) failed with GCGAN_ERR_CUDA: CUDA runtime error (2): "
                + "gcgan_random_normal_f32: kernel launch: cudaErrorNoDevice (...)", e.getMessage());
        CublasException b = new CublasException(7, "CUBLAS_STATUS_INVALID_VALUE", "cublasSgemm_v2", "");
        assertEquals("cublasSgemm_v2 failed with CUBLAS_STATUS_INVALID_VALUE (7)", b.getMessage());
        assertInstanceOf(NativeCallException.class, b);
    }

    @Test
    void successDoesNotThrowAndTouchesNoLibrary() {
        // Status 0 returns before any library is needed (cuBLAS and cuDNN are absent on the CI machine).
        CublasException.check(Cublas.CUBLAS_STATUS_SUCCESS, "cublasSetStream_v2");
        CudnnException.check(Cudnn.CUDNN_STATUS_SUCCESS, "cudnnSetStream");
    }

    @Test
    void aFailureIsReportedEvenWhenTheErrorStringCannotBeLookedUp() {
        // Where libcudnn is missing, the status string lookup fails; the exception says so instead of hiding the
        // failure behind a load error. Where it loads, the text is cuDNN's own.
        CudnnException e = assertThrows(CudnnException.class,
                () -> CudnnException.check(Cudnn.CUDNN_STATUS_BAD_PARAM, "cudnnSetTensor4dDescriptor(x)"));
        assertEquals(Cudnn.CUDNN_STATUS_BAD_PARAM, e.status());
        assertEquals("cuDNN", e.library());
        String expectedStart = "cudnnSetTensor4dDescriptor(x) failed with ";
        assertEquals(expectedStart, e.getMessage().substring(0, expectedStart.length()));
    }
}
