// conv_host_check.cu - a host-only check (no GPU needed) of gcgan's conv2d kernels (kernels/src/conv_internal.cuh):
// it runs the kernels' own __host__ __device__ stages - operand gathers, tile loads, shared-memory stash, the
// register-tiled multiply, the tile store, the split-K reduction, the stride phases - block by block and thread by
// thread on the CPU, and compares every output element with a naive direct convolution.
//
//   nvcc -std=c++17 -O2 -I kernels/include -I kernels/src kernels/dev/conv_host_check.cu kernels/src/status.cu \
//        -o build/conv_host_check && build/conv_host_check          (from the repository root)
//
// Prints "conv_host_check: N launches checked, all exact" and exits 0, or the first ten failures and exits 1.
//
// How the emulation stands in for the GPU: within each barrier interval the threads of a block run one after the
// other (thread 0's load, multiply and stash, then thread 1's, ...), so a thread that wrote the shared buffer that
// others still read in the same interval would corrupt their result. Shared memory is NaN-filled at every block
// start, inputs have NaN guard zones before and after, outputs and split-K partials start as NaN and outputs
// have sentinel guard zones: an unwritten output, a read of an unwritten slot or an out-of-bounds read shows up as
// NaN, an out-of-bounds write as a changed guard. Inputs are small integers, so every sum is exact in float and
// double whatever the order: the comparison is for equality.
//
// Not covered here (only a GPU shows them): real concurrency inside a warp, launch limits, timing.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#define GCGAN_CONV_LEGACY_TILES 1  // the strided tiles too (lab v6)
#include "conv_internal.cuh"

using namespace gcgan::conv;

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

// ---- the emulated launch: conv_gemm_kernel for every block, then conv_splitk_reduce ----

// The split-K reduction as run_conv launches it: per element, or (many splits) by lanes, 32 outputs per block.
template <typename T, typename Problem>
void emulate_reduce(const Problem& pr, const ConvPlan& plan, const T* partial) {
    const int64_t count = static_cast<int64_t>(plan.phases) * pr.N * pr.M;
    if (plan.splits <= kReduceLanes) {
        for (int64_t e = 0; e < count; ++e) splitk_reduce_element<T>(pr, e, plan.splits, partial);
        return;
    }
    double part[kReduceLanes][32];
    for (int64_t base = 0; base < count; base += 32) {
        for (int lane = 0; lane < kReduceLanes; ++lane) {
            for (int o = 0; o < 32; ++o) {
                part[lane][o] = base + o < count ? splitk_lane_sum<T>(pr, base + o, plan.splits, lane, partial) : 0.0;
            }
        }
        for (int o = 0; o < 32 && base + o < count; ++o) splitk_store_lanes<T>(pr, base + o, part, o);
    }
}

