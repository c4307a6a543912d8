// norm.cu - gcgan_squared_norm_{f32,f64}: the squared L2 norm of a list of tensors, out[0] = sum of x^2 over every
// element of every tensor, accumulated in float64 and rounded once (gcgan_kernels.h states the contract). The
// gradient norm a trainer checks before every update: one call instead of a square, a sum and an add per tensor.
//
// Shapes: tensor i is xs[i], counts[i] dense elements of T (xs and counts are host arrays of `count` entries, read
// during the call); out is one T on the device.
//
// Two kernels, in norm_internal.cuh with the chunk plan and summation order (shared with the host check, which runs
// the kernels on the CPU); the launches are here:
//   chunks  one thread block (kThreads) per chunk of kChunk elements of one tensor, grid-stride over the chunks of a
//           launch; the block's float64 sum of squares goes to partial[g] (g = the chunk's global number) in
//           stream-ordered scratch (cudaMallocAsync on the stream). The tensor table travels in the kernel's
//           parameters (a __grid_constant__ Batch of up to kMaxBatch entries, as optimizer.cu does), so a list of
//           more tensors takes one launch per kMaxBatch tensors, all writing into the same partials;
//   final   one block adds the partials in a fixed order (norm_internal.cuh) and writes out[0] rounded to T.
// A list with no element at all launches the final kernel alone over no partials: out[0] = 0.
//
// Deterministic: the order of every addition depends only on counts[] (not on the device, the alignment of the
// tensors or the launch split), and nothing is added with atomics.

#include <algorithm>
#include <memory>
#include <vector>

#include "norm_internal.cuh"

namespace {

using namespace gcgan::norm;
using gcgan::detail::block_reduce;
using gcgan::detail::check_launch;
using gcgan::detail::fail;
using gcgan::detail::fail_cuda;
using gcgan::detail::kMaxGrid;

// Launches the chunk kernel for entries[start .. start + n) as one Batch<Cap>.
template <typename T, int Cap>
gcgan_status launch_chunks(const char* call, const Entry* entries, int32_t start, int32_t n, double* partials,
                           gcgan_stream stream) {
    // 8 KiB for Cap = 256: on the heap, not the stack; the launch copies it into the parameter space.
    std::unique_ptr<Batch<Cap>> batch(new Batch<Cap>());
    fill_batch<Cap>(entries, start, n, batch.get());
    const unsigned grid = static_cast<unsigned>(std::min<int64_t>(batch->chunks, kMaxGrid));
    squared_norm_chunks_kernel<T, Cap><<<grid, kThreads, 0, stream>>>(*batch, partials);
    return check_launch(call);
}

// Checks the whole list before anything is allocated or launched.
gcgan_status check_arguments(const char* call, const void* const* xs, const int64_t* counts, int32_t count,
                             const void* out) {
    if (count < 0) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "count = %d must be >= 0", count);
    }
    if (count > 0 && (xs == nullptr || counts == nullptr)) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s is NULL with count = %d",
                    xs == nullptr ? "xs" : "counts", count);
    }
    if (out == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "out is NULL");
    }
    int64_t total = 0;
    for (int32_t i = 0; i < count; ++i) {
        const int64_t n = counts[i];
        if (n < 0) {
            return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "counts[%d] = %lld must be >= 0", i,
                        static_cast<long long>(n));
        }
        if (n > 0 && xs[i] == nullptr) {
            return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "xs[%d] is NULL with %lld elements", i,
                        static_cast<long long>(n));
        }
        if (n > kMaxTotal - total) {
            return fail(GCGAN_ERR_INVALID_ARGUMENT, call,
                        "tensors 0 .. %d hold more than 2^53 elements in all (counts[%d] = %lld)", i,
                        i, static_cast<long long>(n));
        }
        total += n;
    }
    return GCGAN_OK;
}

template <typename T>
gcgan_status squared_norm(const char* call, const T* const* xs, const int64_t* counts, int32_t count, T* out,
                          gcgan_stream stream) {
    const void* const* list = reinterpret_cast<const void* const*>(xs);
    gcgan_status status = check_arguments(call, list, counts, count, out);
    if (status != GCGAN_OK) return status;
    std::vector<Entry> entries(static_cast<size_t>(count));
    int32_t used = 0;
    const int64_t chunks = make_entries(list, counts, count, entries.data(), &used);
    if (chunks == 0) {  // no element at all: out[0] = 0
        squared_norm_final_kernel<T><<<1, kFinalThreads, 0, stream>>>(nullptr, 0, out);
        return check_launch(call);
    }
    void* scratch = nullptr;
    const cudaError_t error = cudaMallocAsync(&scratch, static_cast<size_t>(chunks) * sizeof(double), stream);
    if (error != cudaSuccess) {
        cudaGetLastError();
        return fail_cuda(call, "cudaMallocAsync of the partial sums", error);
    }
    double* partials = static_cast<double*>(scratch);
    for (int32_t start = 0; start < used && status == GCGAN_OK; start += kMaxBatch) {
        const int32_t n = std::min(kMaxBatch, used - start);
        status = n <= kSmallBatch ? launch_chunks<T, kSmallBatch>(call, entries.data(), start, n, partials, stream)
                                  : launch_chunks<T, kMaxBatch>(call, entries.data(), start, n, partials, stream);
    }
    if (status == GCGAN_OK) {
        squared_norm_final_kernel<T><<<1, kFinalThreads, 0, stream>>>(partials, chunks, out);
        status = check_launch(call);
    }
    // Freed behind the kernels; a failure is reported only when nothing failed before.
    const cudaError_t freed = cudaFreeAsync(scratch, stream);
    if (freed != cudaSuccess && status == GCGAN_OK) {
        cudaGetLastError();
        return fail_cuda(call, "cudaFreeAsync of the partial sums", freed);
    }
    return status;
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_squared_norm_f32(const float* const* xs, const int64_t* counts,
                                                         int32_t count, float* out, gcgan_stream stream) {
    return squared_norm<float>("gcgan_squared_norm_f32", xs, counts, count, out, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_squared_norm_f64(const double* const* xs, const int64_t* counts,
                                                         int32_t count, double* out, gcgan_stream stream) {
    return squared_norm<double>("gcgan_squared_norm_f64", xs, counts, count, out, stream);
}
