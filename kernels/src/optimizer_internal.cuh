// optimizer_internal.cuh - internal to libgcgan_kernels (not installed, not exported): the launch table, the host
// planning (make_entry, block_cost, order_longest_first, the Batch of each launch) and the per-thread stages of the
// fused optimizer step (optimizer.cu, whose header comment describes the paths), written __host__ __device__ so that
// kernels/dev/optimizer_host_check.cpp runs the library's own planning and the very same stages on the CPU, work
// block by work block and thread by thread.
//
// Shapes: entry e of a Batch is one parameter tensor of numel elements (weight, grad, state1, state2 dense, same
// dtype); a centred one (slices > 0) is viewed as [outer, slices, inner], and the outer * inner elements of slice s
// are its row (contiguous when outer == 1). Work blocks are numbered over the table: entry e owns
// [block_start, block_start + its blocks); a thread block of kBlockThreads threads takes work blocks
// b = blockIdx.x, blockIdx.x + gridDim.x, ... and finds b's entry with find_entry.
//
// What a thread block does with work block `local` of entry t, stage by stage (a stage is one thread's code between
// two synchronisations; the kernel in optimizer.cu calls them in this order):
//   kDense        dense_thread: no synchronisation.
//   kRowsRegs     regs_load (registers <- the row, partial sum) | warp_allreduce, group_sum | regs_update.
//   kRowsGroup    group_row_part | warp_allreduce, group_sum | group_row_update.
//   kRowsHeld     held_load (registers <- the row's g, partial sum) | warp_allreduce, group_sum | held_update.
//   kRowsWarp     row_part (stride 32) | warp_allreduce | row_update       (threads of a warp row only)
//   kRowsBlock    row_part (stride kBlockThreads) | block_reduce | row_update.
//   kStrided      strided_part | block_reduce | strided_update.
//   float64       f64_slice_part | block_reduce | f64_slice_update, or f64_dense_thread.
// optimizer.cu's warp_allreduce is the xor tree (delta 16, 8, 4, 2, 1: v += v of lane ^ delta); group_sum: barrier,
// lane 0 of each warp stores its warp's total in scratch[warp], barrier, each thread adds scratch[gi * warps + k],
// k = 0 .. warps - 1, to 0.0 (a group of 32 threads: the warp's total itself); block_reduce is device_common.cuh's.
// Every row sum is in double, and the mean is rounded once to float: float(sum / len).
#ifndef GCGAN_OPTIMIZER_INTERNAL_CUH
#define GCGAN_OPTIMIZER_INTERNAL_CUH

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "device_common.cuh"
#include "gcgan_kernels.h"
#include "status_internal.h"

