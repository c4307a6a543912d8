// lab_common.cuh - what the kernel labs (kernels/dev/*_lab.cu) share: CUDA and gcgan status checks that end the
// program with the failing call, the memory pool set up as the library's, the median of repeated timings, and the
// device-to-device copy rate that memory floors are measured against.
#ifndef GCGAN_LAB_COMMON_CUH
#define GCGAN_LAB_COMMON_CUH

#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "gcgan_kernels.h"

namespace lab {

#define CUDA_OK(call)                                                                                   \
    do {                                                                                                \
        cudaError_t e_ = (call);                                                                        \
        if (e_ != cudaSuccess) {                                                                        \
            std::fprintf(stderr, "%s:%d %s: %s\n", __FILE__, __LINE__, #call, cudaGetErrorString(e_)); \
            std::exit(2);                                                                               \
        }                                                                                               \
    } while (0)

inline void gcgan_ok(gcgan_status status, const char* what) {
    if (status != GCGAN_OK) {
        std::fprintf(stderr, "%s: status %d: %s\n", what, status, gcgan_last_error_message());
        std::exit(2);
    }
}

// Keeps the memory that stream-ordered frees (cudaFreeAsync) return to the device's default pool, as the library's
// CUDA backend does (DevicePool: release threshold UINT64_MAX). Without it the pool gives the memory back to the
// driver at every synchronization, and the next cudaMallocAsync of a kernel's scratch (split-K partials, batch-norm
// partials) maps it again: tens of microseconds that the library does not pay, in every timed run.
inline void keep_pool_memory(int device = 0) {
    cudaMemPool_t pool;
    CUDA_OK(cudaDeviceGetDefaultMemPool(&pool, device));
    uint64_t threshold = UINT64_MAX;
    CUDA_OK(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold));
}

inline float median(std::vector<float> x) {
    std::sort(x.begin(), x.end());
    return x[x.size() / 2];
}

// Milliseconds of one call of `call` on `stream`: the median of `reps` calls after `warmup` calls, each timed alone
// between two events.
template <typename F>
float median_call_ms(F call, int reps, cudaStream_t stream = nullptr, int warmup = 3) {
    cudaEvent_t a, b;
    CUDA_OK(cudaEventCreate(&a));
    CUDA_OK(cudaEventCreate(&b));
    for (int i = 0; i < warmup; ++i) call();
    std::vector<float> ms;
    for (int i = 0; i < reps; ++i) {
        CUDA_OK(cudaEventRecord(a, stream));
        call();
        CUDA_OK(cudaEventRecord(b, stream));
        CUDA_OK(cudaEventSynchronize(b));
        float t = 0;
        CUDA_OK(cudaEventElapsedTime(&t, a, b));
        ms.push_back(t);
    }
    CUDA_OK(cudaEventDestroy(a));
    CUDA_OK(cudaEventDestroy(b));
    return median(ms);
}

// Device-to-device copy rate in GB/s counting bytes read and written (1 GiB, median of 10).
inline double copy_rate() {
    const size_t bytes = size_t{1} << 30;
    void *src, *dst;
    CUDA_OK(cudaMalloc(&src, bytes));
    CUDA_OK(cudaMalloc(&dst, bytes));
    CUDA_OK(cudaMemset(src, 1, bytes));
    cudaEvent_t a, b;
    CUDA_OK(cudaEventCreate(&a));
    CUDA_OK(cudaEventCreate(&b));
    std::vector<float> ms;
    for (int i = 0; i < 12; ++i) {
        CUDA_OK(cudaEventRecord(a));
        CUDA_OK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice));
        CUDA_OK(cudaEventRecord(b));
        CUDA_OK(cudaEventSynchronize(b));
        float t = 0;
        CUDA_OK(cudaEventElapsedTime(&t, a, b));
        if (i >= 2) ms.push_back(t);
    }
    CUDA_OK(cudaEventDestroy(a));
    CUDA_OK(cudaEventDestroy(b));
    CUDA_OK(cudaFree(src));
    CUDA_OK(cudaFree(dst));
    return 2.0 * bytes / (median(ms) * 1e-3) / 1e9;
}

}  // namespace lab

#endif  // GCGAN_LAB_COMMON_CUH
