// conv_internal.cuh - internal to libgcgan_kernels (not installed, not exported): the implicit-GEMM conv2d
// kernels of conv.cu, written so that a host-only program (kernels/dev/conv_host_check.cpp, compiled by the host
// compiler) can run the very same kernels - index math, tiling, stride phases, barriers, split-K - on the CPU and
// compare with a naive convolution.
//
// Shapes (gcgan_conv_geometry): x [N, C, H, W], w [K, C, R, S], y [N, K, P, Q], all dense NCHW / KCRS,
//   P = (H + 2 padH - R) / strideH + 1, Q likewise;  y[n,k,p,q] = sum_{c,r,s} x[n,c,p*sh-ph+r, q*sw-pw+s] w[k,c,r,s]
// (x outside [0,H) x [0,W) is zero).
//
// Every pass is one GEMM  C[m][nn] = sum_kk A(m, kk) * B(kk, nn)  whose operands are gathered on the fly:
//   forward          m = (n, p, q)        nn = k   kk = (c, r, s)          A = x (im2col), B = w,  C -> y
//   backward-data    m = (n, jh, jw)      nn = c   kk = (k, th, tw)        A = dy,         B = w,  C -> dx
//                    one GEMM per stride phase (rh, rw) = ((h + padH) mod sh, (w + padW) mod sw): output pixel
//                    h = h0 + jh*sh only receives taps r = rh + th*sh (th < ceil(R/sh)), from p = bu + jh - th;
//                    rows with h >= H (the phases' row counts differ by at most one) are computed, not stored.
//   backward-weight  m = (c, r, s)        nn = k   kk = (n, p, q)          A = x (im2col), B = dy, C -> dw
//                    (the GEMM of dw^T, so that the thread-contiguous m dimension is dw's contiguous one)
//   backward-data, one output pixel (p = q = 1): m = (c, h, w), nn = n, kk = k, A = w, B = dy, C -> dx
//                    (every input pixel meets exactly one tap, so the phase GEMM's K would be mostly empty)
// GEMM dimensions and every index below 2^31 are int32 (checked by the entry points); element offsets into the
// tensors are int64.
//
// Kernel (conv_gemm_kernel): a block computes a BM x BN tile of C for one (phase, split) = blockIdx.z; each thread
// owns TM x TN elements, warp-tiled (TileConfig: a warp of 8 x 4 lanes covers a (8 TM) x (4 TN) sub-tile, each lane
// TM consecutive rows by TN consecutive columns, read from shared memory with vector loads). The K loop walks
// BK-deep slices: global -> registers (the next slice) while the current slice in shared memory is multiplied, then
// registers -> the other shared buffer, one __syncthreads per slice. With TF32 allowed (float32), conv_mma_kernel
// does the same with mma.sync tensor-core instructions (MmaGemm).
// Few columns (N <= 4): conv_skinny_kernel instead, 512 rows x N per block, A read straight from global memory
// (no reuse to gain from shared memory), B in shared memory.
// Backward-data with c <= 4 input channels and enough pixels: conv_direct_backward_data_kernel, one thread per
// dx pixel over its valid taps only, no GEMM (DirectBackwardData).
// Split-K (few tiles, long K): split z covers kk in [z * chunk, min(K, (z + 1) * chunk)), chunk a multiple of BK,
// and writes its tile to partial[(slot * N + nn) * M + m] (slot = phase * splits + split); conv_splitk_reduce
// then sums the splits of each element in split order (double accumulation) and stores it: deterministic, no
// atomics.
#ifndef GCGAN_CONV_INTERNAL_CUH
#define GCGAN_CONV_INTERNAL_CUH

#include <cuda_runtime.h>

#include <climits>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "device_common.cuh"
#include "gcgan_kernels.h"

// The kernels' shared memory (below), declared through these: on the device the __shared__ arrays written here; a
// host program that runs the kernels on the CPU (kernels/dev/conv_host_check.cpp, through kernels/dev/simt_host.h)
// defines them before including this file, as its emulated block's memory.
//   GCGAN_SHARED_ARRAY(T, name, n)                  T name[n]
//   GCGAN_SHARED_ARRAY_2D(align, T, name, n0, n1)   T name[n0][n1], aligned to `align` bytes
//   GCGAN_DYNAMIC_SHARED_BYTES(align, name)         the launch's dynamic shared memory as unsigned char name[]
#ifndef GCGAN_SHARED_ARRAY
#define GCGAN_SHARED_ARRAY(T, name, n) __shared__ T name[n]
#endif
#ifndef GCGAN_SHARED_ARRAY_2D
#define GCGAN_SHARED_ARRAY_2D(align, T, name, n0, n1) __shared__ __align__(align) T name[n0][n1]
#endif
#ifndef GCGAN_DYNAMIC_SHARED_BYTES
#define GCGAN_DYNAMIC_SHARED_BYTES(align, name) extern __shared__ __align__(align) unsigned char name[]
#endif

namespace gcgan {
namespace conv {

// The largest GEMM dimension (M, N, K of any pass) the kernels take: int32 indices with room for a tile or slice
// beyond the end (m0 + BM, k0 + BK never overflow).
constexpr int64_t kMaxGemmDim = INT32_MAX - 4096;

// The end of the split starting at k_begin: min(K, k_begin + chunk), without forming k_begin + chunk.
__host__ __device__ __forceinline__ int32_t split_end(int32_t K, int32_t k_begin, int32_t chunk) {
    return chunk >= K - k_begin ? K : k_begin + chunk;
}

// ---- fast division by a run-time constant (for 0 <= n < 2^31, 1 <= d < 2^31) ----
//
// Round-up reciprocal: with l = ceil(log2 d), mul = ceil(2^(31 + l) / d) (< 2^32), n / d = (n * mul) >> (31 + l).
// The error of mul is e = mul * d - 2^(31+l) < d <= 2^l, so n * mul / 2^(31+l) = n/d + n*e/(d 2^(31+l)) and
// n * e < 2^31 * 2^l: the excess stays below 1/d, which cannot reach the next integer. d == 1 is special-cased.
struct FastDiv {
    int32_t d;
    uint32_t mul;
    uint32_t shift;  // 31 + l - 32 = l - 1 applied after taking the high word

    static FastDiv make(int32_t divisor) {
        FastDiv f{divisor, 0u, 0u};
        if (divisor > 1) {
            uint32_t l = 0;
            while ((1ull << l) < static_cast<uint64_t>(divisor)) ++l;
            f.mul = static_cast<uint32_t>(((1ull << (31 + l)) + static_cast<uint64_t>(divisor) - 1) /
                                          static_cast<uint64_t>(divisor));
            f.shift = l - 1;
        }
        return f;
    }

    __host__ __device__ __forceinline__ int32_t div(int32_t n) const {
        if (d == 1) return n;
#ifdef __CUDA_ARCH__
        return static_cast<int32_t>(__umulhi(static_cast<uint32_t>(n), mul) >> shift);
#else
        return static_cast<int32_t>(((static_cast<uint64_t>(static_cast<uint32_t>(n)) * mul) >> 32) >> shift);
#endif
    }

    // q = n / d, r = n % d
    __host__ __device__ __forceinline__ void divmod(int32_t n, int32_t& q, int32_t& r) const {
        q = div(n);
        r = n - q * d;
    }
};

// The geometry as the kernels see it (built and range-checked by conv.cu's entry points).
struct ConvDims {
    int32_t n, c, h, w, k, r, s, p, q;
    int32_t sh, sw, ph, pw;
    int32_t tr, ts;  // taps per stride phase: ceil(r / sh), ceil(s / sw)
    int32_t hm, wm;  // rows, cols per stride phase (the largest phase): ceil(h / sh), ceil(w / sw)
    int64_t hw, pq;  // h * w, p * q
    FastDiv div_pq, div_q, div_rs, div_s, div_hmwm, div_wm, div_taps, div_ts;
    FastDiv div_hw, div_w;  // h * w (only when it is below 2^31, else 1: see BackwardDataOnePixelProblem), w
};

inline ConvDims make_dims(int32_t n, int32_t c, int32_t h, int32_t w, int32_t k, int32_t r, int32_t s, int32_t sh,
                          int32_t sw, int32_t ph, int32_t pw) {
    ConvDims d{};
    d.n = n; d.c = c; d.h = h; d.w = w; d.k = k; d.r = r; d.s = s;
    d.sh = sh; d.sw = sw; d.ph = ph; d.pw = pw;
    d.p = (h + 2 * ph - r) / sh + 1;
    d.q = (w + 2 * pw - s) / sw + 1;
    d.tr = (r + sh - 1) / sh;
    d.ts = (s + sw - 1) / sw;
    d.hm = (h + sh - 1) / sh;
    d.wm = (w + sw - 1) / sw;
    d.hw = static_cast<int64_t>(h) * w;
    d.pq = static_cast<int64_t>(d.p) * d.q;
    d.div_pq = FastDiv::make(d.p * d.q);
    d.div_q = FastDiv::make(d.q);
    d.div_rs = FastDiv::make(r * s);
    d.div_s = FastDiv::make(s);
    d.div_hmwm = FastDiv::make(d.hm * d.wm);
    d.div_wm = FastDiv::make(d.wm);
    d.div_taps = FastDiv::make(d.tr * d.ts);
    d.div_ts = FastDiv::make(d.ts);
    d.div_hw = FastDiv::make(d.hw <= INT32_MAX ? static_cast<int32_t>(d.hw) : 1);
    d.div_w = FastDiv::make(w);
    return d;
}

// ---- the three problems: gathers of A and B, and where C goes ----
//
// Each problem splits an operand element's index math into the part that depends on the row (m for A, nn for B:
// computed once per thread, hoisted out of the K loop) and the part that depends on kk (once per slice).
// A load outside the GEMM (m >= M, kk >= k_end, a tap outside the filter or the image) reads nothing and gives 0.

// Forward: A(m = (n,p,q), kk = (c,r,s)) = x[n, c, p*sh - ph + r, q*sw - pw + s], B(kk, nn = k) = w[k][kk].
template <typename T>
struct ForwardProblem {
    ConvDims d;
    const T* x;  // [n, c, h, w]
    const T* wt; // [k, c*r*s]
    T* y;        // [n, k, p, q]
    int32_t M, N, K;

    struct ARow { int64_t base; int32_t hb, wb; bool ok; };
    struct ACol { int64_t coff; int32_t r, s; bool ok; };
    struct BRow { int32_t kk; bool ok; };
    struct BCol { int64_t base; bool ok; };

    static ForwardProblem make(const ConvDims& d, const T* x, const T* w, T* y) {
        ForwardProblem pr{d, x, w, y, 0, 0, 0};
        pr.M = static_cast<int32_t>(static_cast<int64_t>(d.n) * d.p * d.q);
        pr.N = d.k;
        pr.K = d.c * d.r * d.s;
        return pr;
    }
    static constexpr int phases(const ConvDims&) { return 1; }
    __host__ __device__ void set_phase(int) {}

