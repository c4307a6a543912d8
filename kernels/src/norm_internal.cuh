// norm_internal.cuh - internal to libgcgan_kernels (not installed, not exported): the chunk plan, the launch tables
// and the per-thread summation order of gcgan_squared_norm_{f32,f64}, written __host__ __device__, and its two
// kernels (at the end; norm.cu launches them), so that kernels/dev/host_selfcheck.cpp runs the very same kernels on
// the CPU, every thread of a block a fiber of kernels/dev/simt_host.h.
//
// Shapes: the input is a list of `count` dense tensors, tensor i is xs[i] with counts[i] >= 0 elements; the result is
// one value, out[0] = sum over i, e of xs[i][e]^2.
//
// Chunk plan (depends only on counts[]): tensor i is cut into ceil(counts[i] / kChunk) chunks of kChunk consecutive
// elements (its last one may be shorter; a tensor with no element has no chunk). Chunks are numbered over the list
// in order, tensor 0's first: chunk g belongs to exactly one tensor and never spans two. Chunk g's sum goes to the
// float64 partial[g]:
//   thread t (0 <= t < kThreads) of the chunk's block adds, in this order, the squares of the elements of the groups
//   q = t, t + kThreads, t + 2 kThreads, ... of kGroup consecutive elements (begin + q kGroup + 0 .. kGroup - 1,
//   those below end), each square and sum one IEEE double operation (x widened to double; never an FMA); then the
//   block's kThreads sums are combined by device_common.cuh's block_reduce (a fixed shuffle tree).
// The final combine (one block of kFinalThreads threads): thread t adds partial[t], partial[t + kFinalThreads], ...
// in order, then block_reduce, then out[0] = the sum rounded once to T.
//
// So the order of every addition is fixed by counts[] alone: not by the device, the timing, the pointers' alignment
// (the 128-bit loads of aligned tensors add the same elements in the same order as the scalar path) or by how the
// tensors are split over launches (kMaxBatch per launch). No atomics.
#ifndef GCGAN_NORM_INTERNAL_CUH
#define GCGAN_NORM_INTERNAL_CUH

#include <cstdint>

#include "device_common.cuh"

// The kernels' shared memory (at the end of this file): on the device the __shared__ array written here; a host
// program that runs the kernels on the CPU (kernels/dev/host_selfcheck.cpp, through kernels/dev/simt_host.h) defines
// it before including this file, as its emulated block's memory.
#ifndef GCGAN_SHARED_ARRAY
#define GCGAN_SHARED_ARRAY(T, name, n) __shared__ T name[n]
#endif