namespace gcgan {
namespace optimizer {

using gcgan::detail::add_rn;
using gcgan::detail::div_rn;
using gcgan::detail::fail;
using gcgan::detail::mul_rn;
using gcgan::detail::sqrt_rn;
using gcgan::detail::sub_rn;

constexpr int kBlockThreads = 256;
constexpr int kWarpsPerBlock = kBlockThreads / 32;
constexpr int kMaxBatch = 256;       // tensors per launch: 256 x 104-byte entries + header < 32 KiB of parameters
constexpr int kSmallBatch = 32;      // a launch for <= 32 tensors carries a 3 KiB parameter block instead
constexpr int64_t kDenseChunk = kBlockThreads * 4 * 4;  // float32, not centred: 4 float4 per thread per block
constexpr int64_t kWarpRowMax = 2048;                    // float32 rows up to this length: one warp per row
constexpr int kRegs = 4;                                 // kRowsRegs: float4s of each operand per thread
constexpr int64_t kRegsRowMax = kBlockThreads * kRegs * 4;  // 4096: the longest row one thread block holds
constexpr int64_t kChunk64 = 2048;                       // float64, not centred: elements per block
constexpr int64_t kGroupRowMin = 1024;  // kGroupLongRows: longer rows take kRowsGroup, the others kRowsWarp

enum Mode : int32_t {
    kDense = 0, kRowsWarp = 1, kRowsBlock = 2, kStrided = 3, kRowsRegs = 4, kRowsGroup = 5, kRowsHeld = 6
};

// How float32 centred rows are done (kernels/dev/optimizer_lab.cu times each): kTwoPass = kRowsWarp / kRowsBlock
// only; kSinglePass = kRowsRegs where a row fits, else those; kGroupTwoPass = kRowsGroup where a row fits, else
// those; kGroupLongRows = kRowsGroup where a row fits and is longer than kGroupRowMin, else those. The default is
// kGroupLongRows: in the lab (H200, 2026-11-27) kRowsGroup cut GC's cost on dcgan64, whose rows are mostly 2,048
// and 4,096 elements, from +7.1% to +3.0% (Adam) and +8.5% to +5.5% (SGD-momentum), but raised it on the 50m
// workload's 1,000-element rows (+5.9% to +7.3%, +8.1% to +10.1%), where a warp makes two rounds of loads.
// Tried and dropped (commit 25232c1 has it): one pass with the row's w, g, m, v copied into shared memory by
// cp.async (as many registers as the lean kernel, 32 KiB of shared memory per block). Correct, but in the lab
// (H200, 2026-11-27) GC then cost +21% (Adam) and +28% (SGD-momentum) on 50m, and +5% and +10% on dcgan64,
// against group-long's +5%, +8%, +2% and +6% in the same run.
// kHeld = kRowsHeld where a row fits (kRowsGroup's rows: g read once), else as kTwoPass; kHeldLongRows = kRowsHeld on
// the rows kGroupLongRows gives kRowsGroup, kRowsWarp on the shorter ones. The default is kHeld, with the update
// operands of rows of at most kGroupRowMin elements prefetched (L2Prefetch::kShortRows, below): in the lab (H200,
// 2026-11-27, two runs alike to 0.5 points) GC then cost +5.0% (Adam) and +4.6-5.0% (SGD-momentum) on dcgan64, and
// +0.6-0.7% and +1.7% on 50m, where kGroupLongRows cost +3.2%, +6.1-6.5%, +6.4% and +11.6%. On dcgan64 alone
// kHeldLongRows was cheaper (+2.8%, +3.2-3.6%), but it leaves 50m's rows to warps (+6.6%, +11.6%).
// (Until 2026-11-27 the lab had kGroupLongHeld instead: a warp holding up to 8 float4s of a row of <= 1,024 elements.
// Its gradient array sat in local memory, not registers, so it read g from L1 in pass 2: a conditional lvalue took
// its address. Held in registers, 8 float4s per thread spilled 64 bytes for SGD-momentum and 288 for Adam at the 128
// registers of two blocks per SM (sm_90), and the same rows need 159 and 178 registers unspilled: one block per SM.)
enum class RowsVariant { kTwoPass, kSinglePass, kGroupTwoPass, kGroupLongRows, kHeld, kHeldLongRows };
constexpr RowsVariant kDefaultRowsVariant = RowsVariant::kHeld;

// How a launch numbers its work blocks, which the hardware starts roughly in that order: kTable = tensor by tensor
// as given; kLongestFirst = the tensors whose work blocks take longest first (block_cost below), so that long
// blocks (a warp on a 2,048-element row makes 16 rounds of loads per pass where a dense block makes 4) do not start
// in the last wave and set the kernel's tail; the rest fill in behind them. The table's order does not change any
// result: every entry owns its elements.
enum class WorkOrder { kTable, kLongestFirst };
constexpr WorkOrder kDefaultWorkOrder = WorkOrder::kLongestFirst;

// Whether a two-pass centred row (kRowsWarp, kRowsGroup, kRowsBlock, and kRowsHeld) first asks L2 to fetch its lines
// (PTX prefetch.L2, sm_50+: no register is held and nothing waits): kNone; kUpdateOperands = the lines pass 2
// loads besides g (w, unless pass 1 reads it for coupled decay, and m, v), so that they stream in from DRAM while
// pass 1 sums g and pass 2 finds them in L2; kWholeRow = those and g's, so that pass 1's later rounds of loads hit
// L2 too; kShortRows = kUpdateOperands on rows of at most kGroupRowMin elements only. GC's cost over the uncentred
// step looks like latency rather than bytes: a row's pass 2 waits behind its sum, while only g's loads were in
// flight. In the lab (H200, 2026-11-27) the update operands' prefetch cut GC's cost on 50m's 1,000-element rows
// (held: +7.5% to +1.7%, SGD-momentum; Adam +7.4% to +0.7%) but raised it on dcgan64's rows of 2,048 and 4,096
// elements (+6.1% to +7.3%; Adam +4.6% to +13.5%); kShortRows keeps the first without the second. (kWholeRow instead
// of loading 8 float4s of g per thread per round in pass 1, not 4: that took the lean kernel from 128 to 173
// registers for Adam, one block per SM, or 244 bytes of spills held to 128; ptxas, sm_90, 2026-11-27.)
// The library builds the prefetch into kRowsHeld's kernel only (the only one its default plan prefetches in): even
// never taken, the branch took plain SGD's lean kernel from 80 to 98 registers (sm_90), 3 to 2 blocks per SM. The
// optimizer lab (kernels/dev/optimizer_lab.cu) builds it into every kernel, to time every L2Prefetch on every path.
enum class L2Prefetch : int32_t { kNone = 0, kUpdateOperands = 1, kWholeRow = 2, kShortRows = 3 };
constexpr L2Prefetch kDefaultL2Prefetch = L2Prefetch::kShortRows;
#ifdef GCGAN_OPTIMIZER_LAB
constexpr bool kPrefetchBuilt = true;  // in every kernel
#else
constexpr bool kPrefetchBuilt = false;  // in kRowsHeld's kernel only; the library refuses kUpdateOperands, kWholeRow
#endif

// Which optional row path an instantiation has: kRowsRegs holds 16 float4s per thread and needs ~205 registers (one
// block per SM); kRowsHeld has a kernel of its own, held to 128 registers, with the L2 prefetch built in. Tables
// without such rows launch the lean instantiation (~127 registers, two blocks per SM).
enum RowsPath : int { kLeanPath = 0, kRegsPath = 1, kHeldPath = 2 };

// One table entry as the kernels see it (104 bytes).
struct Entry {
    void* weight;
    const void* grad;
    void* state1;
    void* state2;
    int64_t numel;
    int64_t outer;        // centring view [outer, slices, inner]; slices == 0: not centred
    int64_t slices;
    int64_t inner;
    int64_t block_start;  // first work block of this entry
    double step_size;     // lr; Adam: lr / (1 - beta1^t)
    double bc2_sqrt;      // Adam: sqrt(1 - beta2^t); else 1
    int32_t first_step;   // SGD_MOMENTUM: 1 when this update initialises the buffer to d
    int32_t mode;         // Mode (float32 only)
    int32_t vec;          // float32: 1 when the float4 path applies
    int32_t group;        // kRowsRegs, kRowsGroup, kRowsHeld: threads per row (32, 64, 128 or 256)
};
static_assert(sizeof(Entry) == 104, "Entry is 104 bytes: the parameter-space budget below counts on it");

template <int Cap>
struct Batch {
    gcgan_optimizer_hyper hyper;
    int32_t count;
    int32_t prefetch;  // L2Prefetch, for every centred row of the launch
    int64_t total_blocks;
    Entry entries[Cap];
};
static_assert(sizeof(Batch<kMaxBatch>) <= 32764, "the kernel parameter space holds 32764 bytes");

// ---- device intrinsics with a host twin (the host check's CPU runs the same expressions) ----

// __ldg: a load through the read-only data cache.
template <typename T>
__host__ __device__ __forceinline__ T ldg(const T* p) {
#ifdef __CUDA_ARCH__
    return __ldg(p);
#else
    return *p;
#endif
}

// a * b + c rounded once.
__host__ __device__ __forceinline__ float fmaf_rn(float a, float b, float c) {
#ifdef __CUDA_ARCH__
    return __fmaf_rn(a, b, c);
#else
    return std::fma(a, b, c);
#endif
}

// This thread's share of the guard check (gcgan_kernels.h): 1 when its elements i = first, first + stride, ... are
// all finite. The kernel ANDs the shares of its threads (__syncthreads_and).
template <typename T>
__host__ __device__ __forceinline__ int guard_share(const gcgan_optimizer_hyper& hyper, unsigned first,
                                                    unsigned stride) {
    const T* const guard = static_cast<const T*>(hyper.guard);
    int finite = 1;
    for (int64_t i = first; i < hyper.guard_count; i += stride) {
        finite &= isfinite(guard[i]) ? 1 : 0;
    }
    return finite;
}

// The entry whose work blocks include block b: the last one with block_start <= b (uniform over the thread block).
template <int Cap>
__host__ __device__ __forceinline__ int32_t find_entry(const Batch<Cap>& batch, int64_t b) {
    int32_t lo = 0;
    int32_t hi = batch.count - 1;
    while (lo < hi) {
        const int32_t mid = lo + (hi - lo + 1) / 2;
        if (batch.entries[mid].block_start <= b) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    return lo;
}

// Element j (0 <= j < outer * inner) of slice s of a centred tensor.
__host__ __device__ __forceinline__ int64_t slice_element(int64_t outer, int64_t slices, int64_t inner, int64_t s,
                                                          int64_t j) {
    if (outer == 1) {
        return s * inner + j;
    }
    const int64_t o = j / inner;
    return (o * slices + s) * inner + (j - o * inner);
}

// ================================================= float32 ===================================================

// The hyper-parameters in float, with the per-entry step constants.
struct Coeffs {
    float momentum, dampening1, beta1, beta1c, beta2, beta2c, alpha, alphac, eps, coupled_decay;
    float decay;  // decoupled: lr * weight decay (1 - weight_scale, from the double; a float 1 - lr wd would round it)
    float step_size, inv_bc2;
    bool nesterov, first_step, rms_momentum;
};

__host__ __device__ __forceinline__ Coeffs coeffs_for(const gcgan_optimizer_hyper& h, const Entry& t) {
    Coeffs c;
    c.momentum = static_cast<float>(h.momentum);
    c.dampening1 = static_cast<float>(1.0 - h.dampening);
    c.beta1 = static_cast<float>(h.beta1);
    c.beta1c = static_cast<float>(1.0 - h.beta1);
    c.beta2 = static_cast<float>(h.beta2);
    c.beta2c = static_cast<float>(1.0 - h.beta2);
    c.alpha = static_cast<float>(h.alpha);
    c.alphac = static_cast<float>(1.0 - h.alpha);
    c.eps = static_cast<float>(h.eps);
    c.coupled_decay = static_cast<float>(h.coupled_decay);
    c.decay = static_cast<float>(1.0 - h.weight_scale);
    c.step_size = static_cast<float>(t.step_size);
    c.inv_bc2 = static_cast<float>(1.0 / t.bc2_sqrt);
    c.nesterov = h.nesterov != 0;
    c.first_step = t.first_step != 0;
    c.rms_momentum = h.momentum > 0;
    return c;
}

// A pseudo-algorithm for the host check only (never launched): update1 leaves w as it is and adds 1 to state1, so
// that state1 counts how often each element was updated. The stages treat it as an algorithm with one state.
constexpr int kCountUpdates = -1;

// g + lambda w, the quantity whose row mean is subtracted (one expression, so a one-element row centres to 0); just g
// without coupled decay, as OptimizerMath.decayed (an infinite w must not make 0 * w NaN, and -0 stays -0).
__host__ __device__ __forceinline__ float decayed(float g, float w, float lambda) {
    return lambda == 0.0f ? g : fmaf_rn(lambda, w, g);
}

// w after decoupled decay and the step delta: w (1 - decay) - delta, with decay * w + delta rounded once (a float
// 1 - decay, near 1, would lose most of a small decay's digits); w - delta without decay, as the CPU's w * 1 - delta.
__host__ __device__ __forceinline__ float stepped(const Coeffs& c, float w, float delta) {
    return c.decay == 0.0f ? w - delta : w - fmaf_rn(c.decay, w, delta);
}

// One element in float: the same formulas as OptimizerMath (gcgan_kernels.h), in float32.
template <int Alg>
__host__ __device__ __forceinline__ void update1(const Coeffs& c, float mean, float& w, float g, float& s1,
                                                 float& s2) {
    const float d = decayed(g, w, c.coupled_decay) - mean;
    if constexpr (Alg == kCountUpdates) {
        (void)d;
        (void)s2;
        s1 += 1.0f;
    } else if constexpr (Alg == GCGAN_OPTIMIZER_SGD) {
        w = stepped(c, w, c.step_size * d);
    } else if constexpr (Alg == GCGAN_OPTIMIZER_SGD_MOMENTUM) {
        const float buf = c.first_step ? d : c.momentum * s1 + c.dampening1 * d;
        s1 = buf;
        const float u = c.nesterov ? d + c.momentum * buf : buf;
        w = stepped(c, w, c.step_size * u);
    } else if constexpr (Alg == GCGAN_OPTIMIZER_ADAM) {
        const float m = c.beta1 * s1 + c.beta1c * d;
        const float v = c.beta2 * s2 + c.beta2c * d * d;
        s1 = m;
        s2 = v;
        w = stepped(c, w, c.step_size * m / (sqrtf(v) * c.inv_bc2 + c.eps));
    } else {
        static_assert(Alg == GCGAN_OPTIMIZER_RMSPROP, "unknown optimizer");
        const float v = c.alpha * s1 + c.alphac * d * d;
        s1 = v;
        const float a = sqrtf(v) + c.eps;
        if (c.rms_momentum) {
            const float u = c.momentum * s2 + d / a;
            s2 = u;
            w = stepped(c, w, c.step_size * u);
        } else {
            w = stepped(c, w, c.step_size * d / a);
        }
    }
}

// Which state buffers an algorithm may read and write (RMSprop's second only with momentum, a runtime choice).
template <int Alg>
constexpr bool kUsesState1 = Alg != GCGAN_OPTIMIZER_SGD;
template <int Alg>
constexpr bool kMayUseState2 = Alg == GCGAN_OPTIMIZER_ADAM || Alg == GCGAN_OPTIMIZER_RMSPROP;

// Whether this step reads and writes state2 (uniform over the launch; the kernel spells the same expression out).
template <int Alg>
__host__ __device__ __forceinline__ bool uses_state2(const Coeffs& c) {
    return Alg == GCGAN_OPTIMIZER_ADAM || (Alg == GCGAN_OPTIMIZER_RMSPROP && c.rms_momentum);
}

// Updates w, m, v of one float4 of a tensor with its g (component-wise; m and v are unread registers for the
// algorithms that keep no such state) and stores them at float4 i.
template <int Alg>
__host__ __device__ __forceinline__ void update_store4(const Coeffs& c, float mean, bool state2, float4& w,
                                                       const float4& g, float4& m, float4& v, float4* __restrict__ w4,
                                                       float4* __restrict__ m4, float4* __restrict__ v4, int64_t i) {
    update1<Alg>(c, mean, w.x, g.x, m.x, v.x);
    update1<Alg>(c, mean, w.y, g.y, m.y, v.y);
    update1<Alg>(c, mean, w.z, g.z, m.z, v.z);
    update1<Alg>(c, mean, w.w, g.w, m.w, v.w);
    w4[i] = w;
    if constexpr (kUsesState1<Alg>) m4[i] = m;
    if constexpr (kMayUseState2<Alg>) {
        if (state2) v4[i] = v;
    }
}

// Updates the float4s i = first, first + stride, ... < end of a tensor (indices in float4 units), kUnroll at a time:
// all loads of a batch are issued before any store, which the compiler could not do across possibly aliasing stores.
template <int Alg>
__host__ __device__ __forceinline__ void update_vec(const Coeffs& c, float mean, bool state2, float4* __restrict__ w4,
                                                    const float4* __restrict__ g4, float4* __restrict__ m4,
                                                    float4* __restrict__ v4, int64_t first, int64_t end,
                                                    int64_t stride) {
    constexpr int kUnroll = 4;
    for (int64_t base = first; base < end; base += kUnroll * stride) {
        float4 w[kUnroll], g[kUnroll], m[kUnroll], v[kUnroll];
GCGAN_UNROLL
        for (int u = 0; u < kUnroll; ++u) {
            const int64_t i = base + u * stride;
            if (i < end) {
                w[u] = w4[i];
                g[u] = ldg(g4 + i);
                if constexpr (kUsesState1<Alg>) m[u] = m4[i];
                if constexpr (kMayUseState2<Alg>) {
                    if (state2) v[u] = v4[i];
                }
            }
        }
GCGAN_UNROLL
        for (int u = 0; u < kUnroll; ++u) {
            const int64_t i = base + u * stride;
            if (i < end) update_store4<Alg>(c, mean, state2, w[u], g[u], m[u], v[u], w4, m4, v4, i);
        }
    }
}

// The same update for element e, with scalar loads (tensors that are not 16-byte aligned, and tails).
template <int Alg>
__host__ __device__ __forceinline__ void update_scalar(const Coeffs& c, float mean, bool state2,
                                                       float* __restrict__ w, const float* __restrict__ g,
                                                       float* __restrict__ m, float* __restrict__ v, int64_t e) {
    float wv = w[e];
    const float gv = ldg(g + e);
    float mv = 0.0f;
    float vv = 0.0f;
    if constexpr (kUsesState1<Alg>) mv = m[e];
    if (state2) vv = v[e];
    update1<Alg>(c, mean, wv, gv, mv, vv);
    w[e] = wv;
    if constexpr (kUsesState1<Alg>) m[e] = mv;
    if (state2) v[e] = vv;
}

// The decayed values of a float4 added in double (exact for float g without coupled decay, as the CPU's lanes).
__host__ __device__ __forceinline__ double decayed_sum4(const float4& g, const float4& w, float lambda) {
    return (static_cast<double>(decayed(g.x, w.x, lambda)) + static_cast<double>(decayed(g.y, w.y, lambda))) +
           (static_cast<double>(decayed(g.z, w.z, lambda)) + static_cast<double>(decayed(g.w, w.w, lambda)));
}

// This thread's part of a row sum of g + lambda w over float4s first, first + stride, ... < end, 4 loads in flight,
// in double: a float partial of many elements would round the small mean of a row of mixed signs.
__host__ __device__ __forceinline__ double row_sum_vec(const float4* __restrict__ g4, const float4* __restrict__ w4,
                                                       float lambda, int64_t first, int64_t end, int64_t stride) {
    constexpr int kUnroll = 4;
    double sum = 0.0;
    for (int64_t base = first; base < end; base += kUnroll * stride) {
        float4 g[kUnroll];
        float4 w[kUnroll];
GCGAN_UNROLL
        for (int u = 0; u < kUnroll; ++u) {
            const int64_t i = base + u * stride;
            if (i < end) {
                g[u] = ldg(g4 + i);
                w[u] = lambda != 0.0f ? w4[i] : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            }
        }
GCGAN_UNROLL
        for (int u = 0; u < kUnroll; ++u) {
            if (base + u * stride < end) {
                sum += decayed_sum4(g[u], w[u], lambda);
            }
        }
    }
    return sum;
}

// ---- kDense: thread tid's whole share of work block `local` (kDenseChunk elements from local * kDenseChunk) ----

template <int Alg>
__host__ __device__ __forceinline__ void dense_thread(const Coeffs& c, bool state2, const Entry& t, int64_t local,
                                                      float* w, const float* g, float* m, float* v, unsigned tid) {
    const int64_t begin = local * kDenseChunk;  // a multiple of 4
    const int64_t end = begin + kDenseChunk < t.numel ? begin + kDenseChunk : t.numel;
    int64_t scalar_from = begin;
    if (t.vec) {
        update_vec<Alg>(c, 0.0f, state2, reinterpret_cast<float4*>(w), reinterpret_cast<const float4*>(g),
                        reinterpret_cast<float4*>(m), reinterpret_cast<float4*>(v), begin / 4 + tid, end / 4,
                        kBlockThreads);
        scalar_from = end / 4 * 4;  // the last chunk's 0..3 trailing elements
    }
    for (int64_t e = scalar_from + tid; e < end; e += kBlockThreads) {
        update_scalar<Alg>(c, 0.0f, state2, w, g, m, v, e);
    }
}

// ---- kRowsRegs: a group of `group` threads per row, the row held in registers from the loads to the stores ----

// Thread tid's share of its row: float4s li, li + group, ... (at most kRegs) of row local * (kBlockThreads / group)
// + gi; `active` false past the tensor's last row (the thread still joins the group sum with 0). The thread's
// registers (the caller's wr, gr, mr, vr: float4[kRegs] each) hold them from the loads to the stores.
struct RegsRow {
    int group, gi, li, len4;
    bool active;
    float4* w4;
    const float4* g4;
    float4* m4;
    float4* v4;
};

__host__ __device__ __forceinline__ RegsRow regs_row(const Entry& t, int64_t local, float* w, const float* g,
                                                     float* m, float* v, unsigned tid) {
    RegsRow r;
    r.group = t.group;
    r.gi = tid / r.group;  // this thread's row within the work block
    r.li = tid - r.gi * r.group;
    const int64_t row = local * (kBlockThreads / r.group) + r.gi;
    r.active = row < t.slices;
    r.len4 = static_cast<int>(t.inner / 4);  // <= kRegsRowMax / 4
    const int64_t base = r.active ? row * r.len4 : 0;
    r.w4 = reinterpret_cast<float4*>(w) + base;
    r.g4 = reinterpret_cast<const float4*>(g) + base;
    r.m4 = m != nullptr ? reinterpret_cast<float4*>(m) + base : nullptr;
    r.v4 = v != nullptr ? reinterpret_cast<float4*>(v) + base : nullptr;
    return r;
}

// Stage 1: every load of the thread's share, then its part of the row sum of g + lambda w (double).
template <int Alg>
__host__ __device__ __forceinline__ double regs_load(const Coeffs& c, bool state2, const RegsRow& r,
                                                     float4 (&wr)[kRegs], float4 (&gr)[kRegs], float4 (&mr)[kRegs],
                                                     float4 (&vr)[kRegs]) {
    double part = 0.0;
GCGAN_UNROLL
    for (int u = 0; u < kRegs; ++u) {  // every load of the row is issued before any is used
        const int i = r.li + u * r.group;
        if (r.active && i < r.len4) {
            wr[u] = r.w4[i];
            gr[u] = ldg(r.g4 + i);
            if constexpr (kUsesState1<Alg>) mr[u] = r.m4[i];
            if constexpr (kMayUseState2<Alg>) {
                if (state2) vr[u] = r.v4[i];
            }
        }
    }
GCGAN_UNROLL
    for (int u = 0; u < kRegs; ++u) {
        if (r.active && r.li + u * r.group < r.len4) {
            part += decayed_sum4(gr[u], wr[u], c.coupled_decay);
        }
    }
    return part;
}

// Stage 2, with the row's mean: update the held values and store them.
template <int Alg>
__host__ __device__ __forceinline__ void regs_update(const Coeffs& c, bool state2, const RegsRow& r,
                                                     float4 (&wr)[kRegs], const float4 (&gr)[kRegs],
                                                     float4 (&mr)[kRegs], float4 (&vr)[kRegs], float mean) {
GCGAN_UNROLL
    for (int u = 0; u < kRegs; ++u) {
        const int i = r.li + u * r.group;
        if (r.active && i < r.len4) {
            update_store4<Alg>(c, mean, state2, wr[u], gr[u], mr[u], vr[u], r.w4, r.m4, r.v4, i);
        }
    }
}

// ---- kRowsGroup: kRowsRegs' groups, two passes over float4s li, li + group, ... < len / 4 ----

// Thread tid's place: row local * (kBlockThreads / group) + gi of len elements from element base (0 when inactive).
struct GroupRow {
    int group, gi, li;
    bool active;
    int64_t len, base;
};

__host__ __device__ __forceinline__ GroupRow group_row(const Entry& t, int64_t local, unsigned tid) {
    GroupRow r;
    r.group = t.group;
    r.gi = tid / r.group;  // this thread's row within the work block
    r.li = tid - r.gi * r.group;
    const int64_t row = local * (kBlockThreads / r.group) + r.gi;
    r.active = row < t.slices;
    r.len = t.inner;
    r.base = r.active ? row * r.len : 0;
    return r;
}

// Pass 1: the thread's part of the row sum (0 when inactive).
__host__ __device__ __forceinline__ double group_row_part(const Coeffs& c, const GroupRow& r, const float* w,
                                                          const float* g) {
    return r.active ? row_sum_vec(reinterpret_cast<const float4*>(g + r.base),
                                  reinterpret_cast<const float4*>(w + r.base), c.coupled_decay, r.li, r.len / 4,
                                  r.group)
                    : 0.0;
}

// Pass 2, with the row's mean (active threads only).
template <int Alg>
__host__ __device__ __forceinline__ void group_row_update(const Coeffs& c, bool state2, const GroupRow& r, float* w,
                                                          const float* g, float* m, float* v, float mean) {
    update_vec<Alg>(c, mean, state2, reinterpret_cast<float4*>(w + r.base), reinterpret_cast<const float4*>(g + r.base),
                    reinterpret_cast<float4*>(m + (m != nullptr ? r.base : 0)),
                    reinterpret_cast<float4*>(v + (v != nullptr ? r.base : 0)), r.li, r.len / 4, r.group);
}

// ---- kRowsWarp: one warp per row; kRowsBlock: one thread block per row ----

// The row of warp tid / 32 in work block `local` (the warp does nothing when it is >= slices).
__host__ __device__ __forceinline__ int64_t warp_row(int64_t local, unsigned tid) {
    return local * kWarpsPerBlock + (tid >> 5);
}

// Pass 1 of a contiguous row of len elements from element base, by thread `first` of `stride` threads: its part of
// the row sum; float4s first, first + stride, ... when vec, else elements first, first + stride, ...
__host__ __device__ __forceinline__ double row_part(bool vec, const Coeffs& c, const float* w, const float* g,
                                                    int64_t base, int64_t len, int64_t first, int64_t stride) {
    double part = 0.0;
    if (vec) {
        part = row_sum_vec(reinterpret_cast<const float4*>(g + base), reinterpret_cast<const float4*>(w + base),
                           c.coupled_decay, first, len / 4, stride);
    } else {
        for (int64_t j = first; j < len; j += stride) {
            part += decayed(ldg(g + base + j), w[base + j], c.coupled_decay);
        }
    }
    return part;
}

// Pass 2 of the same row, with its mean.
template <int Alg>
__host__ __device__ __forceinline__ void row_update(bool vec, const Coeffs& c, bool state2, float* w, const float* g,
                                                    float* m, float* v, int64_t base, int64_t len, int64_t first,
                                                    int64_t stride, float mean) {
    if (vec) {
        update_vec<Alg>(c, mean, state2, reinterpret_cast<float4*>(w + base),
                        reinterpret_cast<const float4*>(g + base),
                        reinterpret_cast<float4*>(m + (m != nullptr ? base : 0)),
                        reinterpret_cast<float4*>(v + (v != nullptr ? base : 0)), first, len / 4, stride);
    } else {
        for (int64_t j = first; j < len; j += stride) {
            update_scalar<Alg>(c, mean, state2, w, g, m, v, base + j);
        }
    }
}

// ---- kRowsHeld: kRowsGroup's groups, each thread's float4s of g held in registers from pass 1 to pass 2 ----

// kRowsHeld pass 1: thread li of the row's `group` threads loads its float4s li, li + group, ... < len4 (at most
// kRegs: the planner sizes the group as kRowsGroup's) of g into gr, one round of loads, and returns its part of the
// sum of g + lambda w. (The row: group_row's GroupRow; w4, g4 from its first element.)
__host__ __device__ __forceinline__ double held_load(const Coeffs& c, const float4* __restrict__ w4,
                                                     const float4* __restrict__ g4, int len4, int li, int group,
                                                     float4 (&gr)[kRegs]) {
GCGAN_UNROLL
    for (int u = 0; u < kRegs; ++u) {
        const int i = li + group * u;
        if (i < len4) gr[u] = ldg(g4 + i);
    }
    double part = 0.0;
GCGAN_UNROLL
    for (int u = 0; u < kRegs; ++u) {
        const int i = li + group * u;
        if (i < len4) {  // w read here only with coupled decay (decayed ignores it otherwise)
            // A value, not `cond ? w4[i] : gr[u]`: that lvalue is a pointer into gr, which puts gr in local memory.
            const float4 wv = c.coupled_decay != 0.0f ? w4[i] : make_float4(0.0f, 0.0f, 0.0f, 0.0f);
            part += decayed_sum4(gr[u], wv, c.coupled_decay);
        }
    }
    return part;
}

// kRowsHeld pass 2, with the row's mean: loads the thread's w, m, v (one round) and updates with g from gr.
template <int Alg>
__host__ __device__ __forceinline__ void held_update(const Coeffs& c, bool state2, float4* __restrict__ w4,
                                                     float4* __restrict__ m4, float4* __restrict__ v4, int len4,
                                                     int li, int group, const float4 (&gr)[kRegs], float mean) {
    float4 wr[kRegs], mr[kRegs], vr[kRegs];
GCGAN_UNROLL
    for (int u = 0; u < kRegs; ++u) {
        const int i = li + group * u;
        if (i < len4) {
            wr[u] = w4[i];
            if constexpr (kUsesState1<Alg>) mr[u] = m4[i];
            if constexpr (kMayUseState2<Alg>) {
                if (state2) vr[u] = v4[i];
            }
        }
    }
GCGAN_UNROLL
    for (int u = 0; u < kRegs; ++u) {
        const int i = li + group * u;
        if (i < len4) update_store4<Alg>(c, mean, state2, wr[u], gr[u], mr[u], vr[u], w4, m4, v4, i);
    }
}

// ---- kStrided: slice `local` of [outer, slices, inner], outer > 1; one block, elements j = tid, tid + 256, ... ----
// (group = outer * inner, the row's length, computed once by the caller: the kernel reuses it for the mean)

__host__ __device__ __forceinline__ double strided_part(const Coeffs& c, const Entry& t, int64_t local, int64_t group,
                                                        const float* w, const float* g, unsigned tid) {
    double part = 0.0;
    for (int64_t j = tid; j < group; j += kBlockThreads) {
        const int64_t e = slice_element(t.outer, t.slices, t.inner, local, j);
        part += decayed(ldg(g + e), w[e], c.coupled_decay);
    }
    return part;
}

template <int Alg>
__host__ __device__ __forceinline__ void strided_update(const Coeffs& c, bool state2, const Entry& t, int64_t local,
                                                        int64_t group, float* w, const float* g, float* m, float* v,
                                                        unsigned tid, float mean) {
    for (int64_t j = tid; j < group; j += kBlockThreads) {
        update_scalar<Alg>(c, mean, state2, w, g, m, v, slice_element(t.outer, t.slices, t.inner, local, j));
    }
}

// ================================================= float64 ===================================================

// One element: OptimizerMath.update for the element at index e, with its group's mean, exactly as Java rounds.
template <int Alg>
__host__ __device__ __forceinline__ void update_element_f64(const Entry& t, const gcgan_optimizer_hyper& h, int64_t e,
                                                            double mean) {
    double* wp = static_cast<double*>(t.weight);
    const double* gp = static_cast<const double*>(t.grad);
    double* s1 = static_cast<double*>(t.state1);
    double* s2 = static_cast<double*>(t.state2);
    const double w = wp[e];
    const double g = gp[e];
    // As OptimizerMath.decayed: g alone without coupled decay (no 0 * inf, and -0 stays -0).
    const double d = sub_rn(h.coupled_decay != 0.0 ? add_rn(g, mul_rn(h.coupled_decay, w)) : g, mean);
    const double scaled = mul_rn(w, h.weight_scale);
    double next;
    if constexpr (Alg == kCountUpdates) {  // the host check's update counter (see update1)
        (void)d;
        (void)scaled;
        (void)s2;
        s1[e] = add_rn(s1[e], 1.0);
        next = w;
    } else if constexpr (Alg == GCGAN_OPTIMIZER_SGD) {
        next = sub_rn(scaled, mul_rn(t.step_size, d));
    } else if constexpr (Alg == GCGAN_OPTIMIZER_SGD_MOMENTUM) {
        const double buf = t.first_step ? d : add_rn(mul_rn(h.momentum, s1[e]), mul_rn(sub_rn(1.0, h.dampening), d));
        s1[e] = buf;
        const double u = h.nesterov ? add_rn(d, mul_rn(h.momentum, buf)) : buf;
        next = sub_rn(scaled, mul_rn(t.step_size, u));
    } else if constexpr (Alg == GCGAN_OPTIMIZER_ADAM) {
        const double m = add_rn(mul_rn(h.beta1, s1[e]), mul_rn(sub_rn(1.0, h.beta1), d));
        const double v = add_rn(mul_rn(h.beta2, s2[e]), mul_rn(mul_rn(sub_rn(1.0, h.beta2), d), d));
        s1[e] = m;
        s2[e] = v;
        const double denom = add_rn(div_rn(sqrt_rn(v), t.bc2_sqrt), h.eps);
        next = sub_rn(scaled, div_rn(mul_rn(t.step_size, m), denom));
    } else {
        static_assert(Alg == GCGAN_OPTIMIZER_RMSPROP, "unknown optimizer");
        const double v = add_rn(mul_rn(h.alpha, s1[e]), mul_rn(mul_rn(sub_rn(1.0, h.alpha), d), d));
        s1[e] = v;
        const double a = add_rn(sqrt_rn(v), h.eps);
        double u;
        if (h.momentum > 0) {
            u = add_rn(mul_rn(h.momentum, s2[e]), div_rn(d, a));
            s2[e] = u;
        } else {
            u = div_rn(d, a);
        }
        next = sub_rn(scaled, mul_rn(t.step_size, u));
    }
    wp[e] = next;
}

// A centred slice (one block per slice `local`): thread `first` of `stride` adds g + lambda w of elements j = first,
// first + stride, ... < group = outer * inner of the slice, as CpuOptimizerStep.decayedSum.
__host__ __device__ __forceinline__ double f64_slice_part(const Entry& t, const gcgan_optimizer_hyper& hyper,
                                                          int64_t local, int64_t group, unsigned first,
                                                          unsigned stride) {
    double sum = 0.0;
    for (int64_t j = first; j < group; j += stride) {
        const int64_t e = slice_element(t.outer, t.slices, t.inner, local, j);
        const double g = static_cast<const double*>(t.grad)[e];
        // As CpuOptimizerStep.decayedSum: g + lambda w when decay is coupled, else g alone.
        sum += hyper.coupled_decay != 0.0
                   ? add_rn(g, mul_rn(hyper.coupled_decay, static_cast<const double*>(t.weight)[e]))
                   : g;
    }
    return sum;
}

template <int Alg>
__host__ __device__ __forceinline__ void f64_slice_update(const Entry& t, const gcgan_optimizer_hyper& hyper,
                                                          int64_t local, int64_t group, unsigned first,
                                                          unsigned stride, double mean) {
    for (int64_t j = first; j < group; j += stride) {
        update_element_f64<Alg>(t, hyper, slice_element(t.outer, t.slices, t.inner, local, j), mean);
    }
}

// Not centred: elements [local * kChunk64, +kChunk64) by thread `first` of `stride`.
template <int Alg>
__host__ __device__ __forceinline__ void f64_dense_thread(const Entry& t, const gcgan_optimizer_hyper& hyper,
                                                          int64_t local, unsigned first, unsigned stride) {
    const int64_t begin = local * kChunk64;
    const int64_t end = begin + kChunk64 < t.numel ? begin + kChunk64 : t.numel;
    for (int64_t e = begin + first; e < end; e += stride) {
        update_element_f64<Alg>(t, hyper, e, 0.0);
    }
}

// ================================================= the kernel bodies =========================================
//
// optimizer_f64_body below, the float64 kernel's body, and guard_passes, the guard vote of both kernels, are
// written over an execution policy `Blk` (an object of one thread block):
//   PerThread<Blk, T>            a value of each thread, indexed by the thread's index tid in the block;
//   blk.block_index(), blk.grid_dim(), blk.block_dim()    blockIdx.x, gridDim.x, blockDim.x;
//   blk.threads(f)               f(tid) for every thread of the block;
//   blk.block_reduce(v)          v[tid] = device_common.cuh's block_reduce<false> of v over the block, for every thread;
//   blk.all(f)                   __syncthreads_and(f(tid)) != 0 over the block's threads;
//   blk.work_block(t, f64)       a hook at each work block.
// The body is written as phases between those synchronisations, each phase a per-thread lambda; code outside a
// phase is uniform over the block (the grid-stride loop, the entry, the branch on slices). The one policy is
// optimizer_f32_body.cuh's DeviceBlock (a phase runs for this thread, a PerThread value is its register: the same
// PTX as the kernel before it was shared, up to register numbering). The policy was made so that the host check
// could run the body with threads one after another; since 2026-11-28 the host check runs the device code itself,
// DeviceBlock included, on kernels/dev/simt_host.h's fibers, as it runs the float32 body (optimizer_f32_body.cuh),
// which was never written over a policy (that changed its kernels' PTX).

// A phase's lambda is always inlined, as the stages are (__forceinline__), so that the body is optimised whole.
#define GCGAN_PHASE __attribute__((always_inline))

template <typename Blk, typename T>
using PerThread = typename Blk::template PerThread<T>;

// False when the call's guard (gcgan_kernels.h) holds a NaN or an infinity: the kernel then writes nothing. Every
// thread checks a strided share and blk.all (__syncthreads_and) combines them, so the answer is uniform over the
// block (the bodies call it first, where every thread of the block reaches it).
// (nv_exec_check_disable: the body calls the policy's __device__ or __host__ members, as the instantiation's side)
#pragma nv_exec_check_disable
template <typename T, typename Blk>
__host__ __device__ __forceinline__ bool guard_passes(const Blk& blk, const gcgan_optimizer_hyper& hyper) {
    if (hyper.guard_count == 0) {
        return true;
    }
    return blk.all([&](unsigned tid) GCGAN_PHASE { return guard_share<T>(hyper, tid, blk.block_dim()); });
}

// The float64 kernel's body (batch: the kernel's __grid_constant__ parameter): one block per centred slice
// (f64_slice_part | block_reduce | f64_slice_update), or kChunk64 elements of an uncentred tensor (f64_dense_thread).
#pragma nv_exec_check_disable
template <int Alg, int Cap, typename Blk>
__host__ __device__ __forceinline__ void optimizer_f64_body(const Batch<Cap>& batch, Blk& blk) {
    if (!guard_passes<double>(blk, batch.hyper)) {
        return;
    }
    const gcgan_optimizer_hyper& hyper = batch.hyper;
    for (int64_t b = blk.block_index(); b < batch.total_blocks; b += blk.grid_dim()) {  // uniform over the block
        const Entry& t = batch.entries[find_entry(batch, b)];
        const int64_t local = b - t.block_start;
        blk.work_block(t, true);
        if (t.slices > 0) {
            const int64_t group = t.outer * t.inner;
            PerThread<Blk, double> sum;
            blk.threads([&](unsigned tid) GCGAN_PHASE {
                sum[tid] = f64_slice_part(t, hyper, local, group, tid, blk.block_dim());
            });
            blk.block_reduce(sum);  // every thread: barriers
            blk.threads([&](unsigned tid) GCGAN_PHASE {
                const double mean = div_rn(sum[tid], static_cast<double>(group));
                f64_slice_update<Alg>(t, hyper, local, group, tid, blk.block_dim(), mean);
            });
        } else {
            blk.threads([&](unsigned tid) GCGAN_PHASE {
                f64_dense_thread<Alg>(t, hyper, local, tid, blk.block_dim());
            });
        }
    }
}

// ================================================= host side =================================================

inline bool aligned16(const void* p) { return (reinterpret_cast<uintptr_t>(p) & 15u) == 0; }

// Checks tensor i and makes its entry (block_start left 0); *blocks = its work blocks, 0 when it has no element.
template <typename T>
gcgan_status make_entry(const char* call, const gcgan_optimizer_hyper& h, const gcgan_optimizer_tensor& t, int32_t i,
                        RowsVariant variant, Entry* entry, int64_t* blocks) {
    *blocks = 0;
    if (t.numel < 0) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "tensor %d: numel = %lld must be >= 0", i,
                    static_cast<long long>(t.numel));
    }
    if (t.numel == 0) {
        return GCGAN_OK;
    }
    const bool needs1 = h.algorithm != GCGAN_OPTIMIZER_SGD;
    const bool needs2 =
        h.algorithm == GCGAN_OPTIMIZER_ADAM || (h.algorithm == GCGAN_OPTIMIZER_RMSPROP && h.momentum > 0);
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
    }
    *entry = Entry{t.weight, t.grad, needs1 ? t.state1 : nullptr, needs2 ? t.state2 : nullptr, t.numel,
                   t.slices > 0 ? t.outer : 0, t.slices, t.slices > 0 ? t.inner : 0, 0, t.step_size, t.bc2_sqrt,
                   t.first_step, kDense, 0, 0};
    if (sizeof(T) == 8) {  // the exact path: one block per slice, else kChunk64 elements per block
        *blocks = t.slices > 0 ? t.slices : (t.numel + kChunk64 - 1) / kChunk64;
        return GCGAN_OK;
    }
    const bool aligned = aligned16(t.weight) && aligned16(t.grad) && (!needs1 || aligned16(t.state1)) &&
                         (!needs2 || aligned16(t.state2));
    if (t.slices == 0) {
        entry->mode = kDense;
        entry->vec = aligned ? 1 : 0;
        *blocks = (t.numel + kDenseChunk - 1) / kDenseChunk;
    } else if (t.outer == 1) {
        entry->vec = aligned && t.inner % 4 == 0 ? 1 : 0;
        // kHeld and kHeldLongRows plan as kGroupTwoPass and kGroupLongRows, with kRowsHeld for kRowsGroup
        const bool held = variant == RowsVariant::kHeld || variant == RowsVariant::kHeldLongRows;
        const bool long_rows = variant == RowsVariant::kGroupLongRows || variant == RowsVariant::kHeldLongRows;
        const bool group_rows = variant == RowsVariant::kSinglePass || variant == RowsVariant::kGroupTwoPass ||
                                variant == RowsVariant::kHeld || (long_rows && t.inner > kGroupRowMin);
        if (group_rows && entry->vec && t.inner <= kRegsRowMax) {
            int group = 32;  // the fewest threads (>= a warp) whose kRegs float4s cover the row
            while (static_cast<int64_t>(group) * kRegs * 4 < t.inner) {
                group *= 2;
            }
            entry->mode = variant == RowsVariant::kSinglePass ? kRowsRegs : (held ? kRowsHeld : kRowsGroup);
            entry->group = group;
            const int64_t rows_per_block = kBlockThreads / group;
            *blocks = (t.slices + rows_per_block - 1) / rows_per_block;
        } else if (t.inner <= kWarpRowMax) {
            entry->mode = kRowsWarp;
            *blocks = (t.slices + kWarpsPerBlock - 1) / kWarpsPerBlock;
        } else {
            entry->mode = kRowsBlock;
            *blocks = t.slices;
        }
    } else {
        entry->mode = kStrided;
        *blocks = t.slices;
    }
    return GCGAN_OK;
}