    __host__ __device__ ARow arow(int32_t m) const {
        int32_t ni, pqi, pi, qi;
        d.div_pq.divmod(m, ni, pqi);
        d.div_q.divmod(pqi, pi, qi);
        return ARow{static_cast<int64_t>(ni) * d.c * d.hw, pi * d.sh - d.ph, qi * d.sw - d.pw, m < M};
    }
    __host__ __device__ ACol acol(int32_t kk, int32_t k_end) const {
        int32_t ci, rs, ri, si;
        d.div_rs.divmod(kk, ci, rs);
        d.div_s.divmod(rs, ri, si);
        return ACol{static_cast<int64_t>(ci) * d.hw, ri, si, kk < k_end};
    }
    __host__ __device__ T aload(const ARow& a, const ACol& b) const {
        const int32_t hi = a.hb + b.r;
        const int32_t wi = a.wb + b.s;
        const bool inside = static_cast<uint32_t>(hi) < static_cast<uint32_t>(d.h) &&
                            static_cast<uint32_t>(wi) < static_cast<uint32_t>(d.w);
        return (a.ok && b.ok && inside) ? x[a.base + b.coff + static_cast<int64_t>(hi) * d.w + wi] : T(0);
    }
    __host__ __device__ BRow brow(int32_t kk, int32_t k_end) const { return BRow{kk, kk < k_end}; }
    __host__ __device__ BCol bcol(int32_t nn) const { return BCol{static_cast<int64_t>(nn) * K, nn < N}; }
    __host__ __device__ T bload(const BRow& a, const BCol& b) const {
        return (a.ok && b.ok) ? wt[b.base + a.kk] : T(0);
    }
    // Offset in y of C[m][nn] (m < M, nn < N), or -1 when the element is not stored.
    __host__ __device__ int64_t out_offset(int32_t m, int32_t nn) const {
        int32_t ni, pqi;
        d.div_pq.divmod(m, ni, pqi);
        return (static_cast<int64_t>(ni) * d.k + nn) * d.pq + pqi;
    }
    __host__ __device__ T* out() const { return y; }
};

// Backward-data, stride phase (rh, rw): A(m = (n,jh,jw), kk = (k,th,tw)) = dy[n, k, bu + jh - th, bv + jw - tw],
// B(kk, nn = c) = w[k, c, rh + th*sh, rw + tw*sw]; C[m][c] -> dx[n, c, h0 + jh*sh, w0 + jw*sw].
template <typename T>
struct BackwardDataProblem {
    ConvDims d;
    const T* dy;  // [n, k, p, q]
    const T* wt;  // [k, c, r, s]
    T* dx;        // [n, c, h, w]
    int32_t M, N, K;
    // the phase (set_phase)
    int32_t rh, rw, h0, w0, bu, bv;

    struct ARow { int64_t base; int32_t u, v; bool ok; };
    struct ACol { int64_t koff; int32_t th, tw; bool ok; };
    struct BRow { int64_t koff; int32_t r, s; bool ok; };
    struct BCol { int64_t coff; bool ok; };

    static BackwardDataProblem make(const ConvDims& d, const T* dy, const T* w, T* dx) {
        BackwardDataProblem pr{};
        pr.d = d; pr.dy = dy; pr.wt = w; pr.dx = dx;
        pr.M = static_cast<int32_t>(static_cast<int64_t>(d.n) * d.hm * d.wm);
        pr.N = d.c;
        pr.K = d.k * d.tr * d.ts;
        pr.set_phase(0);
        return pr;
    }
    static int phases(const ConvDims& d) { return d.sh * d.sw; }

    // Phase z = rh * sw + rw. h0 = the smallest h >= 0 with (h + ph) mod sh == rh; then h0 + ph - rh is a
    // non-negative multiple of sh (both h0 + ph and rh are congruent, and h0 + ph < rh would force h0 + ph == rh).
    __host__ __device__ void set_phase(int z) {
        rh = z / d.sw;
        rw = z - rh * d.sw;
        h0 = ((rh - d.ph) % d.sh + d.sh) % d.sh;
        w0 = ((rw - d.pw) % d.sw + d.sw) % d.sw;
        bu = (h0 + d.ph - rh) / d.sh;
        bv = (w0 + d.pw - rw) / d.sw;
    }

    __host__ __device__ ARow arow(int32_t m) const {
        int32_t ni, j, jh, jw;
        d.div_hmwm.divmod(m, ni, j);
        d.div_wm.divmod(j, jh, jw);
        return ARow{static_cast<int64_t>(ni) * d.k * d.pq, bu + jh, bv + jw, m < M};
    }
    __host__ __device__ ACol acol(int32_t kk, int32_t k_end) const {
        int32_t ki, t, th, tw;
        d.div_taps.divmod(kk, ki, t);
        d.div_ts.divmod(t, th, tw);
        const bool tap = rh + th * d.sh < d.r && rw + tw * d.sw < d.s;
        return ACol{static_cast<int64_t>(ki) * d.pq, th, tw, kk < k_end && tap};
    }
    __host__ __device__ T aload(const ARow& a, const ACol& b) const {
        const int32_t pi = a.u - b.th;
        const int32_t qi = a.v - b.tw;
        const bool inside = static_cast<uint32_t>(pi) < static_cast<uint32_t>(d.p) &&
                            static_cast<uint32_t>(qi) < static_cast<uint32_t>(d.q);
        return (a.ok && b.ok && inside) ? dy[a.base + b.koff + static_cast<int64_t>(pi) * d.q + qi] : T(0);
    }
    __host__ __device__ BRow brow(int32_t kk, int32_t k_end) const {
        int32_t ki, t, th, tw;
        d.div_taps.divmod(kk, ki, t);
        d.div_ts.divmod(t, th, tw);
        const int32_t ri = rh + th * d.sh;
        const int32_t si = rw + tw * d.sw;
        return BRow{static_cast<int64_t>(ki) * d.c * d.r * d.s, ri, si, kk < k_end && ri < d.r && si < d.s};
    }
    __host__ __device__ BCol bcol(int32_t nn) const {
        return BCol{static_cast<int64_t>(nn) * d.r * d.s, nn < N};
    }
    __host__ __device__ T bload(const BRow& a, const BCol& b) const {
        return (a.ok && b.ok) ? wt[a.koff + b.coff + static_cast<int64_t>(a.r) * d.s + a.s] : T(0);
    }
    __host__ __device__ int64_t out_offset(int32_t m, int32_t nn) const {
        int32_t ni, j, jh, jw;
        d.div_hmwm.divmod(m, ni, j);
        d.div_wm.divmod(j, jh, jw);
        const int32_t hi = h0 + jh * d.sh;
        const int32_t wi = w0 + jw * d.sw;
        if (hi >= d.h || wi >= d.w) return -1;
        return (static_cast<int64_t>(ni) * d.c + nn) * d.hw + static_cast<int64_t>(hi) * d.w + wi;
    }
    __host__ __device__ T* out() const { return dx; }
};

// Backward-data when the output is a single pixel (p == q == 1, e.g. the 1x1 -> 4x4 first layer of a DCGAN
// generator): every (h, w) is read by exactly one tap, r = h + ph, s = w + pw (when inside the filter), so the
// stride-phase GEMM would spend almost all of its K on taps that do not exist. Instead, dx^T as a plain GEMM:
// A(m = (c,h,w), kk = k) = w[k, c, h + ph, w + pw] (0 outside the filter), B(kk, nn = n) = dy[n, k];
// C[m][n] -> dx[n][m]. M = c*h*w (at most kMaxGemmDim: use_one_pixel), N = n, K = k.
template <typename T>
struct BackwardDataOnePixelProblem {
    ConvDims d;
    const T* dy;  // [n, k] (p = q = 1)
    const T* wt;  // [k, c, r, s]
    T* dx;        // [n, c*h*w]
    int32_t M, N, K;

    struct ARow { int64_t off; bool ok; };   // c*r*s-offset of (c, h + ph, w + pw) in a filter
    struct ACol { int64_t koff; bool ok; };
    struct BRow { int32_t kk; bool ok; };
    struct BCol { int64_t base; bool ok; };

    static BackwardDataOnePixelProblem make(const ConvDims& d, const T* dy, const T* w, T* dx) {
        BackwardDataOnePixelProblem pr{d, dy, w, dx, 0, 0, 0};
        pr.M = static_cast<int32_t>(static_cast<int64_t>(d.c) * d.hw);
        pr.N = d.n;
        pr.K = d.k;
        return pr;
    }
    static constexpr int phases(const ConvDims&) { return 1; }
    __host__ __device__ void set_phase(int) {}

    __host__ __device__ ARow arow(int32_t m) const {
        int32_t ci, hw, hi, wi;
        d.div_hw.divmod(m, ci, hw);
        d.div_w.divmod(hw, hi, wi);
        const int32_t ri = hi + d.ph;
        const int32_t si = wi + d.pw;
        return ARow{(static_cast<int64_t>(ci) * d.r + ri) * d.s + si, m < M && ri < d.r && si < d.s};
    }
    __host__ __device__ ACol acol(int32_t kk, int32_t k_end) const {
        return ACol{static_cast<int64_t>(kk) * d.c * d.r * d.s, kk < k_end};
    }
    __host__ __device__ T aload(const ARow& a, const ACol& b) const {
        return (a.ok && b.ok) ? wt[b.koff + a.off] : T(0);
    }
    __host__ __device__ BRow brow(int32_t kk, int32_t k_end) const { return BRow{kk, kk < k_end}; }
    __host__ __device__ BCol bcol(int32_t nn) const { return BCol{static_cast<int64_t>(nn) * K, nn < N}; }
    __host__ __device__ T bload(const BRow& a, const BCol& b) const {
        return (a.ok && b.ok) ? dy[b.base + a.kk] : T(0);
    }
    __host__ __device__ int64_t out_offset(int32_t m, int32_t nn) const {
        return static_cast<int64_t>(nn) * M + m;
    }
    __host__ __device__ T* out() const { return dx; }
};

// Whether backward-data takes the one-pixel GEMM (see above): M = c*h*w must fit in int32, and the batch (its N)
// must fit the grid's y dimension (65535 tiles of at least 16 columns).
inline bool use_one_pixel(const ConvDims& d) {
    return d.p == 1 && d.q == 1 && static_cast<int64_t>(d.c) * d.hw <= kMaxGemmDim && d.n <= 65535 * 16;
}

// Backward-weight as dw^T: A(m = (c,r,s), kk = (n,p,q)) = x[n, c, p*sh - ph + r, q*sw - pw + s],
// B(kk, nn = k) = dy[n, k, p, q]; C[m][k] -> dw[k][m].
template <typename T>
struct BackwardWeightProblem {
    ConvDims d;
    const T* x;   // [n, c, h, w]
    const T* dy;  // [n, k, p, q]
    T* dw;        // [k, c*r*s]
    int32_t M, N, K;

    struct ARow { int64_t coff; int32_t r, s; bool ok; };
    struct ACol { int64_t base; int32_t hb, wb; bool ok; };
    struct BRow { int64_t base; bool ok; };
    struct BCol { int64_t koff; bool ok; };

    static BackwardWeightProblem make(const ConvDims& d, const T* x, const T* dy, T* dw) {
        BackwardWeightProblem pr{d, x, dy, dw, 0, 0, 0};
        pr.M = d.c * d.r * d.s;
        pr.N = d.k;
        pr.K = static_cast<int32_t>(static_cast<int64_t>(d.n) * d.p * d.q);
        return pr;
    }
    static constexpr int phases(const ConvDims&) { return 1; }
    __host__ __device__ void set_phase(int) {}

