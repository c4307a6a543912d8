// conv_host_check.cpp - a host-only check (no GPU needed) of gcgan's conv2d kernels (kernels/src/conv_internal.cuh):
// it runs the kernels themselves - conv_gemm_kernel (every tile), conv_mma_kernel (TF32), conv_skinny_kernel,
// conv_direct_backward_data_kernel, conv_splitk_reduce and conv_splitk_reduce_lanes, compiled by the host compiler
// from the same text as the library's (whose PTX does not change for it) - on the CPU, every block of each launch
// as run_conv plans it (grid, splits, stride phases), every thread of a block a fiber of kernels/dev/simt_host.h,
// and compares every output element with a naive direct convolution.
//
//   cmake -S . -B build/cmake -DCMAKE_BUILD_TYPE=Release -DGCGAN_BUILD_LAB=ON
//   cmake --build build/cmake --target conv_host_check && build/cmake/conv_host_check [--quick]
// or by hand, with the host compiler (not nvcc: the device code must run on the CPU) and the CUDA headers:
//   g++ -std=c++17 -O2 -ffp-contract=off -I kernels/include -I kernels/src -I <cuda>/include \
//       kernels/dev/conv_host_check.cpp -x c++ kernels/src/status.cu -L <cuda>/lib64 -lcudart_static \
//       -ldl -lpthread -lrt -o build/conv_host_check
//
// Prints "conv_host_check: N launches checked, all exact" and exits 0, or the first ten failures and exits 1.
//
// How it stands in for the GPU: each block's threads take turns between synchronisations in one of simt_host.h's
// five orders (by block and launch: lockstep ascending, descending or shuffled, or one warp a whole barrier interval
// ahead of the others), so a thread that overwrites a shared buffer that others have not yet read (a missing or
// misplaced __syncthreads) changes their result; a barrier that not every thread reaches is a failure naming the
// line. Each kernel parameter is every thread's own copy, as on the GPU (set_phase writes it). Shared memory is
// NaN at every block start (the direct kernel's dynamic shared memory too), inputs have NaN guard zones before and
// after, outputs and split-K partials start as NaN and outputs have sentinel guard zones: an unwritten output, a
// read of an unwritten slot or an out-of-bounds read shows up as NaN, an out-of-bounds write as a changed guard.
// Inputs are small integers, so every sum is exact in float and double whatever the order (and in TF32): the
// comparison is for equality.
// What does not run as on the GPU: conv_mma_kernel's mma.sync instructions (inline PTX), for which mma_tf32_warp
// below stands in (the 32 lanes' fragments gathered, each instruction's A and B rebuilt by the PTX ISA's layout);
// the float4 / float2 vector loads of shared memory (ConvGemm::load_row, load_group) and the FastDiv high-word
// multiply and cvt.rna rounding (to_tf32) run their host branches (#ifdef __CUDA_ARCH__), which FastDiv's and
// to_tf32's own checks below compare with / and % and with cvt.rna's definition.
// Mutations of the kernels that made it fail (2026-11-28; each tried, then reverted; failing comparisons, at most
// one per pass checked): conv_gemm_kernel without the barrier after the first stash (13,559: NaN from slots not yet
// stashed), conv_gemm_kernel setting the phase of its split instead of its slot's (set_phase(split): 4,053, the
// strided backward-data passes), conv_mma_kernel without the K loop's barrier (385), conv_skinny_kernel's K loop one
// slice short (k0 + BK < k_end: 2,281), conv_direct_backward_data_kernel without the barrier before restaging the
// next weight chunk (96, the geometries with k > kc), conv_splitk_reduce_lanes without its first barrier (229: lane 0
// summed NaN). The emulation this check had before (the stages strung together again here) passed all of them.
//
// Not covered here (only a GPU shows them): two threads' accesses within one barrier interval at the same time,
// memory ordering, the vector loads' alignment, launch limits, timing. A stale slot of the previous slice or chunk
// (rather than a never-written one) reads as a number, not NaN: it shows only where that number is wrong.
#include "simt_host.h"  // first: what the kernels' device code names, on the CPU

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "conv_internal.cuh"

