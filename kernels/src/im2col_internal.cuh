// im2col_internal.cuh - internal to libgcgan_kernels: the per-element index math of gcgan_im2col_* and
// gcgan_col2im_* (im2col.cu), __host__ __device__ so that kernels/dev/host_selfcheck.cu checks it on the host
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

// col's element `i` (row-major flat index) read from x.
template <typename T>
__host__ __device__ __forceinline__ T im2col_element(const T* x, const Im2colDims& d, int64_t i) {
    const int64_t cols = d.columns();
    const int64_t row = i / cols;
    const int64_t col = i - row * cols;
    const int64_t qi = col % d.q;
    const int64_t np = col / d.q;
    const int64_t pi = np % d.p;
    const int64_t ni = np / d.p;
    const int64_t si = row % d.s;
    const int64_t cr = row / d.s;
    const int64_t ri = cr % d.r;
    const int64_t ci = cr / d.r;
    const int64_t yi = pi * d.stride_h - d.pad_h + ri;
    const int64_t xi = qi * d.stride_w - d.pad_w + si;
    if (yi < 0 || yi >= d.h || xi < 0 || xi >= d.w) {
        return T(0);
    }
    return x[((ni * d.c + ci) * d.h + yi) * d.w + xi];
}

// dx's element `i` (NCHW flat index): the sum over the col entries im2col reads from it, ri then si ascending.
template <typename T>
__host__ __device__ __forceinline__ T col2im_element(const T* col, const Im2colDims& d, int64_t i) {
    const int64_t xi = i % d.w;
    const int64_t t1 = i / d.w;
    const int64_t yi = t1 % d.h;
    const int64_t t2 = t1 / d.h;
    const int64_t ci = t2 % d.c;
    const int64_t ni = t2 / d.c;
    const int64_t cols = d.columns();
    T sum = T(0);
    for (int64_t ri = 0; ri < d.r; ++ri) {
        const int64_t py = yi + d.pad_h - ri;  // = pi * stride_h for the output row that reads (yi) through ri
        if (py < 0 || py % d.stride_h != 0 || py / d.stride_h >= d.p) {
            continue;
        }
        const int64_t pi = py / d.stride_h;
        for (int64_t si = 0; si < d.s; ++si) {
            const int64_t px = xi + d.pad_w - si;
            if (px < 0 || px % d.stride_w != 0 || px / d.stride_w >= d.q) {
                continue;
            }
            const int64_t qi = px / d.stride_w;
            sum += col[((ci * d.r + ri) * d.s + si) * cols + (ni * d.p + pi) * d.q + qi];
        }
    }
    return sum;
}

}  // namespace detail
}  // namespace gcgan

#endif  // GCGAN_IM2COL_INTERNAL_CUH
