// optimizer.cu - gcgan_optimizer_step_{f32,f64}: one optimizer step (SGD, SGD-momentum, Adam, RMSprop, with
// coupled or decoupled weight decay and gradient centralization) over a list of tensors, in ONE kernel launch per
// kMaxBatch tensors (gcgan_kernels.h states the contract).
//
// Shapes: entry e of the table is one parameter tensor of numel elements (weight, grad, state1, state2 all dense,
// same dtype). A centred tensor (slices > 0) is viewed as [outer, slices, inner]; the outer * inner elements
// (o, s, i) at (o * slices + s) * inner + i, for one s, are one centring group ("row"; contiguous when outer == 1,
// which is every conv, transposed-conv (default centring) and linear weight).
//
// Multi-tensor apply: the table travels in the kernel's parameter space (a __grid_constant__ struct of up to
// kMaxBatch entries, < 32 KiB; CUDA 12.1+ on sm_70+), so a step needs no device scratch and no host-to-device
// copy, and can be captured into a CUDA graph. Every tensor is cut into work blocks numbered consecutively over the
// table (entry.block_start is the first of entry e); a thread block finds its entry by binary search. The table is
// ordered longest work block first (WorkOrder).
//
// float32 - the fast path, float32 math as PyTorch's fused Adam (FMA contraction allowed), 128-bit loads and
// stores where every pointer of the tensor is 16-byte aligned (and the row length a multiple of 4):
//   kDense       not centred: one work block per kDenseChunk elements; each thread loads all of its float4s of
//                w, g, m, v before it computes, so each SM keeps ~100 KB of loads in flight;
//   kRowsRegs    (RowsVariant::kSinglePass; kDefaultRowsVariant says which one the library runs, and
//                kernels/dev/optimizer_lab.cu times each) contiguous aligned rows of <= kRegsRowMax elements (every
//                conv and linear weight of the reference models but G's first layer): ONE pass. A group of
//                32..256 threads per row (a power of two, 256 / group rows per work block) loads its row's w, g,
//                m, v into registers (<= kRegs float4 of each per thread), sums g + lambda w (warp shuffles, then
//                shared memory across the group's warps), updates and stores: every element is read and written
//                once, as in the uncentred step;
//   kRowsGroup   (RowsVariant::kGroupTwoPass on every row that fits; kGroupLongRows on rows of more
//                than kGroupRowMin elements) contiguous aligned rows of <= kRegsRowMax elements: kRowsRegs' groups of
//                32..256 threads per row, each thread at most kRegs float4 of the row, but two passes like kRowsWarp:
//                a work block is one round of loads per pass, where a warp on a 2,048-element row makes four (the
//                long warps of kRowsWarp set the kernel's tail);
//   kRowsHeld    (RowsVariant::kHeld, the default, on every row that fits; kHeldLongRows) kRowsGroup's rows and
//                groups, but pass 1 keeps the thread's float4s of g (<= kRegs) in registers for pass 2, which then
//                loads only w, m, v: g is read once; a kernel of its own (RowsPath);
//   kRowsWarp    other contiguous rows of <= kWarpRowMax elements: one WARP per row, kWarpsPerBlock rows per work
//                block, two passes (pass 1 sums, pass 2 updates; its second read of g hits L2);
//   kRowsBlock   longer contiguous rows: one thread block per row, two passes, block reduction;
//   kStrided     rows with outer > 1 (transposed conv centred per output filter): one block per row, scalar.
//   Two-pass rows may first ask L2 for their lines (L2Prefetch, launch-wide; the library's default asks for the
//   update operands of rows of at most kGroupRowMin elements, in kRowsHeld's kernel only).
// float64 - the exact path: every double operation an explicit round-to-nearest intrinsic in OptimizerMath's
//   (Java's) evaluation order, so a float64 step equals the CPU reference bit for bit (up to the order of the
//   centring sum); one block per centred slice, kChunk64 elements per block otherwise.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "device_common.cuh"
#include "optimizer_internal.cuh"
#include "prefetch_internal.cuh"

namespace {

using namespace gcgan::detail;
// The table, the planning and the per-thread stages (optimizer_internal.cuh, shared with the host check).
using namespace gcgan::optimizer;

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

// Asks L2 for the 128-byte lines of the `bytes` bytes at p that thread `first` of `stride` threads takes (lines
// first, first + stride, ... counted from the line holding p); the first line is asked for at p itself, so every
// address lies in [p, p + bytes). Generic addressing: p is a global pointer.
__device__ __forceinline__ void prefetch_l2(const void* p, int64_t bytes, int first, int stride) {
    // prefetch_internal.cuh says which addresses (host_selfcheck walks the same ones)
    gcgan::prefetch::for_each_line(reinterpret_cast<uintptr_t>(p), bytes, first, stride,
                                   [](uintptr_t a) { asm volatile("prefetch.L2 [%0];" ::"l"(a)); });
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
    __shared__ double scratch[32];
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
            const float mean = static_cast<float>(block_reduce<false>(part, scratch) / static_cast<double>(len));
            row_update<Alg>(t.vec, c, state2, w, g, m, v, base, len, threadIdx.x, kBlockThreads, mean);
        } else {  // kStrided: slice `local` of [outer, slices, inner], outer > 1
            const int64_t group = t.outer * t.inner;
            const double part = strided_part(c, t, local, group, w, g, threadIdx.x);
            const float mean = static_cast<float>(block_reduce<false>(part, scratch) / static_cast<double>(group));
            strided_update<Alg>(c, state2, t, local, group, w, g, m, v, threadIdx.x, mean);
        }
    }
}