using namespace gcgan::conv;

// The warp's mma.sync.m16n8k8 (TF32) instructions of MmaGemm::mma, which the CPU cannot run: every lane's
// fragments gathered from the 32 lanes (the collective that the instructions are), the 16x8 A and 8x8 B of each
// instruction rebuilt by the PTX ISA's fragment layout (see MmaGemm), and this lane's four accumulators of each
// instruction increased by its products (exact: the TF32-rounded inputs are small integers).
template <int MI, int NI>
void gcgan::conv::mma_tf32_warp(const uint32_t (&a)[MI][4], const uint32_t (&b)[NI][2], float (&c)[MI][NI][4]) {
    struct Lane {
        uint32_t a[MI][4];
        uint32_t b[NI][2];
    };
    Lane mine;
    std::memcpy(mine.a, a, sizeof mine.a);
    std::memcpy(mine.b, b, sizeof mine.b);
    Lane all[gcgan_simt::kWarp];
    gcgan_simt::warp_gather(mine, all);
    auto f = [](uint32_t bits) { float v; std::memcpy(&v, &bits, 4); return v; };
    const int me = static_cast<int>(threadIdx.x % 32);
    for (int i = 0; i < MI; ++i) {
        for (int j = 0; j < NI; ++j) {
            float A[16][8], B[8][8];
            for (int lane = 0; lane < 32; ++lane) {
                const int g = lane / 4, t = lane % 4;
                A[g][t] = f(all[lane].a[i][0]);
                A[g + 8][t] = f(all[lane].a[i][1]);
                A[g][t + 4] = f(all[lane].a[i][2]);
                A[g + 8][t + 4] = f(all[lane].a[i][3]);
                B[t][g] = f(all[lane].b[j][0]);
                B[t + 4][g] = f(all[lane].b[j][1]);
            }
            const int g = me / 4, t = me % 4;
            for (int r = 0; r < 4; ++r) {
                const int row = g + 8 * (r / 2), col = 2 * t + r % 2;
                float sum = 0;
                for (int k = 0; k < 8; ++k) sum += A[row][k] * B[k][col];
                c[i][j][r] += sum;
            }
        }
    }
}