template <typename T, typename Cfg, typename Problem>
void emulate(const Problem& pr0, const ConvPlan& plan) {
    using G = ConvGemm<T, Cfg, Problem>;
    const T nan = std::numeric_limits<T>::quiet_NaN();
    std::vector<T> partial(plan.splits > 1 ? static_cast<size_t>(plan.grid_z) * pr0.N * pr0.M : 0, nan);
    std::vector<T> As(2 * G::A_SMEM), Bs(2 * G::B_SMEM);
    std::vector<typename G::Regs> regs(Cfg::THREADS);
    std::vector<typename G::Acc> acc(Cfg::THREADS);
    for (int64_t z = 0; z < plan.grid_z; ++z) {
        for (int64_t by = 0; by < plan.grid_y; ++by) {
            for (int64_t bx = 0; bx < plan.grid_x; ++bx) {
                // the kernel's prologue, as in conv_gemm_kernel
                Problem pr = pr0;
                const int32_t slot = static_cast<int32_t>(z);
                const int32_t phase = slot / plan.splits;
                const int32_t split = slot - phase * plan.splits;
                pr.set_phase(phase);
                const int32_t m0 = static_cast<int32_t>(bx) * Cfg::BM;
                const int32_t n0 = static_cast<int32_t>(by) * Cfg::BN;
                const int32_t k_begin = split * plan.chunk;
                const int32_t k_end = split_end(pr.K, k_begin, plan.chunk);
                std::fill(As.begin(), As.end(), nan);
                std::fill(Bs.begin(), Bs.end(), nan);
                for (int tid = 0; tid < Cfg::THREADS; ++tid) {
                    G::zero(acc[tid]);
                    G::load(pr, tid, m0, n0, k_begin, k_end, regs[tid], G::row_cache(pr, tid, m0));
                    G::stash(tid, regs[tid], &As[0], &Bs[0]);
                }
                int buf = 0;
                for (int32_t k0 = k_begin; k0 < k_end; k0 += Cfg::BK) {
                    const bool more = k0 + Cfg::BK < k_end;
                    for (int tid = 0; tid < Cfg::THREADS; ++tid) {
                        if (more) G::load(pr, tid, m0, n0, k0 + Cfg::BK, k_end, regs[tid], G::row_cache(pr, tid, m0));
                        G::compute(tid, &As[buf * G::A_SMEM], &Bs[buf * G::B_SMEM], acc[tid]);
                        if (more) G::stash(tid, regs[tid], &As[(buf ^ 1) * G::A_SMEM], &Bs[(buf ^ 1) * G::B_SMEM]);
                    }
                    buf ^= 1;
                }
                for (int tid = 0; tid < Cfg::THREADS; ++tid) {
                    G::finish(pr, tid, m0, n0, slot, acc[tid], plan.splits > 1 ? partial.data() : nullptr);
                }
            }
        }
    }
    if (plan.splits > 1) emulate_reduce<T>(pr0, plan, partial.data());
}

// conv_skinny_kernel for every block (barrier, stage B, barrier, multiply per slice), then conv_splitk_reduce.
template <typename T, int NMAX, typename Problem>
void emulate_skinny(const Problem& pr0, const ConvPlan& plan) {
    using G = SkinnyGemm<T, NMAX, Problem>;
    const T nan = std::numeric_limits<T>::quiet_NaN();
    std::vector<T> partial(plan.splits > 1 ? static_cast<size_t>(plan.grid_z) * pr0.N * pr0.M : 0, nan);
    std::vector<T> Bs(G::B_SMEM);
    std::vector<typename G::Acc> acc(G::THREADS);
    std::vector<std::vector<typename G::ARow>> rows(G::THREADS, std::vector<typename G::ARow>(G::TM));
    for (int64_t z = 0; z < plan.grid_z; ++z) {
        for (int64_t by = 0; by < plan.grid_y; ++by) {
            for (int64_t bx = 0; bx < plan.grid_x; ++bx) {
                Problem pr = pr0;
                const int32_t slot = static_cast<int32_t>(z);
                const int32_t phase = slot / plan.splits;
                const int32_t split = slot - phase * plan.splits;
                pr.set_phase(phase);
                const int32_t m0 = static_cast<int32_t>(bx) * G::BM;
                const int32_t n0 = static_cast<int32_t>(by) * NMAX;
                const int32_t k_begin = split * plan.chunk;
                const int32_t k_end = split_end(pr.K, k_begin, plan.chunk);
                typename G::ARow a[G::TM];
                for (int tid = 0; tid < G::THREADS; ++tid) {
                    G::zero(acc[tid]);
                    G::rows(pr, tid, m0, a);
                    std::copy(a, a + G::TM, rows[tid].begin());
                }
                for (int32_t k0 = k_begin; k0 < k_end; k0 += G::BK) {
                    std::fill(Bs.begin(), Bs.end(), nan);
                    for (int tid = 0; tid < G::THREADS; ++tid) G::stage_b(pr, tid, n0, k0, k_end, Bs.data());
                    for (int tid = 0; tid < G::THREADS; ++tid) {
                        std::copy(rows[tid].begin(), rows[tid].end(), a);
                        G::compute(pr, k0, k_end, a, Bs.data(), acc[tid]);
                    }
                }
                for (int tid = 0; tid < G::THREADS; ++tid) {
                    G::finish(pr, tid, m0, n0, slot, acc[tid], plan.splits > 1 ? partial.data() : nullptr);
                }
            }
        }
    }
    if (plan.splits > 1) emulate_reduce<T>(pr0, plan, partial.data());
}

