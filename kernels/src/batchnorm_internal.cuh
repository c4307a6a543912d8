// batchnorm_internal.cuh - internal to libgcgan_kernels (not installed, not exported): the work partition, index
// walk and per-element math of the fused batch normalization kernels, written __host__ __device__, and the kernels
// themselves (at the end; batchnorm.cu launches them), so that kernels/dev/host_selfcheck.cpp runs the very same
// kernels on the CPU, every thread of a block a fiber of kernels/dev/simt_host.h.
//
// Shapes: x, y, dy, dx are dense [n, c, s] (n = batch, c = channels, s = the product of the remaining dimensions);
// element (i, k, j) is at (i * c + k) * s + j. Channel k is the count = n * s elements e = i * s + j, numbered in
// memory order: n runs of s contiguous elements, row_stride = c * s apart. Per-channel arrays are [c].
//
// Work partition (Plan): channel k is cut into `parts` chunks of `chunk` consecutive e (the last may be shorter);
// block item b = k * parts + part handles chunk `part` of channel k, and its thread t the elements
// e = begin + t, begin + t + threads, ... < end. parts == 1 (the usual case: many channels, or small ones) lets
// one block do a whole pass over its channel; parts > 1 is for few channels with many elements each. The partition
// depends only on (n, c, s), so results are the same on every device and every run.
//
// Every float64 operation goes through device_common.cuh's *_rn helpers (no FMA contraction), so the host
// run gives the same bits as the device and the sums round the way the Java CPU backend's do.
#ifndef GCGAN_BATCHNORM_INTERNAL_CUH
#define GCGAN_BATCHNORM_INTERNAL_CUH

#include <cstdint>

#include "device_common.cuh"

// The kernels' shared memory (at the end of this file): on the device the __shared__ array written here; a host
// program that runs the kernels on the CPU (kernels/dev/host_selfcheck.cpp, through kernels/dev/simt_host.h) defines
// it before including this file, as its emulated block's memory.
#ifndef GCGAN_SHARED_ARRAY
#define GCGAN_SHARED_ARRAY(T, name, n) __shared__ T name[n]
#endif

