// optimizer.cu - gcgan_optimizer_step_{f32,f64}: one optimizer step (SGD, SGD-momentum, Adam, RMSprop, with
// coupled or decoupled weight decay and gradient centralization) over a list of tensors, in ONE kernel launch.
//
// Shapes: entry e of the table is one parameter tensor of numel elements (weight, grad, state1, state2 all dense,
// same dtype). A centred tensor (slices > 0) is viewed as [outer, slices, inner]; the outer * inner elements
// (o, s, i) at (o * slices + s) * inner + i, for one s, are one centring group.
//
// Work split (a "multi-tensor apply"): every tensor is cut into work blocks, numbered consecutively over the
// table; table[e].block_start is the first block of entry e, and a thread block finds its entry by binary search.
//   centred tensor       one work block per slice: pass 1 sums g + lambda w over the slice (block reduction in
//                        double), pass 2 updates the slice with the mean subtracted (the slice is still in L2);
//   tensor not centred   one work block per kChunk consecutive elements, mean 0.
// The per-element math (update_element) is OptimizerMath's, every double operation an explicit round-to-nearest
// intrinsic in the Java evaluation order (Java never contracts a * b + c into an FMA; nvcc would).
//
// The table is built on the host (block_start added), copied to stream-ordered scratch (cudaMallocAsync on
// `stream`, from the device's default pool) and freed with cudaFreeAsync after the launch.

#include <vector>

#include "device_common.cuh"

