// reduce.cu - gcgan_reduce_{f32,f64}: SUM, MEAN or MAX of x over a set of axes.
//
// Shapes (gcgan_reduce_layout, by value): out is dense, row-major over kept_shape (out_count elements); output o
// reduces the `count` = prod(reduced_shape) elements x[x_offset + k(o) . kept_strides + r . reduced_strides].
// Accumulation is in double for both dtypes (as the Java CPU backend), combined with `combine<kMax>`.
//
// Four launch shapes, all giving the same values up to the order of float64 additions:
//   thread  one thread per output, looping over r: small counts, or outputs contiguous in x (coalesced reads);
//   warp    one warp per output, lanes striding over r: counts up to kWarpMaxCount;
//   block   one block per output, threads striding over r: large counts with many outputs;
//   split   large counts with few outputs: `parts` blocks per output each reduce one chunk of r into a float64
//           partial (stream-ordered scratch from cudaMallocAsync), then reduce_finish_kernel combines the parts of
//           each output in order and writes it.

#include "device_common.cuh"

namespace {

using namespace gcgan::detail;

constexpr int64_t kThreadMaxCount = 32;     // up to this many elements per output: one thread per output
constexpr int64_t kWarpMaxCount = 1024;     // up to this many: one warp per output
constexpr int64_t kCoalescedMinOutputs = 2048;
constexpr int64_t kTargetBlocks = 2048;     // enough blocks to fill an H100 (132 SMs) several times over
constexpr int64_t kMinChunk = 4096;         // elements per block of the split shape, at least

template <int Op>
__device__ __forceinline__ double reduce_identity() {
    return Op == GCGAN_REDUCE_MAX ? -INFINITY : 0.0;
}

// The value written for an output whose reduction (of `count` elements) gave acc.
template <int Op>
__device__ __forceinline__ double reduce_finish(double acc, int64_t count) {
    if (count == 0) {
        return Op == GCGAN_REDUCE_SUM ? 0.0 : NAN;  // empty: SUM 0, MEAN 0/0, MAX NaN (as the CPU backend)
    }
    if constexpr (Op == GCGAN_REDUCE_MEAN) {
        return div_rn(acc, static_cast<double>(count));
    } else {
        return acc;
    }
}

__device__ __forceinline__ int64_t kept_offset(const gcgan_reduce_layout& l, int64_t o) {
    return l.x_offset + offset_of(o, l.kept_rank, l.kept_shape, l.kept_strides);
}

__device__ __forceinline__ int64_t reduced_offset(const gcgan_reduce_layout& l, int64_t r) {
    return offset_of(r, l.reduced_rank, l.reduced_shape, l.reduced_strides);
}

template <typename T, int Op>
__global__ void reduce_thread_kernel(const T* __restrict__ x, T* __restrict__ out, int64_t out_count, int64_t count,
                                     const __grid_constant__ gcgan_reduce_layout layout) {
    constexpr bool kMax = Op == GCGAN_REDUCE_MAX;
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t o = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; o < out_count; o += stride) {
        const int64_t base = kept_offset(layout, o);
        double acc = reduce_identity<Op>();
        for (int64_t r = 0; r < count; ++r) {
            acc = combine<kMax>(acc, static_cast<double>(x[base + reduced_offset(layout, r)]));
        }
        out[o] = static_cast<T>(reduce_finish<Op>(acc, count));
    }
}

template <typename T, int Op>
__global__ void reduce_warp_kernel(const T* __restrict__ x, T* __restrict__ out, int64_t out_count, int64_t count,
                                   const __grid_constant__ gcgan_reduce_layout layout) {
    constexpr bool kMax = Op == GCGAN_REDUCE_MAX;
    const int lane = threadIdx.x & 31;
    const int64_t warps_per_block = blockDim.x >> 5;
    const int64_t stride = static_cast<int64_t>(gridDim.x) * warps_per_block;
    // The loop bound is uniform over the warp, so every lane takes part in every shuffle.
    for (int64_t o = static_cast<int64_t>(blockIdx.x) * warps_per_block + (threadIdx.x >> 5); o < out_count;
         o += stride) {
        const int64_t base = kept_offset(layout, o);
        double acc = reduce_identity<Op>();
        for (int64_t r = lane; r < count; r += 32) {
            acc = combine<kMax>(acc, static_cast<double>(x[base + reduced_offset(layout, r)]));
        }
        acc = warp_reduce<kMax>(acc);
        if (lane == 0) {
            out[o] = static_cast<T>(reduce_finish<Op>(acc, count));
        }
    }
}