    __host__ __device__ ARow arow(int32_t m) const {
        int32_t ci, rs, ri, si;
        d.div_rs.divmod(m, ci, rs);
        d.div_s.divmod(rs, ri, si);
        return ARow{static_cast<int64_t>(ci) * d.hw, ri, si, m < M};
    }
    __host__ __device__ ACol acol(int32_t kk, int32_t k_end) const {
        int32_t ni, pqi, pi, qi;
        d.div_pq.divmod(kk, ni, pqi);
        d.div_q.divmod(pqi, pi, qi);
        return ACol{static_cast<int64_t>(ni) * d.c * d.hw, pi * d.sh - d.ph, qi * d.sw - d.pw, kk < k_end};
    }
    __host__ __device__ T aload(const ARow& a, const ACol& b) const {
        const int32_t hi = b.hb + a.r;
        const int32_t wi = b.wb + a.s;
        const bool inside = static_cast<uint32_t>(hi) < static_cast<uint32_t>(d.h) &&
                            static_cast<uint32_t>(wi) < static_cast<uint32_t>(d.w);
        return (a.ok && b.ok && inside) ? x[b.base + a.coff + static_cast<int64_t>(hi) * d.w + wi] : T(0);
    }
    __host__ __device__ BRow brow(int32_t kk, int32_t k_end) const {
        int32_t ni, pqi;
        d.div_pq.divmod(kk, ni, pqi);
        return BRow{static_cast<int64_t>(ni) * d.k * d.pq + pqi, kk < k_end};
    }
    __host__ __device__ BCol bcol(int32_t nn) const { return BCol{static_cast<int64_t>(nn) * d.pq, nn < N}; }
    __host__ __device__ T bload(const BRow& a, const BCol& b) const {
        return (a.ok && b.ok) ? dy[a.base + b.koff] : T(0);
    }
    __host__ __device__ int64_t out_offset(int32_t m, int32_t nn) const {
        return static_cast<int64_t>(nn) * M + m;
    }
    __host__ __device__ T* out() const { return dw; }
};

// ---- tile configurations ----
//
// A_MFAST: whether consecutive threads load consecutive m of the A slice (else consecutive kk); B is always loaded
// kk-fast. The choice follows the memory: forward/backward-data A rows are output pixels (consecutive m ->
// consecutive q -> nearby x/dy addresses), backward-weight A's contiguous direction is kk (n, p, q).
template <int BM_, int BN_, int BK_, int TM_, int TN_, int LM_ = 0, int LN_ = 0, int MIN_BLOCKS_ = 2,
          bool HOIST_ROW_ = false>
struct TileConfig {
    static constexpr int BM = BM_, BN = BN_, BK = BK_, TM = TM_, TN = TN_;
    // Blocks per SM the kernel is compiled for (__launch_bounds__): 2 caps a 256-thread block at 128 registers per
    // thread; 1 leaves room for an 8 x 8 thread tile.
    static constexpr int MIN_BLOCKS = MIN_BLOCKS_;
    // Where every A element a thread loads lies in one row of the tile (TileLoader::kOneRow), compute that row's
    // gather (ARow: two FastDiv divisions) once before the K loop instead of for every element of every slice,
    // which the compiler does not hoist on its own (PTX of the Large forward kernel, 2026-11-27). Lab-only for now:
    // it holds the row in registers across the loop.
    static constexpr bool HOIST_ROW = HOIST_ROW_;
    // Thread layout. LM = 0 ("strided"): THREADS_M threads along m, thread (tm, tn) owns rows tm + i * THREADS_M
    // (consecutive threads on consecutive rows) and columns tn * TN + j. LM > 0 ("warp-tiled", as CUTLASS's SIMT
    // GEMMs): a warp is LM x LN lanes over a (LM TM) x (LN TN) sub-tile, lane (lm, ln) owning the TM consecutive rows
    // from lm * TM and the TN consecutive columns from ln * TN, so that a warp reads only LM * TM values of A and
    // LN * TN of B per kk (few shared-memory wavefronts per FMA), with 8- or 16-byte loads.
    static constexpr int LM = LM_, LN = LN_;
    static constexpr int WARPS_M = LM > 0 ? BM / (LM * TM) : 0;
    static constexpr int WARPS_N = LM > 0 ? BN / (LN * TN) : 0;
    static constexpr int THREADS_M = BM / TM;
    static constexpr int THREADS_N = BN / TN;
    static constexpr int THREADS = THREADS_M * THREADS_N;
    static constexpr int A_SIZE = BM * BK;
    static constexpr int B_SIZE = BN * BK;
    static constexpr int A_LOADS = (A_SIZE + THREADS - 1) / THREADS;
    static constexpr int B_LOADS = (B_SIZE + THREADS - 1) / THREADS;
    // Shared-memory row pitches. A strided: +1 spreads kk-fast stores over the banks (one element per row read);
    // A warp-tiled and B: a multiple of 4 elements, so that consecutive rows / columns are read with 8- or 16-byte
    // loads; kk-fast stores then meet 2-way bank conflicts, 1/BM as often as the reads.
    static constexpr int A_STRIDE = LM > 0 ? BM + 4 : BM + 1;
    static constexpr int B_STRIDE = BN + 4;
    static_assert(BM % TM == 0 && BN % TN == 0, "tile not divisible by the thread tile");
    static_assert(THREADS % 32 == 0 && THREADS <= 1024, "threads per block");
    static_assert(LM == 0 || (LM * LN == 32 && WARPS_M * LM * TM == BM && WARPS_N * LN * TN == BN &&
                              32 * WARPS_M * WARPS_N == THREADS), "warp tiling does not cover the tile");
};

// The configurations conv.cu chooses from (per dtype: float slices are 16 deep, double 8, same shared memory).
template <typename T> struct Tiles;
// All 256 threads, warp-tiled 8 x 4 lanes; the strided Legacy* layouts are kept for the lab's comparison (v6).
// Huge (8 x 8 per thread, one block per SM: 4 FMAs per value read from shared memory, where Large does 2.7) and the
// Hoisted tiles (HOIST_ROW) are candidates the lab times (v7, v9) and the planner does not choose yet.
template <> struct Tiles<float> {
    using Large = TileConfig<128, 64, 16, 4, 8, 8, 4>;   // 4x8 per thread, warps of 32 x 32
    using Medium = TileConfig<64, 64, 16, 2, 8, 8, 4>;   // 2x8, warps of 16 x 32
    using Narrow = TileConfig<128, 16, 16, 4, 2, 8, 4>;  // 4x2, warps of 32 x 8: N <= 16 (few output channels)
    using LegacyLarge = TileConfig<128, 64, 16, 4, 8>;
    using LegacyMedium = TileConfig<64, 64, 16, 2, 8>;
    using Huge = TileConfig<128, 128, 16, 8, 8, 8, 4, 1, true>;  // 8x8, warps of 64 x 32
    using LargeHoisted = TileConfig<128, 64, 16, 4, 8, 8, 4, 2, true>;
    using MediumHoisted = TileConfig<64, 64, 16, 2, 8, 8, 4, 2, true>;
};
template <> struct Tiles<double> {
    using Large = TileConfig<128, 64, 8, 4, 8, 8, 4>;
    using Medium = TileConfig<64, 64, 8, 2, 8, 8, 4>;
    using Narrow = TileConfig<128, 16, 8, 4, 2, 8, 4>;
    using LegacyLarge = TileConfig<128, 64, 8, 4, 8>;
    using LegacyMedium = TileConfig<64, 64, 8, 2, 8>;
    using Huge = TileConfig<128, 128, 8, 8, 8, 8, 4, 1, true>;
    using LargeHoisted = TileConfig<128, 64, 8, 4, 8, 8, 4, 2, true>;
    using MediumHoisted = TileConfig<64, 64, 8, 2, 8, 8, 4, 2, true>;
};

template <typename Problem> struct AMFast { static constexpr bool value = true; };
template <typename T> struct AMFast<BackwardWeightProblem<T>> { static constexpr bool value = false; };

// ---- the block's stages, shared by the kernel and the host emulation ----
//
// Shared memory per buffer: As[kk][m] (BK x A_STRIDE), Bs[kk][nn] (BK x B_STRIDE).
// Global -> registers -> shared memory for one BK-deep slice of A (BM x BK) and B (BN x BK); shared by the SIMT
// tiles (ConvGemm) and the TF32 tensor-core tiles (MmaGemm). Cfg needs BM, BN, BK, THREADS, A_SIZE, B_SIZE,
// A_LOADS, B_LOADS, A_STRIDE, B_STRIDE.
template <typename T, typename Cfg, typename Problem>
struct TileLoader {
    static constexpr bool kAMFast = AMFast<Problem>::value;
    static constexpr int A_SMEM = Cfg::BK * Cfg::A_STRIDE;
    static constexpr int B_SMEM = Cfg::BK * Cfg::B_STRIDE;

    struct Regs {
        T a[Cfg::A_LOADS];
        T b[Cfg::B_LOADS];
    };

    // Every A element of thread tid has the tile row tid % BM: A m-fast, and the thread count a multiple of BM.
    static constexpr bool kOneRow = kAMFast && Cfg::THREADS % Cfg::BM == 0;
    static constexpr bool kHoist = Cfg::HOIST_ROW && kOneRow;
    // The gather of that row, made once per thread (row_cache) when kHoist; empty otherwise.
    struct RowCache {
        typename Problem::ARow a;
    };
    __host__ __device__ static RowCache row_cache(const Problem& pr, int tid, int32_t m0) {
        RowCache rc{};
        if constexpr (kHoist) rc.a = pr.arow(m0 + tid % Cfg::BM);
        return rc;
    }

    // Element e of the A slice (e < A_SIZE): its (m, kk) inside the tile.
    __host__ __device__ static void a_coord(int e, int& ml, int& kl) {
        if (kAMFast) { ml = e % Cfg::BM; kl = e / Cfg::BM; }
        else         { kl = e % Cfg::BK; ml = e / Cfg::BK; }
    }
    // Element e of the B slice: (nn, kk), kk-fast.
    __host__ __device__ static void b_coord(int e, int& nl, int& kl) {
        kl = e % Cfg::BK;
        nl = e / Cfg::BK;
    }

    // Global -> registers: the BK-deep slice starting at k0 (kk >= k_end reads as 0). rc: row_cache's result
    // (used when kHoist).
    __host__ __device__ static void load(const Problem& pr, int tid, int32_t m0, int32_t n0, int32_t k0,
                                         int32_t k_end, Regs& regs, const RowCache& rc = RowCache{}) {
GCGAN_UNROLL
        for (int i = 0; i < Cfg::A_LOADS; ++i) {
            const int e = tid + i * Cfg::THREADS;
            int ml, kl;
            a_coord(e, ml, kl);
            T v = T(0);
            if (Cfg::A_SIZE % Cfg::THREADS == 0 || e < Cfg::A_SIZE) {
                if constexpr (kHoist) {
                    v = pr.aload(rc.a, pr.acol(k0 + kl, k_end));
                } else {
                    v = pr.aload(pr.arow(m0 + ml), pr.acol(k0 + kl, k_end));
                }
            }
            regs.a[i] = v;
        }
GCGAN_UNROLL
        for (int i = 0; i < Cfg::B_LOADS; ++i) {
            const int e = tid + i * Cfg::THREADS;
            int nl, kl;
            b_coord(e, nl, kl);
            T v = T(0);
            if (Cfg::B_SIZE % Cfg::THREADS == 0 || e < Cfg::B_SIZE) {
                v = pr.bload(pr.brow(k0 + kl, k_end), pr.bcol(n0 + nl));
            }
            regs.b[i] = v;
        }
    }

