// batchnorm.cu - gcgan_batchnorm_{forward,backward}_{f32,f64}: fused batch normalization with batch statistics.
//
// Shapes: x, y, dy, dx are dense [n, c, s], element (i, k, j) at (i * c + k) * s + j; weight, bias, mean, var,
// dweight, dbias are [c]. Per channel k, over its count = n * s elements, every sum in double:
//   forward   mean = sum(x) / count;  var = sum((x - mean)^2) / count;  y = (x - mean) * w / sqrt(var + eps) + b;
//             optionally running_mean, running_var (in place) = (1 - momentum) * running + momentum * (mean,
//             var * count / (count - 1)), by the thread that stores mean[k] and var[k] (update_running_stats)
//   backward  dbias = sum(dy);  dweight = sum(dy * xhat);  dx = w / sqrt(var + eps) * (dy - dbias/count
//             - xhat * dweight/count),  xhat = (x - mean) / sqrt(var + eps) from the saved mean and var
// The work partition, index walk, element math and the kernels themselves are in batchnorm_internal.cuh (shared
// with the host check, which runs the kernels on the CPU); the launches are here.
//
// Two launch shapes, chosen by make_plan from (n, c, s) alone:
//   fused  (plan.parts == 1): one block per channel (grid-stride over channels when c > kMaxGrid); the block
//          makes every pass over its channel itself, combining the threads' float64 partial sums with
//          block_reduce (a fixed shuffle tree) between passes. Forward reads x three times (sum, squared
//          deviations, normalize), backward reads dy and x twice; one launch each, no scratch.
//   split  (plan.parts > 1, few channels with >= 2 * kMinChunk elements): block item b = k * parts + part reduces
//          one chunk of channel k to a float64 partial in scratch (cudaMallocAsync on the stream); the next kernel
//          adds channel k's partials in part order (every block of the channel computes the same value) before
//          using them. Forward: sums -> squared deviations -> normalize (3 launches); backward: sums -> dx (2).
// Both are deterministic: no atomics, and the order of every addition depends only on (n, c, s).
//
// Small channels (s = 1 with a large batch-norm'd Linear, say): a channel's elements are c apart, so a block's
// reads are not coalesced; the block shrinks to ceil(count / 32) warps so that no thread idles. That is acceptable
// for the sizes of the reference models (at most a few MB per call); a layout with a warp per channel and threads
// across channels would be the next step if it shows in a profile.

#include "batchnorm_internal.cuh"