// Block b (grid-stride) reduces part b % parts of output b / parts: the elements r in [part * chunk, min(count,
// (part + 1) * chunk)). With parts == 1 it writes the output; otherwise the float64 partial to partials[b].
template <typename T, int Op>
__global__ void reduce_block_kernel(const T* __restrict__ x, T* __restrict__ out, double* __restrict__ partials,
                                    int64_t out_count, int64_t count, int64_t parts, int64_t chunk,
                                    const __grid_constant__ gcgan_reduce_layout layout) {
    constexpr bool kMax = Op == GCGAN_REDUCE_MAX;
    __shared__ double scratch[32];
    const int64_t items = out_count * parts;
    for (int64_t b = blockIdx.x; b < items; b += gridDim.x) {  // uniform over the block
        const int64_t o = b / parts;
        const int64_t part = b - o * parts;
        const int64_t begin = part * chunk;
        const int64_t end = begin + chunk < count ? begin + chunk : count;
        const int64_t base = kept_offset(layout, o);
        double acc = reduce_identity<Op>();
        for (int64_t r = begin + threadIdx.x; r < end; r += blockDim.x) {
            acc = combine<kMax>(acc, static_cast<double>(x[base + reduced_offset(layout, r)]));
        }
        acc = block_reduce<kMax>(acc, scratch);
        if (threadIdx.x == 0) {
            if (parts == 1) {
                out[o] = static_cast<T>(reduce_finish<Op>(acc, count));
            } else {
                partials[b] = acc;
            }
        }
    }
}

// out[o] = finish(combine of partials[o * parts .. o * parts + parts)), in order.
template <typename T, int Op>
__global__ void reduce_finish_kernel(const double* __restrict__ partials, T* __restrict__ out, int64_t out_count,
                                     int64_t count, int64_t parts) {
    constexpr bool kMax = Op == GCGAN_REDUCE_MAX;
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t o = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; o < out_count; o += stride) {
        double acc = reduce_identity<Op>();
        for (int64_t p = 0; p < parts; ++p) {
            acc = combine<kMax>(acc, partials[o * parts + p]);
        }
        out[o] = static_cast<T>(reduce_finish<Op>(acc, count));
    }
}

int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

template <typename T, int Op>
gcgan_status launch_reduce(const char* call, const T* x, T* out, int64_t out_count, int64_t count,
                           const gcgan_reduce_layout& layout, gcgan_stream stream) {
    const bool outputs_contiguous = layout.kept_rank > 0 && layout.kept_strides[layout.kept_rank - 1] == 1 &&
                                    layout.kept_shape[layout.kept_rank - 1] >= 32;
    if (count <= kThreadMaxCount || (outputs_contiguous && out_count >= kCoalescedMinOutputs)) {
        reduce_thread_kernel<T, Op><<<grid_for(out_count), kThreads, 0, stream>>>(x, out, out_count, count, layout);
        return check_launch(call);
    }
    if (count <= kWarpMaxCount) {
        const int64_t warps_per_block = kThreads / 32;
        const int64_t blocks = ceil_div(out_count, warps_per_block);
        const unsigned grid = static_cast<unsigned>(blocks > kMaxGrid ? kMaxGrid : blocks);
        reduce_warp_kernel<T, Op><<<grid, kThreads, 0, stream>>>(x, out, out_count, count, layout);
        return check_launch(call);
    }
    int64_t parts = 1;
    if (out_count < kTargetBlocks) {
        parts = ceil_div(kTargetBlocks, out_count);
        const int64_t most = ceil_div(count, kMinChunk);
        parts = parts < most ? parts : most;
    }
    const int64_t chunk = ceil_div(count, parts);
    const int64_t items = out_count * parts;
    const unsigned grid = static_cast<unsigned>(items > kMaxGrid ? kMaxGrid : items);
    if (parts == 1) {
        reduce_block_kernel<T, Op><<<grid, kThreads, 0, stream>>>(x, out, nullptr, out_count, count, 1, chunk, layout);
        return check_launch(call);
    }
    void* scratch = nullptr;
    cudaError_t error = cudaMallocAsync(&scratch, static_cast<size_t>(items) * sizeof(double), stream);
    if (error != cudaSuccess) {
        cudaGetLastError();
        return fail_cuda(call, "cudaMallocAsync of the partial sums", error);
    }
    double* partials = static_cast<double*>(scratch);
    reduce_block_kernel<T, Op><<<grid, kThreads, 0, stream>>>(x, out, partials, out_count, count, parts, chunk, layout);
    gcgan_status status = check_launch(call);
    if (status == GCGAN_OK) {
        reduce_finish_kernel<T, Op><<<grid_for(out_count), kThreads, 0, stream>>>(partials, out, out_count, count,
                                                                                  parts);
        status = check_launch(call);
    }
    error = cudaFreeAsync(scratch, stream);
    if (error != cudaSuccess && status == GCGAN_OK) {
        cudaGetLastError();
        return fail_cuda(call, "cudaFreeAsync of the partial sums", error);
    }
    return status;
}