    // Registers -> shared buffer (As, Bs of one buffer).
    __host__ __device__ static void stash(int tid, const Regs& regs, T* As, T* Bs) {
GCGAN_UNROLL
        for (int i = 0; i < Cfg::A_LOADS; ++i) {
            const int e = tid + i * Cfg::THREADS;
            if (Cfg::A_SIZE % Cfg::THREADS == 0 || e < Cfg::A_SIZE) {
                int ml, kl;
                a_coord(e, ml, kl);
                As[kl * Cfg::A_STRIDE + ml] = regs.a[i];
            }
        }
GCGAN_UNROLL
        for (int i = 0; i < Cfg::B_LOADS; ++i) {
            const int e = tid + i * Cfg::THREADS;
            if (Cfg::B_SIZE % Cfg::THREADS == 0 || e < Cfg::B_SIZE) {
                int nl, kl;
                b_coord(e, nl, kl);
                Bs[kl * Cfg::B_STRIDE + nl] = regs.b[i];
            }
        }
    }
};

template <typename T, typename Cfg, typename Problem>
struct ConvGemm : TileLoader<T, Cfg, Problem> {
    struct Acc {
        T v[Cfg::TM][Cfg::TN];
    };

    __host__ __device__ static void zero(Acc& acc) {
GCGAN_UNROLL
        for (int i = 0; i < Cfg::TM; ++i) {
GCGAN_UNROLL
            for (int j = 0; j < Cfg::TN; ++j) acc.v[i][j] = T(0);
        }
    }

    // dst[0 .. L) = src[0 .. L): on the device with the widest aligned vector loads. src is 16-byte aligned for
    // 16-byte rows and 8-byte aligned for 8-byte rows: the buffers are __align__(16), the pitches and buffer sizes
    // multiples of 4 elements, and a row starts at a multiple of L.
    template <int L>
    __host__ __device__ static void load_row(const T* src, T (&dst)[L]) {
#ifdef __CUDA_ARCH__
        constexpr int kBytes = L * static_cast<int>(sizeof(T));
        if constexpr (kBytes % 16 == 0) {
            union { float4 v[kBytes / 16]; T t[L]; } u;
            GCGAN_UNROLL
            for (int v = 0; v < kBytes / 16; ++v) u.v[v] = reinterpret_cast<const float4*>(src)[v];
            GCGAN_UNROLL
            for (int j = 0; j < L; ++j) dst[j] = u.t[j];
        } else if constexpr (kBytes % 8 == 0) {
            union { float2 v[kBytes / 8]; T t[L]; } u;
            GCGAN_UNROLL
            for (int v = 0; v < kBytes / 8; ++v) u.v[v] = reinterpret_cast<const float2*>(src)[v];
            GCGAN_UNROLL
            for (int j = 0; j < L; ++j) dst[j] = u.t[j];
        } else {
            GCGAN_UNROLL
            for (int j = 0; j < L; ++j) dst[j] = src[j];
        }
#else
        for (int j = 0; j < L; ++j) dst[j] = src[j];
#endif
    }

    // Thread tid's rows row0 + i * row_step (i < TM) and columns col0 + j (j < TN) inside the tile.
    __host__ __device__ static void origin(int tid, int& row0, int& row_step, int& col0) {
        if constexpr (Cfg::LM > 0) {
            const int warp = tid / 32, lane = tid % 32;
            row0 = (warp % Cfg::WARPS_M) * (Cfg::LM * Cfg::TM) + (lane % Cfg::LM) * Cfg::TM;
            col0 = (warp / Cfg::WARPS_M) * (Cfg::LN * Cfg::TN) + (lane / Cfg::LM) * Cfg::TN;
            row_step = 1;
        } else {
            row0 = tid % Cfg::THREADS_M;
            col0 = (tid / Cfg::THREADS_M) * Cfg::TN;
            row_step = Cfg::THREADS_M;
        }
    }

    // acc += As^T Bs over one slice, for the thread's rows and columns (origin()).
    __host__ __device__ static void compute(int tid, const T* As, const T* Bs, Acc& acc) {
        int row0, row_step, col0;
        origin(tid, row0, row_step, col0);
GCGAN_UNROLL
        for (int kl = 0; kl < Cfg::BK; ++kl) {
            T a[Cfg::TM];
            T b[Cfg::TN];
            if constexpr (Cfg::LM > 0) {
                load_row(As + kl * Cfg::A_STRIDE + row0, a);
            } else {
GCGAN_UNROLL
                for (int i = 0; i < Cfg::TM; ++i) a[i] = As[kl * Cfg::A_STRIDE + row0 + i * row_step];
            }
            load_row(Bs + kl * Cfg::B_STRIDE + col0, b);
GCGAN_UNROLL
            for (int i = 0; i < Cfg::TM; ++i) {
GCGAN_UNROLL
                for (int j = 0; j < Cfg::TN; ++j) acc.v[i][j] += a[i] * b[j];
            }
        }
    }

    // The tile's results: to the output (partial == nullptr) or to partial[(slot * N + nn) * M + m].
    __host__ __device__ static void finish(const Problem& pr, int tid, int32_t m0, int32_t n0, int32_t slot,
                                           const Acc& acc, T* partial) {
        int row0, row_step, col0;
        origin(tid, row0, row_step, col0);
        T* out = pr.out();
GCGAN_UNROLL
        for (int j = 0; j < Cfg::TN; ++j) {
            const int32_t nn = n0 + col0 + j;
            if (nn >= pr.N) continue;
GCGAN_UNROLL
            for (int i = 0; i < Cfg::TM; ++i) {
                const int32_t m = m0 + row0 + i * row_step;
                if (m >= pr.M) continue;
                if (partial != nullptr) {
                    partial[(static_cast<int64_t>(slot) * pr.N + nn) * pr.M + m] = acc.v[i][j];
                } else {
                    const int64_t o = pr.out_offset(m, nn);
                    if (o >= 0) out[o] = acc.v[i][j];
                }
            }
        }
    }
};

// ---- TF32 tensor-core tiles (float32 with GCGAN_CONV_ALLOW_TF32) ----
//
// The same slices, loader and shared layout as the SIMT tiles (As[kk][m], Bs[kk][nn]), multiplied with
// mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32: warp w = (wm, wn) = (w % WARPS_M, w / WARPS_M) owns the
// WM x WN = (BM / WARPS_M) x (BN / WARPS_N) sub-tile, MI x NI instructions of 16 x 8 per 8-deep k step. Fragment
// layout (PTX ISA, "Matrix Fragments for mma.m16n8k8" .tf32), lane = 4 * g + t (g = group 0..7, t = 0..3):
//   A 16x8 (row):  a0 = (g, t)   a1 = (g + 8, t)   a2 = (g, t + 4)   a3 = (g + 8, t + 4)      (row m, col kk)
//   B 8x8 (col):   b0 = (t, g)   b1 = (t + 4, g)                                              (row kk, col nn)
//   C 16x8:        c0 = (g, 2t)  c1 = (g, 2t + 1)  c2 = (g + 8, 2t)  c3 = (g + 8, 2t + 1)     (row m, col nn)
// Inputs are rounded to TF32 (cvt.rna: nearest, ties away from zero) when the fragments are read; products are
// exact and accumulation is float32. Row pitches = 8 (mod 32) words make the fragment reads conflict-free
// (bank = 8 t + g).
template <int BM_, int BN_, int WARPS_M_, int WARPS_N_>
struct MmaConfig {
    static constexpr int BM = BM_, BN = BN_, BK = 16;
    static constexpr int WARPS_M = WARPS_M_, WARPS_N = WARPS_N_;
    static constexpr int THREADS = 32 * WARPS_M * WARPS_N;
    static constexpr int WM = BM / WARPS_M, WN = BN / WARPS_N;
    static constexpr int MI = WM / 16, NI = WN / 8;
    static constexpr int A_SIZE = BM * BK;
    static constexpr int B_SIZE = BN * BK;
    static constexpr int A_LOADS = (A_SIZE + THREADS - 1) / THREADS;
    static constexpr int B_LOADS = (B_SIZE + THREADS - 1) / THREADS;
    static constexpr int A_STRIDE = BM + 8;
    static constexpr int B_STRIDE = BN + 8;
    static constexpr bool HOIST_ROW = false;  // TileConfig::HOIST_ROW (not tried on the tensor-core tiles)
    static_assert(WM % 16 == 0 && WN % 8 == 0, "warp tile not made of 16 x 8 instructions");
    static_assert(A_STRIDE % 32 == 8 && B_STRIDE % 32 == 8, "fragment reads would meet bank conflicts");
};

// The TF32 tiles behind TileKind::Large and ::Medium (same BM, BN, BK as Tiles<float>: the plan is the same).
struct MmaTiles {
    using Large = MmaConfig<128, 64, 4, 2>;   // 8 warps of 32 x 32: 2 x 4 instructions per k step
    using Medium = MmaConfig<64, 64, 2, 4>;   // 8 warps of 32 x 16: 2 x 2
};

// x rounded to TF32 (10 explicit mantissa bits, nearest, ties away from zero), as a float32 bit pattern.
__host__ __device__ __forceinline__ uint32_t to_tf32(float x) {
#ifdef __CUDA_ARCH__
    uint32_t r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
    return r;
#else
    uint32_t b;
    std::memcpy(&b, &x, 4);
    if ((b & 0x7f800000u) == 0x7f800000u) return b;  // Inf, NaN unchanged
    return (b + 0x1000u) & 0xffffe000u;              // add half an ulp of the magnitude, truncate
#endif
}

#ifndef __CUDA_ARCH__
// The host's stand-in for the warp's mma.sync instructions (MmaGemm::mma): declared here, defined only by a host
// program that runs conv_mma_kernel on an emulated warp (kernels/dev/conv_host_check.cpp); the library never calls
// it (nvcc's host pass does not instantiate MmaGemm::mma).
template <int MI, int NI>
void mma_tf32_warp(const uint32_t (&a)[MI][4], const uint32_t (&b)[NI][2], float (&c)[MI][NI][4]);
#endif

template <typename Cfg, typename Problem>
struct MmaGemm : TileLoader<float, Cfg, Problem> {
    struct Frags {
        uint32_t a[Cfg::MI][4];
        uint32_t b[Cfg::NI][2];
    };
    struct Acc {
        float v[Cfg::MI][Cfg::NI][4];
    };

    __host__ __device__ static void zero(Acc& acc) {
GCGAN_UNROLL
        for (int i = 0; i < Cfg::MI; ++i) {
GCGAN_UNROLL
            for (int j = 0; j < Cfg::NI; ++j) {
GCGAN_UNROLL
                for (int r = 0; r < 4; ++r) acc.v[i][j][r] = 0.f;
            }
        }
    }

