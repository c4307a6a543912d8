/*
 * Internal to libgcgan_kernels: how the kernels' host code reports a failure. Not installed, not exported
 * (the library is built with hidden visibility; only GCGAN_API symbols are public).
 *
 * Every public entry point returns one of these helpers' results and never exits or prints:
 *     if (n < 0) return gcgan::detail::fail(GCGAN_ERR_INVALID_ARGUMENT, "gcgan_x", "n = %lld must be >= 0", n);
 *     kernel<<<grid, block, 0, stream>>>(...);
 *     return gcgan::detail::check_launch("gcgan_x");
 */
#ifndef GCGAN_STATUS_INTERNAL_H
#define GCGAN_STATUS_INTERNAL_H

#include <cuda_runtime_api.h>

#include "gcgan_kernels.h"

namespace gcgan {
namespace detail {

/* Records "<call>: <printf-formatted detail>" as this thread's last error message and returns code. */
gcgan_status fail(gcgan_status code, const char* call, const char* format, ...)
#if defined(__GNUC__) || defined(__clang__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* Records "<call>: <what>: <cudaGetErrorName> (<cudaGetErrorString>)" and returns GCGAN_ERR_CUDA. */
gcgan_status fail_cuda(const char* call, const char* what, cudaError_t error);

/* GCGAN_OK if cudaGetLastError() reports no error after a launch, else fail_cuda(call, "kernel launch", ...). */
gcgan_status check_launch(const char* call);

}  // namespace detail
}  // namespace gcgan

#endif  // GCGAN_STATUS_INTERNAL_H
