// optimizer_f32_body.cuh - internal to libgcgan_kernels (not installed, not exported): the float32 kernel's body of
// the fused optimizer step (optimizer.cu launches it; its header comment describes the paths) and DeviceBlock, the
// device execution policy of optimizer_internal.cuh's shared bodies. Two programs include it:
//   - optimizer.cu, compiled by nvcc: the library's kernels;
//   - kernels/dev/optimizer_host_check.cpp, compiled by the host compiler after kernels/dev/simt_host.h, which runs
//     this very code on the CPU: every thread a fiber, __syncthreads and the warp shuffles emulated (simt_host.h).
// So that both see the same text, what differs is supplied by the includer, not chosen here:
//   prefetch_l2(p, bytes, first, stride)   declared before this file: optimizer.cu's asks L2 for the lines (PTX
//                                          prefetch.L2); the host check's checks that every line lies in the operand;
//   GCGAN_SHARED_ARRAY(T, name, n)         a block's shared array: __shared__ T name[n] unless the includer defines
//                                          it (the host check: the emulated block's one copy).
// Moving this code here from optimizer.cu left the library's PTX unchanged (sm_80, sm_90, the lab's build too;
// compared with nvcc 13.0 on 2026-11-28).
#ifndef GCGAN_OPTIMIZER_F32_BODY_CUH
#define GCGAN_OPTIMIZER_F32_BODY_CUH

#include <cstdint>

#include "device_common.cuh"
#include "optimizer_internal.cuh"

#ifndef GCGAN_SHARED_ARRAY
#define GCGAN_SHARED_ARRAY(T, name, n) __shared__ T name[n]
#endif

namespace gcgan {
namespace optimizer {

// The execution policy of optimizer_internal.cuh's kernel bodies (which lists what a policy supplies): one thread of
// the block. A phase runs for this thread, a PerThread value is this thread's register, and block_reduce is
// device_common.cuh's, through the kernel's shared scratch (__shared__ double[32]).
struct DeviceBlock {
    double* scratch;

    template <typename T>
    struct PerThread {
        T v;
        __device__ __forceinline__ T& operator[](unsigned) { return v; }
    };

    __device__ __forceinline__ unsigned block_index() const { return blockIdx.x; }
    __device__ __forceinline__ unsigned grid_dim() const { return gridDim.x; }
    __device__ __forceinline__ unsigned block_dim() const { return blockDim.x; }

    template <typename F>
    __device__ __forceinline__ void threads(F&& f) const {
        f(threadIdx.x);
    }

    __device__ __forceinline__ void block_reduce(PerThread<double>& sum) const {
        sum.v = gcgan::detail::block_reduce<false>(sum.v, scratch);
    }

    template <typename F>
    __device__ __forceinline__ bool all(F&& f) const {
        return __syncthreads_and(f(threadIdx.x)) != 0;
    }