    // This thread's fragments of k step ks (kk = 8 ks .. 8 ks + 7 of the slice).
    __host__ __device__ static void load_frags(int tid, const float* As, const float* Bs, int ks, Frags& f) {
        const int warp = tid / 32, lane = tid % 32;
        const int g = lane / 4, t = lane % 4;
        const int m_base = (warp % Cfg::WARPS_M) * Cfg::WM;
        const int n_base = (warp / Cfg::WARPS_M) * Cfg::WN;
        const float* a_lo = As + (ks * 8 + t) * Cfg::A_STRIDE + m_base + g;
        const float* a_hi = a_lo + 4 * Cfg::A_STRIDE;
        const float* b_lo = Bs + (ks * 8 + t) * Cfg::B_STRIDE + n_base + g;
        const float* b_hi = b_lo + 4 * Cfg::B_STRIDE;
GCGAN_UNROLL
        for (int i = 0; i < Cfg::MI; ++i) {
            f.a[i][0] = to_tf32(a_lo[i * 16]);
            f.a[i][1] = to_tf32(a_lo[i * 16 + 8]);
            f.a[i][2] = to_tf32(a_hi[i * 16]);
            f.a[i][3] = to_tf32(a_hi[i * 16 + 8]);
        }
GCGAN_UNROLL
        for (int j = 0; j < Cfg::NI; ++j) {
            f.b[j][0] = to_tf32(b_lo[j * 8]);
            f.b[j][1] = to_tf32(b_hi[j * 8]);
        }
    }

#ifdef __CUDA_ARCH__
    // acc += A B for this thread's part of the warp's MI x NI instructions (warp-collective).
    __device__ static void mma(const Frags& f, Acc& acc) {
#pragma unroll
        for (int i = 0; i < Cfg::MI; ++i) {
#pragma unroll
            for (int j = 0; j < Cfg::NI; ++j) {
                float* c = acc.v[i][j];
                asm volatile(
                    "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, "
                    "{%8, %9}, {%0, %1, %2, %3};\n"
                    : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                    : "r"(f.a[i][0]), "r"(f.a[i][1]), "r"(f.a[i][2]), "r"(f.a[i][3]), "r"(f.b[j][0]),
                      "r"(f.b[j][1]));
            }
        }
    }
#else
    // The host check's: the same products from the 32 lanes' fragments (mma_tf32_warp, warp-collective too).
    static void mma(const Frags& f, Acc& acc) { mma_tf32_warp<Cfg::MI, Cfg::NI>(f.a, f.b, acc.v); }
#endif

    // (row, col) inside the block tile of accumulator r of instruction (i, j) for thread tid.
    __host__ __device__ static void acc_coord(int tid, int i, int j, int r, int& ml, int& nl) {
        const int warp = tid / 32, lane = tid % 32;
        const int g = lane / 4, t = lane % 4;
        ml = (warp % Cfg::WARPS_M) * Cfg::WM + i * 16 + g + 8 * (r / 2);
        nl = (warp / Cfg::WARPS_M) * Cfg::WN + j * 8 + 2 * t + r % 2;
    }

    // As ConvGemm::finish, for the fragment layout.
    __host__ __device__ static void finish(const Problem& pr, int tid, int32_t m0, int32_t n0, int32_t slot,
                                           const Acc& acc, float* partial) {
        float* out = pr.out();
GCGAN_UNROLL
        for (int i = 0; i < Cfg::MI; ++i) {
GCGAN_UNROLL
            for (int j = 0; j < Cfg::NI; ++j) {
GCGAN_UNROLL
                for (int r = 0; r < 4; ++r) {
                    int ml, nl;
                    acc_coord(tid, i, j, r, ml, nl);
                    const int32_t m = m0 + ml;
                    const int32_t nn = n0 + nl;
                    if (m >= pr.M || nn >= pr.N) continue;
                    if (partial != nullptr) {
                        partial[(static_cast<int64_t>(slot) * pr.N + nn) * pr.M + m] = acc.v[i][j][r];
                    } else {
                        const int64_t o = pr.out_offset(m, nn);
                        if (o >= 0) out[o] = acc.v[i][j][r];
                    }
                }
            }
        }
    }
};

// ---- the skinny GEMM: few columns (N <= 4) ----
//
// With N <= 4 an A element serves at most 4 products, so staging A in shared memory buys nothing: each thread owns
// TM rows (m0 + tid + i * THREADS, consecutive threads on consecutive m) and reads its A elements straight from
// global memory (the kk part of the gather is computed once per kk and shared by the TM rows); B, BK x NMAX, is
// staged in shared memory and read as a broadcast. Block y covers columns [n0, n0 + NMAX).
template <typename T, int NMAX, typename Problem>
struct SkinnyGemm {
    static constexpr int THREADS = 128;
    static constexpr int TM = 4;
    static constexpr int BM = THREADS * TM;
    static constexpr int BK = 32;
    static constexpr int B_SMEM = BK * NMAX;

    struct Acc {
        T v[TM][NMAX];
    };
    using ARow = typename Problem::ARow;

    __host__ __device__ static void zero(Acc& acc) {
GCGAN_UNROLL
        for (int i = 0; i < TM; ++i) {
GCGAN_UNROLL
            for (int j = 0; j < NMAX; ++j) acc.v[i][j] = T(0);
        }
    }

    __host__ __device__ static void rows(const Problem& pr, int tid, int32_t m0, ARow (&a)[TM]) {
GCGAN_UNROLL
        for (int i = 0; i < TM; ++i) a[i] = pr.arow(m0 + tid + i * THREADS);
    }

    // Bs[kl * NMAX + j] = B(k0 + kl, n0 + j), 0 beyond k_end or N. The whole block, then a barrier.
    __host__ __device__ static void stage_b(const Problem& pr, int tid, int32_t n0, int32_t k0, int32_t k_end,
                                            T* Bs) {
        for (int e = tid; e < B_SMEM; e += THREADS) {
            const int kl = e / NMAX;
            const int j = e - kl * NMAX;
            Bs[e] = pr.bload(pr.brow(k0 + kl, k_end), pr.bcol(n0 + j));
        }
    }

    // acc += A(rows, k0 .. k0 + depth) * Bs, depth = min(BK, k_end - k0).
    __host__ __device__ static void compute(const Problem& pr, int32_t k0, int32_t k_end, const ARow (&a)[TM],
                                            const T* Bs, Acc& acc) {
        const int depth = k_end - k0 < BK ? k_end - k0 : BK;
#ifdef __CUDA_ARCH__
#pragma unroll 8  // 8 kk x TM rows of independent loads in flight per thread
#endif
        for (int kl = 0; kl < depth; ++kl) {
            const auto col = pr.acol(k0 + kl, k_end);
            T b[NMAX];
GCGAN_UNROLL
            for (int j = 0; j < NMAX; ++j) b[j] = Bs[kl * NMAX + j];
GCGAN_UNROLL
            for (int i = 0; i < TM; ++i) {
                const T v = pr.aload(a[i], col);
GCGAN_UNROLL
                for (int j = 0; j < NMAX; ++j) acc.v[i][j] += v * b[j];
            }
        }
    }

    // As ConvGemm::finish, for this thread layout.
    __host__ __device__ static void finish(const Problem& pr, int tid, int32_t m0, int32_t n0, int32_t slot,
                                           const Acc& acc, T* partial) {
        T* out = pr.out();
GCGAN_UNROLL
        for (int j = 0; j < NMAX; ++j) {
            const int32_t nn = n0 + j;
            if (nn >= pr.N) continue;
GCGAN_UNROLL
            for (int i = 0; i < TM; ++i) {
                const int32_t m = m0 + tid + i * THREADS;
                if (m >= pr.M) continue;
                if (partial != nullptr) {
                    partial[(static_cast<int64_t>(slot) * pr.N + nn) * pr.M + m] = acc.v[i][j];
                } else {
                    const int64_t o = pr.out_offset(m, nn);
                    if (o >= 0) out[o] = acc.v[i][j];
                }
            }
        }
    }
};

// ---- backward-data with few input channels (c <= 4): the direct kernel ----
//
// The image layers (dcgan64.g5's transposed-conv forward and dcgan64.d1's backward-data: 64 channels -> 3 at
// 64x64; mnist28.g2 / d1 with 1 channel) give the stride-phase GEMM only N = c <= 4 columns. The skinny GEMM then
// recomputes each gathered dy address for at most 4 products, with 4 rows per thread and a quarter of the SM's
// threads resident: x2.4 of cuDNN on dcgan64.g5 (H200, 2026-11-27). Direct instead, one thread per input pixel
// (n, h, w) accumulating all c channels:
//   dx[n, :, h, w] = sum over k, then over the pixel's taps (th, tw), of dy[n, k, p0 - th, q0 - tw] * w[k, :, r, s]
//   with r = rh + th sh, s = rw + tw sw, (rh, p0) = ((h + ph) mod sh, (h + ph) div sh), (rw, q0) likewise.
// The taps a pixel meets (r < R and 0 <= p0 - th < P, likewise in w) form an interval of th and one of tw,
// computed once per thread, so the inner loop has no bounds checks. The block stages the weights of kc output
// channels at a time in shared memory as Ws[((r S + s) kc + kl) CMAX + c], c padded to CMAX with zeros: one tap's
// CMAX weights are one vector read, and the kl loop walks dy with stride P Q and Ws with stride CMAX.
// Summation order per pixel: chunks of kc channels, then th, tw, then kl (fixed: deterministic).
constexpr int32_t kDirectMaxChannels = 4;
constexpr int64_t kDirectSmemBytes = 16 * 1024;  // 8 blocks of 256 threads per SM still fit (the H100's 228 KiB)
// Below this many pixels the grid is too small for one thread per pixel to fill the GPU: the skinny GEMM (which
// splits K across blocks) stays. An untuned guess: 16384 threads = 64 blocks.
constexpr int64_t kDirectMinPixels = 16384;

// The CMAX for c channels (1, 2 or 4).
inline int direct_width(int32_t c) { return c <= 1 ? 1 : (c <= 2 ? 2 : 4); }

// Output channels per staged chunk: as many as kDirectSmemBytes holds, at most k; 0 when one channel's weights do
// not fit (a filter of more than 1024 taps in float32).
template <typename T>
inline int32_t direct_chunk(const ConvDims& d) {
    const int64_t per_k = static_cast<int64_t>(d.r) * d.s * direct_width(d.c) * static_cast<int64_t>(sizeof(T));
    const int64_t kc = kDirectSmemBytes / per_k;
    return static_cast<int32_t>(kc < d.k ? kc : d.k);
}

// Whether the direct kernel can run the geometry: c <= 4, one channel's weights fit, and the pixel index
// n * h * w fits int32 (FastDiv).
template <typename T>
inline bool direct_fits(const ConvDims& d) {
    return d.c <= kDirectMaxChannels && direct_chunk<T>(d) >= 1 &&
           static_cast<int64_t>(d.n) * d.hw <= kMaxGemmDim;
}

// Whether run_backward_data takes the direct kernel: it fits, and there are enough pixels to fill the GPU.
template <typename T>
inline bool use_direct_backward_data(const ConvDims& d) {
    return direct_fits<T>(d) && static_cast<int64_t>(d.n) * d.hw >= kDirectMinPixels;
}

template <typename T>
struct DirectBackwardDataProblem {
    ConvDims d;
    const T* dy;  // [n, k, p, q]
    const T* wt;  // [k, c, r, s]
    T* dx;        // [n, c, h, w]
    int32_t pixels;  // n * h * w
    int32_t kc;      // output channels per staged chunk (direct_chunk)

