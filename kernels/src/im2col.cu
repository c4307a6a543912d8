// im2col.cu - gcgan_im2col_{f32,f64} and gcgan_col2im_{f32,f64}: the data movement of the explicit-GEMM
// convolution (io.gcgan.backend.cuda.GemmConvolution), whose products are cuBLAS GEMMs. One thread per output
// element in a grid-stride loop; the index math is im2col_internal.cuh's (checked on the host by host_selfcheck).
//   im2col: col [c*r*s, n*p*q] from x; writes are coalesced along a row of col, reads gather x with the stride.
//   col2im: dx [n, c, h, w] as the sum of its col entries in a fixed order (no atomics: deterministic).

#include "device_common.cuh"
#include "geometry_check.h"
#include "im2col_internal.cuh"

namespace {

using namespace gcgan::detail;

// I: the index type of the element math (int32_t where im2col_fits_int32); the loop counter stays int64.
template <typename T, typename I>
__global__ void im2col_kernel(const T* __restrict__ x, T* __restrict__ col, Im2colDims d, int64_t count) {
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        col[i] = im2col_element<I>(x, d, static_cast<I>(i));
    }
}

template <typename T, typename I>
__global__ void col2im_kernel(const T* __restrict__ col, T* __restrict__ dx, Im2colDims d, int64_t count) {
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < count;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        dx[i] = col2im_element<I>(col, d, static_cast<I>(i));
    }
}

// Checks the pointers and the geometry for `call` (the limits of gcgan_kernels.h's im2col section) and fills d.
gcgan_status check(const char* call, const void* in, const char* in_name, const void* out, const char* out_name,
                   const gcgan_conv_geometry* g, Im2colDims* d) {
    const gcgan_status fields = check_geometry_fields(call, g);
    if (fields != GCGAN_OK) return fields;
    if (in == nullptr) return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s is NULL", in_name);
    if (out == nullptr) return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s is NULL", out_name);
    *d = Im2colDims{g->n, g->c, g->h, g->w, g->r, g->s, g->stride_h, g->stride_w, g->pad_h, g->pad_w,
                    (g->h + 2 * g->pad_h - g->r) / g->stride_h + 1, (g->w + 2 * g->pad_w - g->s) / g->stride_w + 1};
    // In double from the fields: rows() and columns() are int64 products that could overflow before this check.
    const double elements = static_cast<double>(d->c) * static_cast<double>(d->r) * static_cast<double>(d->s) *
                            static_cast<double>(d->n) * static_cast<double>(d->p) * static_cast<double>(d->q);
    if (elements > 4.0e18 || static_cast<double>(g->n) * g->c * g->h * g->w > 4.0e18) {
        return fail(GCGAN_ERR_UNSUPPORTED, call, "col of %.0f elements exceeds 4e18", elements);
    }
    return GCGAN_OK;
}

template <typename T>
gcgan_status im2col(const char* call, const T* x, T* col, const gcgan_conv_geometry* g, gcgan_stream stream) {
    Im2colDims d;
    const gcgan_status status = check(call, x, "x", col, "col", g, &d);
    if (status != GCGAN_OK) return status;
    const int64_t count = d.rows() * d.columns();
    if (im2col_fits_int32(d)) {
        im2col_kernel<T, int32_t><<<grid_for(count), kThreads, 0, stream>>>(x, col, d, count);
    } else {
        im2col_kernel<T, int64_t><<<grid_for(count), kThreads, 0, stream>>>(x, col, d, count);
    }
    return check_launch(call);
}

template <typename T>
gcgan_status col2im(const char* call, const T* col, T* dx, const gcgan_conv_geometry* g, gcgan_stream stream) {
    Im2colDims d;
    const gcgan_status status = check(call, col, "col", dx, "dx", g, &d);
    if (status != GCGAN_OK) return status;
    const int64_t count = d.n * d.c * d.h * d.w;
    if (im2col_fits_int32(d)) {
        col2im_kernel<T, int32_t><<<grid_for(count), kThreads, 0, stream>>>(col, dx, d, count);
    } else {
        col2im_kernel<T, int64_t><<<grid_for(count), kThreads, 0, stream>>>(col, dx, d, count);
    }
    return check_launch(call);
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_im2col_f32(const float* x, float* col, const gcgan_conv_geometry* geometry,
                                                   gcgan_stream stream) {
    return im2col<float>("gcgan_im2col_f32", x, col, geometry, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_im2col_f64(const double* x, double* col, const gcgan_conv_geometry* geometry,
                                                   gcgan_stream stream) {
    return im2col<double>("gcgan_im2col_f64", x, col, geometry, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_col2im_f32(const float* col, float* dx, const gcgan_conv_geometry* geometry,
                                                   gcgan_stream stream) {
    return col2im<float>("gcgan_col2im_f32", col, dx, geometry, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_col2im_f64(const double* col, double* dx,
                                                   const gcgan_conv_geometry* geometry, gcgan_stream stream) {
    return col2im<double>("gcgan_col2im_f64", col, dx, geometry, stream);
}