namespace {

using namespace gcgan::detail;

constexpr int kOptimizerThreads = 256;
constexpr int64_t kChunk = 2048;  // elements per work block of a tensor that is not centred

struct Entry {
    gcgan_optimizer_tensor t;
    int64_t block_start;
};

// One element: OptimizerMath.update for the element at index e, with its group's mean.
template <typename T, int Alg>
__device__ __forceinline__ void update_element(const gcgan_optimizer_tensor& t, const gcgan_optimizer_hyper& h,
                                               int64_t e, double mean) {
    T* wp = static_cast<T*>(t.weight);
    const T* gp = static_cast<const T*>(t.grad);
    T* s1 = static_cast<T*>(t.state1);
    T* s2 = static_cast<T*>(t.state2);
    const double w = static_cast<double>(wp[e]);
    const double g = static_cast<double>(gp[e]);
    const double d = sub_rn(add_rn(g, mul_rn(h.coupled_decay, w)), mean);
    const double scaled = mul_rn(w, h.weight_scale);
    double next;
    if constexpr (Alg == GCGAN_OPTIMIZER_SGD) {
        next = sub_rn(scaled, mul_rn(t.step_size, d));
    } else if constexpr (Alg == GCGAN_OPTIMIZER_SGD_MOMENTUM) {
        const double buf = t.first_step ? d
                                        : add_rn(mul_rn(h.momentum, static_cast<double>(s1[e])),
                                                 mul_rn(sub_rn(1.0, h.dampening), d));
        s1[e] = static_cast<T>(buf);
        const double u = h.nesterov ? add_rn(d, mul_rn(h.momentum, buf)) : buf;
        next = sub_rn(scaled, mul_rn(t.step_size, u));
    } else if constexpr (Alg == GCGAN_OPTIMIZER_ADAM) {
        const double m = add_rn(mul_rn(h.beta1, static_cast<double>(s1[e])), mul_rn(sub_rn(1.0, h.beta1), d));
        const double v = add_rn(mul_rn(h.beta2, static_cast<double>(s2[e])), mul_rn(mul_rn(sub_rn(1.0, h.beta2), d), d));
        s1[e] = static_cast<T>(m);
        s2[e] = static_cast<T>(v);
        const double denom = add_rn(div_rn(sqrt_rn(v), t.bc2_sqrt), h.eps);
        next = sub_rn(scaled, div_rn(mul_rn(t.step_size, m), denom));
    } else {
        static_assert(Alg == GCGAN_OPTIMIZER_RMSPROP, "unknown optimizer");
        const double v = add_rn(mul_rn(h.alpha, static_cast<double>(s1[e])), mul_rn(mul_rn(sub_rn(1.0, h.alpha), d), d));
        s1[e] = static_cast<T>(v);
        const double a = add_rn(sqrt_rn(v), h.eps);
        double u;
        if (h.momentum > 0) {
            u = add_rn(mul_rn(h.momentum, static_cast<double>(s2[e])), div_rn(d, a));
            s2[e] = static_cast<T>(u);
        } else {
            u = div_rn(d, a);
        }
        next = sub_rn(scaled, mul_rn(t.step_size, u));
    }
    wp[e] = static_cast<T>(next);
}

// Element j (0 <= j < outer * inner) of slice s of a centred tensor.
__device__ __forceinline__ int64_t slice_element(const gcgan_optimizer_tensor& t, int64_t s, int64_t j) {
    if (t.outer == 1) {
        return s * t.inner + j;
    }
    const int64_t o = j / t.inner;
    return (o * t.slices + s) * t.inner + (j - o * t.inner);
}

template <typename T, int Alg>
__global__ void __launch_bounds__(kOptimizerThreads)
    optimizer_kernel(const Entry* __restrict__ table, int32_t count, int64_t total_blocks,
                     const __grid_constant__ gcgan_optimizer_hyper hyper) {
    __shared__ double scratch[32];
    for (int64_t b = blockIdx.x; b < total_blocks; b += gridDim.x) {  // uniform over the block
        int32_t lo = 0;
        int32_t hi = count - 1;
        while (lo < hi) {  // the last entry whose first block is <= b
            const int32_t mid = lo + (hi - lo + 1) / 2;
            if (table[mid].block_start <= b) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        const gcgan_optimizer_tensor t = table[lo].t;
        const int64_t local = b - table[lo].block_start;
        if (t.slices > 0) {
            const int64_t group = t.outer * t.inner;
            double sum = 0.0;
            for (int64_t j = threadIdx.x; j < group; j += blockDim.x) {
                const int64_t e = slice_element(t, local, j);
                const double g = static_cast<double>(static_cast<const T*>(t.grad)[e]);
                // As CpuOptimizerStep.decayedSum: g + lambda w when decay is coupled, else g alone.
                sum += hyper.coupled_decay != 0.0
                           ? add_rn(g, mul_rn(hyper.coupled_decay, static_cast<double>(static_cast<T*>(t.weight)[e])))
                           : g;
            }
            const double mean = div_rn(block_reduce<false>(sum, scratch), static_cast<double>(group));
            for (int64_t j = threadIdx.x; j < group; j += blockDim.x) {
                update_element<T, Alg>(t, hyper, slice_element(t, local, j), mean);
            }
        } else {
            const int64_t begin = local * kChunk;
            const int64_t end = begin + kChunk < t.numel ? begin + kChunk : t.numel;
            for (int64_t e = begin + threadIdx.x; e < end; e += blockDim.x) {
                update_element<T, Alg>(t, hyper, e, 0.0);
            }
        }
    }
}

template <typename T>
void launch_kernel(int32_t algorithm, unsigned grid, const Entry* table, int32_t count, int64_t total_blocks,
                   const gcgan_optimizer_hyper& hyper, gcgan_stream stream) {
    switch (algorithm) {
        case GCGAN_OPTIMIZER_SGD:
            optimizer_kernel<T, GCGAN_OPTIMIZER_SGD><<<grid, kOptimizerThreads, 0, stream>>>(table, count, total_blocks,
                                                                                            hyper);
            break;
        case GCGAN_OPTIMIZER_SGD_MOMENTUM:
            optimizer_kernel<T, GCGAN_OPTIMIZER_SGD_MOMENTUM><<<grid, kOptimizerThreads, 0, stream>>>(
                table, count, total_blocks, hyper);
            break;
        case GCGAN_OPTIMIZER_ADAM:
            optimizer_kernel<T, GCGAN_OPTIMIZER_ADAM><<<grid, kOptimizerThreads, 0, stream>>>(table, count,
                                                                                             total_blocks, hyper);
            break;
        default:
            optimizer_kernel<T, GCGAN_OPTIMIZER_RMSPROP><<<grid, kOptimizerThreads, 0, stream>>>(table, count,
                                                                                                total_blocks, hyper);
            break;
    }
}

// Checks entry i; returns its number of work blocks in *blocks.
gcgan_status check_entry(const char* call, const gcgan_optimizer_hyper& h, const gcgan_optimizer_tensor& t,
                         int32_t i, int64_t* blocks) {
    *blocks = 0;
    if (t.numel < 0) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "tensor %d: numel = %lld must be >= 0", i,
                    static_cast<long long>(t.numel));
    }
    if (t.numel == 0) {
        return GCGAN_OK;
    }
    const bool needs1 = h.algorithm != GCGAN_OPTIMIZER_SGD;
    const bool needs2 = h.algorithm == GCGAN_OPTIMIZER_ADAM || (h.algorithm == GCGAN_OPTIMIZER_RMSPROP && h.momentum > 0);
    if (t.weight == nullptr || t.grad == nullptr || (needs1 && t.state1 == nullptr) ||
        (needs2 && t.state2 == nullptr)) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call,
                    "tensor %d: a NULL pointer (weight %p, grad %p, state1 %p, state2 %p; algorithm %d needs %d state)",
                    i, t.weight, t.grad, t.state1, t.state2, h.algorithm, needs2 ? 2 : (needs1 ? 1 : 0));
    }
    if (t.slices < 0 || t.outer < 0 || t.inner < 0) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "tensor %d: negative centring view [%lld, %lld, %lld]", i,
                    static_cast<long long>(t.outer), static_cast<long long>(t.slices),
                    static_cast<long long>(t.inner));
    }
    if (t.slices > 0) {
        const bool fits = t.outer > 0 && t.inner > 0 && t.outer <= t.numel / t.slices &&
                          t.outer * t.slices <= t.numel / t.inner && t.outer * t.slices * t.inner == t.numel;
        if (!fits) {
            return fail(GCGAN_ERR_INVALID_ARGUMENT, call,
                        "tensor %d: centring view [%lld, %lld, %lld] does not cover its %lld elements", i,
                        static_cast<long long>(t.outer), static_cast<long long>(t.slices),
                        static_cast<long long>(t.inner), static_cast<long long>(t.numel));
        }
        *blocks = t.slices;
    } else {
        *blocks = (t.numel + kChunk - 1) / kChunk;
    }
    return GCGAN_OK;
}