namespace gcgan {
namespace batchnorm {

using gcgan::detail::add_rn;
using gcgan::detail::div_rn;
using gcgan::detail::mul_rn;
using gcgan::detail::sqrt_rn;
using gcgan::detail::sub_rn;

constexpr int kMaxThreads = 256;         // threads per block, at most (a multiple of 32, for block_reduce)
constexpr int64_t kTargetBlocks = 1024;  // split channels until about this many blocks (H100: 132 SMs x 8 blocks)
constexpr int64_t kMinChunk = 4096;      // elements of a split channel per block, at least
constexpr int64_t kChunkAlign = 256;     // split chunks start at multiples of this many elements
// Largest n * c * s accepted: Plan::step_offset (at most kMaxThreads * c * s + s) must fit in int64_t.
constexpr int64_t kMaxNumel = int64_t{1} << 54;

struct Plan {
    int64_t n, c, s;
    int64_t count;        // n * s: elements per channel, the divisor of mean and var
    int64_t row_stride;   // c * s: from element (i, k, j) to (i + 1, k, j)
    int64_t parts;        // blocks per channel (1: a block does a whole channel)
    int64_t chunk;        // elements of a channel per block; parts = ceil(count / chunk)
    int threads;          // per block: a multiple of 32 in [32, kMaxThreads]
    int64_t step_rows;    // threads / s: whole runs a thread's walk advances per step ...
    int64_t step_cols;    // threads % s: ... plus this many elements within a run
    int64_t step_offset;  // step_rows * row_stride + step_cols: the memory step before a run wraps
};

__host__ __device__ __forceinline__ int64_t ceil_div(int64_t a, int64_t b) { return (a + b - 1) / b; }

// The plan with a given number of parts (clamped to [1, count]); host code and the host check call this directly.
inline Plan plan_with_parts(int64_t n, int64_t c, int64_t s, int64_t parts) {
    Plan p{};
    p.n = n;
    p.c = c;
    p.s = s;
    p.count = n * s;
    p.row_stride = c * s;
    if (parts < 1) parts = 1;
    if (parts > p.count) parts = p.count;
    p.chunk = ceil_div(p.count, parts);
    if (parts > 1 && p.chunk > kChunkAlign) {
        p.chunk = ceil_div(p.chunk, kChunkAlign) * kChunkAlign;  // aligned chunk starts: whole 128-byte lines
    }
    p.parts = ceil_div(p.count, p.chunk);  // no empty part
    const int64_t want = p.chunk >= kMaxThreads ? kMaxThreads : ceil_div(p.chunk, 32) * 32;
    p.threads = static_cast<int>(want);
    p.step_rows = p.threads / s;
    p.step_cols = p.threads - p.step_rows * s;
    p.step_offset = p.step_rows * p.row_stride + p.step_cols;
    return p;
}

// The launch plan: one block per channel unless there are fewer than kTargetBlocks channels and a channel has at
// least 2 kMinChunk elements; then each channel is split into min(ceil(kTargetBlocks / c), count / kMinChunk) parts.
inline Plan make_plan(int64_t n, int64_t c, int64_t s) {
    const int64_t count = n * s;
    int64_t parts = 1;
    if (c < kTargetBlocks && count >= 2 * kMinChunk) {
        const int64_t wanted = ceil_div(kTargetBlocks, c);
        const int64_t most = count / kMinChunk;
        parts = wanted < most ? wanted : most;
    }
    return plan_with_parts(n, c, s, parts);
}

// The elements [begin, end) of block item b's chunk.
__host__ __device__ __forceinline__ void chunk_range(const Plan& p, int64_t part, int64_t& begin, int64_t& end) {
    begin = part * p.chunk;
    end = p.count - begin < p.chunk ? p.count : begin + p.chunk;
}

// Thread t's walk over channel k's elements in [begin, end): e = begin + t, e + threads, ... The offset
// (i * c + k) * s + j of e = i * s + j is found with one division at the start, then advanced without dividing:
//     for (Walk w(p, k, begin, end, t); w.valid(); w.next(p)) { ... x[w.off] ... }
struct Walk {
    int64_t e;    // the element's index within the channel
    int64_t end;
    int64_t j;    // e % s
    int64_t off;  // its offset in x; never advanced past the last element, so it cannot overflow

    __host__ __device__ __forceinline__ Walk(const Plan& p, int64_t k, int64_t begin, int64_t end_, int t)
        : e(begin + t), end(end_), j(0), off(0) {
        if (e < end) {
            const int64_t i = e / p.s;
            j = e - i * p.s;
            off = (i * p.c + k) * p.s + j;
        }
    }

    __host__ __device__ __forceinline__ bool valid() const { return e < end; }