namespace {

using namespace gcgan::batchnorm;
using gcgan::detail::block_reduce;
using gcgan::detail::check_launch;
using gcgan::detail::fail;
using gcgan::detail::fail_cuda;
using gcgan::detail::kMaxGrid;

// ---- launchers ----

unsigned grid_for_items(int64_t items) {
    return static_cast<unsigned>(items > kMaxGrid ? kMaxGrid : items);
}

// Scratch for `arrays` arrays of plan.c * plan.parts doubles, from the stream-ordered pool.
gcgan_status allocate_partials(const char* call, const Plan& p, int arrays, gcgan_stream stream, double** out) {
    void* scratch = nullptr;
    const size_t bytes = static_cast<size_t>(p.c * p.parts) * arrays * sizeof(double);
    const cudaError_t error = cudaMallocAsync(&scratch, bytes, stream);
    if (error != cudaSuccess) {
        cudaGetLastError();
        return fail_cuda(call, "cudaMallocAsync of the partial sums", error);
    }
    *out = static_cast<double*>(scratch);
    return GCGAN_OK;
}

// Frees the scratch (queued behind the kernels); a failure is reported only when nothing failed before.
gcgan_status free_partials(const char* call, double* partials, gcgan_stream stream, gcgan_status status) {
    const cudaError_t error = cudaFreeAsync(partials, stream);
    if (error != cudaSuccess && status == GCGAN_OK) {
        cudaGetLastError();
        return fail_cuda(call, "cudaFreeAsync of the partial sums", error);
    }
    return status;
}

template <typename T>
gcgan_status launch_forward(const char* call, const T* x, const T* weight, const T* bias, const Plan& p, double eps,
                            T* y, T* mean, T* var, T* running_mean, T* running_var, double momentum,
                            gcgan_stream stream) {
    const unsigned grid = grid_for_items(p.c * p.parts);
    if (p.parts == 1) {
        batchnorm_forward_fused_kernel<T><<<grid, p.threads, 0, stream>>>(x, weight, bias, y, mean, var, running_mean,
                                                                          running_var, momentum, p, eps);
        return check_launch(call);
    }
    double* partials = nullptr;
    gcgan_status status = allocate_partials(call, p, 2, stream, &partials);
    if (status != GCGAN_OK) return status;
    double* partial_sum = partials;
    double* partial_sq = partials + p.c * p.parts;
    batchnorm_forward_sum_kernel<T><<<grid, p.threads, 0, stream>>>(x, partial_sum, p);
    status = check_launch(call);
    if (status == GCGAN_OK) {
        batchnorm_forward_squares_kernel<T><<<grid, p.threads, 0, stream>>>(x, partial_sum, partial_sq, p);
        status = check_launch(call);
    }
    if (status == GCGAN_OK) {
        batchnorm_forward_normalize_kernel<T><<<grid, p.threads, 0, stream>>>(
                x, weight, bias, partial_sum, partial_sq, y, mean, var, running_mean, running_var, momentum, p, eps);
        status = check_launch(call);
    }
    return free_partials(call, partials, stream, status);
}

template <typename T>
gcgan_status launch_backward(const char* call, const T* dy, const T* x, const T* mean, const T* var, const T* weight,
                             const Plan& p, double eps, T* dx, T* dweight, T* dbias, gcgan_stream stream) {
    const unsigned grid = grid_for_items(p.c * p.parts);
    if (p.parts == 1) {
        batchnorm_backward_fused_kernel<T><<<grid, p.threads, 0, stream>>>(dy, x, mean, var, weight, dx, dweight,
                                                                           dbias, p, eps);
        return check_launch(call);
    }
    double* partials = nullptr;
    gcgan_status status = allocate_partials(call, p, 2, stream, &partials);
    if (status != GCGAN_OK) return status;
    double* partial_dy = partials;
    double* partial_dy_xhat = partials + p.c * p.parts;
    batchnorm_backward_sums_kernel<T><<<grid, p.threads, 0, stream>>>(dy, x, mean, var, partial_dy,
                                                                      partial_dy_xhat, p, eps);
    status = check_launch(call);
    if (status == GCGAN_OK) {
        batchnorm_backward_dx_kernel<T><<<grid, p.threads, 0, stream>>>(dy, x, mean, var, weight, partial_dy,
                                                                        partial_dy_xhat, dx, dweight, dbias, p, eps);
        status = check_launch(call);
    }
    return free_partials(call, partials, stream, status);
}

// ---- argument checks ----

gcgan_status check_sizes(const char* call, int64_t n, int64_t c, int64_t s, double eps) {
    if (n < 1 || c < 1 || s < 1) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "n = %lld, c = %lld, s = %lld must all be >= 1",
                    static_cast<long long>(n), static_cast<long long>(c), static_cast<long long>(s));
    }
    if (n > kMaxNumel / c || n * c > kMaxNumel / s) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "n * c * s (n = %lld, c = %lld, s = %lld) exceeds 2^54",
                    static_cast<long long>(n), static_cast<long long>(c), static_cast<long long>(s));
    }
    if (!(eps >= 0.0) || eps == static_cast<double>(INFINITY)) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "eps = %g must be finite and >= 0", eps);
    }
    return GCGAN_OK;
}

gcgan_status check_required(const char* call, const void* p, const char* name) {
    if (p == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s is NULL", name);
    }
    return GCGAN_OK;
}

// The running statistics: both NULL (momentum ignored), or both given with momentum in [0, 1] and n * s >= 2
// (the unbiased variance divides by n * s - 1). Sizes are checked before.
gcgan_status check_running(const char* call, const void* running_mean, const void* running_var, double momentum,
                           int64_t n, int64_t s) {
    if (running_mean == nullptr && running_var == nullptr) return GCGAN_OK;
    if (running_mean == nullptr || running_var == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call,
                    "running_mean and running_var must both be given or both be NULL, got running_mean %s, "
                    "running_var %s", running_mean == nullptr ? "NULL" : "given",
                    running_var == nullptr ? "NULL" : "given");
    }
    if (!(momentum >= 0.0 && momentum <= 1.0)) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "momentum = %g must be in [0, 1]", momentum);
    }
    if (n * s < 2) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call,
                    "n * s = %lld (n = %lld, s = %lld) must be >= 2 to update the running statistics",
                    static_cast<long long>(n * s), static_cast<long long>(n), static_cast<long long>(s));
    }
    return GCGAN_OK;
}