// conv_direct_backward_data_kernel for every block: per weight chunk, NaN-filled shared memory, every thread's
// share staged (barrier), then every thread's accumulation; then the stores.
template <typename T, int CMAX>
void emulate_direct_width(const DirectBackwardDataProblem<T>& pr) {
    using G = DirectBackwardData<T, CMAX>;
    std::vector<T> Ws(static_cast<size_t>(pr.smem_bytes() / static_cast<int64_t>(sizeof(T))),
                      std::numeric_limits<T>::quiet_NaN());
    const int64_t blocks = (static_cast<int64_t>(pr.pixels) + G::THREADS - 1) / G::THREADS;
    std::vector<typename G::Pixel> px(G::THREADS);
    std::vector<std::array<T, CMAX>> acc(G::THREADS);
    for (int64_t b = 0; b < blocks; ++b) {
        for (int tid = 0; tid < G::THREADS; ++tid) {
            px[tid] = G::pixel(pr, static_cast<int32_t>(b * G::THREADS + tid));
            acc[tid].fill(T(0));
        }
        for (int32_t k0 = 0; k0 < pr.d.k; k0 += pr.kc) {
            std::fill(Ws.begin(), Ws.end(), std::numeric_limits<T>::quiet_NaN());
            for (int tid = 0; tid < G::THREADS; ++tid) G::stage(pr, tid, k0, Ws.data());
            for (int tid = 0; tid < G::THREADS; ++tid) {
                if (!px[tid].ok) continue;
                T a[CMAX];
                std::copy(acc[tid].begin(), acc[tid].end(), a);
                G::accumulate(pr, px[tid], k0, Ws.data(), a);
                std::copy(a, a + CMAX, acc[tid].begin());
            }
        }
        for (int tid = 0; tid < G::THREADS; ++tid) {
            if (!px[tid].ok) continue;
            T a[CMAX];
            std::copy(acc[tid].begin(), acc[tid].end(), a);
            G::store(pr, px[tid], a);
        }
    }
}

template <typename T>
void emulate_direct(const DirectBackwardDataProblem<T>& pr) {
    switch (direct_width(pr.d.c)) {
        case 1: emulate_direct_width<T, 1>(pr); break;
        case 2: emulate_direct_width<T, 2>(pr); break;
        default: emulate_direct_width<T, 4>(pr); break;
    }
}

// One warp's mma.sync.m16n8k8 (TF32) from the 32 lanes' fragments, by the PTX ISA's fragment layout (see MmaGemm):
// builds the 16x8 A and 8x8 B from the lanes' registers, then adds A B to each lane's four accumulators.
void mma_warp(const uint32_t (&a)[32][4], const uint32_t (&b)[32][2], float* (&c)[32]) {
    float A[16][8], B[8][8];
    auto f = [](uint32_t bits) { float v; std::memcpy(&v, &bits, 4); return v; };
    for (int lane = 0; lane < 32; ++lane) {
        const int g = lane / 4, t = lane % 4;
        A[g][t] = f(a[lane][0]);
        A[g + 8][t] = f(a[lane][1]);
        A[g][t + 4] = f(a[lane][2]);
        A[g + 8][t + 4] = f(a[lane][3]);
        B[t][g] = f(b[lane][0]);
        B[t + 4][g] = f(b[lane][1]);
    }
    for (int lane = 0; lane < 32; ++lane) {
        const int g = lane / 4, t = lane % 4;
        for (int r = 0; r < 4; ++r) {
            const int row = g + 8 * (r / 2), col = 2 * t + r % 2;
            float sum = 0;
            for (int k = 0; k < 8; ++k) sum += A[row][k] * B[k][col];
            c[lane][r] += sum;
        }
    }
}

