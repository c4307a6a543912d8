// device_common.cuh - internal to libgcgan_kernels (not installed, not exported): what the dense-op kernels
// (fill.cu, copy.cu, unary.cu, binary.cu, rectifier.cu, reduce.cu, optimizer.cu) share.
//
//  - launch sizing for grid-stride loops;
//  - strided index math over a gcgan_strided_layout (flat row-major index -> per-operand element offsets);
//  - IEEE round-to-nearest double operations that nvcc may not contract into FMAs (so that float64 results equal
//    the Java CPU backend's, which never contracts);
//  - the elementwise semantics of io.gcgan.backend.cpu.ElementMath in double (Java's NaN rules for max/min/pow);
//  - block and warp reductions in double.
//
// Everything here is __host__ __device__ where it can be, so that a host-only test can check the index math.
#ifndef GCGAN_DEVICE_COMMON_CUH
#define GCGAN_DEVICE_COMMON_CUH

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>

#include "gcgan_kernels.h"
#include "status_internal.h"

namespace gcgan {
namespace detail {

// ---- launch sizing ----

constexpr int kThreads = 256;          // threads per block of the elementwise kernels
constexpr int64_t kMaxGrid = 65536;    // beyond this many blocks the grid-stride loops take over

// Blocks for n elements at kThreads per block, at least 1, at most kMaxGrid.
inline unsigned grid_for(int64_t n) {
    const int64_t blocks = (n + kThreads - 1) / kThreads;
    return static_cast<unsigned>(blocks < 1 ? 1 : (blocks > kMaxGrid ? kMaxGrid : blocks));
}

// ---- strided index math ----

// `#pragma unroll` for the device pass only (the host compiler warns about the pragma; N is a constant anyway).
#ifdef __CUDA_ARCH__
#define GCGAN_UNROLL _Pragma("unroll")
#else
#define GCGAN_UNROLL
#endif

// The per-operand element offsets of flat index `flat` (row-major over layout.shape). Dimension 0 needs no
// division: after the loop the remainder is its index. N = operands used.
template <int N>
__host__ __device__ __forceinline__ void strided_offsets(const gcgan_strided_layout& layout, int64_t flat,
                                                         int64_t (&off)[N]) {
GCGAN_UNROLL
    for (int k = 0; k < N; ++k) {
        off[k] = layout.offsets[k];
    }
    int64_t rem = flat;
    for (int d = layout.rank - 1; d >= 1; --d) {
        const int64_t size = layout.shape[d];
        const int64_t q = rem / size;
        const int64_t i = rem - q * size;
        rem = q;
GCGAN_UNROLL
        for (int k = 0; k < N; ++k) {
            off[k] += i * layout.strides[k][d];
        }
    }
    if (layout.rank > 0) {
GCGAN_UNROLL
        for (int k = 0; k < N; ++k) {
            off[k] += rem * layout.strides[k][0];
        }
    }
}

// The offset of flat index `flat` over (shape, strides) of `rank` dimensions.
__host__ __device__ __forceinline__ int64_t offset_of(int64_t flat, int rank, const int64_t* shape,
                                                      const int64_t* strides) {
    int64_t off = 0;
    int64_t rem = flat;
    for (int d = rank - 1; d >= 1; --d) {
        const int64_t q = rem / shape[d];
        off += (rem - q * shape[d]) * strides[d];
        rem = q;
    }
    if (rank > 0) {
        off += rem * strides[0];
    }
    return off;
}

// Validates a layout (not NULL, rank in range, sizes >= 0); returns GCGAN_OK and writes the element count
// (prod(shape), 1 for rank 0) to *count, or records the problem for `call` and returns GCGAN_ERR_INVALID_ARGUMENT.
// Defined in layout.cu.
gcgan_status check_layout(const char* call, const gcgan_strided_layout* layout, int64_t* count);

// ---- IEEE double operations, never contracted ----

__host__ __device__ __forceinline__ double add_rn(double a, double b) {
#ifdef __CUDA_ARCH__
    return __dadd_rn(a, b);
#else
    return a + b;
#endif
}

__host__ __device__ __forceinline__ double sub_rn(double a, double b) {
#ifdef __CUDA_ARCH__
    return __dsub_rn(a, b);
#else
    return a - b;
#endif
}

__host__ __device__ __forceinline__ double mul_rn(double a, double b) {
#ifdef __CUDA_ARCH__
    return __dmul_rn(a, b);
#else
    return a * b;
#endif
}

__host__ __device__ __forceinline__ double div_rn(double a, double b) {
#ifdef __CUDA_ARCH__
    return __ddiv_rn(a, b);
#else
    return a / b;
#endif
}

__host__ __device__ __forceinline__ double sqrt_rn(double a) {
#ifdef __CUDA_ARCH__
    return __dsqrt_rn(a);
#else
    return std::sqrt(a);
#endif
}

// ---- Java's elementwise semantics (io.gcgan.backend.cpu.ElementMath), in double ----

__host__ __device__ __forceinline__ bool is_nan(double x) { return x != x; }

// java.lang.Math.max: NaN if either is NaN; max(-0, +0) = +0. (fmax returns the other operand for one NaN.)
__host__ __device__ __forceinline__ double java_max(double a, double b) {
    if (is_nan(a)) return a;
    if (is_nan(b)) return b;
    if (a == 0.0 && b == 0.0) return signbit(a) ? b : a;
    return a >= b ? a : b;
}

// java.lang.Math.min: NaN if either is NaN; min(-0, +0) = -0.
__host__ __device__ __forceinline__ double java_min(double a, double b) {
    if (is_nan(a)) return a;
    if (is_nan(b)) return b;
    if (a == 0.0 && b == 0.0) return signbit(a) ? a : b;
    return a <= b ? a : b;
}

// java.lang.Math.pow where it differs from C's pow: a NaN exponent gives NaN even for x = 1 (C: 1), and
// |x| == 1 with an infinite exponent gives NaN (C: 1). pow(x, +-0) = 1 in both, also for x = NaN.
__host__ __device__ __forceinline__ double java_pow(double x, double p) {
    if (is_nan(p)) return p;
    if (fabs(x) == 1.0 && isinf(p)) return NAN;
    return pow(x, p);
}

// ElementMath.pow: the common exponents done exactly the way a multiply would.
__host__ __device__ __forceinline__ double element_pow(double x, double p) {
    if (p == 2.0) return mul_rn(x, x);
    if (p == 1.0) return x;
    return java_pow(x, p);
}

// ElementMath.sigmoid: never evaluates exp of a large positive number.
__host__ __device__ __forceinline__ double element_sigmoid(double x) {
    if (x >= 0) {
        return div_rn(1.0, add_rn(1.0, exp(-x)));
    }
    const double e = exp(x);
    return div_rn(e, add_rn(1.0, e));
}

// Backend.rectifierBackward's element: g * (x > 0 ? positive : other), the factors first rounded to T (as the
// composed form's `where` stores them), one double multiply rounded once to T. The comparison and the multiply are
// those of binary.cu's GT and MUL, so the result is the composed GT -> where -> MUL bit for bit (a NaN x selects
// `other`; the operand order g * factor is MUL(g, mask's factor), which matters only for which NaN comes out when
// both are NaN).
template <typename T>
__host__ __device__ __forceinline__ T rectifier_backward_element(T x, T g, double positive, double other) {
    const double factor = static_cast<double>(static_cast<T>(static_cast<double>(x) > 0.0 ? positive : other));
    return static_cast<T>(mul_rn(static_cast<double>(g), factor));
}

// ---- reductions in double ----

__device__ __forceinline__ double combine_max(double a, double b) {
    // ReduceOp.MAX: NaN wins; otherwise the larger (v > s keeps the first of equal values in the CPU loop).
    if (is_nan(a)) return a;
    if (is_nan(b)) return b;
    return b > a ? b : a;
}

template <bool kMax>
__device__ __forceinline__ double combine(double a, double b) {
    if constexpr (kMax) {
        return combine_max(a, b);
    } else {
        return a + b;
    }
}

template <bool kMax>
__device__ __forceinline__ double warp_reduce(double v) {
#pragma unroll
    for (int delta = 16; delta > 0; delta >>= 1) {
        v = combine<kMax>(v, __shfl_down_sync(0xffffffffu, v, delta));
    }
    return v;  // valid in lane 0
}

// Reduces v over the block (blockDim.x a multiple of 32, at most 1024); the result is returned to EVERY thread.
// `scratch` is __shared__ double[32]. Contains __syncthreads: every thread of the block must call it.
template <bool kMax>
__device__ __forceinline__ double block_reduce(double v, double* scratch) {
    const int lane = threadIdx.x & 31;
    const int warp = threadIdx.x >> 5;
    const int warps = blockDim.x >> 5;
    v = warp_reduce<kMax>(v);
    __syncthreads();  // scratch may still be read by a previous call
    if (lane == 0) {
        scratch[warp] = v;
    }
    __syncthreads();
    if (warp == 0) {
        double w = lane < warps ? scratch[lane] : (kMax ? -INFINITY : 0.0);
        w = warp_reduce<kMax>(w);
        if (lane == 0) {
            scratch[0] = w;
        }
    }
    __syncthreads();
    return scratch[0];
}

// ---- argument checks shared by the entry points ----

inline gcgan_status check_count(const char* call, int64_t n) {
    if (n < 0) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "n = %lld must be >= 0", static_cast<long long>(n));
    }
    return GCGAN_OK;
}

inline gcgan_status check_pointer(const char* call, const void* p, const char* name, int64_t n) {
    if (p == nullptr && n > 0) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s is NULL with %lld elements", name,
                    static_cast<long long>(n));
    }
    return GCGAN_OK;
}

}  // namespace detail
}  // namespace gcgan

#endif  // GCGAN_DEVICE_COMMON_CUH
