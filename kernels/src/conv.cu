// conv.cu - gcgan_conv2d_{forward,backward_data,backward_weight}_{f32,f64}: gcgan's own 2-D convolutions, as
// implicit GEMMs with operands gathered on the fly (no im2col buffer).
//
// x [N, C, H, W], w [K, C, R, S], y [N, K, P, Q] (NCHW / KCRS, dense). The index math, the tiles and the launch
// plan, and the kernels themselves are in conv_internal.cuh (shared with kernels/dev/conv_host_check.cpp and the lab
// kernels/dev/conv_lab.cu); this file holds the argument checks and the C entry points. The kernels:
//   conv_gemm_kernel     one BM x BN tile of one (stride phase, K split) per block, register double-buffered
//   conv_mma_kernel      the same on TF32 tensor cores (float32 with GCGAN_CONV_ALLOW_TF32, more than 16 columns)
//   conv_skinny_kernel   GEMMs of at most 4 columns: 512 rows per block, A straight from global memory
//   conv_direct_backward_data_kernel   backward-data into c <= 4 channels (image layers): one thread per pixel
//   conv_splitk_reduce   sums the split-K partials of each output in split order (deterministic); with more
//   (_lanes)             than 8 splits, 8 threads per output and a fixed combination order
// Scratch for split-K partials is stream-ordered (cudaMallocAsync / cudaFreeAsync on `stream`), as in reduce.cu.

#include <climits>

#include "conv_internal.cuh"
#include "device_common.cuh"
#include "geometry_check.h"

namespace gcgan {
namespace conv {

using namespace gcgan::detail;

// Checks the geometry and flags for `call` and fills dims. Returns GCGAN_OK or the failure (recorded).
gcgan_status check_geometry(const char* call, const gcgan_conv_geometry* g, int32_t flags, ConvDims* dims) {
    if (g == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "geometry is NULL");
    }
    if ((flags & ~GCGAN_CONV_ALLOW_TF32) != 0) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "unknown flags 0x%x (known: GCGAN_CONV_ALLOW_TF32 = 0x%x)",
                    static_cast<unsigned>(flags), static_cast<unsigned>(GCGAN_CONV_ALLOW_TF32));
    }
    const gcgan_status fields = check_geometry_fields(call, g);
    if (fields != GCGAN_OK) {
        return fields;
    }
    const int64_t p = (g->h + 2 * g->pad_h - g->r) / g->stride_h + 1;
    const int64_t q = (g->w + 2 * g->pad_w - g->s) / g->stride_w + 1;
    const int64_t hm = (g->h + g->stride_h - 1) / g->stride_h;
    const int64_t wm = (g->w + g->stride_w - 1) / g->stride_w;
    const int64_t tr = (g->r + g->stride_h - 1) / g->stride_h;
    const int64_t ts = (g->s + g->stride_w - 1) / g->stride_w;
    // Every GEMM dimension of the three passes (and so every index the kernels form) must fit in int32, with room
    // for one tile beyond the end (kMaxGemmDim).
    const struct { const char* name; double value; } products[] = {
        {"n * p * q", static_cast<double>(g->n) * p * q},
        {"c * r * s", static_cast<double>(g->c) * g->r * g->s},
        {"n * ceil(h / stride_h) * ceil(w / stride_w)", static_cast<double>(g->n) * hm * wm},
        {"k * ceil(r / stride_h) * ceil(s / stride_w)", static_cast<double>(g->k) * tr * ts}};
    for (const auto& pr : products) {
        if (pr.value > static_cast<double>(kMaxGemmDim)) {
            return fail(GCGAN_ERR_UNSUPPORTED, call, "%s = %.0f exceeds 2^31 - 4097", pr.name, pr.value);
        }
    }
    if (g->stride_h * g->stride_w > kMaxGridYZ) {
        return fail(GCGAN_ERR_UNSUPPORTED, call, "stride_h * stride_w = %lld exceeds %d",
                    static_cast<long long>(g->stride_h * g->stride_w), kMaxGridYZ);
    }
    if ((g->k + 15) / 16 > kMaxGridYZ || (g->c + 15) / 16 > kMaxGridYZ) {
        return fail(GCGAN_ERR_UNSUPPORTED, call, "k = %lld or c = %lld exceeds %d", static_cast<long long>(g->k),
                    static_cast<long long>(g->c), kMaxGridYZ * 16);
    }
    *dims = make_dims(static_cast<int32_t>(g->n), static_cast<int32_t>(g->c), static_cast<int32_t>(g->h),
                      static_cast<int32_t>(g->w), static_cast<int32_t>(g->k), static_cast<int32_t>(g->r),
                      static_cast<int32_t>(g->s), static_cast<int32_t>(g->stride_h),
                      static_cast<int32_t>(g->stride_w), static_cast<int32_t>(g->pad_h),
                      static_cast<int32_t>(g->pad_w));
    return GCGAN_OK;
}

