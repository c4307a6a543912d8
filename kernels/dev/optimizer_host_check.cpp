// optimizer_host_check.cpp - a host-only check (no GPU needed) of gcgan's fused optimizer step
// (kernels/src/optimizer.cu): for many tensor tables it runs the library's own planning (optimizer_internal.cuh's
// plan_step: make_entry, block_cost, order_longest_first; for_each_launch and fill_batch: the launches and their
// Batch) for every RowsVariant and WorkOrder, then runs each launch on the CPU through the kernels' own device code
// (optimizer_f32_body.cuh: the float32 body, the float64 kernel's body, DeviceBlock, and through them every stage of
// optimizer_internal.cuh and device_common.cuh's block_reduce), every thread of a block a fiber of
// kernels/dev/simt_host.h, and checks that every element of every tensor was updated exactly once with its row's
// exact mean, against a naive per-row loop that calls the same per-element update (update1, update_element_f64).
//
//   cmake -S . -B build/cmake -DCMAKE_BUILD_TYPE=Release -DGCGAN_BUILD_LAB=ON
//   cmake --build build/cmake --target optimizer_host_check && build/cmake/optimizer_host_check
// or by hand, with the host compiler (not nvcc: the device code must run on the CPU) and the CUDA headers:
//   g++ -std=c++17 -O2 -ffp-contract=off -I kernels/include -I kernels/src -I <cuda>/include \
//       kernels/dev/optimizer_host_check.cpp -x c++ kernels/src/status.cu -L <cuda>/lib64 -lcudart_static \
//       -ldl -lpthread -lrt -o build/optimizer_host_check
// (-ffp-contract=off: the reference and the kernels run the same float expressions, which must round alike).
//
// Prints "optimizer_host_check: N launches checked, all exact" and exits 0, or the first ten failures and exits 1.
//
// How it stands in for the GPU: a launch has grid = total_blocks thread blocks of kBlockThreads threads (some tables
// also run on a grid of 7, so that one thread block takes many work blocks of several modes through the kernel's
// grid-stride loop and reuses its shared scratch, which the library's grid does only past 2^31 - 1 work blocks).
// Each block runs the kernel's body as written (the library's PTX is unchanged by sharing it), its threads taking
// turns between synchronisations in one of simt_host.h's five orders (by block and launch: lockstep ascending,
// descending or shuffled, or one warp a whole barrier interval ahead of the others); __syncthreads, the guard's
// __syncthreads_and and the warp shuffles are emulated as the GPU defines them, and a divergent shuffle or barrier
// is a failure naming the line. The block's shared scratch starts NaN. With the library's default L2Prefetch (every
// other case) each prefetch's range must lie in its operand, and each line address in that range.
// Every tensor lies in its own buffer with guard zones: NaN around the gradient (an out-of-bounds read poisons its
// row), a sentinel around weight and state (an out-of-bounds write changes it; the comparison covers the guard
// zones). Gradients, weights and states are small integers and the decay factors dyadic, so every row sum is exact
// in any order: the step must equal the reference bit for bit. Each table also runs with the check-only
// algorithm kCountUpdates (update1 adds 1 to state1 and leaves w), which must leave exactly 1 in every element's
// state1: an element updated twice or never is named, whatever its values.
// Covered: float32 aligned (float4) and misaligned (scalar) tensors on every path (kDense, kRowsWarp, kRowsGroup,
// kRowsBlock, kStrided, kRowsRegs = RowsVariant::kSinglePass, and kRowsHeld = kHeld, the default, and
// kHeldLongRows), row lengths around every threshold,
// strided centring (outer > 1), uncentred tensors with tails, the four algorithms, coupled and decoupled decay,
// nesterov, first_step per tensor, RMSprop with and without momentum, the guard (a NaN: nothing written), tables of
// more than kSmallBatch and kMaxBatch tensors (several launches), both work orders, and float64.
// Mutations that made it fail (each tried, then reverted). Of optimizer_internal.cuh's stages: a scalar row's update
// one element past its end (row_update: j <= len; 10,830 failures, elements updated twice), kRowsGroup's update one
// float4 short of its row's end (group_row_update: len / 4 - 1; 2,862, elements never updated), groups of half the
// threads a row needs (make_entry: group * kRegs * 4 < inner / 2; 861, kRowsRegs rows cut short), a wrong
// block_start (fill_batch counting one block less per multi-block entry; 21,435), in kRowsHeld a component of g
// swapped (held_update: gr[u].z for gr[u].w; 1,835) or a held row's last float4 of g never loaded (held_load; 1,835);
// of the float64 body: the mean divided by inner instead of the row's outer * inner (627), a row summed from slice
// local ^ 1 instead of its own (4,717), the guard vote checking a stride of 2 * blockDim (the NaN at 299 of 300
// unseen: 2,657). Of the float32 body and the sums (2026-11-28, with the fibers): group_sum without its first
// barrier (a warp ahead overwrites a slot another has not read: 4 failures, all in the grid-of-7 runs, the only ones
// where a block takes a second work block), block_reduce without its first barrier (29), warp_allreduce starting
// at delta 8 (12,798), kRowsHeld's groups of 64 run as 32 (167), the guard vote without __syncthreads_and (47: "lanes
// wait at __shfl_xor_sync ... while lane 11 has left the kernel"), and kRowsWarp updating one row past the last
// (row <= slices: the process aborts on the heap it corrupts past the guard zone).
//
// Not covered here: the order of a sum (the inputs make every sum exact in any order), two threads' accesses within
// one barrier interval at the same time, memory ordering and caches, the L2 prefetch itself, FMA contraction and
// launch limits: only a GPU shows those (CudaOptimizerStepTest and the optimizer lab check the kernels there).
#include "simt_host.h"  // first: what the device code below names (threadIdx, __syncthreads, ...)

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "optimizer_internal.cuh"
#include "prefetch_internal.cuh"

