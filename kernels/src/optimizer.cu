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

// optimizer_f32_body.cuh's L2 prefetch (that file says what its includer supplies): asks L2 for the 128-byte lines
// of the `bytes` bytes at p that thread `first` of `stride` threads takes (lines first, first + stride, ... counted
// from the line holding p); the first line is asked for at p itself, so every address lies in [p, p + bytes).
// Generic addressing: p is a global pointer.
namespace gcgan {
namespace optimizer {
__device__ __forceinline__ void prefetch_l2(const void* p, int64_t bytes, int first, int stride) {
    // prefetch_internal.cuh says which addresses (host_selfcheck walks the same ones)
    gcgan::prefetch::for_each_line(reinterpret_cast<uintptr_t>(p), bytes, first, stride,
                                   [](uintptr_t a) { asm volatile("prefetch.L2 [%0];" ::"l"(a)); });
}
}  // namespace optimizer
}  // namespace gcgan

// The float32 kernel's body and DeviceBlock (shared with kernels/dev/optimizer_host_check.cpp).
#include "optimizer_f32_body.cuh"

namespace {

using namespace gcgan::detail;
// The table, the planning and the per-thread stages (optimizer_internal.cuh, shared with the host check).
using namespace gcgan::optimizer;

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
    optimizer_f64_block<Alg, Cap>(batch);  // optimizer_f32_body.cuh's, shared with the host check
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