template <typename T>
gcgan_status forward_entry(const char* call, const T* x, const T* weight, const T* bias, int64_t n, int64_t c,
                           int64_t s, double eps, T* y, T* mean, T* var, T* running_mean, T* running_var,
                           double momentum, gcgan_stream stream) {
    gcgan_status status = check_sizes(call, n, c, s, eps);
    if (status == GCGAN_OK) status = check_required(call, x, "x");
    if (status == GCGAN_OK) status = check_required(call, y, "y");
    if (status == GCGAN_OK) status = check_required(call, mean, "mean");
    if (status == GCGAN_OK) status = check_required(call, var, "var");
    if (status == GCGAN_OK) status = check_running(call, running_mean, running_var, momentum, n, s);
    if (status != GCGAN_OK) return status;
    return launch_forward<T>(call, x, weight, bias, make_plan(n, c, s), eps, y, mean, var, running_mean, running_var,
                             momentum, stream);
}

template <typename T>
gcgan_status backward_entry(const char* call, const T* dy, const T* x, const T* mean, const T* var, const T* weight,
                            int64_t n, int64_t c, int64_t s, double eps, T* dx, T* dweight, T* dbias,
                            gcgan_stream stream) {
    gcgan_status status = check_sizes(call, n, c, s, eps);
    if (status == GCGAN_OK) status = check_required(call, dy, "dy");
    if (status == GCGAN_OK) status = check_required(call, x, "x");
    if (status == GCGAN_OK) status = check_required(call, mean, "mean");
    if (status == GCGAN_OK) status = check_required(call, var, "var");
    if (status != GCGAN_OK) return status;
    if (dx == nullptr && dweight == nullptr && dbias == nullptr) return GCGAN_OK;  // nothing wanted
    return launch_backward<T>(call, dy, x, mean, var, weight, make_plan(n, c, s), eps, dx, dweight, dbias, stream);
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_batchnorm_forward_f32(const float* x, const float* weight, const float* bias,
                                                              int64_t n, int64_t c, int64_t s, double eps, float* y,
                                                              float* mean, float* var, float* running_mean,
                                                              float* running_var, double momentum,
                                                              gcgan_stream stream) {
    return forward_entry<float>("gcgan_batchnorm_forward_f32", x, weight, bias, n, c, s, eps, y, mean, var,
                                running_mean, running_var, momentum, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_batchnorm_forward_f64(const double* x, const double* weight,
                                                              const double* bias, int64_t n, int64_t c, int64_t s,
                                                              double eps, double* y, double* mean, double* var,
                                                              double* running_mean, double* running_var,
                                                              double momentum, gcgan_stream stream) {
    return forward_entry<double>("gcgan_batchnorm_forward_f64", x, weight, bias, n, c, s, eps, y, mean, var,
                                 running_mean, running_var, momentum, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_batchnorm_backward_f32(const float* dy, const float* x, const float* mean,
                                                               const float* var, const float* weight, int64_t n,
                                                               int64_t c, int64_t s, double eps, float* dx,
                                                               float* dweight, float* dbias, gcgan_stream stream) {
    return backward_entry<float>("gcgan_batchnorm_backward_f32", dy, x, mean, var, weight, n, c, s, eps, dx, dweight,
                                 dbias, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_batchnorm_backward_f64(const double* dy, const double* x, const double* mean,
                                                               const double* var, const double* weight, int64_t n,
                                                               int64_t c, int64_t s, double eps, double* dx,
                                                               double* dweight, double* dbias, gcgan_stream stream) {
    return backward_entry<double>("gcgan_batchnorm_backward_f64", dy, x, mean, var, weight, n, c, s, eps, dx,
                                  dweight, dbias, stream);
}