namespace {

int failures = 0;
int launches = 0;
int64_t fastdiv_checks = 0;

void failf(const std::string& what) {
    if (++failures <= 10) std::printf("FAIL %s\n", what.c_str());
}

// ---- FastDiv against / and % ----

void check_fastdiv() {
    std::mt19937_64 rng(7);
    std::vector<int32_t> divisors;
    for (int32_t d = 1; d <= 4096; ++d) divisors.push_back(d);
    for (int i = 0; i < 2000; ++i) divisors.push_back(static_cast<int32_t>(1 + rng() % 0x7fffffffu));
    for (int e = 12; e <= 30; ++e) {
        divisors.push_back((1 << e) - 1);
        divisors.push_back(1 << e);
        divisors.push_back((1 << e) + 1);
    }
    divisors.push_back(0x7fffffff);
    for (int32_t d : divisors) {
        const FastDiv f = FastDiv::make(d);
        std::vector<int32_t> ns = {0, 1, d - 1, d, 0x7fffffff, 0x7ffffffe};
        if (d < 0x3fffffff) { ns.push_back(2 * d - 1); ns.push_back(2 * d); }
        for (int i = 0; i < 200; ++i) ns.push_back(static_cast<int32_t>(rng() % 0x80000000u));
        for (int i = 0; i < 50; ++i) {  // around multiples of d
            const int64_t mult = static_cast<int64_t>(rng() % (0x7fffffffu / static_cast<uint32_t>(d) + 1)) * d;
            for (int64_t delta = -1; delta <= 1; ++delta) {
                const int64_t n = mult + delta;
                if (n >= 0 && n <= 0x7fffffff) ns.push_back(static_cast<int32_t>(n));
            }
        }
        for (int32_t n : ns) {
            if (n < 0) continue;
            int32_t q, r;
            f.divmod(n, q, r);
            ++fastdiv_checks;
            if (q != n / d || r != n % d) {
                failf("FastDiv " + std::to_string(n) + " / " + std::to_string(d) + " = " + std::to_string(q));
            }
        }
    }
}

// ---- naive convolution (double) ----

struct Geo {
    int n, c, h, w, k, r, s, sh, sw, ph, pw;
    int p() const { return (h + 2 * ph - r) / sh + 1; }
    int q() const { return (w + 2 * pw - s) / sw + 1; }
    std::string str() const {
        char b[200];
        std::snprintf(b, sizeof b, "x[%d,%d,%d,%d] w[%d,%d,%d,%d] stride %dx%d pad %dx%d", n, c, h, w, k, c, r, s, sh,
                      sw, ph, pw);
        return b;
    }
};

size_t idx4(int a, int b, int c, int d, int B, int C, int D) {
    return ((static_cast<size_t>(a) * B + b) * C + c) * D + d;
}

void naive(const Geo& g, const std::vector<double>& x, const std::vector<double>& w, const std::vector<double>& dy,
           std::vector<double>& y, std::vector<double>& dx, std::vector<double>& dw) {
    const int P = g.p(), Q = g.q();
    y.assign(static_cast<size_t>(g.n) * g.k * P * Q, 0.0);
    dx.assign(static_cast<size_t>(g.n) * g.c * g.h * g.w, 0.0);
    dw.assign(static_cast<size_t>(g.k) * g.c * g.r * g.s, 0.0);
    for (int n = 0; n < g.n; ++n)
        for (int k = 0; k < g.k; ++k)
            for (int p = 0; p < P; ++p)
                for (int q = 0; q < Q; ++q)
                    for (int c = 0; c < g.c; ++c)
                        for (int r = 0; r < g.r; ++r)
                            for (int s = 0; s < g.s; ++s) {
                                const int hi = p * g.sh - g.ph + r, wi = q * g.sw - g.pw + s;
                                if (hi < 0 || hi >= g.h || wi < 0 || wi >= g.w) continue;
                                const size_t xi = idx4(n, c, hi, wi, g.c, g.h, g.w);
                                const size_t wj = idx4(k, c, r, s, g.c, g.r, g.s);
                                const size_t yi = idx4(n, k, p, q, g.k, P, Q);
                                y[yi] += x[xi] * w[wj];
                                dx[xi] += dy[yi] * w[wj];
                                dw[wj] += dy[yi] * x[xi];
                            }
}

// ---- device-like buffers with guard zones ----

constexpr size_t kGuard = 257;

template <typename T>
struct Guarded {
    std::vector<T> mem;
    size_t n;
    Guarded(size_t count, T guard) : mem(count + 2 * kGuard, guard), n(count) {}
    T* data() { return mem.data() + kGuard; }
    bool guards_intact(T guard) const {
        for (size_t i = 0; i < kGuard; ++i) {
            if (std::memcmp(&mem[i], &guard, sizeof(T)) != 0) return false;
            if (std::memcmp(&mem[kGuard + n + i], &guard, sizeof(T)) != 0) return false;
        }
        return true;
    }
};

template <typename T>
Guarded<T> input(const std::vector<double>& v) {
    Guarded<T> g(v.size(), std::numeric_limits<T>::quiet_NaN());
    for (size_t i = 0; i < v.size(); ++i) g.data()[i] = static_cast<T>(v[i]);
    return g;
}

// ---- the launches, run by simt_host.h ----

// Runs kernel() as every block of a grid of gx x gy x gz blocks of `threads` threads, as the GPU would (in some
// order): every thread a fiber, its turns in one of simt_host.h's five orders (by block and launch, so that every
// kernel meets each). False (a failure recorded) when a block misused a synchronisation.
template <typename Kernel>
bool run_grid(const char* kernel_name, int64_t gx, int64_t gy, int64_t gz, unsigned threads, const Kernel& kernel) {
    const std::function<void()> body = kernel;
    for (int64_t z = 0; z < gz; ++z) {
        for (int64_t y = 0; y < gy; ++y) {
            for (int64_t x = 0; x < gx; ++x) {
                const auto order = static_cast<gcgan_simt::Order>((x + y + z + launches) % gcgan_simt::kOrders);
                const uint64_t seed = static_cast<uint64_t>(launches) * 1000003u + static_cast<uint64_t>(x + y + z);
                const uint3 block{static_cast<unsigned>(x), static_cast<unsigned>(y), static_cast<unsigned>(z)};
                const uint3 grid{static_cast<unsigned>(gx), static_cast<unsigned>(gy), static_cast<unsigned>(gz)};
                if (!gcgan_simt::block().run_block(block, grid, threads, order, seed, body)) {
                    failf(std::string(kernel_name) + " block (" + std::to_string(x) + ", " + std::to_string(y) +
                          ", " + std::to_string(z) + ") (" + gcgan_simt::order_name(order) +
                          " order): " + gcgan_simt::block().error());
                    return false;
                }
            }
        }
    }
    return true;
}

// The split-K reduction as run_conv launches it: conv_splitk_reduce (grid_for(count) blocks of kThreads, one
// element per thread), or with more than kReduceLanes splits conv_splitk_reduce_lanes (32 outputs per block).
template <typename T, typename Problem>
void run_reduce(const Problem& pr, const ConvPlan& plan, const T* partial) {
    using namespace gcgan::detail;
    const int64_t count = static_cast<int64_t>(plan.phases) * pr.N * pr.M;
    if (plan.splits > kReduceLanes) {
        const int64_t blocks = std::min<int64_t>((count + 31) / 32, kMaxGrid);
        run_grid("conv_splitk_reduce_lanes", blocks, 1, 1, 32 * kReduceLanes,
                 [&] { conv_splitk_reduce_lanes<T, Problem>(pr, count, plan.splits, partial); });
    } else {
        run_grid("conv_splitk_reduce", grid_for(count), 1, 1, kThreads,
                 [&] { conv_splitk_reduce<T, Problem>(pr, count, plan.splits, partial); });
    }
}

// One GEMM pass as run_conv launches it: the tile kernel over grid_x x grid_y x grid_z blocks (split-K partials,
// NaN at first, when splits > 1), then the reduction. kernel(pr, partial) runs one thread of the tile kernel.
template <typename T, typename Problem, typename Kernel>
void run_pass(const char* kernel_name, const Problem& pr, const ConvPlan& plan, unsigned threads,
              const Kernel& kernel) {
    std::vector<T> partial(plan.splits > 1 ? static_cast<size_t>(plan.grid_z) * pr.N * pr.M : 0,
                           std::numeric_limits<T>::quiet_NaN());
    T* const p = plan.splits > 1 ? partial.data() : nullptr;
    if (!run_grid(kernel_name, plan.grid_x, plan.grid_y, plan.grid_z, threads, [&] { kernel(pr, p); })) return;
    if (plan.splits > 1) run_reduce<T>(pr, plan, partial.data());
}

// conv_gemm_kernel (a kernel parameter is each thread's own copy: the lambda's by-value pr).
template <typename T, typename Cfg, typename Problem>
void emulate(const Problem& pr, const ConvPlan& plan) {
    run_pass<T>("conv_gemm_kernel", pr, plan, Cfg::THREADS, [&plan](Problem p, T* partial) {
        conv_gemm_kernel<T, Cfg, Problem>(p, plan.splits, plan.chunk, partial);
    });
}

template <typename T, int NMAX, typename Problem>
void emulate_skinny(const Problem& pr, const ConvPlan& plan) {
    run_pass<T>("conv_skinny_kernel", pr, plan, SkinnyGemm<T, NMAX, Problem>::THREADS,
                [&plan](Problem p, T* partial) {
                    conv_skinny_kernel<T, NMAX, Problem>(p, plan.splits, plan.chunk, partial);
                });
}

// conv_direct_backward_data_kernel as run_direct_backward_data launches it: ceil(pixels / 256) blocks with
// pr.smem_bytes() of dynamic shared memory.
template <typename T, int CMAX>
void emulate_direct_width(const DirectBackwardDataProblem<T>& pr) {
    using G = DirectBackwardData<T, CMAX>;
    const int64_t blocks = (static_cast<int64_t>(pr.pixels) + G::THREADS - 1) / G::THREADS;
    gcgan_simt::block().set_dynamic_shared(static_cast<size_t>(pr.smem_bytes()));
    run_grid("conv_direct_backward_data_kernel", blocks, 1, 1, G::THREADS,
             [&pr] { conv_direct_backward_data_kernel<T, CMAX>(pr); });
    gcgan_simt::block().set_dynamic_shared(0);
}

template <typename T>
void emulate_direct(const DirectBackwardDataProblem<T>& pr) {
    switch (direct_width(pr.d.c)) {
        case 1: emulate_direct_width<T, 1>(pr); break;
        case 2: emulate_direct_width<T, 2>(pr); break;
        default: emulate_direct_width<T, 4>(pr); break;
    }
}

// conv_mma_kernel; its mma.sync instructions are the one part of it the CPU cannot run: mma_tf32_warp (above)
// stands in for them.
template <typename Cfg, typename Problem>
void emulate_mma(const Problem& pr, const ConvPlan& plan) {
    run_pass<float>("conv_mma_kernel", pr, plan, Cfg::THREADS, [&plan](Problem p, float* partial) {
        conv_mma_kernel<Cfg, Problem>(p, plan.splits, plan.chunk, partial);
    });
}

bool g_tf32 = false;  // emulate_plan: float32 Large/Medium tiles on the TF32 path (as run_conv with tf32)

template <typename T, typename Problem>
void emulate_plan(const Problem& pr, const ConvPlan& plan) {
    if constexpr (std::is_same<T, float>::value) {
        if (g_tf32 && plan.tile == TileKind::Large) return emulate_mma<MmaTiles::Large>(pr, plan);
        if (g_tf32 && plan.tile == TileKind::Medium) return emulate_mma<MmaTiles::Medium>(pr, plan);
    }
    switch (plan.tile) {
        case TileKind::Large: emulate<T, typename Tiles<T>::Large>(pr, plan); break;
        case TileKind::Medium: emulate<T, typename Tiles<T>::Medium>(pr, plan); break;
        case TileKind::Narrow: emulate<T, typename Tiles<T>::Narrow>(pr, plan); break;
        case TileKind::LegacyLarge: emulate<T, typename Tiles<T>::LegacyLarge>(pr, plan); break;
        case TileKind::LegacyMedium: emulate<T, typename Tiles<T>::LegacyMedium>(pr, plan); break;
        case TileKind::Huge: emulate<T, typename Tiles<T>::Huge>(pr, plan); break;
        case TileKind::LargeHoisted: emulate<T, typename Tiles<T>::LargeHoisted>(pr, plan); break;
        case TileKind::MediumHoisted: emulate<T, typename Tiles<T>::MediumHoisted>(pr, plan); break;
        default:
            switch (plan.bn) {
                case 1: emulate_skinny<T, 1>(pr, plan); break;
                case 2: emulate_skinny<T, 2>(pr, plan); break;
                default: emulate_skinny<T, 4>(pr, plan); break;
            }
            break;
    }
}

template <typename T>
bool compare(const char* pass, const Geo& g, const ConvPlan& plan, Guarded<T>& out, const std::vector<double>& want) {
    const T sentinel = static_cast<T>(-12345.0);
    if (!out.guards_intact(sentinel)) {
        failf(std::string(pass) + " " + g.str() + ": write outside the output");
        return false;
    }
    for (size_t i = 0; i < want.size(); ++i) {
        const double got = static_cast<double>(out.data()[i]);
        if (!(got == want[i])) {
            char b[300];
            std::snprintf(b, sizeof b, "%s %s %s tile %d splits %d chunk %d: element %zu = %g, want %g", pass,
                          sizeof(T) == 4 ? (g_tf32 ? "tf32" : "f32") : "f64", g.str().c_str(),
                          static_cast<int>(plan.tile), plan.splits,
                          plan.chunk, i, got, want[i]);
            failf(b);
            return false;
        }
    }
    return true;
}

// All three passes of g in dtype T with the given plan overrides (force_tile -1 = the production choice;
// sms = the multiprocessor count the production choice assumes).
template <typename T>
void check_geometry(const Geo& g, const std::vector<double>& x, const std::vector<double>& w,
                    const std::vector<double>& dy, const std::vector<double>& y, const std::vector<double>& dx,
                    const std::vector<double>& dw, int force_tile, int32_t force_splits, int sms) {
    const ConvDims d = make_dims(g.n, g.c, g.h, g.w, g.k, g.r, g.s, g.sh, g.sw, g.ph, g.pw);
    const T sentinel = static_cast<T>(-12345.0);
    Guarded<T> gx = input<T>(x), gw = input<T>(w), gdy = input<T>(dy);
    {
        Guarded<T> out(y.size(), sentinel);
        std::fill(out.data(), out.data() + out.n, std::numeric_limits<T>::quiet_NaN());
        const auto pr = ForwardProblem<T>::make(d, gx.data(), gw.data(), out.data());
        const ConvPlan plan = make_plan<T>(pr.M, pr.N, pr.K, 1, sms, force_tile, force_splits);
        emulate_plan<T>(pr, plan);
        ++launches;
        compare<T>("forward", g, plan, out, y);
    }
    {
        Guarded<T> out(dx.size(), sentinel);
        std::fill(out.data(), out.data() + out.n, std::numeric_limits<T>::quiet_NaN());
        const auto pr = BackwardDataProblem<T>::make(d, gdy.data(), gw.data(), out.data());
        const ConvPlan plan = make_plan<T>(pr.M, pr.N, pr.K, BackwardDataProblem<T>::phases(d), sms, force_tile,
                                           force_splits);
        emulate_plan<T>(pr, plan);
        ++launches;
        compare<T>("backward-data", g, plan, out, dx);
    }
    if (direct_fits<T>(d)) {  // what run_backward_data takes for c <= 4 (given enough pixels)
        Guarded<T> out(dx.size(), sentinel);
        std::fill(out.data(), out.data() + out.n, std::numeric_limits<T>::quiet_NaN());
        const auto pr = DirectBackwardDataProblem<T>::make(d, gdy.data(), gw.data(), out.data());
        emulate_direct<T>(pr);
        ++launches;
        const ConvPlan none{};
        compare<T>("backward-data direct", g, none, out, dx);
    }
    if (use_one_pixel(d)) {  // what run_backward_data takes for p == q == 1 (the phase GEMM is checked above too)
        Guarded<T> out(dx.size(), sentinel);
        std::fill(out.data(), out.data() + out.n, std::numeric_limits<T>::quiet_NaN());
        const auto pr = BackwardDataOnePixelProblem<T>::make(d, gdy.data(), gw.data(), out.data());
        const ConvPlan plan = make_plan<T>(pr.M, pr.N, pr.K, 1, sms, force_tile, force_splits);
        emulate_plan<T>(pr, plan);
        ++launches;
        compare<T>("backward-data one pixel", g, plan, out, dx);
    }
    {
        Guarded<T> out(dw.size(), sentinel);
        std::fill(out.data(), out.data() + out.n, std::numeric_limits<T>::quiet_NaN());
        const auto pr = BackwardWeightProblem<T>::make(d, gx.data(), gdy.data(), out.data());
        const ConvPlan plan = make_plan<T>(pr.M, pr.N, pr.K, 1, sms, force_tile, force_splits);
        emulate_plan<T>(pr, plan);
        ++launches;
        compare<T>("backward-weight", g, plan, out, dw);
    }
}

std::vector<double> small_ints(size_t n, std::mt19937_64& rng) {
    std::vector<double> v(n);
    for (auto& e : v) e = static_cast<double>(static_cast<int>(rng() % 7) - 3);
    return v;
}

// Every variant (production plan on a big and a small device, each tile with forced splits) for one geometry.
void check_all(const Geo& g, std::mt19937_64& rng, bool thorough) {
    const int P = g.p(), Q = g.q();
    const auto x = small_ints(static_cast<size_t>(g.n) * g.c * g.h * g.w, rng);
    const auto w = small_ints(static_cast<size_t>(g.k) * g.c * g.r * g.s, rng);
    const auto dy = small_ints(static_cast<size_t>(g.n) * g.k * P * Q, rng);
    std::vector<double> y, dx, dw;
    naive(g, x, w, dy, y, dx, dw);
    check_geometry<float>(g, x, w, dy, y, dx, dw, -1, 0, 132);
    check_geometry<double>(g, x, w, dy, y, dx, dw, -1, 0, 132);
    check_geometry<float>(g, x, w, dy, y, dx, dw, -1, 0, 4);
    g_tf32 = true;  // small integers are exact in TF32: the comparison stays exact
    check_geometry<float>(g, x, w, dy, y, dx, dw, -1, 0, 132);
    if (thorough) {
        check_geometry<float>(g, x, w, dy, y, dx, dw, 0, 2, 132);
        check_geometry<float>(g, x, w, dy, y, dx, dw, 1, 1, 132);
    }
    g_tf32 = false;
    if (!thorough) return;
    for (int tile = 0; tile <= static_cast<int>(TileKind::MediumHoisted); ++tile) {
        check_geometry<float>(g, x, w, dy, y, dx, dw, tile, 1, 132);
        check_geometry<float>(g, x, w, dy, y, dx, dw, tile, 3, 132);
        check_geometry<float>(g, x, w, dy, y, dx, dw, tile, 11, 132);  // the lanes reduction (> 8 splits)
        check_geometry<double>(g, x, w, dy, y, dx, dw, tile, 2, 132);
    }
}

}  // namespace