    static DirectBackwardDataProblem make(const ConvDims& d, const T* dy, const T* w, T* dx) {
        return DirectBackwardDataProblem{d, dy, w, dx, static_cast<int32_t>(static_cast<int64_t>(d.n) * d.hw),
                                         direct_chunk<T>(d)};
    }
    int64_t smem_bytes() const {
        return static_cast<int64_t>(d.r) * d.s * kc * direct_width(d.c) * static_cast<int64_t>(sizeof(T));
    }
};

// CMAX consecutive T from shared memory at an index that is a multiple of CMAX (one vector load on the device).
template <typename T, int CMAX>
__host__ __device__ __forceinline__ void load_group(const T* p, T (&v)[CMAX]) {
#ifdef __CUDA_ARCH__
    constexpr bool kDevice = true;
#else
    constexpr bool kDevice = false;  // the host check: element by element
#endif
    if constexpr (kDevice && std::is_same<T, float>::value && CMAX == 4) {
        const float4 f = *reinterpret_cast<const float4*>(p);
        v[0] = f.x; v[1] = f.y; v[2] = f.z; v[3] = f.w;
    } else if constexpr (kDevice && std::is_same<T, float>::value && CMAX == 2) {
        const float2 f = *reinterpret_cast<const float2*>(p);
        v[0] = f.x; v[1] = f.y;
    } else if constexpr (kDevice && std::is_same<T, double>::value && CMAX >= 2) {
GCGAN_UNROLL
        for (int i = 0; i < CMAX; i += 2) {
            const double2 f = *reinterpret_cast<const double2*>(p + i);
            v[i] = f.x; v[i + 1] = f.y;
        }
    } else {
GCGAN_UNROLL
        for (int i = 0; i < CMAX; ++i) v[i] = p[i];
    }
}

template <typename T, int CMAX>
struct DirectBackwardData {
    static constexpr int THREADS = 256;
    using Problem = DirectBackwardDataProblem<T>;

    struct Pixel {
        int64_t dy_base;  // dy offset of (n, 0, 0, 0)
        int64_t dx_base;  // dx offset of (n, 0, h, w)
        int32_t p0, q0, rh, rw;
        int32_t th_lo, th_hi, tw_lo, tw_hi;  // inclusive tap ranges (empty when lo > hi)
        bool ok;                             // m < pixels
    };

    // Pixel m = (n, h, w) of the block's thread tid.
    __host__ __device__ static Pixel pixel(const Problem& pr, int32_t m) {
        const ConvDims& d = pr.d;
        Pixel px{};
        px.ok = m < pr.pixels;
        if (!px.ok) return px;
        int32_t ni, rest, hi, wi;
        d.div_hw.divmod(m, ni, rest);
        d.div_w.divmod(rest, hi, wi);
        const int32_t hp = hi + d.ph;
        const int32_t wp = wi + d.pw;
        px.p0 = hp / d.sh;
        px.rh = hp - px.p0 * d.sh;
        px.q0 = wp / d.sw;
        px.rw = wp - px.q0 * d.sw;
        // th: rh + th sh <= R - 1 and 0 <= p0 - th <= P - 1
        px.th_lo = px.p0 - (d.p - 1) > 0 ? px.p0 - (d.p - 1) : 0;
        px.th_hi = px.rh >= d.r ? -1 : (d.r - 1 - px.rh) / d.sh;
        if (px.th_hi > px.p0) px.th_hi = px.p0;
        px.tw_lo = px.q0 - (d.q - 1) > 0 ? px.q0 - (d.q - 1) : 0;
        px.tw_hi = px.rw >= d.s ? -1 : (d.s - 1 - px.rw) / d.sw;
        if (px.tw_hi > px.q0) px.tw_hi = px.q0;
        px.dy_base = static_cast<int64_t>(ni) * d.k * d.pq;
        px.dx_base = static_cast<int64_t>(ni) * d.c * d.hw + static_cast<int64_t>(hi) * d.w + wi;
        return px;
    }

    // Ws for output channels [k0, k0 + kc) (see above), the whole block's share of thread tid: read in w's own
    // order (coalesced), scattered into the layout; the padding channels c >= C are zero. Channels beyond k are
    // left unwritten (never read: accumulate stops at k).
    __host__ __device__ static void stage(const Problem& pr, int tid, int32_t k0, T* Ws) {
        const ConvDims& d = pr.d;
        const int32_t rs = d.r * d.s;
        const int32_t k_now = d.k - k0 < pr.kc ? d.k - k0 : pr.kc;
        const int32_t count = k_now * d.c * rs;  // < kDirectSmemBytes
        const T* src = pr.wt + static_cast<int64_t>(k0) * d.c * rs;
        for (int32_t e = tid; e < count; e += THREADS) {
            int32_t kc_c, tap;  // kc_c = kl * C + c
            d.div_rs.divmod(e, kc_c, tap);
            const int32_t kl = kc_c / d.c;
            const int32_t c = kc_c - kl * d.c;
            Ws[(tap * pr.kc + kl) * CMAX + c] = src[e];
        }
        if (d.c < CMAX) {
            const int32_t pads = CMAX - d.c;
            const int32_t slots = rs * k_now * pads;
            for (int32_t e = tid; e < slots; e += THREADS) {
                const int32_t slot = e / pads;  // tap * k_now + kl
                const int32_t tap = slot / k_now;
                const int32_t kl = slot - tap * k_now;
                Ws[(tap * pr.kc + kl) * CMAX + d.c + (e - slot * pads)] = T(0);
            }
        }
    }

    // acc += the chunk [k0, k0 + k_now) of the pixel's sum.
    __host__ __device__ static void accumulate(const Problem& pr, const Pixel& px, int32_t k0, const T* Ws,
                                               T (&acc)[CMAX]) {
        const ConvDims& d = pr.d;
        const int32_t k_now = d.k - k0 < pr.kc ? d.k - k0 : pr.kc;
        const int64_t pq = d.pq;
        for (int32_t th = px.th_lo; th <= px.th_hi; ++th) {
            const int32_t r = px.rh + th * d.sh;
            const int64_t row = px.dy_base + static_cast<int64_t>(k0) * pq + static_cast<int64_t>(px.p0 - th) * d.q;
            for (int32_t tw = px.tw_lo; tw <= px.tw_hi; ++tw) {
                const int32_t s = px.rw + tw * d.sw;
                const T* src = pr.dy + row + (px.q0 - tw);
                const T* wsrc = Ws + (r * d.s + s) * pr.kc * CMAX;
#ifdef __CUDA_ARCH__
#pragma unroll 4  // 4 independent dy loads in flight per thread
#endif
                for (int32_t kl = 0; kl < k_now; ++kl) {
                    const T v = src[kl * pq];
                    T wv[CMAX];
                    load_group<T, CMAX>(wsrc + kl * CMAX, wv);
GCGAN_UNROLL
                    for (int c = 0; c < CMAX; ++c) acc[c] += v * wv[c];
                }
            }
        }
    }