    __host__ __device__ __forceinline__ void next(const Plan& p) {
        e += p.threads;
        if (e >= end) return;
        j += p.step_cols;
        off += p.step_offset;
        if (j >= p.s) {  // into the next run: one more row_stride, back by s
            j -= p.s;
            off += p.row_stride - p.s;
        }
    }
};

// ---- per-channel scalars ----

// sum / count, the mean of a sum over one channel (also the biased variance from the sum of squared deviations).
__host__ __device__ __forceinline__ double channel_mean(double sum, int64_t count) {
    return div_rn(sum, static_cast<double>(count));
}

// 1 / sqrt(var + eps).
__host__ __device__ __forceinline__ double inv_std(double var, double eps) {
    return div_rn(1.0, sqrt_rn(add_rn(var, eps)));
}

// The partials of channel k (parts of them, from partials[k * parts]) added in part order.
__host__ __device__ __forceinline__ double combine_partials(const double* partials, int64_t k, int64_t parts) {
    const double* q = partials + k * parts;
    double acc = q[0];
    for (int64_t i = 1; i < parts; ++i) {
        acc = add_rn(acc, q[i]);
    }
    return acc;
}

// The running statistics' update (PyTorch's rule) from channel k's unrounded batch mean and biased var, in double,
// each result rounded once to T; the order of operations is the Java CPU backend's (CpuBatchNorm.forward):
//     unbiased        = var * count / (count - 1)                         (count >= 2)
//     running_mean[k] = (1 - momentum) * running_mean[k] + momentum * mean
//     running_var[k]  = (1 - momentum) * running_var[k]  + momentum * unbiased
// running_mean NULL (then running_var is NULL too, the entry point checks that): nothing is read or written.
template <typename T>
__host__ __device__ __forceinline__ void update_running_stats(T* running_mean, T* running_var, int64_t k,
                                                              double mean, double var, int64_t count,
                                                              double momentum) {
    if (running_mean == nullptr) return;
    const double m = static_cast<double>(count);
    const double unbiased = div_rn(mul_rn(var, m), sub_rn(m, 1.0));
    const double keep = sub_rn(1.0, momentum);
    const double rm = add_rn(mul_rn(keep, static_cast<double>(running_mean[k])), mul_rn(momentum, mean));
    const double rv = add_rn(mul_rn(keep, static_cast<double>(running_var[k])), mul_rn(momentum, unbiased));
    running_mean[k] = static_cast<T>(rm);
    running_var[k] = static_cast<T>(rv);
}

// forward's y = (x - mean) * scale + shift with scale = weight / sqrt(var + eps), shift = bias.
struct Affine {
    double mean;
    double scale;
    double shift;
};

template <typename T>
__host__ __device__ __forceinline__ Affine forward_affine(double mean, double var, double eps, const T* weight,
                                                          const T* bias, int64_t k) {
    const double invstd = inv_std(var, eps);
    Affine a;
    a.mean = mean;
    a.scale = weight != nullptr ? mul_rn(static_cast<double>(weight[k]), invstd) : invstd;
    a.shift = bias != nullptr ? static_cast<double>(bias[k]) : 0.0;
    return a;
}

// backward's dx = gain * ((dy - dy_mean) - xhat * dxhat_mean), xhat = (x - mean) * invstd.
struct BackwardCoefficients {
    double mean;
    double invstd;
    double gain;        // weight / sqrt(var + eps)
    double dy_mean;     // dbias / count
    double dxhat_mean;  // dweight / count
};

template <typename T>
__host__ __device__ __forceinline__ BackwardCoefficients backward_coefficients(double mean, double invstd,
                                                                               const T* weight, int64_t k,
                                                                               double sum_dy, double sum_dy_xhat,
                                                                               int64_t count) {
    BackwardCoefficients b;
    b.mean = mean;
    b.invstd = invstd;
    b.gain = weight != nullptr ? mul_rn(static_cast<double>(weight[k]), invstd) : invstd;
    b.dy_mean = channel_mean(sum_dy, count);
    b.dxhat_mean = channel_mean(sum_dy_xhat, count);
    return b;
}

// ---- per-thread stages (thread t of a block over elements [begin, end) of channel k) ----

// sum(x).
template <typename T>
__host__ __device__ __forceinline__ double thread_sum(const T* x, const Plan& p, int64_t k, int64_t begin,
                                                      int64_t end, int t) {
    double acc = 0.0;
    for (Walk w(p, k, begin, end, t); w.valid(); w.next(p)) {
        acc = add_rn(acc, static_cast<double>(x[w.off]));
    }
    return acc;
}

// sum((x - mean)^2).
template <typename T>
__host__ __device__ __forceinline__ double thread_squared_deviations(const T* x, const Plan& p, int64_t k,
                                                                     int64_t begin, int64_t end, int t, double mean) {
    double acc = 0.0;
    for (Walk w(p, k, begin, end, t); w.valid(); w.next(p)) {
        const double d = sub_rn(static_cast<double>(x[w.off]), mean);
        acc = add_rn(acc, mul_rn(d, d));
    }
    return acc;
}

// y = (x - mean) * scale + shift, rounded once to T. y may be x (each element is read, then written, by one thread).
template <typename T>
__host__ __device__ __forceinline__ void thread_normalize(const T* x, T* y, const Plan& p, int64_t k, int64_t begin,
                                                          int64_t end, int t, const Affine& a) {
    for (Walk w(p, k, begin, end, t); w.valid(); w.next(p)) {
        const double v = add_rn(mul_rn(sub_rn(static_cast<double>(x[w.off]), a.mean), a.scale), a.shift);
        y[w.off] = static_cast<T>(v);
    }
}

// sum(dy) and sum(dy * xhat).
template <typename T>
__host__ __device__ __forceinline__ void thread_backward_sums(const T* dy, const T* x, const Plan& p, int64_t k,
                                                              int64_t begin, int64_t end, int t, double mean,
                                                              double invstd, double& sum_dy, double& sum_dy_xhat) {
    double a = 0.0;
    double b = 0.0;
    for (Walk w(p, k, begin, end, t); w.valid(); w.next(p)) {
        const double g = static_cast<double>(dy[w.off]);
        const double xhat = mul_rn(sub_rn(static_cast<double>(x[w.off]), mean), invstd);
        a = add_rn(a, g);
        b = add_rn(b, mul_rn(g, xhat));
    }
    sum_dy = a;
    sum_dy_xhat = b;
}

// dx = gain * ((dy - dy_mean) - xhat * dxhat_mean), rounded once to T. dx may be dy or x.
template <typename T>
__host__ __device__ __forceinline__ void thread_dx(const T* dy, const T* x, T* dx, const Plan& p, int64_t k,
                                                   int64_t begin, int64_t end, int t,
                                                   const BackwardCoefficients& b) {
    for (Walk w(p, k, begin, end, t); w.valid(); w.next(p)) {
        const double g = static_cast<double>(dy[w.off]);
        const double xhat = mul_rn(sub_rn(static_cast<double>(x[w.off]), b.mean), b.invstd);
        const double v = mul_rn(b.gain, sub_rn(sub_rn(g, b.dy_mean), mul_rn(xhat, b.dxhat_mean)));
        dx[w.off] = static_cast<T>(v);
    }
}

}  // namespace batchnorm
}  // namespace gcgan

