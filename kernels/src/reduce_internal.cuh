// reduce_internal.cuh - internal to libgcgan_kernels (not installed, not exported): the launch plan of
// gcgan_reduce_{f32,f64} (which of the four launch shapes, its grid, and the split shape's parts and chunk) and the
// reduction kernels themselves (reduce.cu launches them, after its argument checks), so that
// kernels/dev/host_selfcheck.cpp runs the very same kernels on the CPU, every thread of a block a fiber of
// kernels/dev/simt_host.h. reduce.cu's header comment describes the shapes and the layout.
#ifndef GCGAN_REDUCE_INTERNAL_CUH
#define GCGAN_REDUCE_INTERNAL_CUH

#include <cstdint>

#include "device_common.cuh"

// The kernels' shared memory (reduce_block_kernel's scratch): on the device the __shared__ array written here; a
// host program that runs the kernels on the CPU (kernels/dev/host_selfcheck.cpp, through kernels/dev/simt_host.h)
// defines it before including this file, as its emulated block's memory.
#ifndef GCGAN_SHARED_ARRAY
#define GCGAN_SHARED_ARRAY(T, name, n) __shared__ T name[n]
#endif

namespace gcgan {
namespace reduce {

constexpr int64_t kThreadMaxCount = 32;     // up to this many elements per output: one thread per output
constexpr int64_t kWarpMaxCount = 1024;     // up to this many: one warp per output
constexpr int64_t kCoalescedMinOutputs = 2048;
constexpr int64_t kTargetBlocks = 2048;     // enough blocks to fill an H100 (132 SMs) several times over
constexpr int64_t kMinChunk = 4096;         // elements per block of the split shape, at least

enum class Shape { kThread, kWarp, kBlock, kSplit };

// A launch of gcgan_reduce for out_count >= 1 outputs of `count` elements each, every block of `threads`
// (gcgan::detail::kThreads) threads: kThread reduce_thread_kernel, kWarp reduce_warp_kernel, kBlock
// reduce_block_kernel (parts 1, no partials), kSplit reduce_block_kernel into out_count * parts float64 partials,
// then reduce_finish_kernel over finish_grid blocks.
struct Plan {
    Shape shape;
    unsigned grid;         // blocks of the (first) kernel
    int threads;
    int64_t parts;         // blocks per output (kBlock: 1; kThread, kWarp: 1, unused)
    int64_t chunk;         // elements of an output per block (kBlock, kSplit)
    unsigned finish_grid;  // blocks of reduce_finish_kernel (kSplit)
};

inline int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The launch reduce.cu makes; host code and the host check call this directly.
inline Plan plan(int64_t out_count, int64_t count, const gcgan_reduce_layout& layout) {
    using gcgan::detail::grid_for;
    using gcgan::detail::kMaxGrid;
    using gcgan::detail::kThreads;
    Plan p{Shape::kThread, 0, kThreads, 1, count, 0};
    const bool outputs_contiguous = layout.kept_rank > 0 && layout.kept_strides[layout.kept_rank - 1] == 1 &&
                                    layout.kept_shape[layout.kept_rank - 1] >= 32;
    if (count <= kThreadMaxCount || (outputs_contiguous && out_count >= kCoalescedMinOutputs)) {
        p.grid = grid_for(out_count);
        return p;
    }
    if (count <= kWarpMaxCount) {
        const int64_t warps_per_block = kThreads / 32;
        const int64_t blocks = ceil_div(out_count, warps_per_block);
        p.shape = Shape::kWarp;
        p.grid = static_cast<unsigned>(blocks > kMaxGrid ? kMaxGrid : blocks);
        return p;
    }
    int64_t parts = 1;
    if (out_count < kTargetBlocks) {
        parts = ceil_div(kTargetBlocks, out_count);
        const int64_t most = ceil_div(count, kMinChunk);
        parts = parts < most ? parts : most;
    }
    const int64_t items = out_count * parts;
    p.shape = parts == 1 ? Shape::kBlock : Shape::kSplit;
    p.parts = parts;
    p.chunk = ceil_div(count, parts);
    p.grid = static_cast<unsigned>(items > kMaxGrid ? kMaxGrid : items);
    p.finish_grid = grid_for(out_count);
    return p;
}

}  // namespace reduce
}  // namespace gcgan

// ---- the kernels (moved verbatim from reduce.cu; still in its unnamed namespace, so their names do not change) ----

namespace {

using namespace gcgan::detail;

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
    GCGAN_SHARED_ARRAY(double, scratch, 32);
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

}  // namespace

#endif  // GCGAN_REDUCE_INTERNAL_CUH