// The estimated time of one work block of `e`, in eighths of a float32 element per thread: the elements each
// thread walks in series, 9/8 of them where the block makes two passes (pass 1 reads only the gradient), twice
// for the scalar strided walk.
inline int64_t block_cost(const Entry& e, bool f64) {
    auto per_thread = [](int64_t elements, int64_t threads) { return (elements + threads - 1) / threads; };
    if (f64) {
        return e.slices > 0 ? 9 * per_thread(e.outer * e.inner, kBlockThreads) : 8 * (kChunk64 / kBlockThreads);
    }
    switch (e.mode) {
        case kRowsWarp: return 9 * per_thread(e.inner, 32);
        case kRowsHeld: return 8 * per_thread(e.inner, e.group);  // g read once, as kRowsRegs
        case kRowsBlock: return 9 * per_thread(e.inner, kBlockThreads);
        case kRowsRegs: return 8 * per_thread(e.inner, e.group);
        case kRowsGroup: return 9 * per_thread(e.inner, e.group);
        case kStrided: return 16 * per_thread(e.outer * e.inner, kBlockThreads);
        default: return 8 * (kDenseChunk / kBlockThreads);
    }
}

// Reorders `entries` and their `blocks` longest work block first (stable: equal costs keep the table's order).
inline void order_longest_first(std::vector<Entry>& entries, std::vector<int64_t>& blocks, bool f64) {
    std::vector<int32_t> order(entries.size());
    std::vector<int64_t> cost(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
        order[i] = static_cast<int32_t>(i);
        cost[i] = block_cost(entries[i], f64);
    }
    std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return cost[a] > cost[b]; });
    std::vector<Entry> e2;
    std::vector<int64_t> b2;
    e2.reserve(entries.size());
    b2.reserve(entries.size());
    for (int32_t i : order) {
        e2.push_back(entries[i]);
        b2.push_back(blocks[i]);
    }
    entries.swap(e2);
    blocks.swap(b2);
}