// The L2 prefetch that optimizer_f32_body.cuh asks its includer for: here it checks the range instead (declared
// before that file, defined below).
namespace gcgan {
namespace optimizer {
void prefetch_l2(const void* p, int64_t bytes, int first, int stride);
}  // namespace optimizer
}  // namespace gcgan

#include "optimizer_f32_body.cuh"  // the kernels' own float32 body, DeviceBlock and the float64 kernel's body

using namespace gcgan::optimizer;

namespace {

int failures = 0;
int launches = 0;
int64_t path_blocks[8] = {};  // work blocks launched per Mode (index 7: float64)
int64_t elements = 0;         // elements compared
std::string g_case;  // the case being checked, for the failure messages

void failf(const std::string& what) {
    if (++failures <= 10) std::printf("FAIL %s: %s\n", g_case.c_str(), what.c_str());
}

// ---- the L2 prefetch, checked ----

// The operands of the case being run ([begin, end) of each weight, grad, state1, state2, without the guard zones).
std::vector<std::pair<uintptr_t, uintptr_t>> g_operands;
int64_t prefetched_lines = 0;

}  // namespace

// optimizer_f32_body.cuh's prefetch_l2 on the host: the range must lie in one operand of the case, and so must every
// line address prefetch_internal.cuh's for_each_line gives (the device's asks L2 for those).
void gcgan::optimizer::prefetch_l2(const void* p, int64_t bytes, int first, int stride) {
    const uintptr_t lo = reinterpret_cast<uintptr_t>(p), hi = lo + static_cast<uintptr_t>(bytes);
    bool inside = false;
    for (const auto& op : g_operands) inside |= op.first <= lo && hi <= op.second;
    if (!inside) {
        failf("an L2 prefetch of " + std::to_string(bytes) + " bytes past its operand");
        return;
    }
    gcgan::prefetch::for_each_line(lo, bytes, first, stride, [&](uintptr_t at) {
        ++prefetched_lines;
        if (at < lo || at >= hi) failf("an L2 prefetch line outside its row");
    });
}