template <typename T>
gcgan_status optimizer_step(const char* call, const gcgan_optimizer_hyper* hyper,
                            const gcgan_optimizer_tensor* tensors, int32_t count, gcgan_stream stream) {
    if (hyper == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "hyper is NULL");
    }
    if (hyper->algorithm < GCGAN_OPTIMIZER_SGD || hyper->algorithm > GCGAN_OPTIMIZER_RMSPROP) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "unknown algorithm %d (expected %d .. %d)", hyper->algorithm,
                    GCGAN_OPTIMIZER_SGD, GCGAN_OPTIMIZER_RMSPROP);
    }
    if (count < 0) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "count = %d must be >= 0", count);
    }
    if (count > 0 && tensors == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "tensors is NULL with count = %d", count);
    }
    std::vector<Entry> table;
    table.reserve(static_cast<size_t>(count));
    int64_t total_blocks = 0;
    for (int32_t i = 0; i < count; ++i) {
        int64_t blocks = 0;
        const gcgan_status status = check_entry(call, *hyper, tensors[i], i, &blocks);
        if (status != GCGAN_OK) {
            return status;
        }
        if (blocks > 0) {
            table.push_back(Entry{tensors[i], total_blocks});
            total_blocks += blocks;
        }
    }
    if (total_blocks == 0) {
        return GCGAN_OK;
    }
    const size_t bytes = table.size() * sizeof(Entry);
    void* device_table = nullptr;
    cudaError_t error = cudaMallocAsync(&device_table, bytes, stream);
    if (error != cudaSuccess) {
        cudaGetLastError();
        return fail_cuda(call, "cudaMallocAsync of the tensor table", error);
    }
    // From pageable memory: the runtime stages the bytes before returning, so `table` may go out of scope.
    error = cudaMemcpyAsync(device_table, table.data(), bytes, cudaMemcpyHostToDevice, stream);
    gcgan_status status = GCGAN_OK;
    if (error != cudaSuccess) {
        cudaGetLastError();
        status = fail_cuda(call, "cudaMemcpyAsync of the tensor table", error);
    } else {
        const unsigned grid = static_cast<unsigned>(total_blocks > kMaxGrid ? kMaxGrid : total_blocks);
        launch_kernel<T>(hyper->algorithm, grid, static_cast<const Entry*>(device_table),
                         static_cast<int32_t>(table.size()), total_blocks, *hyper, stream);
        status = check_launch(call);
    }
    error = cudaFreeAsync(device_table, stream);
    if (error != cudaSuccess && status == GCGAN_OK) {
        cudaGetLastError();
        return fail_cuda(call, "cudaFreeAsync of the tensor table", error);
    }
    return status;
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_optimizer_step_f32(const gcgan_optimizer_hyper* hyper,
                                                           const gcgan_optimizer_tensor* tensors, int32_t count,
                                                           gcgan_stream stream) {
    return optimizer_step<float>("gcgan_optimizer_step_f32", hyper, tensors, count, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_optimizer_step_f64(const gcgan_optimizer_hyper* hyper,
                                                           const gcgan_optimizer_tensor* tensors, int32_t count,
                                                           gcgan_stream stream) {
    return optimizer_step<double>("gcgan_optimizer_step_f64", hyper, tensors, count, stream);
}