// Checks the call's arguments and makes the entries (and their work block counts) of every tensor that has an
// element, in launch order: the whole table is checked before anything is launched, so a bad entry leaves every
// tensor unchanged.
template <typename T>
gcgan_status plan_step(const char* call, const gcgan_optimizer_hyper* hyper, const gcgan_optimizer_tensor* tensors,
                       int32_t count, RowsVariant variant, WorkOrder order, L2Prefetch prefetch,
                       std::vector<Entry>* entries, std::vector<int64_t>* blocks) {
    if (hyper == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "hyper is NULL");
    }
    if (prefetch != L2Prefetch::kNone && prefetch != L2Prefetch::kShortRows && !kPrefetchBuilt) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "L2 prefetch %d is built into the optimizer lab only",
                    static_cast<int>(prefetch));
    }
    if (hyper->algorithm < GCGAN_OPTIMIZER_SGD || hyper->algorithm > GCGAN_OPTIMIZER_RMSPROP) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "unknown algorithm %d (expected %d .. %d)", hyper->algorithm,
                    GCGAN_OPTIMIZER_SGD, GCGAN_OPTIMIZER_RMSPROP);
    }
    if (count < 0) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "count = %d must be >= 0", count);
    }
    if (hyper->guard_count < 0 || (hyper->guard_count > 0 && hyper->guard == nullptr)) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call,
                    "guard %p with guard_count = %lld (expected >= 0, and a pointer when > 0)", hyper->guard,
                    static_cast<long long>(hyper->guard_count));
    }
    if (count > 0 && tensors == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "tensors is NULL with count = %d", count);
    }
    entries->clear();
    blocks->clear();
    entries->reserve(static_cast<size_t>(count));
    blocks->reserve(static_cast<size_t>(count));
    for (int32_t i = 0; i < count; ++i) {
        Entry entry{};
        int64_t n = 0;
        const gcgan_status status = make_entry<T>(call, *hyper, tensors[i], i, variant, &entry, &n);
        if (status != GCGAN_OK) {
            return status;
        }
        if (n > 0) {
            entries->push_back(entry);
            blocks->push_back(n);
        }
    }
    if (order == WorkOrder::kLongestFirst) {
        order_longest_first(*entries, *blocks, sizeof(T) == 8);
    }
    return GCGAN_OK;
}

