// Status codes, the thread-local error message and the ABI version of libgcgan_kernels.
#include <cstdarg>
#include <cstdio>

#include "gcgan_kernels.h"
#include "status_internal.h"

namespace {
// The last failure on this thread; "" until one happens. 512 bytes hold any message we format
// (longer ones are truncated by vsnprintf, never overflowed).
thread_local char last_message[512] = "";
}  // namespace

extern "C" GCGAN_API const char* gcgan_status_string(gcgan_status status) {
    switch (status) {
        case GCGAN_OK:
            return "GCGAN_OK: success";
        case GCGAN_ERR_INVALID_ARGUMENT:
            return "GCGAN_ERR_INVALID_ARGUMENT: invalid argument";
        case GCGAN_ERR_CUDA:
            return "GCGAN_ERR_CUDA: CUDA runtime error";
        case GCGAN_ERR_UNSUPPORTED:
            return "GCGAN_ERR_UNSUPPORTED: unsupported";
        default:
            return "unknown gcgan_status";
    }
}

extern "C" GCGAN_API const char* gcgan_last_error_message(void) { return last_message; }

extern "C" GCGAN_API int32_t gcgan_abi_version(void) { return GCGAN_ABI_VERSION; }

namespace gcgan {
namespace detail {

gcgan_status fail(gcgan_status code, const char* call, const char* format, ...) {
    int used = std::snprintf(last_message, sizeof last_message, "%s: ", call);
    if (used >= 0 && static_cast<size_t>(used) < sizeof last_message) {
        va_list args;
        va_start(args, format);
        std::vsnprintf(last_message + used, sizeof last_message - used, format, args);
        va_end(args);
    }
    return code;
}

gcgan_status fail_cuda(const char* call, const char* what, cudaError_t error) {
    fail(GCGAN_ERR_CUDA, call, "%s: %s (%s)", what, cudaGetErrorName(error), cudaGetErrorString(error));
    return GCGAN_ERR_CUDA;
}

gcgan_status check_launch(const char* call) {
    cudaError_t error = cudaGetLastError();
    return error == cudaSuccess ? GCGAN_OK : fail_cuda(call, "kernel launch", error);
}

}  // namespace detail
}  // namespace gcgan
