// fill.cu - gcgan_fill_{f32,f64}: out[i] = value.
//
// Layout: out is (n,), dense. A grid-stride loop; thread t writes t, t + stride, ...

#include "device_common.cuh"

namespace {

template <typename T>
__global__ void fill_kernel(T* __restrict__ out, int64_t n, T value) {
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
        out[i] = value;
    }
}

template <typename T>
gcgan_status launch_fill(const char* call, T* out, int64_t n, T value, gcgan_stream stream) {
    using namespace gcgan::detail;
    gcgan_status status = check_count(call, n);
    if (status == GCGAN_OK) status = check_pointer(call, out, "out", n);
    if (status != GCGAN_OK || n == 0) return status;
    fill_kernel<T><<<grid_for(n), kThreads, 0, stream>>>(out, n, value);
    return check_launch(call);
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_fill_f32(float* out, int64_t n, float value, gcgan_stream stream) {
    return launch_fill<float>("gcgan_fill_f32", out, n, value, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_fill_f64(double* out, int64_t n, double value, gcgan_stream stream) {
    return launch_fill<double>("gcgan_fill_f64", out, n, value, stream);
}