    __device__ __forceinline__ void work_block(const Entry&, bool) const {}
};

// ================================================= float32 ===================================================

// Sum over the warp, returned to every lane (double: the per-lane partials of a long row differ in magnitude).
__device__ __forceinline__ double warp_allreduce(double v) {
#pragma unroll
    for (int delta = 16; delta > 0; delta >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, delta);
    }
    return v;
}

// The sum over a row's group of `group` threads (a power of two >= 32, uniform over the block; thread block rows of
// groups, group gi of this thread) from each warp's total warp_sum: across the group's warps through scratch. Every
// thread of the block must call it (barriers when group > 32).
__device__ __forceinline__ double group_sum(double warp_sum, int group, int gi, double* scratch) {
    if (group <= 32) {
        return warp_sum;
    }
    const int warps = group >> 5;
    __syncthreads();  // scratch may still be read for the previous work block
    if ((threadIdx.x & 31) == 0) {
        scratch[threadIdx.x >> 5] = warp_sum;
    }
    __syncthreads();
    double sum = 0.0;
    for (int k = 0; k < warps; ++k) {
        sum += scratch[gi * warps + k];
    }
    return sum;
}

// The L2 prefetch `how` (an L2Prefetch) of the centred row of len elements at element base, by thread `first` of the
// `stride` threads on the row: the operands pass 2 loads besides g (w only without coupled decay: pass 1 reads it
// otherwise), and g too for kWholeRow.
// Built into the kernel of Path only where kPrefetchBuilt (the lab) or Path is kHeldPath (L2Prefetch's note).
template <int Alg, int Path>
__device__ __forceinline__ void prefetch_row(int32_t how, const Coeffs& c, bool state2, const float* w,
                                             const float* g, const float* m, const float* v, int64_t base,
                                             int64_t len, int first, int stride) {
    if constexpr (!kPrefetchBuilt && Path != kHeldPath) {
        return;
    }
    if (how == static_cast<int32_t>(L2Prefetch::kNone) ||
        (how == static_cast<int32_t>(L2Prefetch::kShortRows) && len > kGroupRowMin)) {
        return;
    }
    const int64_t bytes = len * static_cast<int64_t>(sizeof(float));
    if (c.coupled_decay == 0.0f) prefetch_l2(w + base, bytes, first, stride);
    if constexpr (kUsesState1<Alg>) prefetch_l2(m + base, bytes, first, stride);
    if constexpr (kMayUseState2<Alg>) {
        if (state2) prefetch_l2(v + base, bytes, first, stride);
    }
    if (how == static_cast<int32_t>(L2Prefetch::kWholeRow)) prefetch_l2(g + base, bytes, first, stride);
}

// kRowsHeld: row r by a group of Group threads (r.group, as a constant, so that the stages' strides fold into
// immediate offsets: with the group read at run time, the lab's first try at this path spilled more). Pass 1 loads the
// thread's float4s of g into registers and sums; the group's sum (barriers when Group > 32: every thread of the block
// calls this); pass 2 updates with g from the registers.
template <int Alg, int Group>
__device__ __forceinline__ void held_row(int32_t prefetch, const Coeffs& c, bool state2, const GroupRow& r, float* w,
                                         const float* g, float* m, float* v, double* scratch) {
    const int len4 = static_cast<int>(r.len / 4);
    float4 gr[kRegs];
    double part = 0.0;
    if (r.active) {
        prefetch_row<Alg, kHeldPath>(prefetch, c, state2, w, g, m, v, r.base, r.len, r.li, Group);
        part = held_load(c, reinterpret_cast<const float4*>(w + r.base), reinterpret_cast<const float4*>(g + r.base),
                         len4, r.li, Group, gr);
    }
    const double sum = group_sum(warp_allreduce(part), Group, r.gi, scratch);
    const float mean = static_cast<float>(sum / static_cast<double>(r.len));
    if (r.active) {
        held_update<Alg>(c, state2, reinterpret_cast<float4*>(w + r.base),
                         m != nullptr ? reinterpret_cast<float4*>(m + r.base) : nullptr,
                         v != nullptr ? reinterpret_cast<float4*>(v + r.base) : nullptr, len4, r.li, Group, gr, mean);
    }
}

// The float32 kernel's body (the kernels below launch it): batch is the kernel's __grid_constant__ parameter. The
// stages are optimizer_internal.cuh's; between them the warp and block sums, and the barriers.
template <int Alg, int Cap, int Path>
__device__ __forceinline__ void optimizer_f32_body(const Batch<Cap>& batch) {
    GCGAN_SHARED_ARRAY(double, scratch, 32);
    if (!guard_passes<float>(DeviceBlock{scratch}, batch.hyper)) {
        return;
    }
    for (int64_t b = blockIdx.x; b < batch.total_blocks; b += gridDim.x) {  // uniform over the block
        const Entry& t = batch.entries[find_entry(batch, b)];
        const int64_t local = b - t.block_start;
        const Coeffs c = coeffs_for(batch.hyper, t);
        // uses_state2<Alg>(c), spelled out: as a call it changed SGD-momentum's PTX (its scalar path then loaded the
        // momentum buffer also on the first step, and contracted the other product into the FMA)
        const bool state2 = Alg == GCGAN_OPTIMIZER_ADAM || (Alg == GCGAN_OPTIMIZER_RMSPROP && c.rms_momentum);
        float* const w = static_cast<float*>(t.weight);
        const float* const g = static_cast<const float*>(t.grad);
        float* const m = static_cast<float*>(t.state1);
        float* const v = static_cast<float*>(t.state2);
        if (t.mode == kDense) {
            dense_thread<Alg>(c, state2, t, local, w, g, m, v, threadIdx.x);
        } else if (Path == kRegsPath && t.mode == kRowsRegs) {
            const RegsRow r = regs_row(t, local, w, g, m, v, threadIdx.x);
            float4 wr[kRegs], gr[kRegs], mr[kRegs], vr[kRegs];
            const double part = regs_load<Alg>(c, state2, r, wr, gr, mr, vr);
            // a warp lies in one row's group (group >= 32); the group is the tensor's, uniform over the block
            const double sum = group_sum(warp_allreduce(part), r.group, r.gi, scratch);
            const float mean = static_cast<float>(sum / static_cast<double>(t.inner));
            regs_update<Alg>(c, state2, r, wr, gr, mr, vr, mean);
        } else if (t.mode == kRowsGroup) {
            const GroupRow r = group_row(t, local, threadIdx.x);
            if (r.active) prefetch_row<Alg, Path>(batch.prefetch, c, state2, w, g, m, v, r.base, r.len, r.li, r.group);
            const double part = group_row_part(c, r, w, g);
            const double sum = group_sum(warp_allreduce(part), r.group, r.gi, scratch);  // every thread: barriers
            const float mean = static_cast<float>(sum / static_cast<double>(r.len));
            if (r.active) group_row_update<Alg>(c, state2, r, w, g, m, v, mean);
        } else if (Path == kHeldPath && t.mode == kRowsHeld) {
            const GroupRow r = group_row(t, local, threadIdx.x);
            switch (r.group) {  // the tensor's, uniform over the block
                case 32: held_row<Alg, 32>(batch.prefetch, c, state2, r, w, g, m, v, scratch); break;
                case 64: held_row<Alg, 64>(batch.prefetch, c, state2, r, w, g, m, v, scratch); break;
                case 128: held_row<Alg, 128>(batch.prefetch, c, state2, r, w, g, m, v, scratch); break;
                default: held_row<Alg, 256>(batch.prefetch, c, state2, r, w, g, m, v, scratch); break;
            }
        } else if (t.mode == kRowsWarp) {
            const int64_t row = warp_row(local, threadIdx.x);
            const int lane = threadIdx.x & 31;
            if (row < t.slices) {  // uniform over the warp
                const int64_t len = t.inner;
                const int64_t base = row * len;
                prefetch_row<Alg, Path>(batch.prefetch, c, state2, w, g, m, v, base, len, lane, 32);
                const double part = row_part(t.vec, c, w, g, base, len, lane, 32);
                const float mean = static_cast<float>(warp_allreduce(part) / static_cast<double>(len));
                row_update<Alg>(t.vec, c, state2, w, g, m, v, base, len, lane, 32, mean);
            }
        } else if (t.mode == kRowsBlock) {
            const int64_t len = t.inner;
            const int64_t base = local * len;
            prefetch_row<Alg, Path>(batch.prefetch, c, state2, w, g, m, v, base, len, threadIdx.x, kBlockThreads);
            const double part = row_part(t.vec, c, w, g, base, len, threadIdx.x, kBlockThreads);
            const float mean = static_cast<float>(gcgan::detail::block_reduce<false>(part, scratch) / static_cast<double>(len));
            row_update<Alg>(t.vec, c, state2, w, g, m, v, base, len, threadIdx.x, kBlockThreads, mean);
        } else {  // kStrided: slice `local` of [outer, slices, inner], outer > 1
            const int64_t group = t.outer * t.inner;
            const double part = strided_part(c, t, local, group, w, g, threadIdx.x);
            const float mean = static_cast<float>(gcgan::detail::block_reduce<false>(part, scratch) / static_cast<double>(group));
            strided_update<Alg>(c, state2, t, local, group, w, g, m, v, threadIdx.x, mean);
        }
    }
}

// The float64 kernel's body (optimizer.cu's optimizer_f64_kernel runs it): optimizer_internal.cuh's
// optimizer_f64_body over DeviceBlock, with the block's shared scratch.
template <int Alg, int Cap>
__device__ __forceinline__ void optimizer_f64_block(const Batch<Cap>& batch) {
    GCGAN_SHARED_ARRAY(double, scratch, 32);
    DeviceBlock blk{scratch};
    optimizer_f64_body<Alg, Cap>(batch, blk);
}

}  // namespace optimizer
}  // namespace gcgan

#endif  // GCGAN_OPTIMIZER_F32_BODY_CUH