namespace gcgan {
namespace norm {

using gcgan::detail::add_rn;
using gcgan::detail::mul_rn;

constexpr int kThreads = 256;          // threads per chunk block (a multiple of 32, for block_reduce)
constexpr int kFinalThreads = 256;     // threads of the final combine's single block
constexpr int kGroup = 4;              // consecutive elements a thread adds in a row (one float4 / two double2)
constexpr int64_t kChunk = 16384;      // elements per chunk: 16 groups per thread (64 KiB of float32)
constexpr int kMaxBatch = 256;         // tensors per launch: 256 x 32-byte entries + header, 8 KiB of parameters
constexpr int kSmallBatch = 32;        // a launch for <= 32 tensors carries a 1 KiB parameter block instead
constexpr int64_t kMaxTotal = int64_t{1} << 53;  // elements in all, at most (the chunk count then fits easily)

static_assert(kChunk % kGroup == 0, "a chunk is whole groups, so aligned chunks start 16-byte aligned");

// One tensor with at least one element, as the kernels see it (32 bytes).
struct Entry {
    const void* x;
    int64_t numel;
    int64_t chunk_start;  // the global number of its first chunk
    int32_t vec;          // 1 when x is 16-byte aligned: groups are read with 128-bit loads
    int32_t reserved;
};
static_assert(sizeof(Entry) == 32, "Entry is 32 bytes: the parameter-space budget below counts on it");

// The tensors of one launch: entries[0 .. count), whose chunks are first_chunk .. first_chunk + chunks - 1.
template <int Cap>
struct Batch {
    int32_t count;
    int32_t reserved;
    int64_t first_chunk;
    int64_t chunks;
    Entry entries[Cap];
};
static_assert(sizeof(Batch<kMaxBatch>) <= 32764, "the kernel parameter space holds 32764 bytes");

__host__ __device__ __forceinline__ int64_t chunks_of(int64_t numel) { return (numel + kChunk - 1) / kChunk; }

// The entry that holds global chunk g: the last one with chunk_start <= g (uniform over the thread block).
template <int Cap>
__host__ __device__ __forceinline__ int32_t find_entry(const Batch<Cap>& batch, int64_t g) {
    int32_t lo = 0;
    int32_t hi = batch.count - 1;
    while (lo < hi) {
        const int32_t mid = lo + (hi - lo + 1) / 2;
        if (batch.entries[mid].chunk_start <= g) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo;
}

// The elements [begin, end) of global chunk g within its entry t.
__host__ __device__ __forceinline__ void chunk_range(const Entry& t, int64_t g, int64_t& begin, int64_t& end) {
    begin = (g - t.chunk_start) * kChunk;
    end = t.numel - begin < kChunk ? t.numel : begin + kChunk;
}

// acc + v * v, two IEEE double operations (the square is exact for a float32 v).
__host__ __device__ __forceinline__ double add_square(double acc, double v) { return add_rn(acc, mul_rn(v, v)); }

// One group of kGroup elements read with 128-bit loads: x + e is 16-byte aligned, e + kGroup <= end.
__host__ __device__ __forceinline__ double add_group_vec(double acc, const float* x, int64_t e) {
    const float4 v = *reinterpret_cast<const float4*>(x + e);
    acc = add_square(acc, static_cast<double>(v.x));
    acc = add_square(acc, static_cast<double>(v.y));
    acc = add_square(acc, static_cast<double>(v.z));
    return add_square(acc, static_cast<double>(v.w));
}

__host__ __device__ __forceinline__ double add_group_vec(double acc, const double* x, int64_t e) {
    const double2 a = *reinterpret_cast<const double2*>(x + e);
    const double2 b = *reinterpret_cast<const double2*>(x + e + 2);
    acc = add_square(acc, a.x);
    acc = add_square(acc, a.y);
    acc = add_square(acc, b.x);
    return add_square(acc, b.y);
}

// Thread t's sum of squares over chunk [begin, end) of x: its groups q = t, t + threads, ... in order, each group's
// elements in order. vec: x is 16-byte aligned (begin is a multiple of kGroup), so whole groups use 128-bit loads;
// the result is the same either way.
template <typename T>
__host__ __device__ __forceinline__ double thread_chunk_sum(const T* __restrict__ x, int64_t begin, int64_t end,
                                                            int t, int threads, bool vec) {
    double acc = 0.0;
    for (int64_t e = begin + static_cast<int64_t>(t) * kGroup; e < end; e += static_cast<int64_t>(threads) * kGroup) {
        if (vec && e + kGroup <= end) {
            acc = add_group_vec(acc, x, e);
        } else {
            const int64_t stop = e + kGroup < end ? e + kGroup : end;
            for (int64_t i = e; i < stop; ++i) {
                acc = add_square(acc, static_cast<double>(x[i]));
            }
        }
    }
    return acc;
}

// Thread t's part of the final combine: partial[t], partial[t + threads], ... added in order.
__host__ __device__ __forceinline__ double thread_final_sum(const double* __restrict__ partials, int64_t chunks, int t,
                                                            int threads) {
    double acc = 0.0;
    for (int64_t g = t; g < chunks; g += threads) {
        acc = add_rn(acc, partials[g]);
    }
    return acc;
}

// The plan of a list: the entries of its tensors with elements (zero-length ones dropped, list order kept), each with
// its global chunk_start, and the total chunk count. Host code; the entry point checks the arguments before.
inline int64_t make_entries(const void* const* xs, const int64_t* counts, int32_t count, Entry* entries,
                            int32_t* used) {
    int64_t chunks = 0;
    int32_t n = 0;
    for (int32_t i = 0; i < count; ++i) {
        if (counts[i] == 0) continue;
        Entry& e = entries[n++];
        e.x = xs[i];
        e.numel = counts[i];
        e.chunk_start = chunks;
        e.vec = (reinterpret_cast<uintptr_t>(xs[i]) & 15u) == 0 ? 1 : 0;
        e.reserved = 0;
        chunks += chunks_of(counts[i]);
    }
    *used = n;
    return chunks;
}

// The launch table of entries[start .. start + n) (n <= Cap).
template <int Cap>
inline void fill_batch(const Entry* entries, int32_t start, int32_t n, Batch<Cap>* batch) {
    batch->count = n;
    batch->reserved = 0;
    batch->first_chunk = entries[start].chunk_start;
    const Entry& last = entries[start + n - 1];
    batch->chunks = last.chunk_start + chunks_of(last.numel) - batch->first_chunk;
    for (int32_t i = 0; i < n; ++i) {
        batch->entries[i] = entries[start + i];
    }
}

}  // namespace norm
}  // namespace gcgan

// ---- kernels ----
//
// The kernels are compiled by the host compiler too: kernels/dev/host_selfcheck.cpp calls them as functions, every
// thread of a block a fiber of kernels/dev/simt_host.h, so their shared memory is declared through GCGAN_SHARED_ARRAY
// and only the launches (<<<...>>>, in norm.cu) are nvcc's alone. In the unnamed namespace, where norm.cu had them:
// the kernels' names, and so the library's PTX, stay as they were.
namespace {

using namespace gcgan::norm;
using gcgan::detail::block_reduce;

// partial[g] = the sum of squares of global chunk g, for the chunks of this launch.
template <typename T, int Cap>
__global__ void __launch_bounds__(kThreads) squared_norm_chunks_kernel(const __grid_constant__ Batch<Cap> batch,
                                                                       double* __restrict__ partials) {
    GCGAN_SHARED_ARRAY(double, scratch, 32);
    for (int64_t b = blockIdx.x; b < batch.chunks; b += gridDim.x) {  // uniform over the block
        const int64_t g = batch.first_chunk + b;
        const Entry& t = batch.entries[find_entry(batch, g)];
        int64_t begin, end;
        chunk_range(t, g, begin, end);
        const double v = block_reduce<false>(
                thread_chunk_sum(static_cast<const T*>(t.x), begin, end, threadIdx.x, kThreads, t.vec != 0), scratch);
        if (threadIdx.x == 0) partials[g] = v;
    }
}

// out[0] = the partials added in the fixed order, rounded once to T (chunks == 0: 0).
template <typename T>
__global__ void __launch_bounds__(kFinalThreads) squared_norm_final_kernel(const double* __restrict__ partials,
                                                                           int64_t chunks, T* __restrict__ out) {
    GCGAN_SHARED_ARRAY(double, scratch, 32);
    const double v = block_reduce<false>(thread_final_sum(partials, chunks, threadIdx.x, kFinalThreads), scratch);
    if (threadIdx.x == 0) out[0] = static_cast<T>(v);
}

}  // namespace

#endif  // GCGAN_NORM_INTERNAL_CUH