    __host__ __device__ static void store(const Problem& pr, const Pixel& px, const T (&acc)[CMAX]) {
        const ConvDims& d = pr.d;
GCGAN_UNROLL
        for (int c = 0; c < CMAX; ++c) {
            if (c < d.c) pr.dx[px.dx_base + static_cast<int64_t>(c) * d.hw] = acc[c];
        }
    }
};

// Split-K reduction, element e of phases * N * M (e = (phase * N + nn) * M + m): the sum over splits, in order,
// of partial[((phase * splits + split) * N + nn) * M + m], in double, rounded once, stored at out_offset.
template <typename T, typename Problem>
__host__ __device__ inline void splitk_reduce_element(Problem pr, int64_t e, int32_t splits, const T* partial) {
    const int64_t mn = static_cast<int64_t>(pr.M) * pr.N;
    const int32_t phase = static_cast<int32_t>(e / mn);
    const int64_t rest = e - phase * mn;
    const int32_t nn = static_cast<int32_t>(rest / pr.M);
    const int32_t m = static_cast<int32_t>(rest - static_cast<int64_t>(nn) * pr.M);
    double sum = 0.0;
    for (int32_t sp = 0; sp < splits; ++sp) {
        sum += static_cast<double>(partial[(static_cast<int64_t>(phase * splits + sp) * pr.N + nn) * pr.M + m]);
    }
    pr.set_phase(phase);
    const int64_t o = pr.out_offset(m, nn);
    if (o >= 0) pr.out()[o] = static_cast<T>(sum);
}

// For splits > kReduceLanes: lane `lane`'s share of element e's sum, the splits lane, lane + kReduceLanes, ...
// in order, in double.
constexpr int kReduceLanes = 8;

template <typename T, typename Problem>
__host__ __device__ inline double splitk_lane_sum(const Problem& pr, int64_t e, int32_t splits, int lane,
                                                  const T* partial) {
    const int64_t mn = static_cast<int64_t>(pr.M) * pr.N;
    const int32_t phase = static_cast<int32_t>(e / mn);
    const int64_t rest = e - phase * mn;  // nn * M + m
    double sum = 0.0;
    for (int32_t sp = lane; sp < splits; sp += kReduceLanes) {
        sum += static_cast<double>(partial[static_cast<int64_t>(phase * splits + sp) * mn + rest]);
    }
    return sum;
}

// Element e = the lanes' sums part[0][o] + part[1][o] + ... in lane order, rounded once, stored at out_offset.
template <typename T, typename Problem>
__host__ __device__ inline void splitk_store_lanes(Problem pr, int64_t e, const double (*part)[32], int o) {
    double sum = part[0][o];
    for (int l = 1; l < kReduceLanes; ++l) sum += part[l][o];
    const int64_t mn = static_cast<int64_t>(pr.M) * pr.N;
    const int32_t phase = static_cast<int32_t>(e / mn);
    const int64_t rest = e - phase * mn;
    const int32_t nn = static_cast<int32_t>(rest / pr.M);
    const int32_t m = static_cast<int32_t>(rest - static_cast<int64_t>(nn) * pr.M);
    pr.set_phase(phase);
    const int64_t off = pr.out_offset(m, nn);
    if (off >= 0) pr.out()[off] = static_cast<T>(sum);
}

// ---- launch plan (host) ----

// Large .. Skinny are the planner's; LegacyLarge/LegacyMedium (the strided thread layout), Huge (128 x 128) and
// LargeHoisted/MediumHoisted (TileConfig::HOIST_ROW) only when forced (lab v6, v7, v9).
enum class TileKind { Large, Medium, Narrow, Skinny, LegacyLarge, LegacyMedium, Huge, LargeHoisted, MediumHoisted };

// The NMAX of the skinny kernel for N columns.
inline int skinny_width(int32_t n) { return n <= 1 ? 1 : (n <= 2 ? 2 : 4); }

struct ConvPlan {
    TileKind tile;
    int32_t bm, bn, bk;
    int32_t phases;
    int32_t splits;  // >= 1; > 1: partials in scratch, then conv_splitk_reduce
    int32_t chunk;   // kk per split, a multiple of bk
    int64_t grid_x, grid_y, grid_z;
};

template <typename T>
inline void tile_sizes(TileKind kind, int32_t n, int32_t& bm, int32_t& bn, int32_t& bk) {
    using L = typename Tiles<T>::Large;
    using Md = typename Tiles<T>::Medium;
    using Nw = typename Tiles<T>::Narrow;
    using Sk = SkinnyGemm<T, 1, ForwardProblem<T>>;
    switch (kind) {
        case TileKind::Large: bm = L::BM; bn = L::BN; bk = L::BK; break;
        case TileKind::Medium: bm = Md::BM; bn = Md::BN; bk = Md::BK; break;
        case TileKind::Narrow: bm = Nw::BM; bn = Nw::BN; bk = Nw::BK; break;
        case TileKind::LegacyLarge: bm = L::BM; bn = L::BN; bk = L::BK; break;
        case TileKind::LegacyMedium: bm = Md::BM; bn = Md::BN; bk = Md::BK; break;
        case TileKind::Huge: bm = Tiles<T>::Huge::BM; bn = Tiles<T>::Huge::BN; bk = Tiles<T>::Huge::BK; break;
        case TileKind::LargeHoisted: bm = L::BM; bn = L::BN; bk = L::BK; break;
        case TileKind::MediumHoisted: bm = Md::BM; bn = Md::BN; bk = Md::BK; break;
        default: bm = Sk::BM; bn = skinny_width(n); bk = Sk::BK; break;
    }
}

constexpr int32_t kMaxSplits = 256;
constexpr int64_t kMaxPartialBytes = int64_t(1) << 28;  // 256 MiB of split-K partials at most
constexpr int32_t kMaxGridYZ = 65535;

// Chooses the tile and split-K for a GEMM of M x N x K (per phase). `sms` = multiprocessors of the device;
// force_tile >= 0 / force_splits > 0 override the choice (the lab and the host check use them).
//
// Tuned on an H200 (132 SMs) with the reference layers (kernels/dev/conv_lab.cu, float32):
//  - N <= 4: skinny; N <= 16: narrow; else the 64x64 tile, or 128x64 where that still gives two blocks per SM.
//  - Few tiles (under half an SM count: dcgan64.g1 forward, every backward-weight of a layer with few input
//    channels or a small batch) make the pass latency-bound: split K finely (slices of 8 x BK at least, up to
//    256 splits) for about two blocks per SM, on 128x64 tiles when M >= 512 (more work per loaded slice).
//  - Less than one tile per SM: split only where each split keeps >= 64 slices (dcgan64.g2 forward gained 10%;
//    mnist28.g1 forward, 64 slices deep, lost 30% to split-K's partials and reduction).
//  - Skinny passes with fewer than two tiles per SM (mnist28.g2/d1 backward-data: 100 tiles of 4 warps left most
//    SMs idle) split for about four blocks per SM: their partials are tiny.
//  - Otherwise no split.
template <typename T>
inline ConvPlan make_plan(int32_t M, int32_t N, int32_t K, int32_t phases, int sms, int force_tile = -1,
                          int32_t force_splits = 0) {
    ConvPlan plan{};
    plan.phases = phases;
    const int64_t sm = sms;
    auto tiles_of = [&](TileKind kind) {
        int32_t bm, bn, bk;
        tile_sizes<T>(kind, N, bm, bn, bk);
        return ((M + bm - 1) / bm) * static_cast<int64_t>((N + bn - 1) / bn) * phases;
    };
    if (force_tile >= 0) {
        plan.tile = static_cast<TileKind>(force_tile);
    } else if (N <= 4) {
        plan.tile = TileKind::Skinny;
    } else if (N <= 16) {
        plan.tile = TileKind::Narrow;
    } else if (tiles_of(TileKind::Medium) < sm / 2) {
        plan.tile = M >= 512 ? TileKind::Large : TileKind::Medium;
    } else {
        plan.tile = tiles_of(TileKind::Large) >= 2 * sm ? TileKind::Large : TileKind::Medium;
    }
    tile_sizes<T>(plan.tile, N, plan.bm, plan.bn, plan.bk);
    plan.grid_x = (M + plan.bm - 1) / plan.bm;
    plan.grid_y = (N + plan.bn - 1) / plan.bn;
    const int64_t tiles = plan.grid_x * plan.grid_y * phases;
    const int64_t slices = (K + plan.bk - 1) / plan.bk;
    int64_t splits = 1;
    if (force_splits > 0) {
        splits = force_splits;
    } else if (plan.tile == TileKind::Skinny && tiles < 2 * sm) {
        // skinny partials are only N <= 4 columns: split freely for about four blocks per SM (latency hiding)
        splits = (4 * sm + tiles - 1) / tiles;
        if (splits > slices) splits = slices;
        if (splits > kMaxSplits) splits = kMaxSplits;
    } else if (tiles < sm) {
        splits = (2 * sm + tiles - 1) / tiles;
        const int64_t deep = slices / (tiles < sm / 2 ? 8 : 64);
        if (splits > deep) splits = deep;
        if (splits > kMaxSplits) splits = kMaxSplits;
        const int64_t per_split = static_cast<int64_t>(M) * N * phases * static_cast<int64_t>(sizeof(T));
        if (splits > 1 && splits * per_split > kMaxPartialBytes) splits = kMaxPartialBytes / per_split;
        if (splits < 1) splits = 1;
    }
    if (splits > slices) splits = slices;
    if (splits * phases > kMaxGridYZ) splits = kMaxGridYZ / phases;
    if (splits < 1) splits = 1;
    const int64_t slices_per_split = (slices + splits - 1) / splits;
    plan.chunk = static_cast<int32_t>(slices_per_split * plan.bk);
    plan.splits = static_cast<int32_t>((K + plan.chunk - 1) / plan.chunk);  // no empty split
    plan.grid_z = static_cast<int64_t>(plan.splits) * phases;
    return plan;
}


// ---- kernels and launch ----
//
// The kernels are compiled by the host compiler too: kernels/dev/conv_host_check.cpp calls them as functions, every
// thread of a block a fiber of kernels/dev/simt_host.h, so their shared memory is declared through the macros at the
// top of this file and only the launches (<<<...>>>) are nvcc's alone (#ifdef __CUDACC__).

// One tile of C for blockIdx = (m tile, nn tile, phase * splits + split).
template <typename T, typename Cfg, typename Problem>
__global__ void __launch_bounds__(Cfg::THREADS, Cfg::MIN_BLOCKS)  // 2: at most 128 registers per thread
conv_gemm_kernel(Problem pr, int32_t splits, int32_t chunk, T* __restrict__ partial) {
    using G = ConvGemm<T, Cfg, Problem>;
    GCGAN_SHARED_ARRAY_2D(16, T, As, 2, G::A_SMEM);
    GCGAN_SHARED_ARRAY_2D(16, T, Bs, 2, G::B_SMEM);

    const int tid = threadIdx.x;
    const int32_t slot = blockIdx.z;
    const int32_t phase = slot / splits;
    const int32_t split = slot - phase * splits;
    pr.set_phase(phase);
    const int32_t m0 = blockIdx.x * Cfg::BM;
    const int32_t n0 = blockIdx.y * Cfg::BN;
    const int32_t k_begin = split * chunk;
    const int32_t k_end = split_end(pr.K, k_begin, chunk);

    typename G::Acc acc;
    G::zero(acc);
    typename G::Regs regs;
    const typename G::RowCache rc = G::row_cache(pr, tid, m0);
    G::load(pr, tid, m0, n0, k_begin, k_end, regs, rc);
    G::stash(tid, regs, As[0], Bs[0]);
    __syncthreads();
    int buf = 0;
    for (int32_t k0 = k_begin; k0 < k_end; k0 += Cfg::BK) {
        const bool more = k0 + Cfg::BK < k_end;
        if (more) G::load(pr, tid, m0, n0, k0 + Cfg::BK, k_end, regs, rc);  // in flight during the multiply
        G::compute(tid, As[buf], Bs[buf], acc);
        // The other buffer was last read in the previous slice, before the barrier that ended it.
        if (more) G::stash(tid, regs, As[buf ^ 1], Bs[buf ^ 1]);
        __syncthreads();
        buf ^= 1;
    }
    G::finish(pr, tid, m0, n0, slot, acc, splits > 1 ? partial : nullptr);
}

// The TF32 version of conv_gemm_kernel (float only): same slices, tensor-core multiply.
template <typename Cfg, typename Problem>
__global__ void __launch_bounds__(Cfg::THREADS, 2)
conv_mma_kernel(Problem pr, int32_t splits, int32_t chunk, float* __restrict__ partial) {
    using G = MmaGemm<Cfg, Problem>;
    GCGAN_SHARED_ARRAY_2D(16, float, As, 2, G::A_SMEM);
    GCGAN_SHARED_ARRAY_2D(16, float, Bs, 2, G::B_SMEM);

    const int tid = threadIdx.x;
    const int32_t slot = blockIdx.z;
    const int32_t phase = slot / splits;
    const int32_t split = slot - phase * splits;
    pr.set_phase(phase);
    const int32_t m0 = blockIdx.x * Cfg::BM;
    const int32_t n0 = blockIdx.y * Cfg::BN;
    const int32_t k_begin = split * chunk;
    const int32_t k_end = split_end(pr.K, k_begin, chunk);

    typename G::Acc acc;
    G::zero(acc);
    typename G::Regs regs;
    G::load(pr, tid, m0, n0, k_begin, k_end, regs);
    G::stash(tid, regs, As[0], Bs[0]);
    __syncthreads();
    int buf = 0;
    for (int32_t k0 = k_begin; k0 < k_end; k0 += Cfg::BK) {
        const bool more = k0 + Cfg::BK < k_end;
        if (more) G::load(pr, tid, m0, n0, k0 + Cfg::BK, k_end, regs);
#pragma unroll
        for (int ks = 0; ks < Cfg::BK / 8; ++ks) {
            typename G::Frags f;
            G::load_frags(tid, As[buf], Bs[buf], ks, f);
            G::mma(f, acc);
        }
        if (more) G::stash(tid, regs, As[buf ^ 1], Bs[buf ^ 1]);
        __syncthreads();
        buf ^= 1;
    }
    G::finish(pr, tid, m0, n0, slot, acc, splits > 1 ? partial : nullptr);
}

#ifdef __CUDACC__
template <typename Cfg, typename Problem>
inline void launch_mma(const Problem& pr, const ConvPlan& plan, float* partial, cudaStream_t stream) {
    const dim3 grid(static_cast<unsigned>(plan.grid_x), static_cast<unsigned>(plan.grid_y),
                    static_cast<unsigned>(plan.grid_z));
    conv_mma_kernel<Cfg, Problem><<<grid, Cfg::THREADS, 0, stream>>>(pr, plan.splits, plan.chunk, partial);
}
#endif  // __CUDACC__

// Up to NMAX columns of one BM-row tile of C for blockIdx = (m tile, column group, phase * splits + split).
template <typename T, int NMAX, typename Problem>
__global__ void __launch_bounds__(SkinnyGemm<T, NMAX, Problem>::THREADS)
conv_skinny_kernel(Problem pr, int32_t splits, int32_t chunk, T* __restrict__ partial) {
    using G = SkinnyGemm<T, NMAX, Problem>;
    GCGAN_SHARED_ARRAY(T, Bs, G::B_SMEM);

    const int tid = threadIdx.x;
    const int32_t slot = blockIdx.z;
    const int32_t phase = slot / splits;
    const int32_t split = slot - phase * splits;
    pr.set_phase(phase);
    const int32_t m0 = blockIdx.x * G::BM;
    const int32_t n0 = blockIdx.y * NMAX;
    const int32_t k_begin = split * chunk;
    const int32_t k_end = split_end(pr.K, k_begin, chunk);

    typename G::Acc acc;
    G::zero(acc);
    typename G::ARow a[G::TM];
    G::rows(pr, tid, m0, a);
    for (int32_t k0 = k_begin; k0 < k_end; k0 += G::BK) {
        __syncthreads();  // the previous slice's reads of Bs are done
        G::stage_b(pr, tid, n0, k0, k_end, Bs);
        __syncthreads();
        G::compute(pr, k0, k_end, a, Bs, acc);
    }
    G::finish(pr, tid, m0, n0, slot, acc, splits > 1 ? partial : nullptr);
}

#ifdef __CUDACC__
template <typename T, int NMAX, typename Problem>
inline void launch_skinny(const Problem& pr, const ConvPlan& plan, T* partial, cudaStream_t stream) {
    const dim3 grid(static_cast<unsigned>(plan.grid_x), static_cast<unsigned>(plan.grid_y),
                    static_cast<unsigned>(plan.grid_z));
    conv_skinny_kernel<T, NMAX, Problem><<<grid, SkinnyGemm<T, NMAX, Problem>::THREADS, 0, stream>>>(
        pr, plan.splits, plan.chunk, partial);
}
#endif  // __CUDACC__

// One pixel per thread, the block's kc-channel weight chunks staged in dynamic shared memory (DirectBackwardData).
template <typename T, int CMAX>
__global__ void __launch_bounds__(DirectBackwardData<T, CMAX>::THREADS)
conv_direct_backward_data_kernel(DirectBackwardDataProblem<T> pr) {
    using G = DirectBackwardData<T, CMAX>;
    GCGAN_DYNAMIC_SHARED_BYTES(16, direct_smem);
    T* Ws = reinterpret_cast<T*>(direct_smem);
    const int tid = threadIdx.x;
    const typename G::Pixel px = G::pixel(pr, static_cast<int32_t>(blockIdx.x) * G::THREADS + tid);
    T acc[CMAX];
GCGAN_UNROLL
    for (int c = 0; c < CMAX; ++c) acc[c] = T(0);
    for (int32_t k0 = 0; k0 < pr.d.k; k0 += pr.kc) {
        if (k0 > 0) __syncthreads();  // every thread is done with the previous chunk
        G::stage(pr, tid, k0, Ws);
        __syncthreads();
        if (px.ok) G::accumulate(pr, px, k0, Ws, acc);
    }
    if (px.ok) G::store(pr, px, acc);
}

#ifdef __CUDACC__
// The direct backward-data (use_direct_backward_data): ceil(n h w / 256) blocks; blockIdx.x * 256 + tid stays
// below 2^31 since n h w <= kMaxGemmDim.
template <typename T>
gcgan_status run_direct_backward_data(const char* call, const ConvDims& d, const T* dy, const T* w, T* dx,
                                      cudaStream_t stream) {
    const auto pr = DirectBackwardDataProblem<T>::make(d, dy, w, dx);
    const unsigned blocks = static_cast<unsigned>((static_cast<int64_t>(pr.pixels) + 255) / 256);
    const size_t smem = static_cast<size_t>(pr.smem_bytes());
    switch (direct_width(d.c)) {
        case 1: conv_direct_backward_data_kernel<T, 1><<<blocks, 256, smem, stream>>>(pr); break;
        case 2: conv_direct_backward_data_kernel<T, 2><<<blocks, 256, smem, stream>>>(pr); break;
        default: conv_direct_backward_data_kernel<T, 4><<<blocks, 256, smem, stream>>>(pr); break;
    }
    return gcgan::detail::check_launch(call);
}
#endif  // __CUDACC__

template <typename T, typename Problem>
__global__ void conv_splitk_reduce(Problem pr, int64_t count, int32_t splits, const T* __restrict__ partial) {
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t e = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; e < count; e += stride) {
        splitk_reduce_element<T>(pr, e, splits, partial);
    }
}

// The same sums for many splits (> kReduceLanes): 32 outputs per block, kReduceLanes threads per output. Lane l
// (warp l) adds the splits l, l + kReduceLanes, ... of 32 consecutive outputs (coalesced reads), then lane 0 adds
// the lanes' sums in lane order: a fixed order, so deterministic.
template <typename T, typename Problem>
__global__ void __launch_bounds__(32 * kReduceLanes)
conv_splitk_reduce_lanes(Problem pr, int64_t count, int32_t splits, const T* __restrict__ partial) {
    GCGAN_SHARED_ARRAY_2D(8, double, part, kReduceLanes, 32);
    const int lane = threadIdx.x / 32;
    const int o = threadIdx.x % 32;
    for (int64_t base = static_cast<int64_t>(blockIdx.x) * 32; base < count;
         base += static_cast<int64_t>(gridDim.x) * 32) {  // uniform over the block
        const int64_t e = base + o;
        part[lane][o] = e < count ? splitk_lane_sum<T>(pr, e, splits, lane, partial) : 0.0;
        __syncthreads();
        if (lane == 0 && e < count) {
            splitk_store_lanes<T>(pr, e, part, o);
        }
        __syncthreads();
    }
}

#ifdef __CUDACC__
template <typename T, typename Cfg, typename Problem>
inline void launch_tile(const Problem& pr, const ConvPlan& plan, T* partial, cudaStream_t stream) {
    const dim3 grid(static_cast<unsigned>(plan.grid_x), static_cast<unsigned>(plan.grid_y),
                    static_cast<unsigned>(plan.grid_z));
    conv_gemm_kernel<T, Cfg, Problem><<<grid, Cfg::THREADS, 0, stream>>>(pr, plan.splits, plan.chunk, partial);
}

// Multiprocessors of the current device (132 if it cannot be read; only the split-K choice depends on it).
inline int multiprocessors() {
    int device = 0;
    int sms = 0;
    if (cudaGetDevice(&device) != cudaSuccess ||
        cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device) != cudaSuccess || sms < 1) {
        cudaGetLastError();  // leave no error pending for check_launch to misattribute
        sms = 132;
    }
    return sms;
}