gcgan_status check_pointers(const char* call, const void* a, const char* a_name, const void* b, const char* b_name,
                            const void* out, const char* out_name) {
    if (a == nullptr) return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s is NULL", a_name);
    if (b == nullptr) return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s is NULL", b_name);
    if (out == nullptr) return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s is NULL", out_name);
    return GCGAN_OK;
}

template <typename T>
gcgan_status forward_entry(const char* call, const T* x, const T* w, T* y, const gcgan_conv_geometry* g,
                           int32_t flags, gcgan_stream stream, int force_tile = -1, int32_t force_splits = 0) {
    ConvDims d;
    gcgan_status status = check_geometry(call, g, flags, &d);
    if (status == GCGAN_OK) status = check_pointers(call, x, "x", w, "w", y, "y");
    if (status != GCGAN_OK) return status;
    const bool tf32 = (flags & GCGAN_CONV_ALLOW_TF32) != 0;
    return run_conv<T>(call, ForwardProblem<T>::make(d, x, w, y), stream, force_tile, force_splits, tf32);
}

template <typename T>
gcgan_status backward_data_entry(const char* call, const T* dy, const T* w, T* dx, const gcgan_conv_geometry* g,
                                 int32_t flags, gcgan_stream stream, int force_tile = -1, int32_t force_splits = 0) {
    ConvDims d;
    gcgan_status status = check_geometry(call, g, flags, &d);
    if (status == GCGAN_OK) status = check_pointers(call, dy, "dy", w, "w", dx, "dx");
    if (status != GCGAN_OK) return status;
    const bool tf32 = (flags & GCGAN_CONV_ALLOW_TF32) != 0;
    return run_backward_data<T>(call, d, dy, w, dx, stream, force_tile, force_splits, tf32);
}

template <typename T>
gcgan_status backward_weight_entry(const char* call, const T* x, const T* dy, T* dw, const gcgan_conv_geometry* g,
                                   int32_t flags, gcgan_stream stream, int force_tile = -1,
                                   int32_t force_splits = 0) {
    ConvDims d;
    gcgan_status status = check_geometry(call, g, flags, &d);
    if (status == GCGAN_OK) status = check_pointers(call, x, "x", dy, "dy", dw, "dw");
    if (status != GCGAN_OK) return status;
    const bool tf32 = (flags & GCGAN_CONV_ALLOW_TF32) != 0;
    return run_conv<T>(call, BackwardWeightProblem<T>::make(d, x, dy, dw), stream, force_tile, force_splits, tf32);
}

}  // namespace conv
}  // namespace gcgan

using gcgan::conv::backward_data_entry;
using gcgan::conv::backward_weight_entry;
using gcgan::conv::forward_entry;

extern "C" GCGAN_API gcgan_status gcgan_conv2d_forward_f32(const float* x, const float* w, float* y,
                                                           const gcgan_conv_geometry* geometry, int32_t flags,
                                                           gcgan_stream stream) {
    return forward_entry<float>("gcgan_conv2d_forward_f32", x, w, y, geometry, flags, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_conv2d_forward_f64(const double* x, const double* w, double* y,
                                                           const gcgan_conv_geometry* geometry, int32_t flags,
                                                           gcgan_stream stream) {
    return forward_entry<double>("gcgan_conv2d_forward_f64", x, w, y, geometry, flags, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_conv2d_backward_data_f32(const float* dy, const float* w, float* dx,
                                                                 const gcgan_conv_geometry* geometry, int32_t flags,
                                                                 gcgan_stream stream) {
    return backward_data_entry<float>("gcgan_conv2d_backward_data_f32", dy, w, dx, geometry, flags, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_conv2d_backward_data_f64(const double* dy, const double* w, double* dx,
                                                                 const gcgan_conv_geometry* geometry, int32_t flags,
                                                                 gcgan_stream stream) {
    return backward_data_entry<double>("gcgan_conv2d_backward_data_f64", dy, w, dx, geometry, flags, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_conv2d_backward_weight_f32(const float* x, const float* dy, float* dw,
                                                                   const gcgan_conv_geometry* geometry,
                                                                   int32_t flags, gcgan_stream stream) {
    return backward_weight_entry<float>("gcgan_conv2d_backward_weight_f32", x, dy, dw, geometry, flags, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_conv2d_backward_weight_f64(const double* x, const double* dy, double* dw,
                                                                   const gcgan_conv_geometry* geometry,
                                                                   int32_t flags, gcgan_stream stream) {
    return backward_weight_entry<double>("gcgan_conv2d_backward_weight_f64", x, dy, dw, geometry, flags, stream);
}
