// im2col_internal.cuh - internal to libgcgan_kernels: the per-element index math of gcgan_im2col_* and
// gcgan_col2im_* (im2col.cu), __host__ __device__ so that kernels/dev/host_selfcheck.cpp checks it on the host
// against naive loops.
//
// x [n, c, h, w] (NCHW, dense), col [c * r * s, n * p * q] (row-major): row (ci * r + ri) * s + si, column
// (ni * p + pi) * q + qi holds x[ni, ci, pi * stride_h - pad_h + ri, qi * stride_w - pad_w + si], or 0 where that
// position lies in the padding. col2im is its adjoint: dx[ni, ci, yi, xi] sums the col entries that im2col reads
// from x[ni, ci, yi, xi], over ri ascending, then si ascending (a fixed order: results do not depend on the launch).
#ifndef GCGAN_IM2COL_INTERNAL_CUH
#define GCGAN_IM2COL_INTERNAL_CUH

#include <cstdint>

namespace gcgan {
namespace detail {

// The geometry with the output size, in int64 (col may hold more than 2^31 elements).
struct Im2colDims {
    int64_t n, c, h, w;
    int64_t r, s;
    int64_t stride_h, stride_w, pad_h, pad_w;
    int64_t p, q;

    __host__ __device__ int64_t rows() const { return c * r * s; }      // col's rows
    __host__ __device__ int64_t columns() const { return n * p * q; }   // col's columns
};

// Whether every index of both directions fits in int32 (col and x below 2^31 elements): the kernels then do their
// divisions in 32 bits, several times fewer instructions on a GPU than 64-bit ones (six per col element).
__host__ __device__ inline bool im2col_fits_int32(const Im2colDims& d) {
    const int64_t limit = 0x7fffffff;
    return d.rows() <= limit && d.columns() <= limit / d.rows() && d.n * d.c <= limit / (d.h * d.w);
}

// col's element `i` (row-major flat index) read from x; index type I: int64_t, or int32_t where im2col_fits_int32.
template <typename I = int64_t, typename T>
__host__ __device__ __forceinline__ T im2col_element(const T* x, const Im2colDims& d, I i) {
    const I cols = static_cast<I>(d.columns());
    const I q = static_cast<I>(d.q), p = static_cast<I>(d.p), s = static_cast<I>(d.s), r = static_cast<I>(d.r);
    const I row = i / cols;
    const I col = i - row * cols;
    const I qi = col % q;
    const I np = col / q;
    const I pi = np % p;
    const I ni = np / p;
    const I si = row % s;
    const I cr = row / s;
    const I ri = cr % r;
    const I ci = cr / r;
    const I yi = pi * static_cast<I>(d.stride_h) - static_cast<I>(d.pad_h) + ri;
    const I xi = qi * static_cast<I>(d.stride_w) - static_cast<I>(d.pad_w) + si;
    if (yi < 0 || yi >= d.h || xi < 0 || xi >= d.w) {
        return T(0);
    }
    return x[((ni * static_cast<I>(d.c) + ci) * static_cast<I>(d.h) + yi) * static_cast<I>(d.w) + xi];
}

// dx's element `i` (NCHW flat index): the sum over the col entries im2col reads from it, ri then si ascending.
// Index type I as for im2col_element.
template <typename I = int64_t, typename T>
__host__ __device__ __forceinline__ T col2im_element(const T* col, const Im2colDims& d, I i) {
    const I w = static_cast<I>(d.w), h = static_cast<I>(d.h), c = static_cast<I>(d.c);
    const I r = static_cast<I>(d.r), s = static_cast<I>(d.s), p = static_cast<I>(d.p), q = static_cast<I>(d.q);
    const I stride_h = static_cast<I>(d.stride_h), stride_w = static_cast<I>(d.stride_w);
    const I xi = i % w;
    const I t1 = i / w;
    const I yi = t1 % h;
    const I t2 = t1 / h;
    const I ci = t2 % c;
    const I ni = t2 / c;
    const I cols = static_cast<I>(d.columns());
    T sum = T(0);
    for (I ri = 0; ri < r; ++ri) {
        const I py = yi + static_cast<I>(d.pad_h) - ri;  // = pi * stride_h for the output row that reads yi via ri
        if (py < 0 || py % stride_h != 0 || py / stride_h >= p) {
            continue;
        }
        const I pi = py / stride_h;
        for (I si = 0; si < s; ++si) {
            const I px = xi + static_cast<I>(d.pad_w) - si;
            if (px < 0 || px % stride_w != 0 || px / stride_w >= q) {
                continue;
            }
            const I qi = px / stride_w;
            sum += col[((ci * r + ri) * s + si) * cols + (ni * p + pi) * q + qi];
        }
    }
    return sum;
}

}  // namespace detail
}  // namespace gcgan

#endif  // GCGAN_IM2COL_INTERNAL_CUH