// conv_mma_kernel for every block: the loader stages as emulate(), the multiply warp by warp through mma_warp.
template <typename Cfg, typename Problem>
void emulate_mma(const Problem& pr0, const ConvPlan& plan) {
    using G = MmaGemm<Cfg, Problem>;
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> partial(plan.splits > 1 ? static_cast<size_t>(plan.grid_z) * pr0.N * pr0.M : 0, nan);
    std::vector<float> As(2 * G::A_SMEM), Bs(2 * G::B_SMEM);
    std::vector<typename G::Regs> regs(Cfg::THREADS);
    std::vector<typename G::Acc> acc(Cfg::THREADS);
    std::vector<typename G::Frags> frags(Cfg::THREADS);
    for (int64_t z = 0; z < plan.grid_z; ++z) {
        for (int64_t by = 0; by < plan.grid_y; ++by) {
            for (int64_t bx = 0; bx < plan.grid_x; ++bx) {
                Problem pr = pr0;
                const int32_t slot = static_cast<int32_t>(z);
                const int32_t phase = slot / plan.splits;
                const int32_t split = slot - phase * plan.splits;
                pr.set_phase(phase);
                const int32_t m0 = static_cast<int32_t>(bx) * Cfg::BM;
                const int32_t n0 = static_cast<int32_t>(by) * Cfg::BN;
                const int32_t k_begin = split * plan.chunk;
                const int32_t k_end = split_end(pr.K, k_begin, plan.chunk);
                std::fill(As.begin(), As.end(), nan);
                std::fill(Bs.begin(), Bs.end(), nan);
                for (int tid = 0; tid < Cfg::THREADS; ++tid) {
                    G::zero(acc[tid]);
                    G::load(pr, tid, m0, n0, k_begin, k_end, regs[tid]);
                    G::stash(tid, regs[tid], &As[0], &Bs[0]);
                }
                int buf = 0;
                for (int32_t k0 = k_begin; k0 < k_end; k0 += Cfg::BK) {
                    const bool more = k0 + Cfg::BK < k_end;
                    for (int tid = 0; tid < Cfg::THREADS; ++tid) {
                        if (more) G::load(pr, tid, m0, n0, k0 + Cfg::BK, k_end, regs[tid]);
                    }
                    for (int ks = 0; ks < Cfg::BK / 8; ++ks) {
                        for (int tid = 0; tid < Cfg::THREADS; ++tid) {
                            G::load_frags(tid, &As[buf * G::A_SMEM], &Bs[buf * G::B_SMEM], ks, frags[tid]);
                        }
                        for (int warp = 0; warp < Cfg::THREADS / 32; ++warp) {
                            for (int i = 0; i < Cfg::MI; ++i) {
                                for (int j = 0; j < Cfg::NI; ++j) {
                                    uint32_t a[32][4], b[32][2];
                                    float* c[32];
                                    for (int lane = 0; lane < 32; ++lane) {
                                        const int tid = warp * 32 + lane;
                                        std::memcpy(a[lane], frags[tid].a[i], sizeof a[lane]);
                                        std::memcpy(b[lane], frags[tid].b[j], sizeof b[lane]);
                                        c[lane] = acc[tid].v[i][j];
                                    }
                                    mma_warp(a, b, c);
                                }
                            }
                        }
                    }
                    for (int tid = 0; tid < Cfg::THREADS; ++tid) {
                        if (more) G::stash(tid, regs[tid], &As[(buf ^ 1) * G::A_SMEM], &Bs[(buf ^ 1) * G::B_SMEM]);
                    }
                    buf ^= 1;
                }
                for (int tid = 0; tid < Cfg::THREADS; ++tid) {
                    G::finish(pr, tid, m0, n0, slot, acc[tid], plan.splits > 1 ? partial.data() : nullptr);
                }
            }
        }
    }
    if (plan.splits > 1) emulate_reduce<float>(pr0, plan, partial.data());
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