gcgan_status check_shape(const char* call, const char* what, int32_t rank, const int64_t* shape, int64_t* count) {
    if (rank < 0 || rank > GCGAN_MAX_RANK) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s rank %d is outside [0, %d]", what, rank, GCGAN_MAX_RANK);
    }
    int64_t n = 1;
    for (int d = 0; d < rank; ++d) {
        if (shape[d] < 0) {
            return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s shape[%d] = %lld must be >= 0", what, d,
                        static_cast<long long>(shape[d]));
        }
        if (shape[d] != 0 && n > INT64_MAX / shape[d]) {
            return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s shape has more than 2^63 elements", what);
        }
        n *= shape[d];
    }
    *count = n;
    return GCGAN_OK;
}

template <typename T>
gcgan_status reduce_entry(const char* call, int32_t op, const T* x, T* out, const gcgan_reduce_layout* layout,
                          gcgan_stream stream) {
    if (layout == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "layout is NULL");
    }
    if (op < 0 || op >= GCGAN_REDUCE_OP_COUNT) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "unknown reduce op %d (expected 0 .. %d)", op,
                    GCGAN_REDUCE_OP_COUNT - 1);
    }
    int64_t out_count = 0;
    int64_t count = 0;
    gcgan_status status = check_shape(call, "kept", layout->kept_rank, layout->kept_shape, &out_count);
    if (status == GCGAN_OK) status = check_shape(call, "reduced", layout->reduced_rank, layout->reduced_shape, &count);
    if (status == GCGAN_OK) status = check_pointer(call, out, "out", out_count);
    if (status == GCGAN_OK) status = check_pointer(call, x, "x", out_count == 0 ? 0 : count);
    if (status != GCGAN_OK || out_count == 0) return status;
    switch (op) {
        case GCGAN_REDUCE_SUM: return launch_reduce<T, GCGAN_REDUCE_SUM>(call, x, out, out_count, count, *layout, stream);
        case GCGAN_REDUCE_MEAN: return launch_reduce<T, GCGAN_REDUCE_MEAN>(call, x, out, out_count, count, *layout, stream);
        default: return launch_reduce<T, GCGAN_REDUCE_MAX>(call, x, out, out_count, count, *layout, stream);
    }
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_reduce_f32(int32_t op, const float* x, float* out,
                                                   const gcgan_reduce_layout* layout, gcgan_stream stream) {
    return reduce_entry<float>("gcgan_reduce_f32", op, x, out, layout, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_reduce_f64(int32_t op, const double* x, double* out,
                                                   const gcgan_reduce_layout* layout, gcgan_stream stream) {
    return reduce_entry<double>("gcgan_reduce_f64", op, x, out, layout, stream);
}
