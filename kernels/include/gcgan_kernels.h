/*
 * gcgan_kernels.h - the whole C ABI of libgcgan_kernels.so, gcgan's hand-written CUDA kernels.
 *
 * Plain C (C99 and later, and C++): it includes only <stdint.h> and <stddef.h>, so a caller needs no CUDA
 * headers. The Java bindings (bindings/, FFM) are checked against these prototypes.
 *
 * Conventions, for every function below:
 *  - Returns a gcgan_status; never exits, never prints. On failure gcgan_last_error_message() says which call
 *    failed and why (for CUDA errors, with cudaGetErrorString's text).
 *  - Pointers named out/in are device pointers (memory from cudaMalloc/cudaMallocAsync, or managed memory),
 *    dense and row-major. Counts are int64_t elements, not bytes.
 *  - Work is enqueued on `stream` and is asynchronous: the function returns once the kernel is launched.
 *    A null stream is the legacy default stream. Errors that happen while the kernel runs surface from a
 *    later synchronizing CUDA call, not from the launching function.
 *  - Launch errors are read with cudaGetLastError, which also returns (and clears) an error left pending by
 *    an earlier CUDA call on this thread.
 */
#ifndef GCGAN_KERNELS_H
#define GCGAN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define GCGAN_API __attribute__((visibility("default")))
#else
#define GCGAN_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version: bumped on any incompatible change of a prototype, a struct or a stream definition. */
#define GCGAN_ABI_VERSION 1

/* A CUDA stream. The same type as cudaStream_t (struct CUstream_st*), so either may be passed. */
typedef struct CUstream_st* gcgan_stream;

typedef int32_t gcgan_status;
enum {
    GCGAN_OK = 0,
    GCGAN_ERR_INVALID_ARGUMENT = 1, /* a bad count, a null pointer, ...; nothing was launched */
    GCGAN_ERR_CUDA = 2,             /* a CUDA runtime call or kernel launch failed; see the last error message */
    GCGAN_ERR_UNSUPPORTED = 3       /* a valid request this build or device cannot serve */
};

/* A constant string naming the status ("GCGAN_ERR_CUDA: CUDA runtime error"); never NULL. */
GCGAN_API const char* gcgan_status_string(gcgan_status status);

/*
 * The message of the last failed gcgan call on the calling thread, e.g.
 * "gcgan_random_normal_f32: kernel launch: cudaErrorInvalidDevice (invalid device ordinal)".
 * "" if no call has failed on this thread. Successful calls leave it unchanged. Valid until the next
 * failing gcgan call on the same thread.
 */
GCGAN_API const char* gcgan_last_error_message(void);

/* GCGAN_ABI_VERSION of the library actually loaded; compare with the header's. */
GCGAN_API int32_t gcgan_abi_version(void);

/* ------------------------------------------------------------------------------------------------------------
 * Random fills: Philox 4x32-10 streams, bit-identical to the Java reference io.gcgan.random.Philox.
 *
 * out is (n,) of float or double. Element i (0 <= i < n) is computed from one Philox 4x32-10 block:
 *   key     = (low32(seed), high32(seed))
 *   block   b = offset + i   (uint64_t, wrapping)
 *   counter = (low32(b), high32(b), 0, 0)        ->  words x0, x1, x2, x3 (uint32_t)
 * Philox 4x32-10: multipliers 0xD2511F53, 0xCD9E8D57; key increments 0x9E3779B9, 0xBB67AE85 (Random123).
 * Every element consumes exactly one block, so consecutive fills at offset o and o + n continue one stream.
 *
 *   uniform f32:  ((x0 >> 9) + 0.5) * 2^-23                          in [2^-24, 1 - 2^-24], never 0 or 1
 *   U64(a, b)  :  (((uint64_t)a << 20 | b >> 12) + 0.5) * 2^-52      in [2^-53, 1 - 2^-53] (exact in double)
 *   uniform f64:  U64(x0, x1)
 *   normal     :  u1 = U64(x0, x1), u2 = U64(x2, x3), z = sqrt(-2 ln u1) * cos(2 pi u2) in double;
 *                 the f32 variant stores z rounded to nearest float.
 * ln and cos(2 pi u) are gcgan's own fixed sequences of IEEE round-to-nearest double operations (documented
 * in io.gcgan.random.Philox and kernels/src/random.cu), not the CUDA math library, so that the Java and CUDA
 * results agree in every bit.
 *
 * n >= 0; out may be NULL only when n == 0 (then nothing is launched). Returns GCGAN_ERR_INVALID_ARGUMENT
 * for n < 0 or a NULL out, GCGAN_ERR_CUDA if the launch fails.
 * ------------------------------------------------------------------------------------------------------------ */
GCGAN_API gcgan_status gcgan_random_uniform_f32(float* out, int64_t n, uint64_t seed, uint64_t offset,
                                                gcgan_stream stream);
GCGAN_API gcgan_status gcgan_random_uniform_f64(double* out, int64_t n, uint64_t seed, uint64_t offset,
                                                gcgan_stream stream);
GCGAN_API gcgan_status gcgan_random_normal_f32(float* out, int64_t n, uint64_t seed, uint64_t offset,
                                               gcgan_stream stream);
GCGAN_API gcgan_status gcgan_random_normal_f64(double* out, int64_t n, uint64_t seed, uint64_t offset,
                                               gcgan_stream stream);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* GCGAN_KERNELS_H */
