// binary.cu - gcgan_binary_{f32,f64} (a op b with broadcasting) and gcgan_where_{f32,f64} (cond ? a : b).
//
// Layout (gcgan_strided_layout, by value): binary operands 0 = a, 1 = b, 2 = out; where operands 0 = cond, 1 = a,
// 2 = b, 3 = out. Broadcast inputs have stride 0 in the broadcast dimensions. Thread t of the grid-stride loop
// handles flat indices t, t + stride, ... and computes every operand's offset from the flat index.
// Values are widened to double, combined with the semantics of io.gcgan.backend.cpu.ElementMath, and rounded once.
// out may alias an input read with the same strides (each element is read and then written by one thread), so
// no pointer is __restrict__.

#include "device_common.cuh"

namespace {

using namespace gcgan::detail;

template <int Op>
__device__ __forceinline__ double binary_op(double a, double b) {
    if constexpr (Op == GCGAN_BINARY_ADD) {
        return add_rn(a, b);
    } else if constexpr (Op == GCGAN_BINARY_SUB) {
        return sub_rn(a, b);
    } else if constexpr (Op == GCGAN_BINARY_MUL) {
        return mul_rn(a, b);
    } else if constexpr (Op == GCGAN_BINARY_DIV) {
        return div_rn(a, b);
    } else if constexpr (Op == GCGAN_BINARY_POW) {
        return element_pow(a, b);
    } else if constexpr (Op == GCGAN_BINARY_MAX) {
        return java_max(a, b);
    } else if constexpr (Op == GCGAN_BINARY_MIN) {
        return java_min(a, b);
    } else if constexpr (Op == GCGAN_BINARY_EQ) {
        return a == b ? 1.0 : 0.0;
    } else if constexpr (Op == GCGAN_BINARY_NE) {
        return a != b ? 1.0 : 0.0;
    } else if constexpr (Op == GCGAN_BINARY_LT) {
        return a < b ? 1.0 : 0.0;
    } else if constexpr (Op == GCGAN_BINARY_LE) {
        return a <= b ? 1.0 : 0.0;
    } else if constexpr (Op == GCGAN_BINARY_GT) {
        return a > b ? 1.0 : 0.0;
    } else {
        static_assert(Op == GCGAN_BINARY_GE, "unknown binary op");
        return a >= b ? 1.0 : 0.0;
    }
}

template <typename T, int Op>
__global__ void binary_kernel(const T* a, const T* b, T* out, int64_t n,
                              const __grid_constant__ gcgan_strided_layout layout) {
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
        int64_t off[3];
        strided_offsets<3>(layout, i, off);
        out[off[2]] = static_cast<T>(binary_op<Op>(static_cast<double>(a[off[0]]), static_cast<double>(b[off[1]])));
    }
}

template <typename T>
__global__ void where_kernel(const T* cond, const T* a, const T* b, T* out, int64_t n,
                             const __grid_constant__ gcgan_strided_layout layout) {
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
        int64_t off[4];
        strided_offsets<4>(layout, i, off);
        out[off[3]] = cond[off[0]] != T(0) ? a[off[1]] : b[off[2]];  // a NaN cond is != 0: true, as in Java
    }
}

template <typename T, int Op>
void launch_op(const T* a, const T* b, T* out, int64_t n, const gcgan_strided_layout& layout, gcgan_stream stream) {
    binary_kernel<T, Op><<<grid_for(n), kThreads, 0, stream>>>(a, b, out, n, layout);
}