template <int Alg, int Cap, int Path>
__global__ void __launch_bounds__(kBlockThreads) optimizer_f32_kernel(const __grid_constant__ Batch<Cap> batch) {
    optimizer_f32_body<Alg, Cap, Path>(batch);
}

// kRowsHeld's instantiation, held to two blocks per SM as the lean one (128 registers; ptxas, sm_90, 2026-11-27: no
// spills; 8 bytes of stack for Adam).
template <int Alg, int Cap>
__global__ void __launch_bounds__(kBlockThreads, 2)
    optimizer_f32_held_kernel(const __grid_constant__ Batch<Cap> batch) {
    optimizer_f32_body<Alg, Cap, kHeldPath>(batch);
}

// ================================================= float64 ===================================================

template <int Alg, int Cap>
__global__ void __launch_bounds__(kBlockThreads) optimizer_f64_kernel(const __grid_constant__ Batch<Cap> batch) {
    __shared__ double scratch[32];
    DeviceBlock blk{scratch};
    optimizer_f64_body<Alg, Cap>(batch, blk);  // optimizer_internal.cuh's, shared with the host check
}

// ================================================= host side =================================================

template <typename T, int Alg, int Cap>
void launch_one(const Batch<Cap>& batch, unsigned grid, RowsPath path, gcgan_stream stream) {
    if constexpr (sizeof(T) == 4) {
        if (path == kRegsPath) {
            optimizer_f32_kernel<Alg, Cap, kRegsPath><<<grid, kBlockThreads, 0, stream>>>(batch);
        } else if (path == kHeldPath) {
            optimizer_f32_held_kernel<Alg, Cap><<<grid, kBlockThreads, 0, stream>>>(batch);
        } else {
            optimizer_f32_kernel<Alg, Cap, kLeanPath><<<grid, kBlockThreads, 0, stream>>>(batch);
        }
    } else {
        optimizer_f64_kernel<Alg, Cap><<<grid, kBlockThreads, 0, stream>>>(batch);
    }
}

template <typename T, int Cap>
void launch(const Batch<Cap>& batch, RowsPath path, gcgan_stream stream) {
    constexpr int64_t kMaxBlocks = 0x7fffffff;
    const unsigned grid = static_cast<unsigned>(batch.total_blocks > kMaxBlocks ? kMaxBlocks : batch.total_blocks);
    switch (batch.hyper.algorithm) {
        case GCGAN_OPTIMIZER_SGD: launch_one<T, GCGAN_OPTIMIZER_SGD, Cap>(batch, grid, path, stream); break;
        case GCGAN_OPTIMIZER_SGD_MOMENTUM:
            launch_one<T, GCGAN_OPTIMIZER_SGD_MOMENTUM, Cap>(batch, grid, path, stream);
            break;
        case GCGAN_OPTIMIZER_ADAM: launch_one<T, GCGAN_OPTIMIZER_ADAM, Cap>(batch, grid, path, stream); break;
        default: launch_one<T, GCGAN_OPTIMIZER_RMSPROP, Cap>(batch, grid, path, stream); break;
    }
}

// Launches entries [0, n) of `entries` (with their block counts) as one Batch<Cap>.
template <typename T, int Cap>
gcgan_status launch_batch(const char* call, const gcgan_optimizer_hyper& hyper, const Entry* entries,
                          const int64_t* blocks, int32_t n, L2Prefetch prefetch, gcgan_stream stream) {
    // 26 KiB for Cap = 256: on the heap, not the stack; the launch copies it into the parameter space.
    std::unique_ptr<Batch<Cap>> batch(new Batch<Cap>());
    fill_batch<Cap>(hyper, entries, blocks, n, prefetch, batch.get());
    launch<T, Cap>(*batch, rows_path(entries, n), stream);
    return check_launch(call);
}

template <typename T>
gcgan_status optimizer_step(const char* call, const gcgan_optimizer_hyper* hyper,
                            const gcgan_optimizer_tensor* tensors, int32_t count, gcgan_stream stream,
                            RowsVariant variant = kDefaultRowsVariant, WorkOrder order = kDefaultWorkOrder,
                            L2Prefetch prefetch = kDefaultL2Prefetch) {
    // Check every tensor before launching anything: a bad entry leaves every tensor unchanged.
    std::vector<Entry> entries;
    std::vector<int64_t> blocks;
    const gcgan_status status = plan_step<T>(call, hyper, tensors, count, variant, order, prefetch, &entries, &blocks);
    if (status != GCGAN_OK) {
        return status;
    }
    return for_each_launch(static_cast<int32_t>(entries.size()), [&](auto cap, int32_t start, int32_t n) {
        return launch_batch<T, decltype(cap)::value>(call, *hyper, entries.data() + start, blocks.data() + start, n,
                                                     prefetch, stream);
    });
}

}  // namespace

// kernels/dev/optimizer_lab.cu includes this file to call optimizer_step with each RowsVariant; it defines
// GCGAN_OPTIMIZER_LAB so that the exported entry points stay the library's.
#ifndef GCGAN_OPTIMIZER_LAB
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
#endif  // GCGAN_OPTIMIZER_LAB