// ---- kernels ----
//
// The kernels are compiled by the host compiler too: kernels/dev/host_selfcheck.cpp calls them as functions, every
// thread of a block a fiber of kernels/dev/simt_host.h, so their shared memory is declared through GCGAN_SHARED_ARRAY
// and only the launches (<<<...>>>, in batchnorm.cu) are nvcc's alone. In the unnamed namespace, where batchnorm.cu
// had them: the kernels' names, and so the library's PTX, stay as they were.
namespace {

using namespace gcgan::batchnorm;
using gcgan::detail::block_reduce;

// ---- fused: one block per channel ----

template <typename T>
__global__ void __launch_bounds__(kMaxThreads) batchnorm_forward_fused_kernel(
        const T* x, const T* __restrict__ weight, const T* __restrict__ bias, T* y, T* __restrict__ mean_out,
        T* __restrict__ var_out, T* __restrict__ running_mean, T* __restrict__ running_var, double momentum,
        const Plan p, double eps) {
    GCGAN_SHARED_ARRAY(double, scratch, 32);
    const int t = threadIdx.x;
    for (int64_t k = blockIdx.x; k < p.c; k += gridDim.x) {  // uniform over the block
        const double sum = block_reduce<false>(thread_sum(x, p, k, 0, p.count, t), scratch);
        const double mean = channel_mean(sum, p.count);
        const double sq = block_reduce<false>(thread_squared_deviations(x, p, k, 0, p.count, t, mean), scratch);
        const double var = channel_mean(sq, p.count);
        // every read of x for the statistics is done (block_reduce ends with a barrier): y may be x
        thread_normalize(x, y, p, k, 0, p.count, t, forward_affine(mean, var, eps, weight, bias, k));
        if (t == 0) {
            mean_out[k] = static_cast<T>(mean);
            var_out[k] = static_cast<T>(var);
            update_running_stats(running_mean, running_var, k, mean, var, p.count, momentum);  // NULL: nothing
        }
    }
}

template <typename T>
__global__ void __launch_bounds__(kMaxThreads) batchnorm_backward_fused_kernel(
        const T* dy, const T* x, const T* __restrict__ mean_in, const T* __restrict__ var_in,
        const T* __restrict__ weight, T* dx, T* __restrict__ dweight, T* __restrict__ dbias, const Plan p,
        double eps) {
    GCGAN_SHARED_ARRAY(double, scratch, 32);
    const int t = threadIdx.x;
    for (int64_t k = blockIdx.x; k < p.c; k += gridDim.x) {
        const double mean = static_cast<double>(mean_in[k]);
        const double invstd = inv_std(static_cast<double>(var_in[k]), eps);
        double sum_dy;
        double sum_dy_xhat;
        thread_backward_sums(dy, x, p, k, 0, p.count, t, mean, invstd, sum_dy, sum_dy_xhat);
        sum_dy = block_reduce<false>(sum_dy, scratch);
        sum_dy_xhat = block_reduce<false>(sum_dy_xhat, scratch);
        if (t == 0) {
            if (dbias != nullptr) dbias[k] = static_cast<T>(sum_dy);
            if (dweight != nullptr) dweight[k] = static_cast<T>(sum_dy_xhat);
        }
        if (dx != nullptr) {  // after the barriers of block_reduce: dx may be dy or x
            thread_dx(dy, x, dx, p, k, 0, p.count, t,
                      backward_coefficients(mean, invstd, weight, k, sum_dy, sum_dy_xhat, p.count));
        }
    }
}

// ---- split: parts blocks per channel, float64 partials in scratch ----

// partial_sum[b] = sum of x over chunk b % parts of channel b / parts.
template <typename T>
__global__ void __launch_bounds__(kMaxThreads) batchnorm_forward_sum_kernel(const T* __restrict__ x,
                                                                            double* __restrict__ partial_sum,
                                                                            const Plan p) {
    GCGAN_SHARED_ARRAY(double, scratch, 32);
    const int64_t items = p.c * p.parts;
    for (int64_t b = blockIdx.x; b < items; b += gridDim.x) {
        const int64_t k = b / p.parts;
        int64_t begin, end;
        chunk_range(p, b - k * p.parts, begin, end);
        const double v = block_reduce<false>(thread_sum(x, p, k, begin, end, threadIdx.x), scratch);
        if (threadIdx.x == 0) partial_sum[b] = v;
    }
}

// partial_sq[b] = sum of (x - mean)^2 over chunk b, mean from channel k's partial sums.
template <typename T>
__global__ void __launch_bounds__(kMaxThreads) batchnorm_forward_squares_kernel(
        const T* __restrict__ x, const double* __restrict__ partial_sum, double* __restrict__ partial_sq,
        const Plan p) {
    GCGAN_SHARED_ARRAY(double, scratch, 32);
    const int64_t items = p.c * p.parts;
    for (int64_t b = blockIdx.x; b < items; b += gridDim.x) {
        const int64_t k = b / p.parts;
        int64_t begin, end;
        chunk_range(p, b - k * p.parts, begin, end);
        const double mean = channel_mean(combine_partials(partial_sum, k, p.parts), p.count);
        const double v = block_reduce<false>(thread_squared_deviations(x, p, k, begin, end, threadIdx.x, mean),
                                             scratch);
        if (threadIdx.x == 0) partial_sq[b] = v;
    }
}

// y over chunk b from channel k's statistics; the block of part 0 stores mean[k] and var[k] and updates the running
// statistics (when given).
template <typename T>
__global__ void __launch_bounds__(kMaxThreads) batchnorm_forward_normalize_kernel(
        const T* x, const T* __restrict__ weight, const T* __restrict__ bias, const double* __restrict__ partial_sum,
        const double* __restrict__ partial_sq, T* y, T* __restrict__ mean_out, T* __restrict__ var_out,
        T* __restrict__ running_mean, T* __restrict__ running_var, double momentum, const Plan p, double eps) {
    const int64_t items = p.c * p.parts;
    for (int64_t b = blockIdx.x; b < items; b += gridDim.x) {
        const int64_t k = b / p.parts;
        const int64_t part = b - k * p.parts;
        int64_t begin, end;
        chunk_range(p, part, begin, end);
        const double mean = channel_mean(combine_partials(partial_sum, k, p.parts), p.count);
        const double var = channel_mean(combine_partials(partial_sq, k, p.parts), p.count);
        thread_normalize(x, y, p, k, begin, end, threadIdx.x, forward_affine(mean, var, eps, weight, bias, k));
        if (part == 0 && threadIdx.x == 0) {
            mean_out[k] = static_cast<T>(mean);
            var_out[k] = static_cast<T>(var);
            update_running_stats(running_mean, running_var, k, mean, var, p.count, momentum);  // NULL: nothing
        }
    }
}

// partial_dy[b] = sum(dy), partial_dy_xhat[b] = sum(dy * xhat) over chunk b.
template <typename T>
__global__ void __launch_bounds__(kMaxThreads) batchnorm_backward_sums_kernel(
        const T* __restrict__ dy, const T* __restrict__ x, const T* __restrict__ mean_in,
        const T* __restrict__ var_in, double* __restrict__ partial_dy, double* __restrict__ partial_dy_xhat,
        const Plan p, double eps) {
    GCGAN_SHARED_ARRAY(double, scratch, 32);
    const int64_t items = p.c * p.parts;
    for (int64_t b = blockIdx.x; b < items; b += gridDim.x) {
        const int64_t k = b / p.parts;
        int64_t begin, end;
        chunk_range(p, b - k * p.parts, begin, end);
        double sum_dy;
        double sum_dy_xhat;
        thread_backward_sums(dy, x, p, k, begin, end, threadIdx.x, static_cast<double>(mean_in[k]),
                             inv_std(static_cast<double>(var_in[k]), eps), sum_dy, sum_dy_xhat);
        sum_dy = block_reduce<false>(sum_dy, scratch);
        sum_dy_xhat = block_reduce<false>(sum_dy_xhat, scratch);
        if (threadIdx.x == 0) {
            partial_dy[b] = sum_dy;
            partial_dy_xhat[b] = sum_dy_xhat;
        }
    }
}

// dx over chunk b (when dx is wanted); the block of part 0 stores dweight[k] and dbias[k] (when wanted).
template <typename T>
__global__ void __launch_bounds__(kMaxThreads) batchnorm_backward_dx_kernel(
        const T* dy, const T* x, const T* __restrict__ mean_in, const T* __restrict__ var_in,
        const T* __restrict__ weight, const double* __restrict__ partial_dy,
        const double* __restrict__ partial_dy_xhat, T* dx, T* __restrict__ dweight, T* __restrict__ dbias,
        const Plan p, double eps) {
    const int64_t items = p.c * p.parts;
    for (int64_t b = blockIdx.x; b < items; b += gridDim.x) {
        const int64_t k = b / p.parts;
        const int64_t part = b - k * p.parts;
        const double sum_dy = combine_partials(partial_dy, k, p.parts);
        const double sum_dy_xhat = combine_partials(partial_dy_xhat, k, p.parts);
        if (part == 0 && threadIdx.x == 0) {
            if (dbias != nullptr) dbias[k] = static_cast<T>(sum_dy);
            if (dweight != nullptr) dweight[k] = static_cast<T>(sum_dy_xhat);
        }
        if (dx != nullptr) {
            int64_t begin, end;
            chunk_range(p, part, begin, end);
            const double mean = static_cast<double>(mean_in[k]);
            const double invstd = inv_std(static_cast<double>(var_in[k]), eps);
            thread_dx(dy, x, dx, p, k, begin, end, threadIdx.x,
                      backward_coefficients(mean, invstd, weight, k, sum_dy, sum_dy_xhat, p.count));
        }
    }
}

}  // namespace

#endif  // GCGAN_BATCHNORM_INTERNAL_CUH
