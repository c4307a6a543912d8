// rectifier.cu - gcgan_rectifier_backward_{f32,f64}: out[i] = g[i] * (x[i] > 0 ? positive : other), the derivative
// of ReLU (1, 0) and LeakyReLU (1, slope) in one pass instead of GT, where and MUL (three launches, two temporaries).
//
// Layout: x, g and out are (n,), dense; out may be g or x (each element is read and then written by one thread, so
// no pointer is __restrict__). The per-element math is rectifier_backward_element (device_common.cuh), shared with
// the host self-check, which compares it bit for bit with the composed GT -> where -> MUL. Grid-stride loop as in
// unary.cu.

#include "device_common.cuh"

namespace {

using namespace gcgan::detail;

template <typename T>
__global__ void rectifier_backward_kernel(const T* x, const T* g, double positive, double other, int64_t n, T* out) {
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
        out[i] = rectifier_backward_element<T>(x[i], g[i], positive, other);
    }
}

template <typename T>
gcgan_status launch_rectifier_backward(const char* call, const T* x, const T* g, double positive, double other,
                                       int64_t n, T* out, gcgan_stream stream) {
    gcgan_status status = check_count(call, n);
    if (status == GCGAN_OK) status = check_pointer(call, x, "x", n);
    if (status == GCGAN_OK) status = check_pointer(call, g, "g", n);
    if (status == GCGAN_OK) status = check_pointer(call, out, "out", n);
    if (status != GCGAN_OK || n == 0) return status;
    rectifier_backward_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(x, g, positive, other, n, out);
    return check_launch(call);
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_rectifier_backward_f32(const float* x, const float* g, double positive,
                                                               double other, int64_t n, float* out,
                                                               gcgan_stream stream) {
    return launch_rectifier_backward<float>("gcgan_rectifier_backward_f32", x, g, positive, other, n, out, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_rectifier_backward_f64(const double* x, const double* g, double positive,
                                                               double other, int64_t n, double* out,
                                                               gcgan_stream stream) {
    return launch_rectifier_backward<double>("gcgan_rectifier_backward_f64", x, g, positive, other, n, out, stream);
}