// Entries [0, n) of `entries` (with their block counts) as one launch's Batch: block_start numbers the work blocks
// consecutively in table order.
template <int Cap>
void fill_batch(const gcgan_optimizer_hyper& hyper, const Entry* entries, const int64_t* blocks, int32_t n,
                L2Prefetch prefetch, Batch<Cap>* batch) {
    batch->hyper = hyper;
    batch->count = n;
    batch->prefetch = static_cast<int32_t>(prefetch);
    int64_t total = 0;
    for (int32_t i = 0; i < n; ++i) {
        batch->entries[i] = entries[i];
        batch->entries[i].block_start = total;
        total += blocks[i];
    }
    batch->total_blocks = total;
}

// The kernel instantiation a launch of entries [0, n) needs.
inline RowsPath rows_path(const Entry* entries, int32_t n) {
    RowsPath path = kLeanPath;  // a variant makes kRowsRegs or kRowsHeld rows, never both
    for (int32_t i = 0; i < n; ++i) {
        if (entries[i].mode == kRowsRegs) path = kRegsPath;
        if (entries[i].mode == kRowsHeld) path = kHeldPath;
    }
    return path;
}

// Calls launch(std::integral_constant<int, Cap>(), start, n) for each launch of a planned table, kMaxBatch entries
// at most each, in order: Cap = kSmallBatch for a launch of at most kSmallBatch entries, else kMaxBatch. Stops at
// the first status other than GCGAN_OK and returns it.
template <typename Launch>
gcgan_status for_each_launch(int32_t total, Launch launch) {
    for (int32_t start = 0; start < total; start += kMaxBatch) {
        const int32_t n = std::min(kMaxBatch, total - start);
        const gcgan_status status = n <= kSmallBatch ? launch(std::integral_constant<int, kSmallBatch>(), start, n)
                                                     : launch(std::integral_constant<int, kMaxBatch>(), start, n);
        if (status != GCGAN_OK) {
            return status;
        }
    }
    return GCGAN_OK;
}

}  // namespace optimizer
}  // namespace gcgan

#endif  // GCGAN_OPTIMIZER_INTERNAL_CUH