namespace {

// ---- the launches, run by simt_host.h ----

// The most thread blocks a launch has: optimizer.cu's 2^31 - 1, or fewer for the grid-stride runs (main).
int64_t g_grid_cap = 0x7fffffff;

// The launch as optimizer.cu's launch_one: grid = total_blocks (at most g_grid_cap) blocks of kBlockThreads threads
// running the kernel's body, block after block; each block's threads take their turns in one of the five orders
// (simt_host.h's Order, by block and launch), so every path meets each.
template <typename T, int Alg, int Cap>
void emulate_launch(const Batch<Cap>& batch, RowsPath path) {
    ++launches;
    for (int32_t e = 0; e < batch.count; ++e) {  // the work blocks per path, from the table
        const int64_t end = e + 1 < batch.count ? batch.entries[e + 1].block_start : batch.total_blocks;
        path_blocks[sizeof(T) == 8 ? 7 : batch.entries[e].mode] += end - batch.entries[e].block_start;
    }
    const int64_t grid = std::min<int64_t>(batch.total_blocks, g_grid_cap);
    const std::function<void()> body = [&batch, path] {
        if constexpr (sizeof(T) == 8) {
            optimizer_f64_block<Alg, Cap>(batch);
        } else if (path == kRegsPath) {
            optimizer_f32_body<Alg, Cap, kRegsPath>(batch);
        } else if (path == kHeldPath) {
            optimizer_f32_body<Alg, Cap, kHeldPath>(batch);
        } else {
            optimizer_f32_body<Alg, Cap, kLeanPath>(batch);
        }
    };
    for (int64_t bx = 0; bx < grid; ++bx) {
        const auto order = static_cast<gcgan_simt::Order>((bx + launches) % gcgan_simt::kOrders);
        const uint64_t seed = static_cast<uint64_t>(launches) * 1000003u + static_cast<uint64_t>(bx);
        if (!gcgan_simt::block().run_block(static_cast<unsigned>(bx), static_cast<unsigned>(grid), kBlockThreads,
                                           order, seed, body)) {
            failf("block " + std::to_string(bx) + " (" + gcgan_simt::order_name(order) +
                  " order): " + gcgan_simt::block().error());
            return;
        }
    }
}

// ---- tensors with guard zones ----

constexpr int64_t kGuard = 64;          // elements of guard zone on each side (a multiple of 4)
constexpr double kSentinel = 12345.0;   // guard value around weight and state

// One operand of one tensor: n elements at `misalign` elements past a 16-byte boundary, kGuard guard elements
// before (from the boundary) and after.
template <typename T>
struct Buffer {
    std::vector<T> mem;
    size_t first = 0;  // index of element 0 in mem
    int64_t n = 0;
    void init(int64_t count, int misalign, T guard) {
        n = count;
        mem.assign(static_cast<size_t>(count + 2 * kGuard + 8), guard);
        const uintptr_t at = reinterpret_cast<uintptr_t>(mem.data() + kGuard);
        const size_t skew = ((16 - at % 16) % 16) / sizeof(T);  // elements to the next 16-byte boundary
        first = static_cast<size_t>(kGuard) + skew + static_cast<size_t>(misalign);
    }
    T* data() { return mem.data() + first; }
};

template <typename T>
bool same_bits(T a, T b) { return std::memcmp(&a, &b, sizeof(T)) == 0; }

// A tensor spec: shape as the centring view (outer, slices, inner; slices == 0: not centred, numel = inner) and which
// of its operands start misaligned (bit 0 weight, 1 grad, 2 state1, 3 state2).
struct Spec {
    int64_t outer, slices, inner;
    int misalign;
    int first_step;
    int64_t numel() const { return slices > 0 ? outer * slices * inner : inner; }
};

template <typename T>
struct Tensor {
    Spec spec;
    Buffer<T> w, g, m, v;
};

// Small integers (states that must stay >= 0, as Adam's and RMSprop's squares, from 0).
template <typename T>
void fill(std::mt19937& rng, Buffer<T>& b, int lo, int hi) {
    std::uniform_int_distribution<int> d(lo, hi);
    for (int64_t i = 0; i < b.n; ++i) b.data()[i] = static_cast<T>(d(rng));
}

// ---- the naive reference ----

// Every centring group of tensor `t` (slice s: elements (o * slices + s) * inner + i), or every element with mean 0
// when not centred, updated with update1 / update_element_f64 on the reference copy.
template <typename T, int Alg>
void reference(const gcgan_optimizer_hyper& h, const gcgan_optimizer_tensor& desc, Tensor<T>& t) {
    const Spec& s = t.spec;
    Entry e{};  // the entry's step constants, as make_entry copies them
    e.weight = t.w.data();
    e.grad = t.g.data();
    e.state1 = t.m.data();
    e.state2 = t.v.data();
    e.step_size = desc.step_size;
    e.bc2_sqrt = desc.bc2_sqrt;
    e.first_step = desc.first_step;
    const bool uses1 = Alg != GCGAN_OPTIMIZER_SGD;
    auto one = [&](int64_t i, double mean) {
        if constexpr (sizeof(T) == 8) {
            update_element_f64<Alg>(e, h, i, mean);
        } else {
            const Coeffs c = coeffs_for(h, e);
            const bool state2 = uses_state2<Alg>(c);
            float wv = t.w.data()[i], mv = uses1 ? t.m.data()[i] : 0.0f, vv = state2 ? t.v.data()[i] : 0.0f;
            update1<Alg>(c, static_cast<float>(mean), wv, t.g.data()[i], mv, vv);
            t.w.data()[i] = wv;
            if (uses1) t.m.data()[i] = mv;
            if (state2) t.v.data()[i] = vv;
        }
    };
    if (s.slices == 0) {
        for (int64_t i = 0; i < s.inner; ++i) one(i, 0.0);
        return;
    }
    const int64_t len = s.outer * s.inner;
    std::vector<int64_t> idx(static_cast<size_t>(len));
    for (int64_t sl = 0; sl < s.slices; ++sl) {
        double sum = 0.0;  // exact: small integers, dyadic decay
        for (int64_t o = 0; o < s.outer; ++o) {
            for (int64_t i = 0; i < s.inner; ++i) {
                const int64_t el = (o * s.slices + sl) * s.inner + i;
                idx[static_cast<size_t>(o * s.inner + i)] = el;
                if constexpr (sizeof(T) == 8) {
                    const double g = t.g.data()[el];
                    sum += h.coupled_decay != 0.0 ? add_rn(g, mul_rn(h.coupled_decay, t.w.data()[el])) : g;
                } else {
                    sum += decayed(t.g.data()[el], t.w.data()[el], static_cast<float>(h.coupled_decay));
                }
            }
        }
        double mean;
        if constexpr (sizeof(T) == 8) {
            mean = div_rn(sum, static_cast<double>(len));
        } else {
            mean = static_cast<float>(sum / static_cast<double>(len));
        }
        for (int64_t el : idx) one(el, mean);
    }
}

// ---- one case: a table, a hyper, a variant and an order; emulated and compared ----

struct Config {
    int algorithm;
    int nesterov;
    double momentum, dampening, coupled_decay, weight_scale;
    int64_t guard_count;   // 0: no guard
    int64_t guard_nan_at;  // < 0: all finite
};

template <typename T, int Alg>
void run_case(const std::vector<Spec>& specs, const Config& cfg, RowsVariant variant, WorkOrder order, uint32_t seed,
              bool count_updates) {
    std::mt19937 rng(seed);
    const T nan = std::numeric_limits<T>::quiet_NaN();
    const T sentinel = static_cast<T>(kSentinel);
    std::vector<Tensor<T>> ts(specs.size());
    std::vector<gcgan_optimizer_tensor> desc(specs.size());
    const bool squares = cfg.algorithm == GCGAN_OPTIMIZER_ADAM || cfg.algorithm == GCGAN_OPTIMIZER_RMSPROP;
    for (size_t i = 0; i < specs.size(); ++i) {
        Tensor<T>& t = ts[i];
        t.spec = specs[i];
        const int64_t n = t.spec.numel();
        t.w.init(n, (t.spec.misalign & 1) ? 1 : 0, sentinel);
        t.g.init(n, (t.spec.misalign & 2) ? 2 : 0, nan);
        t.m.init(n, (t.spec.misalign & 4) ? 3 : 0, sentinel);
        t.v.init(n, (t.spec.misalign & 8) ? 1 : 0, sentinel);
        fill(rng, t.w, -8, 8);
        fill(rng, t.g, -8, 8);
        if (count_updates) {
            std::fill(t.m.data(), t.m.data() + n, T(0));
        } else {
            fill(rng, t.m, squares && cfg.algorithm == GCGAN_OPTIMIZER_RMSPROP ? 0 : -8, 8);
        }
        fill(rng, t.v, squares && cfg.algorithm == GCGAN_OPTIMIZER_ADAM ? 0 : -8, 8);
        gcgan_optimizer_tensor& d = desc[i];
        d = gcgan_optimizer_tensor{};
        d.weight = t.w.data();
        d.grad = t.g.data();
        d.state1 = t.m.data();
        d.state2 = t.v.data();
        d.numel = n;
        d.outer = t.spec.slices > 0 ? t.spec.outer : 0;
        d.slices = t.spec.slices;
        d.inner = t.spec.slices > 0 ? t.spec.inner : 0;
        d.step_size = 0.5 + 0.25 * static_cast<double>(i % 3);
        d.bc2_sqrt = cfg.algorithm == GCGAN_OPTIMIZER_ADAM ? 0.75 : 1.0;
        d.first_step = t.spec.first_step;
    }
    gcgan_optimizer_hyper h{};
    h.algorithm = count_updates ? GCGAN_OPTIMIZER_SGD_MOMENTUM : cfg.algorithm;  // plans state1 for the count
    h.nesterov = cfg.nesterov;
    h.momentum = cfg.momentum;
    h.dampening = cfg.dampening;
    h.beta1 = 0.75;
    h.beta2 = 0.875;
    h.alpha = 0.75;
    h.eps = 0.5;
    h.coupled_decay = cfg.coupled_decay;
    h.weight_scale = cfg.weight_scale;
    std::vector<T> guard(static_cast<size_t>(cfg.guard_count), T(1));
    if (cfg.guard_nan_at >= 0) guard[static_cast<size_t>(cfg.guard_nan_at)] = nan;
    h.guard = cfg.guard_count > 0 ? guard.data() : nullptr;
    h.guard_count = cfg.guard_count;
    // the reference copies, before the step
    std::vector<Tensor<T>> ref = ts;
    g_operands.clear();
    for (Tensor<T>& t : ts) {
        for (Buffer<T>* b : {&t.w, &t.g, &t.m, &t.v}) {
            const uintptr_t at = reinterpret_cast<uintptr_t>(b->data());
            g_operands.emplace_back(at, at + static_cast<uintptr_t>(b->n) * sizeof(T));
        }
    }
    // the library's default prefetch on every other case (it changes no value: the same exact result)
    const L2Prefetch prefetch = seed % 2 == 0 ? kDefaultL2Prefetch : L2Prefetch::kNone;
    // the library's planning and launches
    std::vector<Entry> entries;
    std::vector<int64_t> blocks;
    const gcgan_status st = plan_step<T>("optimizer_host_check", &h, desc.data(), static_cast<int32_t>(desc.size()),
                                         variant, order, prefetch, &entries, &blocks);
    if (st != GCGAN_OK) {
        failf("plan_step refused the table: status " + std::to_string(st));
        return;
    }
    for_each_launch(static_cast<int32_t>(entries.size()), [&](auto cap, int32_t start, int32_t n) {
        constexpr int Cap = decltype(cap)::value;
        std::unique_ptr<Batch<Cap>> batch(new Batch<Cap>());
        fill_batch<Cap>(h, entries.data() + start, blocks.data() + start, n, prefetch, batch.get());
        emulate_launch<T, Alg, Cap>(*batch, rows_path(entries.data() + start, n));
        return GCGAN_OK;
    });
    // the reference: nothing when the guard holds a NaN
    const bool guarded_out = cfg.guard_nan_at >= 0;
    for (size_t i = 0; i < ref.size(); ++i) {
        if (guarded_out) break;
        if (count_updates) {
            for (int64_t e = 0; e < ref[i].spec.numel(); ++e) ref[i].m.data()[e] = T(1);
        } else {
            reference<T, Alg>(h, desc[i], ref[i]);
        }
    }
    // every element of every operand, and the guard zones, bit for bit
    for (size_t i = 0; i < ts.size(); ++i) {
        const Spec& s = ts[i].spec;
        const char* names[4] = {"weight", "grad", "state1", "state2"};
        const Buffer<T>* got[4] = {&ts[i].w, &ts[i].g, &ts[i].m, &ts[i].v};
        const Buffer<T>* want[4] = {&ref[i].w, &ref[i].g, &ref[i].m, &ref[i].v};
        for (int k = 0; k < 4; ++k) {
            const std::vector<T>& a = got[k]->mem;
            const std::vector<T>& b = want[k]->mem;
            elements += s.numel();
            for (size_t j = 0; j < a.size(); ++j) {
                if (same_bits(a[j], b[j])) continue;
                const int64_t e = static_cast<int64_t>(j) - static_cast<int64_t>(got[k]->first);
                char msg[320];
                std::snprintf(msg, sizeof msg,
                              "tensor %zu [outer %lld, slices %lld, inner %lld, misalign %d] %s[%lld]%s: got %.9g, "
                              "want %.9g%s",
                              i, static_cast<long long>(s.outer), static_cast<long long>(s.slices),
                              static_cast<long long>(s.inner), s.misalign, names[k], static_cast<long long>(e),
                              e < 0 || e >= s.numel() ? " (guard zone)" : "", static_cast<double>(a[j]),
                              static_cast<double>(b[j]),
                              count_updates && k == 2 ? " (updates counted: 1 wanted)" : "");
                failf(msg);
                break;  // one message per operand
            }
        }
    }
}

const char* variant_name(RowsVariant v) {
    switch (v) {
        case RowsVariant::kTwoPass: return "two-pass";
        case RowsVariant::kSinglePass: return "single-pass";
        case RowsVariant::kGroupTwoPass: return "group";
        case RowsVariant::kGroupLongRows: return "group-long";
        case RowsVariant::kHeld: return "held";
        default: return "held-long";
    }
}

const char* alg_name(int a) {
    switch (a) {
        case GCGAN_OPTIMIZER_SGD: return "sgd";
        case GCGAN_OPTIMIZER_SGD_MOMENTUM: return "sgd-momentum";
        case GCGAN_OPTIMIZER_ADAM: return "adam";
        default: return "rmsprop";
    }
}

template <typename T>
void run(const char* table, const std::vector<Spec>& specs, const Config& cfg, RowsVariant variant, WorkOrder order,
         uint32_t seed, bool count_updates) {
    char name[256];
    std::snprintf(name, sizeof name, "%s %s %s, %s, %s, coupled %g, scale %g%s%s", sizeof(T) == 8 ? "f64" : "f32",
                  table, count_updates ? "count" : alg_name(cfg.algorithm), variant_name(variant),
                  order == WorkOrder::kTable ? "table order" : "longest first", cfg.coupled_decay,
                  cfg.weight_scale, cfg.nesterov ? ", nesterov" : "",
                  cfg.guard_count > 0 ? (cfg.guard_nan_at >= 0 ? ", NaN guard" : ", finite guard") : "");
    g_case = name;
    if (count_updates) {
        run_case<T, kCountUpdates>(specs, cfg, variant, order, seed, true);
        return;
    }
    switch (cfg.algorithm) {
        case GCGAN_OPTIMIZER_SGD: run_case<T, GCGAN_OPTIMIZER_SGD>(specs, cfg, variant, order, seed, false); break;
        case GCGAN_OPTIMIZER_SGD_MOMENTUM:
            run_case<T, GCGAN_OPTIMIZER_SGD_MOMENTUM>(specs, cfg, variant, order, seed, false);
            break;
        case GCGAN_OPTIMIZER_ADAM: run_case<T, GCGAN_OPTIMIZER_ADAM>(specs, cfg, variant, order, seed, false); break;
        default: run_case<T, GCGAN_OPTIMIZER_RMSPROP>(specs, cfg, variant, order, seed, false); break;
    }
}

// ---- the tables ----

// Contiguous rows [slices, inner] of lengths around every threshold (kWarpRowMax, kGroupRowMin, kRegsRowMax, the
// group sizes' 512 / 1024 / 2048 boundaries, non-multiples of 4, one element, 8,192), aligned and not,
// and some uncentred and strided tensors among them; first_step on every third tensor.
std::vector<Spec> rows_table() {
    const int64_t lengths[] = {1,    2,    3,    4,    5,    7,    8,    31,   32,   33,   64,   100,  127,  128,
                               129,  255,  256,  260,  512,  513,  516,  1000, 1020, 1023, 1024, 1025, 1028, 1100,
                               2044, 2047, 2048, 2049, 2052, 3000, 4092, 4095, 4096, 4097, 4100, 5000,
                               8192};
    std::vector<Spec> s;
    int k = 0;
    for (int64_t len : lengths) {
        const int64_t slices = len <= 64 ? 9 : (len <= 1028 ? 5 : 3);
        s.push_back({1, slices, len, 0, k++ % 3 == 0});
        s.push_back({1, slices + 8, len, 1 << (k % 4), k++ % 3 == 0});  // one operand misaligned
    }
    s.push_back({1, 0, 1, 0, 0});      // uncentred: one element
    s.push_back({1, 0, 4099, 0, 1});   // a kDenseChunk and a tail of 3
    s.push_back({1, 0, 10001, 2, 0});  // misaligned gradient: scalar
    s.push_back({3, 5, 7, 0, 0});      // strided: [outer, slices, inner]
    s.push_back({2, 4, 300, 0, 1});    // a strided row of 600 > kBlockThreads elements
    return s;
}

// The other shapes: strided centring, uncentred tails, empty tensors, aligned and not.
std::vector<Spec> mixed_table() {
    return {{1, 0, 4096, 0, 0},  {1, 0, 4097, 0, 1}, {1, 0, 4100, 0, 0}, {1, 0, 3, 0, 0},     {1, 0, 16387, 4, 0},
            {1, 0, 0, 0, 0},     {3, 5, 7, 0, 1},    {2, 4, 300, 0, 0},  {64, 3, 16, 0, 0},   {5, 2, 1, 0, 1},
            {2, 3, 4, 8, 0},     {7, 9, 5, 1, 0},    {1, 6, 2048, 0, 1}, {1, 2, 1, 0, 0},     {1, 0, 1023, 0, 0},
            {100, 2, 16, 0, 0},  {1, 17, 1024, 2, 0}, {1, 11, 96, 0, 1}, {1, 3, 4100, 8, 0}};
}

// Many small tensors of every kind: more than kMaxBatch of them (launches of 256 and of the rest), or more than
// kSmallBatch.
std::vector<Spec> many_table(int count) {
    std::vector<Spec> s;
    for (int i = 0; i < count; ++i) {
        switch (i % 6) {
            case 0: s.push_back({1, 0, 5 + i % 7, (i / 6) % 2, 0}); break;
            case 1: s.push_back({1, 2 + i % 3, 4 * (1 + i % 9), 0, i % 2}); break;
            case 2: s.push_back({1, 3, 1100 + 4 * (i % 3), 0, 0}); break;
            case 3: s.push_back({2, 2, 3 + i % 4, 0, 0}); break;
            case 4: s.push_back({1, 1 + i % 5, 33 + i % 5, 4, 0}); break;
            default: s.push_back({1, 1, 2048 + 4 * (i % 2), 0, 1}); break;
        }
    }
    return s;
}

}  // namespace