template <typename T>
gcgan_status launch_binary(const char* call, int32_t op, const T* a, const T* b, T* out,
                           const gcgan_strided_layout* layout, gcgan_stream stream) {
    int64_t n = 0;
    gcgan_status status = check_layout(call, layout, &n);
    if (status != GCGAN_OK) return status;
    if (op < 0 || op >= GCGAN_BINARY_OP_COUNT) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "unknown binary op %d (expected 0 .. %d)", op,
                    GCGAN_BINARY_OP_COUNT - 1);
    }
    status = check_pointer(call, a, "a", n);
    if (status == GCGAN_OK) status = check_pointer(call, b, "b", n);
    if (status == GCGAN_OK) status = check_pointer(call, out, "out", n);
    if (status != GCGAN_OK || n == 0) return status;
    const gcgan_strided_layout& l = *layout;
    switch (op) {
        case GCGAN_BINARY_ADD: launch_op<T, GCGAN_BINARY_ADD>(a, b, out, n, l, stream); break;
        case GCGAN_BINARY_SUB: launch_op<T, GCGAN_BINARY_SUB>(a, b, out, n, l, stream); break;
        case GCGAN_BINARY_MUL: launch_op<T, GCGAN_BINARY_MUL>(a, b, out, n, l, stream); break;
        case GCGAN_BINARY_DIV: launch_op<T, GCGAN_BINARY_DIV>(a, b, out, n, l, stream); break;
        case GCGAN_BINARY_POW: launch_op<T, GCGAN_BINARY_POW>(a, b, out, n, l, stream); break;
        case GCGAN_BINARY_MAX: launch_op<T, GCGAN_BINARY_MAX>(a, b, out, n, l, stream); break;
        case GCGAN_BINARY_MIN: launch_op<T, GCGAN_BINARY_MIN>(a, b, out, n, l, stream); break;
        case GCGAN_BINARY_EQ: launch_op<T, GCGAN_BINARY_EQ>(a, b, out, n, l, stream); break;
        case GCGAN_BINARY_NE: launch_op<T, GCGAN_BINARY_NE>(a, b, out, n, l, stream); break;
        case GCGAN_BINARY_LT: launch_op<T, GCGAN_BINARY_LT>(a, b, out, n, l, stream); break;
        case GCGAN_BINARY_LE: launch_op<T, GCGAN_BINARY_LE>(a, b, out, n, l, stream); break;
        case GCGAN_BINARY_GT: launch_op<T, GCGAN_BINARY_GT>(a, b, out, n, l, stream); break;
        default: launch_op<T, GCGAN_BINARY_GE>(a, b, out, n, l, stream); break;
    }
    return check_launch(call);
}

template <typename T>
gcgan_status launch_where(const char* call, const T* cond, const T* a, const T* b, T* out,
                          const gcgan_strided_layout* layout, gcgan_stream stream) {
    int64_t n = 0;
    gcgan_status status = check_layout(call, layout, &n);
    if (status == GCGAN_OK) status = check_pointer(call, cond, "cond", n);
    if (status == GCGAN_OK) status = check_pointer(call, a, "a", n);
    if (status == GCGAN_OK) status = check_pointer(call, b, "b", n);
    if (status == GCGAN_OK) status = check_pointer(call, out, "out", n);
    if (status != GCGAN_OK || n == 0) return status;
    where_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(cond, a, b, out, n, *layout);
    return check_launch(call);
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_binary_f32(int32_t op, const float* a, const float* b, float* out,
                                                   const gcgan_strided_layout* layout, gcgan_stream stream) {
    return launch_binary<float>("gcgan_binary_f32", op, a, b, out, layout, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_binary_f64(int32_t op, const double* a, const double* b, double* out,
                                                   const gcgan_strided_layout* layout, gcgan_stream stream) {
    return launch_binary<double>("gcgan_binary_f64", op, a, b, out, layout, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_where_f32(const float* cond, const float* a, const float* b, float* out,
                                                  const gcgan_strided_layout* layout, gcgan_stream stream) {
    return launch_where<float>("gcgan_where_f32", cond, a, b, out, layout, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_where_f64(const double* cond, const double* a, const double* b, double* out,
                                                  const gcgan_strided_layout* layout, gcgan_stream stream) {
    return launch_where<double>("gcgan_where_f64", cond, a, b, out, layout, stream);
}