// Runs one pass: plan, optional scratch, tile kernel, optional reduction. force_tile / force_splits as make_plan.
// tf32: float32 only; the Large and Medium tiles then run on tensor cores (conv_mma_kernel), the narrow and
// skinny ones (N <= 16, little to gain) stay float32 FMA.
template <typename T, typename Problem>
gcgan_status run_conv(const char* call, const Problem& pr, cudaStream_t stream, int force_tile = -1,
                      int32_t force_splits = 0, bool tf32 = false) {
    using namespace gcgan::detail;
#ifndef GCGAN_CONV_LEGACY_TILES
    if (force_tile >= static_cast<int>(TileKind::Huge)) {
        return fail(GCGAN_ERR_UNSUPPORTED, call, "conv tile %d is built into the lab only", force_tile);
    }
#endif
    const ConvPlan plan = make_plan<T>(pr.M, pr.N, pr.K, Problem::phases(pr.d), multiprocessors(), force_tile,
                                       force_splits);
    T* partial = nullptr;
    if (plan.splits > 1) {
        const size_t bytes = static_cast<size_t>(plan.grid_z) * pr.N * pr.M * sizeof(T);
        cudaError_t error = cudaMallocAsync(reinterpret_cast<void**>(&partial), bytes, stream);
        if (error != cudaSuccess) {
            cudaGetLastError();
            return fail_cuda(call, "cudaMallocAsync of the split-K partials", error);
        }
    }
    const bool mma = std::is_same<T, float>::value && tf32 &&
                     (plan.tile == TileKind::Large || plan.tile == TileKind::Medium);
    if constexpr (std::is_same<T, float>::value) {
        if (mma && plan.tile == TileKind::Large) launch_mma<MmaTiles::Large>(pr, plan, partial, stream);
        if (mma && plan.tile == TileKind::Medium) launch_mma<MmaTiles::Medium>(pr, plan, partial, stream);
    }
    if (!mma) switch (plan.tile) {
        case TileKind::Large: launch_tile<T, typename Tiles<T>::Large>(pr, plan, partial, stream); break;
        case TileKind::Medium: launch_tile<T, typename Tiles<T>::Medium>(pr, plan, partial, stream); break;
        case TileKind::Narrow: launch_tile<T, typename Tiles<T>::Narrow>(pr, plan, partial, stream); break;
#ifdef GCGAN_CONV_LEGACY_TILES  // the lab and the host check (the library never builds the lab-only tiles)
        case TileKind::LegacyLarge: launch_tile<T, typename Tiles<T>::LegacyLarge>(pr, plan, partial, stream); break;
        case TileKind::LegacyMedium:
            launch_tile<T, typename Tiles<T>::LegacyMedium>(pr, plan, partial, stream);
            break;
        case TileKind::Huge: launch_tile<T, typename Tiles<T>::Huge>(pr, plan, partial, stream); break;
        case TileKind::LargeHoisted:
            launch_tile<T, typename Tiles<T>::LargeHoisted>(pr, plan, partial, stream);
            break;
        case TileKind::MediumHoisted:
            launch_tile<T, typename Tiles<T>::MediumHoisted>(pr, plan, partial, stream);
            break;
#else  // only forced, never planned: run the warp-tiled equivalents (the lab-only tiles were refused above)
        case TileKind::LegacyLarge: launch_tile<T, typename Tiles<T>::Large>(pr, plan, partial, stream); break;
        case TileKind::LegacyMedium: launch_tile<T, typename Tiles<T>::Medium>(pr, plan, partial, stream); break;
        case TileKind::Huge:
        case TileKind::LargeHoisted:
        case TileKind::MediumHoisted: break;
#endif
        default:
            switch (plan.bn) {
                case 1: launch_skinny<T, 1>(pr, plan, partial, stream); break;
                case 2: launch_skinny<T, 2>(pr, plan, partial, stream); break;
                default: launch_skinny<T, 4>(pr, plan, partial, stream); break;
            }
            break;
    }
    gcgan_status status = check_launch(call);
    if (plan.splits > 1) {
        if (status == GCGAN_OK) {
            const int64_t count = static_cast<int64_t>(plan.phases) * pr.N * pr.M;
            if (plan.splits > kReduceLanes) {
                const int64_t blocks = (count + 31) / 32;
                const unsigned grid = static_cast<unsigned>(blocks < kMaxGrid ? blocks : kMaxGrid);
                conv_splitk_reduce_lanes<T, Problem><<<grid, 32 * kReduceLanes, 0, stream>>>(pr, count, plan.splits,
                                                                                           partial);
            } else {
                conv_splitk_reduce<T, Problem><<<grid_for(count), kThreads, 0, stream>>>(pr, count, plan.splits,
                                                                                        partial);
            }
            status = check_launch(call);
        }
        const cudaError_t error = cudaFreeAsync(partial, stream);
        if (error != cudaSuccess && status == GCGAN_OK) {
            cudaGetLastError();
            return fail_cuda(call, "cudaFreeAsync of the split-K partials", error);
        }
    }
    return status;
}

// force_tile value that asks run_backward_data for the direct kernel wherever it fits, whatever the pixel count
// (the lab's check of it at small batches, under compute-sanitizer); where it does not fit, the production plan.
constexpr int kForceDirect = -2;

// Backward-data: the direct kernel for few channels (unless a GEMM tile is forced), else the one-pixel GEMM
// where it applies, else the stride-phase GEMM.
template <typename T>
gcgan_status run_backward_data(const char* call, const ConvDims& d, const T* dy, const T* w, T* dx,
                               cudaStream_t stream, int force_tile = -1, int32_t force_splits = 0,
                               bool tf32 = false) {
    if ((force_tile == -1 && use_direct_backward_data<T>(d)) || (force_tile == kForceDirect && direct_fits<T>(d))) {
        return run_direct_backward_data<T>(call, d, dy, w, dx, stream);
    }
    if (use_one_pixel(d)) {
        return run_conv<T>(call, BackwardDataOnePixelProblem<T>::make(d, dy, w, dx), stream, force_tile,
                           force_splits, tf32);
    }
    return run_conv<T>(call, BackwardDataProblem<T>::make(d, dy, w, dx), stream, force_tile, force_splits, tf32);
}

#endif  // __CUDACC__

}  // namespace conv
}  // namespace gcgan

#endif  // GCGAN_CONV_INTERNAL_CUH