int main() {
    const RowsVariant variants[] = {RowsVariant::kTwoPass, RowsVariant::kSinglePass, RowsVariant::kGroupTwoPass,
                                    RowsVariant::kGroupLongRows, RowsVariant::kHeld, RowsVariant::kHeldLongRows};
    const WorkOrder orders[] = {WorkOrder::kLongestFirst, WorkOrder::kTable};
    // algorithm, nesterov, momentum, dampening, coupled decay, weight scale, guard count, NaN at
    const Config configs[] = {
        {GCGAN_OPTIMIZER_SGD, 0, 0.0, 0.0, 0.25, 1.0, 0, -1},
        {GCGAN_OPTIMIZER_SGD, 0, 0.0, 0.0, 0.0, 0.875, 0, -1},
        {GCGAN_OPTIMIZER_SGD_MOMENTUM, 0, 0.5, 0.25, 0.0, 1.0, 0, -1},
        {GCGAN_OPTIMIZER_SGD_MOMENTUM, 1, 0.5, 0.0, 0.5, 0.9375, 0, -1},
        {GCGAN_OPTIMIZER_ADAM, 0, 0.0, 0.0, 0.25, 1.0, 0, -1},
        {GCGAN_OPTIMIZER_ADAM, 0, 0.0, 0.0, 0.0, 0.875, 300, -1},
        {GCGAN_OPTIMIZER_RMSPROP, 0, 0.0, 0.0, 0.0, 1.0, 0, -1},
        {GCGAN_OPTIMIZER_RMSPROP, 0, 0.5, 0.0, 0.125, 0.875, 0, -1},
    };
    const Config nan_guard = {GCGAN_OPTIMIZER_ADAM, 0, 0.0, 0.0, 0.25, 0.875, 300, 299};
    const std::vector<Spec> rows = rows_table(), mixed = mixed_table();
    const std::vector<Spec> many = many_table(300), some = many_table(40);
    uint32_t seed = 1;
    for (RowsVariant variant : variants) {
        for (WorkOrder order : orders) {
            run<float>("rows", rows, configs[0], variant, order, seed++, true);
            run<float>("mixed", mixed, configs[0], variant, order, seed++, true);
            for (const Config& cfg : configs) {
                run<float>("rows", rows, cfg, variant, order, seed++, false);
                run<float>("mixed", mixed, cfg, variant, order, seed++, false);
            }
            run<float>("rows", rows, nan_guard, variant, order, seed++, false);
        }
        run<float>("300 tensors", many, configs[3], variant, WorkOrder::kLongestFirst, seed++, false);
        run<float>("300 tensors", many, configs[0], variant, WorkOrder::kTable, seed++, true);
        run<float>("40 tensors", some, configs[7], variant, WorkOrder::kLongestFirst, seed++, false);
    }
    // A grid of 7 thread blocks: each takes many work blocks, of several modes, through the grid-stride loop.
    g_grid_cap = 7;
    for (RowsVariant variant : {RowsVariant::kSinglePass, RowsVariant::kGroupTwoPass, RowsVariant::kHeld}) {
        run<float>("mixed, grid 7", mixed, configs[3], variant, WorkOrder::kLongestFirst, seed++, false);
        run<float>("rows, grid 7", rows, configs[0], variant, WorkOrder::kTable, seed++, true);
    }
    run<double>("mixed, grid 7", mixed, configs[4], RowsVariant::kGroupLongRows, WorkOrder::kLongestFirst, seed++,
                false);
    g_grid_cap = 0x7fffffff;
    // float64: one path per kind of tensor (the variant does not apply), both orders
    for (WorkOrder order : orders) {
        run<double>("rows", rows, configs[0], RowsVariant::kGroupLongRows, order, seed++, true);
        run<double>("mixed", mixed, configs[0], RowsVariant::kGroupLongRows, order, seed++, true);
        for (const Config& cfg : configs) {
            run<double>("rows", rows, cfg, RowsVariant::kGroupLongRows, order, seed++, false);
            run<double>("mixed", mixed, cfg, RowsVariant::kGroupLongRows, order, seed++, false);
        }
        run<double>("mixed", mixed, nan_guard, RowsVariant::kGroupLongRows, order, seed++, false);
        run<double>("300 tensors", many, configs[5], RowsVariant::kGroupLongRows, order, seed++, false);
        run<double>("300 tensors", many, configs[0], RowsVariant::kGroupLongRows, order, seed++, true);
    }
    const char* paths[8] = {"kDense", "kRowsWarp", "kRowsBlock", "kStrided", "kRowsRegs", "kRowsGroup",
                            "kRowsHeld", "float64"};
    std::printf("work blocks launched:");
    for (int k = 0; k < 8; ++k) {
        std::printf(" %s %lld%s", paths[k], static_cast<long long>(path_blocks[k]), k < 7 ? "," : "");
        if (path_blocks[k] == 0) {
            g_case = "coverage";
            failf(std::string("no work block took ") + paths[k]);
        }
    }
    std::printf("; %lld operand elements compared; %lld L2 prefetch lines checked\n",
                static_cast<long long>(elements), static_cast<long long>(prefetched_lines));
    if (prefetched_lines == 0) {
        g_case = "coverage";
        failf("no L2 prefetch was asked for");
    }
    if (failures > 0) {
        std::printf("optimizer_host_check: %d failures in %d launches\n", failures, launches);
        return 1;
    }
    std::printf("optimizer_host_check: %d launches checked, all exact\n", launches);
    return 0;
}
