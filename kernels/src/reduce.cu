// reduce.cu - gcgan_reduce_{f32,f64}: SUM, MEAN or MAX of x over a set of axes.
//
// Shapes (gcgan_reduce_layout, by value): out is dense, row-major over kept_shape (out_count elements); output o
// reduces the `count` = prod(reduced_shape) elements x[x_offset + k(o) . kept_strides + r . reduced_strides].
// Accumulation is in double for both dtypes (as the Java CPU backend), combined with `combine<kMax>`.
//
// Four launch shapes, all giving the same values up to the order of float64 additions:
//   thread  one thread per output, looping over r: small counts, or outputs contiguous in x (coalesced reads);
//   warp    one warp per output, lanes striding over r: counts up to kWarpMaxCount;
//   block   one block per output, threads striding over r: large counts with many outputs;
//   split   large counts with few outputs: `parts` blocks per output each reduce one chunk of r into a float64
//           partial (stream-ordered scratch from cudaMallocAsync), then reduce_finish_kernel combines the parts of
//           each output in order and writes it.
//
// The launch plan and the kernels are in reduce_internal.cuh (kernels/dev/host_selfcheck.cpp runs them on the CPU).

#include "reduce_internal.cuh"

namespace {

using namespace gcgan::detail;

template <typename T, int Op>
gcgan_status launch_reduce(const char* call, const T* x, T* out, int64_t out_count, int64_t count,
                           const gcgan_reduce_layout& layout, gcgan_stream stream) {
    namespace rd = gcgan::reduce;
    const rd::Plan p = rd::plan(out_count, count, layout);
    if (p.shape == rd::Shape::kThread) {
        reduce_thread_kernel<T, Op><<<p.grid, p.threads, 0, stream>>>(x, out, out_count, count, layout);
        return check_launch(call);
    }
    if (p.shape == rd::Shape::kWarp) {
        reduce_warp_kernel<T, Op><<<p.grid, p.threads, 0, stream>>>(x, out, out_count, count, layout);
        return check_launch(call);
    }
    if (p.shape == rd::Shape::kBlock) {
        reduce_block_kernel<T, Op><<<p.grid, p.threads, 0, stream>>>(x, out, nullptr, out_count, count, 1, p.chunk,
                                                                     layout);
        return check_launch(call);
    }
    const int64_t items = out_count * p.parts;
    void* scratch = nullptr;
    cudaError_t error = cudaMallocAsync(&scratch, static_cast<size_t>(items) * sizeof(double), stream);
    if (error != cudaSuccess) {
        cudaGetLastError();
        return fail_cuda(call, "cudaMallocAsync of the partial sums", error);
    }
    double* partials = static_cast<double*>(scratch);
    reduce_block_kernel<T, Op><<<p.grid, p.threads, 0, stream>>>(x, out, partials, out_count, count, p.parts,
                                                                 p.chunk, layout);
    gcgan_status status = check_launch(call);
    if (status == GCGAN_OK) {
        reduce_finish_kernel<T, Op><<<p.finish_grid, p.threads, 0, stream>>>(partials, out, out_count, count,
                                                                             p.parts);
        status = check_launch(call);
    }
    error = cudaFreeAsync(scratch, stream);
    if (error != cudaSuccess && status == GCGAN_OK) {
        cudaGetLastError();
        return fail_cuda(call, "cudaFreeAsync of the partial sums", error);
    }
    return status;
}

gcgan_status check_shape(const char* call, const char* what, int32_t rank, const int64_t* shape, int64_t* count) {
    if (rank < 0 || rank > GCGAN_MAX_RANK) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s rank %d is outside [0, %d]", what, rank, GCGAN_MAX_RANK);
    }
    int64_t n = 1;
    for (int d = 0; d < rank; ++d) {
        if (shape[d] < 0) {
            return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s shape[%d] = %lld must be >= 0", what, d,
                        static_cast<long long>(shape[d]));
        }
        if (shape[d] != 0 && n > INT64_MAX / shape[d]) {
            return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "%s shape has more than 2^63 elements", what);
        }
        n *= shape[d];
    }
    *count = n;
    return GCGAN_OK;
}

template <typename T>
gcgan_status reduce_entry(const char* call, int32_t op, const T* x, T* out, const gcgan_reduce_layout* layout,
                          gcgan_stream stream) {
    if (layout == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "layout is NULL");
    }
    if (op < 0 || op >= GCGAN_REDUCE_OP_COUNT) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "unknown reduce op %d (expected 0 .. %d)", op,
                    GCGAN_REDUCE_OP_COUNT - 1);
    }
    int64_t out_count = 0;
    int64_t count = 0;
    gcgan_status status = check_shape(call, "kept", layout->kept_rank, layout->kept_shape, &out_count);
    if (status == GCGAN_OK) status = check_shape(call, "reduced", layout->reduced_rank, layout->reduced_shape, &count);
    if (status == GCGAN_OK) status = check_pointer(call, out, "out", out_count);
    if (status == GCGAN_OK) status = check_pointer(call, x, "x", out_count == 0 ? 0 : count);
    if (status != GCGAN_OK || out_count == 0) return status;
    switch (op) {
        case GCGAN_REDUCE_SUM: return launch_reduce<T, GCGAN_REDUCE_SUM>(call, x, out, out_count, count, *layout, stream);
        case GCGAN_REDUCE_MEAN: return launch_reduce<T, GCGAN_REDUCE_MEAN>(call, x, out, out_count, count, *layout, stream);
        default: return launch_reduce<T, GCGAN_REDUCE_MAX>(call, x, out, out_count, count, *layout, stream);
    }
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_reduce_f32(int32_t op, const float* x, float* out,
                                                   const gcgan_reduce_layout* layout, gcgan_stream stream) {
    return reduce_entry<float>("gcgan_reduce_f32", op, x, out, layout, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_reduce_f64(int32_t op, const double* x, double* out,
                                                   const gcgan_reduce_layout* layout, gcgan_stream stream) {
    return reduce_entry<double>("gcgan_reduce_f64", op, x, out, layout, stream);
}
