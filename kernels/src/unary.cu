// unary.cu - gcgan_unary_{f32,f64}: out[i] = op(x[i]; p0, p1), the elementwise unary primitives.
//
// Layout: x and out are (n,), dense; out may be x. Every op is evaluated in double and rounded once to T, with the
// semantics of io.gcgan.backend.cpu.ElementMath (see gcgan_kernels.h and device_common.cuh for Java's NaN rules).
// The op is a kernel template parameter, so each instantiation is a tight loop.

#include "device_common.cuh"

namespace {

using namespace gcgan::detail;

template <int Op>
__device__ __forceinline__ double unary_op(double x, double p0, double p1) {
    if constexpr (Op == GCGAN_UNARY_NEG) {
        return -x;
    } else if constexpr (Op == GCGAN_UNARY_ABS) {
        return fabs(x);
    } else if constexpr (Op == GCGAN_UNARY_SIGN) {
        return x > 0 ? 1.0 : (x < 0 ? -1.0 : x);  // keeps +-0 and NaN
    } else if constexpr (Op == GCGAN_UNARY_EXP) {
        return exp(x);
    } else if constexpr (Op == GCGAN_UNARY_LOG) {
        return log(x);
    } else if constexpr (Op == GCGAN_UNARY_SQRT) {
        return sqrt_rn(x);
    } else if constexpr (Op == GCGAN_UNARY_TANH) {
        return tanh(x);
    } else if constexpr (Op == GCGAN_UNARY_SIGMOID) {
        return element_sigmoid(x);
    } else if constexpr (Op == GCGAN_UNARY_RELU) {
        return x < 0 ? 0.0 : x;
    } else if constexpr (Op == GCGAN_UNARY_LEAKY_RELU) {
        return x < 0 ? mul_rn(x, p0) : x;
    } else if constexpr (Op == GCGAN_UNARY_SOFTPLUS) {
        return add_rn(java_max(x, 0.0), log1p(exp(-fabs(x))));
    } else if constexpr (Op == GCGAN_UNARY_POW_SCALAR) {
        return element_pow(x, p0);
    } else {
        static_assert(Op == GCGAN_UNARY_CLAMP, "unknown unary op");
        return java_min(java_max(x, p0), p1);
    }
}

template <typename T, int Op>
__global__ void unary_kernel(const T* x, T* out, int64_t n, double p0, double p1) {
    // x and out may alias (in place), so no __restrict__.
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
        out[i] = static_cast<T>(unary_op<Op>(static_cast<double>(x[i]), p0, p1));
    }
}

template <typename T, int Op>
void launch_op(const T* x, T* out, int64_t n, double p0, double p1, gcgan_stream stream) {
    unary_kernel<T, Op><<<grid_for(n), kThreads, 0, stream>>>(x, out, n, p0, p1);
}

template <typename T>
gcgan_status launch_unary(const char* call, int32_t op, double p0, double p1, const T* x, T* out, int64_t n,
                          gcgan_stream stream) {
    gcgan_status status = check_count(call, n);
    if (status != GCGAN_OK) return status;
    if (op < 0 || op >= GCGAN_UNARY_OP_COUNT) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "unknown unary op %d (expected 0 .. %d)", op,
                    GCGAN_UNARY_OP_COUNT - 1);
    }
    status = check_pointer(call, x, "x", n);
    if (status == GCGAN_OK) status = check_pointer(call, out, "out", n);
    if (status != GCGAN_OK || n == 0) return status;
    switch (op) {
        case GCGAN_UNARY_NEG: launch_op<T, GCGAN_UNARY_NEG>(x, out, n, p0, p1, stream); break;
        case GCGAN_UNARY_ABS: launch_op<T, GCGAN_UNARY_ABS>(x, out, n, p0, p1, stream); break;
        case GCGAN_UNARY_SIGN: launch_op<T, GCGAN_UNARY_SIGN>(x, out, n, p0, p1, stream); break;
        case GCGAN_UNARY_EXP: launch_op<T, GCGAN_UNARY_EXP>(x, out, n, p0, p1, stream); break;
        case GCGAN_UNARY_LOG: launch_op<T, GCGAN_UNARY_LOG>(x, out, n, p0, p1, stream); break;
        case GCGAN_UNARY_SQRT: launch_op<T, GCGAN_UNARY_SQRT>(x, out, n, p0, p1, stream); break;
        case GCGAN_UNARY_TANH: launch_op<T, GCGAN_UNARY_TANH>(x, out, n, p0, p1, stream); break;
        case GCGAN_UNARY_SIGMOID: launch_op<T, GCGAN_UNARY_SIGMOID>(x, out, n, p0, p1, stream); break;
        case GCGAN_UNARY_RELU: launch_op<T, GCGAN_UNARY_RELU>(x, out, n, p0, p1, stream); break;
        case GCGAN_UNARY_LEAKY_RELU: launch_op<T, GCGAN_UNARY_LEAKY_RELU>(x, out, n, p0, p1, stream); break;
        case GCGAN_UNARY_SOFTPLUS: launch_op<T, GCGAN_UNARY_SOFTPLUS>(x, out, n, p0, p1, stream); break;
        case GCGAN_UNARY_POW_SCALAR: launch_op<T, GCGAN_UNARY_POW_SCALAR>(x, out, n, p0, p1, stream); break;
        default: launch_op<T, GCGAN_UNARY_CLAMP>(x, out, n, p0, p1, stream); break;
    }
    return check_launch(call);
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_unary_f32(int32_t op, double p0, double p1, const float* x, float* out,
                                                  int64_t n, gcgan_stream stream) {
    return launch_unary<float>("gcgan_unary_f32", op, p0, p1, x, out, n, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_unary_f64(int32_t op, double p0, double p1, const double* x, double* out,
                                                  int64_t n, gcgan_stream stream) {
    return launch_unary<double>("gcgan_unary_f64", op, p0, p1, x, out, n, stream);
}
