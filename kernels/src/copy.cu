// copy.cu - gcgan_copy_strided: dst[...] = (Dst) src[...] over a strided index space, converting dtypes.
//
// Layout (gcgan_strided_layout, by value): operand 0 = src, operand 1 = dst; offsets and strides in elements of
// each operand's own dtype. Thread t of the grid-stride loop handles flat indices t, t + stride, ... of the
// row-major index space and computes both offsets from the flat index (strided_offsets). Each flat index is
// written once, so the launch configuration never changes the result.

#include "device_common.cuh"

namespace {

template <typename Src, typename Dst>
__global__ void copy_kernel(const Src* src, Dst* dst, int64_t n,
                            const __grid_constant__ gcgan_strided_layout layout) {
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
        int64_t off[2];
        gcgan::detail::strided_offsets<2>(layout, i, off);
        dst[off[1]] = static_cast<Dst>(src[off[0]]);  // double -> float: round to nearest even
    }
}

template <typename Src, typename Dst>
gcgan_status launch_copy(const char* call, const void* src, void* dst, int64_t n, const gcgan_strided_layout& layout,
                         gcgan_stream stream) {
    using namespace gcgan::detail;
    copy_kernel<Src, Dst><<<grid_for(n), kThreads, 0, stream>>>(static_cast<const Src*>(src), static_cast<Dst*>(dst),
                                                                 n, layout);
    return check_launch(call);
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_copy_strided(int32_t src_dtype, const void* src, int32_t dst_dtype,
                                                     void* dst, const gcgan_strided_layout* layout,
                                                     gcgan_stream stream) {
    using namespace gcgan::detail;
    const char* call = "gcgan_copy_strided";
    int64_t n = 0;
    gcgan_status status = check_layout(call, layout, &n);
    if (status != GCGAN_OK) return status;
    const bool src_ok = src_dtype == GCGAN_DTYPE_FLOAT32 || src_dtype == GCGAN_DTYPE_FLOAT64;
    const bool dst_ok = dst_dtype == GCGAN_DTYPE_FLOAT32 || dst_dtype == GCGAN_DTYPE_FLOAT64;
    if (!src_ok || !dst_ok) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "unknown dtype code (src %d, dst %d; expected %d or %d)",
                    src_dtype, dst_dtype, GCGAN_DTYPE_FLOAT32, GCGAN_DTYPE_FLOAT64);
    }
    status = check_pointer(call, src, "src", n);
    if (status == GCGAN_OK) status = check_pointer(call, dst, "dst", n);
    if (status != GCGAN_OK || n == 0) return status;
    if (src_dtype == GCGAN_DTYPE_FLOAT32) {
        return dst_dtype == GCGAN_DTYPE_FLOAT32 ? launch_copy<float, float>(call, src, dst, n, *layout, stream)
                                                : launch_copy<float, double>(call, src, dst, n, *layout, stream);
    }
    return dst_dtype == GCGAN_DTYPE_FLOAT32 ? launch_copy<double, float>(call, src, dst, n, *layout, stream)
                                            : launch_copy<double, double>(call, src, dst, n, *layout, stream);
}