// to_tf32's host emulation of cvt.rna.tf32.f32 on values around the rounding boundary.
void check_tf32_rounding() {
    const struct { float in, want; } cases[] = {
        {1.0f + 0x1p-20f, 1.0f},                   // below half an ulp (2^-11 at 1): down
        {1.0f + 0x1p-11f, 1.0f + 0x1p-10f},        // exactly half: away from zero
        {-(1.0f + 0x1p-11f), -(1.0f + 0x1p-10f)},
        {1.0f + 0x1p-11f - 0x1p-23f, 1.0f},        // just below half
        {1.0f + 0x1p-10f + 0x1p-11f, 1.0f + 0x1p-9f},  // half, odd neighbour: still away from zero
        {3.0f, 3.0f}, {0.0f, 0.0f}, {-0.0f, -0.0f},
        {3.4028235e38f, std::numeric_limits<float>::infinity()},  // rounds past the largest TF32: overflow
    };
    for (const auto& c : cases) {
        const uint32_t bits = to_tf32(c.in);
        float got;
        std::memcpy(&got, &bits, 4);
        ++fastdiv_checks;
        if (std::memcmp(&got, &c.want, 4) != 0) {
            char b[160];
            std::snprintf(b, sizeof b, "to_tf32(%a) = %a, want %a", c.in, got, c.want);
            failf(b);
        }
    }
}

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    check_fastdiv();
    check_tf32_rounding();
    std::mt19937_64 rng(2024);
    // The reference layers (bench ReferenceShapes; batch 1 here, the GPU tests use 64): as conv geometries.
    const Geo reference[] = {
        {1, 512, 4, 4, 100, 4, 4, 1, 1, 0, 0},    // dcgan64.g1 (ConvTranspose2d(100, 512, 4, 1, 0))
        {1, 256, 8, 8, 512, 4, 4, 2, 2, 1, 1},    // dcgan64.g2
        {1, 128, 16, 16, 256, 4, 4, 2, 2, 1, 1},  // dcgan64.g3
        {1, 64, 32, 32, 128, 4, 4, 2, 2, 1, 1},   // dcgan64.g4
        {1, 3, 64, 64, 64, 4, 4, 2, 2, 1, 1},     // dcgan64.g5
        {1, 3, 64, 64, 64, 4, 4, 2, 2, 1, 1},     // dcgan64.d1
        {1, 64, 32, 32, 128, 4, 4, 2, 2, 1, 1},   // dcgan64.d2
        {1, 128, 16, 16, 256, 4, 4, 2, 2, 1, 1},  // dcgan64.d3
        {1, 256, 8, 8, 512, 4, 4, 2, 2, 1, 1},    // dcgan64.d4
        {2, 512, 4, 4, 1, 4, 4, 1, 1, 0, 0},      // dcgan64.d5
        {1, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1},   // mnist28.g1
        {1, 1, 28, 28, 64, 4, 4, 2, 2, 1, 1},     // mnist28.g2
        {2, 1, 28, 28, 64, 4, 4, 2, 2, 1, 1},     // mnist28.d1
        {1, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1},   // mnist28.d2
    };
    for (const Geo& g : reference) check_all(g, rng, false);
    // Odd shapes: every stride phase situation (stride > kernel, padding > 0, non-square, 1x1 images).
    const int sizes[] = {1, 2, 3, 5, 7, 13};
    const int shapes = quick ? 20 : 120;
    for (int i = 0; i < shapes; ++i) {
        Geo g;
        g.n = 1 + static_cast<int>(rng() % 3);
        g.c = sizes[rng() % 6];
        g.k = sizes[rng() % 6];
        g.r = 1 + static_cast<int>(rng() % 5);
        g.s = 1 + static_cast<int>(rng() % 5);
        g.sh = 1 + static_cast<int>(rng() % 3);
        g.sw = 1 + static_cast<int>(rng() % 3);
        g.ph = static_cast<int>(rng() % 3);
        g.pw = static_cast<int>(rng() % 3);
        g.h = sizes[rng() % 6] + static_cast<int>(rng() % 4);
        g.w = sizes[rng() % 6] + static_cast<int>(rng() % 4);
        if (g.h + 2 * g.ph < g.r) g.h = g.r;
        if (g.w + 2 * g.pw < g.s) g.w = g.s;
        check_all(g, rng, true);
    }
    // Some wider ones that cross tile edges in every dimension (M, N and K over several tiles).
    const Geo wide[] = {{3, 19, 11, 9, 70, 3, 3, 1, 1, 1, 1}, {2, 33, 10, 12, 17, 5, 2, 3, 2, 2, 0},
                        {1, 7, 40, 6, 130, 2, 4, 2, 3, 0, 2},
                        // one output pixel (p = q = 1): the one-pixel backward-data GEMM
                        {3, 5, 3, 2, 7, 3, 2, 1, 1, 0, 0}, {2, 13, 3, 3, 5, 4, 5, 3, 2, 1, 2},
                        {70, 9, 4, 4, 3, 4, 4, 1, 1, 0, 0}, {5, 3, 1, 1, 600, 1, 1, 1, 1, 0, 0},
                        // the direct backward-data over several weight chunks (k > kc; c = 3 and 2 pad to CMAX)
                        {2, 3, 9, 8, 150, 5, 5, 2, 2, 2, 2}, {2, 2, 10, 9, 100, 7, 7, 1, 2, 3, 3}};
    for (const Geo& g : wide) check_all(g, rng, !quick);
    if (failures > 0) {
        std::printf("conv_host_check: %d failures (%d launches, %lld FastDiv checks)\n", failures, launches,
                    static_cast<long long>(fastdiv_checks));
        return 1;
    }
    std::printf("conv_host_check: %lld FastDiv checks and %d launches checked, all exact\n",
                static_cast<long long>(fastdiv_checks), launches);
    return 0;
}
