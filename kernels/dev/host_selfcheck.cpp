// host_selfcheck.cpp - a host-only check (no GPU needed) of the __host__ __device__ helpers that the dense-op kernels
// share (kernels/src/device_common.cuh): the strided index math and Java's NaN / signed-zero / pow rules; of the
// fused batch normalization kernels (kernels/src/batchnorm_internal.cuh): their launch plans and index walk, and the
// kernels themselves - fused forward and backward, and the split ones (sum, squares, normalize; sums, dx) - against
// naive loops over (i, k, j), in place, with and without the running statistics' update; of the squared norm of a
// list (kernels/src/norm_internal.cuh): its chunk plan (every element read once by the chunk kernel, no chunk across
// two tensors, any launch split), and its two kernels against a long double sum and, bit for bit, against the
// documented order written out with plain loops, for aligned (128-bit loads) and misaligned tensors; of the fused
// rectifier derivative (device_common.cuh's rectifier_backward_element) against the composed GT -> where -> MUL, bit
// for bit; of im2col and col2im (kernels/src/im2col_internal.cuh) against their layout's definition and a naive
// scatter; of the reductions (kernels/src/reduce_internal.cuh): SUM, MEAN and MAX, float32 and float64, in each of
// the four launch shapes its plan picks (thread, coalesced thread, warp, block, split with float64 partials and the
// finish kernel), over reduce-all, leading, trailing, middle and several axes, row- and column-major x with offsets,
// counts 0, 1, 31, 32, 33, 255, 256, 257, 1025, 3000, 4097, 9000, up to 2100 outputs, bit for bit against a naive
// loop with the CPU backend's rules (small integers, so the sums are exact; for MAX also +-inf, NaN, +-0 and all
// -inf); and of the optimizer's L2 prefetch addresses (kernels/src/prefetch_internal.cuh): inside the row, every
// line once.
//
//   cmake -S . -B build/cmake -DCMAKE_BUILD_TYPE=Release -DGCGAN_BUILD_LAB=ON
//   cmake --build build/cmake --target host_selfcheck && build/cmake/host_selfcheck
// or by hand, with the host compiler (not nvcc: the device code must run on the CPU) and the CUDA headers:
//   g++ -std=c++17 -O2 -ffp-contract=off -I kernels/include -I kernels/src -I <cuda>/include \
//       kernels/dev/host_selfcheck.cpp -x c++ kernels/src/status.cu -L <cuda>/lib64 -lcudart_static \
//       -ldl -lpthread -lrt -o build/host_selfcheck
//
// Prints "host_selfcheck: N checks passed" and exits 0, or prints the first ten failures and exits 1.
//
// The batch-norm, squared-norm and reduce kernels run as batchnorm.cu's, norm.cu's and reduce.cu's launches make
// them (the same plans, grids, Batch tables and launch splits), compiled by the host compiler from the same text as
// the library's (whose PTX does not change for it): every block of a launch, every thread of a block a fiber of
// kernels/dev/simt_host.h, the block's turns in one of its five orders (by block and launch), so that a missing
// barrier in the kernels or in device_common.cuh's block_reduce, which they call, changes a result. Some runs use
// grids smaller than the item count, so the kernels' grid-stride loops run too. Shared memory is NaN at every block
// start; inputs have NaN guard zones; outputs and the float64 partials start as NaN with sentinel guard zones: an
// unwritten output or partial shows as NaN (the reductions' outputs: a NaN of their own payload), an out-of-bounds
// write as a changed guard.
// Mutations of the kernels that made it fail (2026-11-28; each tried, then reverted; failing checks of 6,170,467,
// before the reductions came): block_reduce without its first barrier (18,870: a warp a barrier interval ahead
// overwrites scratch[0] before the others read the previous sum), batchnorm_forward_squares_kernel skipping its last
// item (1,232,380: NaN partials), squared_norm_chunks_kernel storing partials[b] (the launch's chunk) instead of
// partials[g] (734: the launch splits), batchnorm_backward_fused_kernel passing sum_dy and sum_dy_xhat swapped to
// backward_coefficients (37,136). The emulation this check had before (the kernels' stages strung together again
// here, with its own shuffle tree) passed all four: it called none of the code they change.
// Of the reduce kernels (2026-11-28; failing checks of 6,316,576): block_reduce without its second barrier (the one
// before warp 0 reads scratch; 2,119,128 in all, 266 of them the reductions': NaN results), reduce_warp_kernel's
// loop bound r < count - 1 (7,026), reduce_block_kernel's r <= end (252: each part reads the next part's first
// element, the last one past the row), reduce_finish_kernel's p < parts - 1 (53: the last part dropped).
// MAX over zeros of both signs: the warp, block and split shapes combine in a tree, so the zero they keep is not
// always the CPU loop's first; the check accepts either sign there (the thread shape must match) and prints how
// many differed (479).
//
// Not covered here (only a GPU shows them): two threads' accesses within one barrier interval at the same time,
// memory ordering, the 128-bit loads' alignment, launch limits, timing; and the device's math library (libdevice)
// under the __host__ __device__ helpers, which run on the host libm here.
#include "simt_host.h"  // first: what the kernels' device code names, on the CPU

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <random>
#include <vector>

#include "batchnorm_internal.cuh"
#include "device_common.cuh"
#include "im2col_internal.cuh"
#include "norm_internal.cuh"
#include "prefetch_internal.cuh"
#include "reduce_internal.cuh"

using namespace gcgan::detail;

namespace {

int failures = 0;
int checks = 0;

void expect(bool ok, const char* what, double got, double want) {
    ++checks;
    if (!ok && ++failures <= 10) {
        std::printf("FAIL %s: got %.17g, want %.17g\n", what, got, want);
    }
}

bool same_bits(double a, double b) {
    if (std::isnan(a) && std::isnan(b)) return true;
    uint64_t x, y;
    std::memcpy(&x, &a, 8);
    std::memcpy(&y, &b, 8);
    return x == y;
}

void expect_bits(double got, double want, const char* what) { expect(same_bits(got, want), what, got, want); }

// Every element's offsets by a direct walk of the index tuples, against strided_offsets<N>.
template <int N>
void check_layout(const gcgan_strided_layout& l, const char* what) {
    int64_t count = 1;
    for (int d = 0; d < l.rank; ++d) count *= l.shape[d];
    std::vector<int64_t> index(l.rank > 0 ? l.rank : 1, 0);
    for (int64_t flat = 0; flat < count; ++flat) {
        int64_t off[N];
        strided_offsets<N>(l, flat, off);
        for (int k = 0; k < N; ++k) {
            int64_t want = l.offsets[k];
            for (int d = 0; d < l.rank; ++d) want += index[d] * l.strides[k][d];
            expect(off[k] == want, what, static_cast<double>(off[k]), static_cast<double>(want));
        }
        for (int d = l.rank - 1; d >= 0; --d) {  // odometer
            if (++index[d] < l.shape[d]) break;
            index[d] = 0;
        }
    }
}

namespace bn = gcgan::batchnorm;

// block_reduce<false>'s documented order, written out for documented_order (the squared norm) below: a shuffle-down
// tree within each warp (lane l adds lane l + delta, or itself past lane 31, for delta = 16, 8, 4, 2, 1), then the
// same tree over the warps' sums, zero-padded to 32. The kernels run block_reduce itself.
double warp_tree(double (&v)[32]) {
    for (int delta = 16; delta > 0; delta >>= 1) {
        double u[32];
        for (int l = 0; l < 32; ++l) u[l] = v[l] + (l + delta < 32 ? v[l + delta] : v[l]);
        std::memcpy(v, u, sizeof(u));
    }
    return v[0];
}

double documented_block_reduce(const std::vector<double>& per_thread) {
    const int warps = static_cast<int>(per_thread.size()) / 32;
    double scratch[32];
    for (int w = 0; w < 32; ++w) {
        double lanes[32];
        if (w < warps) {
            for (int l = 0; l < 32; ++l) lanes[l] = per_thread[w * 32 + l];
            scratch[w] = warp_tree(lanes);
        } else {
            scratch[w] = 0.0;
        }
    }
    return warp_tree(scratch);
}

// Inputs with NaN guard zones around them (an out-of-range read shows as NaN) and outputs that start as NaN with
// guard zones of a sentinel (an unwritten element stays NaN, an out-of-range write changes a guard).
constexpr int64_t kGuard = 64;
constexpr double kSentinel = 12345.0;

template <typename T>
struct Guarded {
    std::vector<T> data;
    explicit Guarded(int64_t n, T fill) : data(static_cast<size_t>(n + 2 * kGuard), fill) {}
    T* get() { return data.data() + kGuard; }
    const T* get() const { return data.data() + kGuard; }
    int64_t size() const { return static_cast<int64_t>(data.size()) - 2 * kGuard; }
    bool guards_intact() const {
        for (int64_t g = 0; g < kGuard; ++g) {
            if (!same_bits(data[g], kSentinel) || !same_bits(data[data.size() - 1 - g], kSentinel)) return false;
        }
        return true;
    }
};

template <typename T>
Guarded<T> input(const std::vector<double>& v) {
    Guarded<T> g(static_cast<int64_t>(v.size()), static_cast<T>(NAN));
    for (size_t i = 0; i < v.size(); ++i) g.get()[i] = static_cast<T>(v[i]);
    return g;
}

template <typename T>
Guarded<T> output(int64_t n) {
    Guarded<T> g(n, static_cast<T>(kSentinel));
    for (int64_t i = 0; i < n; ++i) g.get()[i] = static_cast<T>(NAN);
    return g;
}

// An in-out array: starts as v, guard zones of the sentinel.
template <typename T>
Guarded<T> in_out(const std::vector<double>& v) {
    Guarded<T> g = output<T>(static_cast<int64_t>(v.size()));
    for (size_t i = 0; i < v.size(); ++i) g.get()[i] = static_cast<T>(v[i]);
    return g;
}

// ---- the kernels' launches, run by simt_host.h ----

int launches = 0;

// Runs kernel() as every block of a grid of `grid` blocks of `threads` threads, as the GPU would (in some order):
// every thread a fiber, its turns in one of simt_host.h's five orders (by block and launch, so that every kernel
// meets each). False (a failure recorded) when a block misused a synchronisation.
template <typename Kernel>
bool run_grid(const char* name, int64_t grid, int threads, const Kernel& kernel) {
    ++launches;
    const std::function<void()> body = kernel;
    for (int64_t bx = 0; bx < grid; ++bx) {
        const auto order = static_cast<gcgan_simt::Order>((bx + launches) % gcgan_simt::kOrders);
        const uint64_t seed = static_cast<uint64_t>(launches) * 1000003u + static_cast<uint64_t>(bx);
        if (!gcgan_simt::block().run_block(static_cast<unsigned>(bx), static_cast<unsigned>(grid),
                                           static_cast<unsigned>(threads), order, seed, body)) {
            ++checks;
            if (++failures <= 10) {
                std::printf("FAIL %s block %lld of %lld (%s order): %s\n", name, static_cast<long long>(bx),
                            static_cast<long long>(grid), gcgan_simt::order_name(order),
                            gcgan_simt::block().error().c_str());
            }
            return false;
        }
    }
    return true;
}

// The forward launches of batchnorm.cu's launch_forward for plan p, the kernels themselves on fibers: parts == 1
// the fused kernel (a block per channel), else the sum, squares and normalize kernels over items
// b = k * parts + part with float64 partials (NaN at the start, sentinel guard zones around them). grid_cap below
// the item count makes the kernels' grid-stride loops run. running_mean and running_var both NULL or both given,
// as the entry point allows.
template <typename T>
void run_forward(const bn::Plan& p, const T* x, const T* w, const T* b, double eps, T* y, T* mean, T* var,
                 T* running_mean, T* running_var, double momentum, int64_t grid_cap = kMaxGrid) {
    const int64_t items = p.c * p.parts;
    const int64_t grid = std::min(items, grid_cap);
    if (p.parts == 1) {
        run_grid("batchnorm_forward_fused_kernel", grid, p.threads, [&] {
            batchnorm_forward_fused_kernel<T>(x, w, b, y, mean, var, running_mean, running_var, momentum, p, eps);
        });
        return;
    }
    Guarded<double> partials = output<double>(2 * items);
    const double* partial_sum = partials.get();
    const double* partial_sq = partials.get() + items;
    if (run_grid("batchnorm_forward_sum_kernel", grid, p.threads,
                 [&] { batchnorm_forward_sum_kernel<T>(x, partials.get(), p); }) &&
        run_grid("batchnorm_forward_squares_kernel", grid, p.threads,
                 [&] { batchnorm_forward_squares_kernel<T>(x, partial_sum, partials.get() + items, p); })) {
        run_grid("batchnorm_forward_normalize_kernel", grid, p.threads, [&] {
            batchnorm_forward_normalize_kernel<T>(x, w, b, partial_sum, partial_sq, y, mean, var, running_mean,
                                                  running_var, momentum, p, eps);
        });
    }
    expect(partials.guards_intact(), "batchnorm forward: the partials' guard zones", 0, 0);
}

// The backward launches of launch_backward: the fused kernel, or the sums and dx kernels with float64 partials.
template <typename T>
void run_backward(const bn::Plan& p, const T* dy, const T* x, const T* mean, const T* var, const T* w, double eps,
                  T* dx, T* dw, T* db, int64_t grid_cap = kMaxGrid) {
    const int64_t items = p.c * p.parts;
    const int64_t grid = std::min(items, grid_cap);
    if (p.parts == 1) {
        run_grid("batchnorm_backward_fused_kernel", grid, p.threads,
                 [&] { batchnorm_backward_fused_kernel<T>(dy, x, mean, var, w, dx, dw, db, p, eps); });
        return;
    }
    Guarded<double> partials = output<double>(2 * items);
    const double* partial_dy = partials.get();
    const double* partial_dy_xhat = partials.get() + items;
    if (run_grid("batchnorm_backward_sums_kernel", grid, p.threads, [&] {
            batchnorm_backward_sums_kernel<T>(dy, x, mean, var, partials.get(), partials.get() + items, p, eps);
        })) {
        run_grid("batchnorm_backward_dx_kernel", grid, p.threads, [&] {
            batchnorm_backward_dx_kernel<T>(dy, x, mean, var, w, partial_dy, partial_dy_xhat, dx, dw, db, p, eps);
        });
    }
    expect(partials.guards_intact(), "batchnorm backward: the partials' guard zones", 0, 0);
}

// |got - ref| <= rel_out * |ref| + 1e-12 * scale: the output's own rounding (float32: 2^-24 relative, given as
// rel_out = 2^-23) plus float64 summation differences relative to the sum of the terms' magnitudes.
void expect_close(double got, double ref, double scale, double rel_out, const char* what, const char* quantity) {
    const double tol = rel_out * std::fabs(ref) + 1e-12 * scale + 1e-300;
    if (std::fabs(got - ref) <= tol) {
        ++checks;
        return;
    }
    char label[240];
    std::snprintf(label, sizeof(label), "%s: %s (allowed %.3g)", what, quantity, tol);
    expect(false, label, got, ref);
}

// Every element of every channel is visited exactly once by the (part, thread) walks of plan p. Returns false when
// not, so that the caller skips the kernels, which would then read and write out of bounds.
bool check_walk(const bn::Plan& p, const char* what) {
    const int failures_before = failures;
    std::vector<int> visits(static_cast<size_t>(p.n * p.c * p.s), 0);
    for (int64_t k = 0; k < p.c; ++k) {
        for (int64_t part = 0; part < p.parts; ++part) {
            int64_t begin, end;
            bn::chunk_range(p, part, begin, end);
            expect(begin < end, what, static_cast<double>(begin), static_cast<double>(end));
            for (int t = 0; t < p.threads; ++t) {
                for (bn::Walk w(p, k, begin, end, t); w.valid(); w.next(p)) {
                    const int64_t off = w.off;
                    const bool in_range = off >= 0 && off < p.n * p.c * p.s;
                    expect(in_range, what, static_cast<double>(off), 0);
                    if (in_range) {
                        expect(off / p.s % p.c == k, what, static_cast<double>(off / p.s % p.c),
                               static_cast<double>(k));
                        ++visits[static_cast<size_t>(off)];
                    }
                }
            }
        }
    }
    for (int v : visits) expect(v == 1, what, v, 1);
    return failures == failures_before;
}

// One (n, c, s, parts) case in dtype T: forward (affine or not) and backward (every subset of outputs but the empty
// one) against naive double loops; the in-place forward (y = x) equal bit for bit; the forward with running
// statistics (momentum) gives the same y, mean, var bits and the naive double update of the running values, and
// momentum 0 leaves them bit for bit (the forwards without pass NULL, which the shared helper must not touch).
template <typename T>
void check_batchnorm_case(int64_t n, int64_t c, int64_t s, int64_t parts, bool affine, double momentum,
                          uint64_t seed) {
    const bn::Plan p = parts > 0 ? bn::plan_with_parts(n, c, s, parts) : bn::make_plan(n, c, s);
    const double rel = sizeof(T) == 4 ? 0x1p-23 : 0.0;
    const double eps = 1e-5;
    const int64_t numel = n * c * s;
    char what[160];
    std::snprintf(what, sizeof(what), "batchnorm %s n=%lld c=%lld s=%lld parts=%lld threads=%d%s momentum=%g",
                  sizeof(T) == 4 ? "f32" : "f64", static_cast<long long>(n), static_cast<long long>(c),
                  static_cast<long long>(s), static_cast<long long>(p.parts), p.threads, affine ? " affine" : "",
                  momentum);
    if (!check_walk(p, what)) return;
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> uni(-1.0, 1.0);
    std::vector<double> xv(static_cast<size_t>(numel)), dyv(static_cast<size_t>(numel));
    std::vector<double> wv(static_cast<size_t>(c)), bv(static_cast<size_t>(c));
    for (int64_t k = 0; k < c; ++k) {
        wv[k] = static_cast<T>(0.5 + uni(rng));
        bv[k] = static_cast<T>(uni(rng));
    }
    for (int64_t e = 0; e < numel; ++e) {
        const int64_t k = e / s % c;
        xv[e] = static_cast<T>(0.25 * static_cast<double>(k) + (1.0 + 0.1 * static_cast<double>(k)) * uni(rng));
        dyv[e] = static_cast<T>(uni(rng));
    }
    const Guarded<T> x = input<T>(xv), dy = input<T>(dyv), w = input<T>(wv), b = input<T>(bv);
    const T* wp = affine ? w.get() : nullptr;
    const T* bp = affine ? b.get() : nullptr;
    Guarded<T> y = output<T>(numel), mean = output<T>(c), var = output<T>(c);
    run_forward<T>(p, x.get(), wp, bp, eps, y.get(), mean.get(), var.get(), nullptr, nullptr, momentum);
    expect(y.guards_intact() && mean.guards_intact() && var.guards_intact(), what, 0, 0);

    // naive forward in double, and the scale of each value's terms
    std::vector<double> ref_mean(static_cast<size_t>(c)), ref_var(static_cast<size_t>(c));
    std::vector<double> mean_abs(static_cast<size_t>(c));
    for (int64_t k = 0; k < c; ++k) {
        double sum = 0, abs_sum = 0;
        for (int64_t i = 0; i < n; ++i)
            for (int64_t j = 0; j < s; ++j) {
                const double v = xv[(i * c + k) * s + j];
                sum += v;
                abs_sum += std::fabs(v);
            }
        const double mu = sum / static_cast<double>(n * s);
        double sq = 0;
        for (int64_t i = 0; i < n; ++i)
            for (int64_t j = 0; j < s; ++j) {
                const double d = xv[(i * c + k) * s + j] - mu;
                sq += d * d;
            }
        const double v = sq / static_cast<double>(n * s);
        ref_mean[k] = mu;
        ref_var[k] = v;
        mean_abs[k] = abs_sum / static_cast<double>(n * s);
        expect_close(mean.get()[k], mu, abs_sum / static_cast<double>(n * s), rel, what, "mean");
        expect_close(var.get()[k], v, v, rel, what, "var");
        const double inv = 1.0 / std::sqrt(v + eps);
        const double wk = affine ? wv[k] : 1.0, bk = affine ? bv[k] : 0.0;
        for (int64_t i = 0; i < n; ++i)
            for (int64_t j = 0; j < s; ++j) {
                const int64_t o = (i * c + k) * s + j;
                const double xhat = (xv[o] - mu) * inv;
                // the terms of (x - mean) * inv * w + b: |x|, and the mean's own error, bounded by mean |x|
                const double terms = (std::fabs(xv[o]) + abs_sum / static_cast<double>(n * s)) * std::fabs(inv * wk);
                expect_close(y.get()[o], xhat * wk + bk, terms + std::fabs(bk), rel, what, "y");
            }
    }
    // in place: y = x gives the same bits (on a grid of 2 blocks: the kernels' grid-stride loops)
    Guarded<T> inplace = input<T>(xv);
    Guarded<T> mean2 = output<T>(c), var2 = output<T>(c);
    run_forward<T>(p, inplace.get(), wp, bp, eps, inplace.get(), mean2.get(), var2.get(), nullptr, nullptr, momentum,
                   2);
    for (int64_t e = 0; e < numel; ++e) expect_bits(inplace.get()[e], y.get()[e], "batchnorm forward in place");

    // with running statistics: the same y, mean, var bits; the update against the naive double formula, to the
    // output's rounding plus the batch statistics' float64 summation differences (scale: the update's terms)
    std::vector<double> rmv(static_cast<size_t>(c)), rvv(static_cast<size_t>(c));
    for (int64_t k = 0; k < c; ++k) {
        rmv[k] = static_cast<T>(uni(rng));
        rvv[k] = static_cast<T>(1.0 + 0.5 * uni(rng));
    }
    for (const double m : {momentum, 0.0}) {
        Guarded<T> y3 = output<T>(numel), mean3 = output<T>(c), var3 = output<T>(c);
        Guarded<T> rm = in_out<T>(rmv), rv = in_out<T>(rvv);
        run_forward<T>(p, x.get(), wp, bp, eps, y3.get(), mean3.get(), var3.get(), rm.get(), rv.get(), m);
        expect(rm.guards_intact() && rv.guards_intact(), what, m, 0);
        for (int64_t e = 0; e < numel; ++e) expect_bits(y3.get()[e], y.get()[e], "batchnorm forward y with running");
        const double cnt = static_cast<double>(n * s);
        for (int64_t k = 0; k < c; ++k) {
            expect_bits(mean3.get()[k], mean.get()[k], "batchnorm forward mean with running");
            expect_bits(var3.get()[k], var.get()[k], "batchnorm forward var with running");
            if (m == 0.0) {
                expect_bits(rm.get()[k], rmv[k], "batchnorm running mean with momentum 0");
                expect_bits(rv.get()[k], rvv[k], "batchnorm running var with momentum 0");
                continue;
            }
            const double unbiased = ref_var[k] * cnt / (cnt - 1);
            expect_close(rm.get()[k], (1 - m) * rmv[k] + m * ref_mean[k],
                         (1 - m) * std::fabs(rmv[k]) + m * mean_abs[k], rel, what, "running mean");
            expect_close(rv.get()[k], (1 - m) * rvv[k] + m * unbiased, (1 - m) * rvv[k] + m * unbiased, rel, what,
                         "running var");
        }
    }

    // backward from the stored (rounded) mean and var, every non-empty subset of {dx, dweight, dbias}
    std::vector<double> ref_db(static_cast<size_t>(c)), ref_dw(static_cast<size_t>(c));
    std::vector<double> scale_db(static_cast<size_t>(c)), scale_dw(static_cast<size_t>(c));
    std::vector<double> ref_dx(static_cast<size_t>(numel)), scale_dx(static_cast<size_t>(numel));
    for (int64_t k = 0; k < c; ++k) {
        const double mu = mean.get()[k];
        const double inv = 1.0 / std::sqrt(static_cast<double>(var.get()[k]) + eps);
        double sdy = 0, sdyx = 0, adb = 0, adw = 0;
        for (int64_t i = 0; i < n; ++i)
            for (int64_t j = 0; j < s; ++j) {
                const int64_t o = (i * c + k) * s + j;
                const double xhat = (xv[o] - mu) * inv;
                sdy += dyv[o];
                sdyx += dyv[o] * xhat;
                adb += std::fabs(dyv[o]);
                adw += std::fabs(dyv[o] * xhat);
            }
        ref_db[k] = sdy;
        ref_dw[k] = sdyx;
        scale_db[k] = adb;
        scale_dw[k] = adw;
        const double g = (affine ? wv[k] : 1.0) * inv;
        const double cnt = static_cast<double>(n * s);
        for (int64_t i = 0; i < n; ++i)
            for (int64_t j = 0; j < s; ++j) {
                const int64_t o = (i * c + k) * s + j;
                const double xhat = (xv[o] - mu) * inv;
                ref_dx[o] = g * (dyv[o] - sdy / cnt - xhat * (sdyx / cnt));
                scale_dx[o] = std::fabs(g) * (std::fabs(dyv[o]) + adb / cnt + std::fabs(xhat) * adw / cnt);
            }
    }
    for (int mask = 1; mask < 8; ++mask) {
        Guarded<T> dx = output<T>(numel), dw = output<T>(c), db = output<T>(c);
        run_backward(p, dy.get(), x.get(), mean.get(), var.get(), wp, eps, (mask & 1) ? dx.get() : nullptr,
                     (mask & 2) ? dw.get() : nullptr, (mask & 4) ? db.get() : nullptr, mask < 4 ? kMaxGrid : 3);
        expect(dx.guards_intact() && dw.guards_intact() && db.guards_intact(), what, mask, 0);
        for (int64_t k = 0; k < c; ++k) {
            if (mask & 2) expect_close(dw.get()[k], ref_dw[k], scale_dw[k], rel, what, "dweight");
            else expect(std::isnan(static_cast<double>(dw.get()[k])), what, dw.get()[k], NAN);  // not written
            if (mask & 4) expect_close(db.get()[k], ref_db[k], scale_db[k], rel, what, "dbias");
            else expect(std::isnan(static_cast<double>(db.get()[k])), what, db.get()[k], NAN);
        }
        for (int64_t e = 0; e < numel; ++e) {
            if (mask & 1) expect_close(dx.get()[e], ref_dx[e], scale_dx[e], rel, what, "dx");
            else expect(std::isnan(static_cast<double>(dx.get()[e])), what, dx.get()[e], NAN);
        }
    }
}

// The launch plans of shapes that matter: a block per channel for the reference models' layers, splits only for
// few large channels, and every plan's invariants.
void check_batchnorm_plans() {
    const int64_t shapes[][3] = {{64, 128, 16 * 16}, {64, 512, 4 * 4}, {64, 6272, 1}, {64, 64, 1024}, {1, 1, 2},
                                 {2, 3, 5}, {1, 1, 1 << 20}, {4096, 1, 1}, {3, 70000, 1}, {7, 2, 5000}};
    for (const auto& sh : shapes) {
        const bn::Plan p = bn::make_plan(sh[0], sh[1], sh[2]);
        const bool ok = p.threads >= 32 && p.threads <= bn::kMaxThreads && p.threads % 32 == 0 && p.parts >= 1 &&
                        p.chunk * p.parts >= p.count && p.chunk * (p.parts - 1) < p.count &&
                        (p.parts == 1 || p.chunk >= bn::kMinChunk) &&
                        (p.parts == 1 || p.c * p.parts <= 2 * bn::kTargetBlocks) &&
                        p.step_offset == p.threads / p.s * p.c * p.s + p.threads % p.s;
        expect(ok, "batchnorm plan invariants", static_cast<double>(p.parts), static_cast<double>(p.threads));
    }
    expect(bn::make_plan(64, 512, 16).parts == 1, "dcgan64 BN2d (64, 512, 4x4): one block per channel",
           static_cast<double>(bn::make_plan(64, 512, 16).parts), 1);
    expect(bn::make_plan(64, 128, 256).parts == 4, "dcgan64 BN2d (64, 128, 16x16): 4 parts per channel",
           static_cast<double>(bn::make_plan(64, 128, 256).parts), 4);
    expect(bn::make_plan(64, 6272, 1).threads == 64, "mnist28 BN1d (64, 6272): 64 threads per channel",
           static_cast<double>(bn::make_plan(64, 6272, 1).threads), 64);
    expect(bn::make_plan(64, 64, 1024).parts == 16, "(64, 64, 1024): 16 parts per channel",
           static_cast<double>(bn::make_plan(64, 64, 1024).parts), 16);
    expect(bn::make_plan(1, 1, 1 << 20).parts == 256, "(1, 1, 2^20): 256 parts",
           static_cast<double>(bn::make_plan(1, 1, 1 << 20).parts), 256);
}

void check_batchnorm() {
    check_batchnorm_plans();
    // n, c, s, parts (0: make_plan's choice)
    const int64_t cases[][4] = {{2, 3, 5, 0},   {1, 4, 7, 0},     {64, 5, 1, 0},   {3, 1, 11, 0},  {7, 3, 33, 0},
                                {1, 1, 2, 0},   {2, 2, 300, 0},   {5, 3, 1, 0},    {4, 2, 5000, 0}, {1, 1, 9000, 0},
                                {2, 3, 5, 2},   {7, 3, 33, 3},    {3, 2, 300, 4},  {64, 2, 1, 5},  {9, 1, 1000, 7},
                                {2, 2, 700, 3}, {1, 3, 1000, 64}, {4, 2, 5000, 3}};
    // the running statistics' factor: a module's momentum, all (1), a cumulative average's 1 / batches
    const double momenta[] = {0.1, 1.0, 1.0 / 3, 0.01};
    uint64_t seed = 1;
    for (const auto& cs : cases) {
        for (int affine = 0; affine < 2; ++affine) {
            check_batchnorm_case<float>(cs[0], cs[1], cs[2], cs[3], affine == 1, momenta[seed % 4], seed);
            ++seed;
            check_batchnorm_case<double>(cs[0], cs[1], cs[2], cs[3], affine == 1, momenta[seed % 4], seed);
            ++seed;
        }
    }
}

// ---- squared norm (norm.cu): its kernels on fibers ----

namespace nm = gcgan::norm;

// One launch of squared_norm_chunks_kernel as norm.cu's launch_chunks makes it, for entries[start .. start + n) as
// one Batch<Cap>, on a grid of min(chunks, grid_cap) blocks; vec >= 0 overrides the entries' 128-bit flag.
template <typename T, int Cap>
void run_chunks(const nm::Entry* entries, int32_t start, int32_t n, double* partials, int64_t grid_cap, int vec) {
    std::unique_ptr<nm::Batch<Cap>> batch(new nm::Batch<Cap>());
    nm::fill_batch<Cap>(entries, start, n, batch.get());
    if (vec >= 0) {
        for (int32_t i = 0; i < n; ++i) batch->entries[i].vec = vec;
    }
    const nm::Batch<Cap>& table = *batch;
    run_grid("squared_norm_chunks_kernel", std::min<int64_t>(table.chunks, grid_cap), nm::kThreads,
             [&table, partials] { squared_norm_chunks_kernel<T, Cap>(table, partials); });
}

// The chunk launches of norm.cu's squared_norm for a list, one per `cap` entries (the library's kMaxBatch; fewer
// shows that the split changes nothing), each a Batch<kSmallBatch> or Batch<kMaxBatch> as norm.cu picks.
template <typename T>
void run_chunk_launches(const nm::Entry* entries, int32_t used, int cap, double* partials, int64_t grid_cap,
                        int vec = -1) {
    for (int32_t start = 0; start < used; start += cap) {
        const int32_t n = used - start < cap ? used - start : cap;
        if (n <= nm::kSmallBatch) {
            run_chunks<T, nm::kSmallBatch>(entries, start, n, partials, grid_cap, vec);
        } else {
            run_chunks<T, nm::kMaxBatch>(entries, start, n, partials, grid_cap, vec);
        }
    }
}

// The launches of norm.cu for a list, the kernels themselves on fibers: entries, the chunk launches, then the final
// block (alone, over no partials, when the list has no element). The partials start as NaN (they must all be
// written) with sentinel guard zones, as has out. *chunks_out = the chunk count.
template <typename T>
double run_squared_norm(const std::vector<const T*>& xs, const std::vector<int64_t>& counts, int cap,
                        int64_t* chunks_out = nullptr, int64_t grid_cap = kMaxGrid) {
    const int32_t count = static_cast<int32_t>(counts.size());
    std::vector<const void*> list(xs.begin(), xs.end());
    std::vector<nm::Entry> entries(static_cast<size_t>(count > 0 ? count : 1));
    int32_t used = 0;
    const int64_t chunks = nm::make_entries(list.data(), counts.data(), count, entries.data(), &used);
    if (chunks_out != nullptr) *chunks_out = chunks;
    Guarded<double> partials = output<double>(chunks);
    Guarded<T> out = output<T>(1);
    run_chunk_launches<T>(entries.data(), used, cap, partials.get(), grid_cap);
    const double* final_partials = chunks == 0 ? nullptr : partials.get();
    T* const result = out.get();
    run_grid("squared_norm_final_kernel", 1, nm::kFinalThreads,
             [&] { squared_norm_final_kernel<T>(final_partials, chunks, result); });
    expect(partials.guards_intact() && out.guards_intact(), "squared norm: the partials' and out's guard zones", 0,
           0);
    return static_cast<double>(out.get()[0]);
}

// The order gcgan_kernels.h and norm_internal.cuh document, written out with plain loops and none of the helpers:
// per tensor, per chunk of 16384, thread t adds the squares of groups t, t + 256, ... of 4 elements; the shuffle
// trees; the final block's threads add partials t, t + 256, ... It must give the kernels' bits.
template <typename T>
double documented_order(const std::vector<const T*>& xs, const std::vector<int64_t>& counts) {
    std::vector<double> partials;
    for (size_t i = 0; i < xs.size(); ++i) {
        for (int64_t begin = 0; begin < counts[i]; begin += 16384) {
            const int64_t end = std::min<int64_t>(begin + 16384, counts[i]);
            std::vector<double> per_thread(256, 0.0);
            for (int t = 0; t < 256; ++t) {
                for (int64_t e = begin + 4 * t; e < end; e += 4 * 256) {
                    for (int64_t k = e; k < e + 4 && k < end; ++k) {
                        const double v = static_cast<double>(xs[i][k]);
                        per_thread[t] += v * v;
                    }
                }
            }
            partials.push_back(documented_block_reduce(per_thread));
        }
    }
    std::vector<double> per_thread(256, 0.0);
    for (size_t g = 0; g < partials.size(); ++g) per_thread[g % 256] += partials[g];
    return static_cast<T>(documented_block_reduce(per_thread));
}

// A 16-byte-aligned host buffer of n elements of T, starting `shift` elements past the alignment (shift 1: the
// tensor is misaligned, so the scalar path runs).
template <typename T>
struct HostTensor {
    std::vector<T> storage;
    T* data;
    HostTensor(int64_t n, int shift) : storage(static_cast<size_t>(n + 8)) {
        T* p = storage.data();
        while ((reinterpret_cast<uintptr_t>(p) & 15u) != 0) ++p;
        data = p + shift;
    }
};

struct NormList {
    std::vector<int64_t> counts;
    std::vector<double> values;  // all tensors' elements, concatenated
};

NormList norm_list(const std::vector<int64_t>& counts, std::mt19937_64& rng, double scale) {
    NormList l;
    l.counts = counts;
    std::uniform_real_distribution<double> uni(-1.0, 1.0);
    int64_t total = 0;
    for (int64_t n : counts) total += n;
    l.values.resize(static_cast<size_t>(total));
    for (double& v : l.values) v = scale * uni(rng);
    return l;
}

// The list in T, each tensor in its own buffer shifted by `shift` elements; NULL for tensors without elements when
// null_empty.
template <typename T>
struct NormBuffers {
    std::vector<HostTensor<T>> tensors;
    std::vector<const T*> xs;
    NormBuffers(const NormList& l, int shift, bool null_empty) {
        tensors.reserve(l.counts.size());
        int64_t at = 0;
        for (int64_t n : l.counts) {
            tensors.emplace_back(n, shift);
            T* data = tensors.back().data;
            for (int64_t e = 0; e < n; ++e) data[e] = static_cast<T>(l.values[static_cast<size_t>(at + e)]);
            at += n;
            xs.push_back(n == 0 && null_empty ? nullptr : tensors.back().data);
        }
    }
};

// Every element of every tensor is read exactly once by the chunk kernel's blocks, and every chunk lies inside one
// tensor: squared_norm_chunks_kernel over an element type whose widening to double counts the read (and is 1).
struct Probe {
    static std::vector<int>* visits;
    static const Probe* base;
    static int64_t vector_groups;
    unsigned char pad;
    // __host__ __device__ as thread_chunk_sum is: never called on the device.
    __host__ __device__ explicit operator double() const {
#ifndef __CUDA_ARCH__
        ++(*visits)[static_cast<size_t>(this - base)];
#endif
        return 1.0;
    }
};
std::vector<int>* Probe::visits = nullptr;
const Probe* Probe::base = nullptr;
int64_t Probe::vector_groups = 0;

// norm_internal.cuh's 128-bit group load, for a Probe tensor (found by argument-dependent lookup).
__host__ __device__ double add_group_vec(double acc, const Probe* x, int64_t e) {
#ifndef __CUDA_ARCH__
    ++Probe::vector_groups;
#endif
    for (int k = 0; k < nm::kGroup; ++k) acc = nm::add_square(acc, static_cast<double>(x[e + k]));
    return acc;
}

void check_norm_coverage(const std::vector<int64_t>& counts, int cap, bool vec) {
    int64_t total = 0;
    for (int64_t n : counts) total += n;
    std::vector<Probe> all(static_cast<size_t>(total > 0 ? total : 1));
    std::vector<int> visits(all.size(), 0);
    Probe::visits = &visits;
    Probe::base = all.data();
    Probe::vector_groups = 0;
    const int32_t count = static_cast<int32_t>(counts.size());
    std::vector<const void*> list;
    std::vector<int64_t> starts;
    int64_t at = 0;
    for (int64_t n : counts) {
        list.push_back(all.data() + at);
        starts.push_back(at);
        at += n;
    }
    std::vector<nm::Entry> entries(static_cast<size_t>(count > 0 ? count : 1));
    int32_t used = 0;
    const int64_t chunks = nm::make_entries(list.data(), counts.data(), count, entries.data(), &used);
    int64_t want_chunks = 0;
    int32_t want_used = 0;
    for (int64_t n : counts) {
        want_chunks += (n + 16383) / 16384;
        want_used += n > 0 ? 1 : 0;
    }
    expect(chunks == want_chunks, "squared norm: chunk count", static_cast<double>(chunks),
           static_cast<double>(want_chunks));
    expect(used == want_used, "squared norm: entries (tensors with elements)", used, want_used);
    std::vector<int64_t> chunk_seen(static_cast<size_t>(chunks), 0);
    std::vector<double> chunk_size(static_cast<size_t>(chunks), NAN);
    bool all_inside = true;
    std::unique_ptr<nm::Batch<nm::kMaxBatch>> batch(new nm::Batch<nm::kMaxBatch>());
    for (int32_t start = 0; start < used; start += cap) {
        const int32_t n = used - start < cap ? used - start : cap;
        nm::fill_batch<nm::kMaxBatch>(entries.data(), start, n, batch.get());
        for (int64_t b = 0; b < batch->chunks; ++b) {
            const int64_t g = batch->first_chunk + b;
            const int32_t which = nm::find_entry(*batch, g);
            const nm::Entry& t = batch->entries[which];
            int64_t begin, end;
            nm::chunk_range(t, g, begin, end);
            const bool inside = begin >= 0 && begin < end && end <= t.numel && end - begin <= nm::kChunk &&
                                begin % nm::kChunk == 0 && (end - begin == nm::kChunk || end == t.numel);
            expect(inside, "squared norm: a chunk inside one tensor", static_cast<double>(begin),
                   static_cast<double>(end));
            if (g >= 0 && g < chunks) {
                ++chunk_seen[static_cast<size_t>(g)];
                chunk_size[static_cast<size_t>(g)] = static_cast<double>(end - begin);
            }
            all_inside &= inside;
        }
    }
    for (int64_t c : chunk_seen) expect(c == 1, "squared norm: each chunk launched once", static_cast<double>(c), 1);
    if (!all_inside) return;  // the kernel would read out of bounds
    // the chunk kernel itself, every launch of the split, its walks reading Probes: partial[g] = chunk g's size
    Guarded<double> partials = output<double>(chunks);
    run_chunk_launches<Probe>(entries.data(), used, cap, partials.get(), kMaxGrid, vec ? 1 : 0);
    expect(partials.guards_intact(), "squared norm: the partials' guard zones", 0, 0);
    for (int64_t g = 0; g < chunks; ++g) {
        expect_bits(partials.get()[g], chunk_size[static_cast<size_t>(g)], "squared norm: a chunk's Probe count");
    }
    for (size_t i = 0; i < counts.size(); ++i) {
        for (int64_t e = 0; e < counts[i]; ++e) {
            const int v = visits[static_cast<size_t>(starts[i] + e)];
            if (v != 1) {
                char what[120];
                std::snprintf(what, sizeof(what), "squared norm: tensor %zu element %lld read once (cap %d, vec %d)",
                              i, static_cast<long long>(e), cap, vec ? 1 : 0);
                expect(false, what, v, 1);
                return;
            }
        }
    }
    ++checks;
    if (vec && total >= 4) expect(Probe::vector_groups > 0, "squared norm: the 128-bit path ran", 0, 1);
}

// One list in dtype T: the kernels against a naive long double sum (bound: the additions' depth times the unit
// roundoff of double, plus the output's rounding); the same bits for the documented order written out, for every
// launch split, for misaligned tensors (scalar path), with NULL pointers for the empty tensors, and run again on
// grids of 3 blocks.
template <typename T>
void check_norm_case(const std::vector<int64_t>& counts, uint64_t seed, double scale) {
    std::mt19937_64 rng(seed);
    const NormList l = norm_list(counts, rng, scale);
    const NormBuffers<T> aligned(l, 0, false);
    int64_t chunks = 0;
    const double got = run_squared_norm(aligned.xs, l.counts, nm::kMaxBatch, &chunks);
    long double ref = 0;
    for (double v : l.values) {
        const long double t = static_cast<T>(v);
        ref += t * t;
    }
    char what[160];
    std::snprintf(what, sizeof(what), "squared norm %s: %zu tensors, %zu elements, %lld chunks",
                  sizeof(T) == 4 ? "f32" : "f64", counts.size(), l.values.size(), static_cast<long long>(chunks));
    // additions on the longest path: a thread's kChunk / kThreads, a tree's 10, the final thread's chunks / 256, 10
    const double depth = static_cast<double>(nm::kChunk / nm::kThreads) + 10 + static_cast<double>(chunks) / 256 + 10;
    const double out_rel = sizeof(T) == 4 ? 0x1p-24 : 0.0;
    const double tol = (depth * 0x1p-53 + out_rel) * static_cast<double>(ref) + 1e-300;
    expect(std::fabs(got - static_cast<double>(ref)) <= tol, what, got, static_cast<double>(ref));
    expect_bits(documented_order(aligned.xs, l.counts), got, what);
    for (int cap : {1, 3, nm::kSmallBatch, nm::kMaxBatch}) {
        expect_bits(run_squared_norm(aligned.xs, l.counts, cap), got, "squared norm: another launch split");
    }
    const NormBuffers<T> shifted(l, 1, true);
    expect_bits(run_squared_norm(shifted.xs, l.counts, nm::kMaxBatch), got,
                "squared norm: misaligned tensors (scalar loads), NULL empty tensors");
    expect_bits(run_squared_norm(aligned.xs, l.counts, nm::kMaxBatch, nullptr, 3), got,
                "squared norm: run again, on grids of 3 blocks (the grid-stride loop)");
}

void check_squared_norm() {
    using Counts = std::vector<int64_t>;
    const int64_t c = nm::kChunk;
    // the chunk plan: coverage, chunks inside tensors, for edge sizes and launch splits
    const Counts edges = {0, 1, 3, 4, 5, c - 1, c, c + 1, 0, 2 * c + 3, 7, 0};
    for (int cap : {1, 2, nm::kMaxBatch}) {
        check_norm_coverage(edges, cap, true);
        check_norm_coverage(edges, cap, false);
    }
    Counts many;
    std::mt19937_64 rng(99);
    for (int i = 0; i < 700; ++i) many.push_back(static_cast<int64_t>(rng() % 40));  // some 0s, several launches
    many.push_back(3 * c + 1);
    check_norm_coverage(many, nm::kMaxBatch, true);
    check_norm_coverage({}, nm::kMaxBatch, true);

    // values: edge sizes, one big tensor, a model-like list, many small tensors, empty ones
    const std::vector<Counts> cases = {
        {1}, {3}, {0, 5, 0}, {c - 1, c, c + 1}, edges, {300001}, {4 * 5 * 5 * 64, 64, 64, 128 * 64 * 16, 128, 128,
        1 * 128 * 16, 1}, many};
    uint64_t seed = 7;
    for (const Counts& cs : cases) {
        check_norm_case<float>(cs, seed++, 1.0);
        check_norm_case<double>(cs, seed++, 1.0);
    }
    check_norm_case<float>({5000, 17}, seed++, 1e-20);  // squares below float32's normal range: exact in double
    check_norm_case<double>({5000, 17}, seed++, 1e-150);

    // nothing to add: out = 0 (+0)
    const std::vector<const float*> none;
    expect_bits(run_squared_norm(none, Counts{}, nm::kMaxBatch), 0.0, "squared norm: empty list");
    const std::vector<const double*> nulls = {nullptr, nullptr};
    expect_bits(run_squared_norm(nulls, Counts{0, 0}, nm::kMaxBatch), 0.0, "squared norm: only empty tensors");

    // NaN and infinity propagate; a float32 result beyond FLT_MAX is +inf
    HostTensor<float> special(6, 0);
    const float vals[6] = {1.0f, 2.0f, NAN, 3.0f, 0.0f, 0.0f};
    std::memcpy(special.data, vals, sizeof(vals));
    expect_bits(run_squared_norm(std::vector<const float*>{special.data}, Counts{6}, nm::kMaxBatch), NAN,
                "squared norm: NaN propagates");
    special.data[2] = INFINITY;
    expect_bits(run_squared_norm(std::vector<const float*>{special.data}, Counts{6}, nm::kMaxBatch), INFINITY,
                "squared norm: inf");
    special.data[2] = 3e38f;
    special.data[3] = 3e38f;
    expect_bits(run_squared_norm(std::vector<const float*>{special.data}, Counts{6}, nm::kMaxBatch), INFINITY,
                "squared norm: float32 overflow of the rounded sum");
}

// ---- fused rectifier derivative (rectifier.cu) against the composed GT -> where -> MUL ----

// The bits of a T, NaN payloads included (same_bits above treats every NaN as equal).
template <typename T>
uint64_t bits_of(T v) {
    uint64_t b = 0;
    std::memcpy(&b, &v, sizeof(T));
    return b;
}

// The composed form as binary.cu computes it, one stored T between steps: mask = GT(x, broadcast 0) widened to
// double and stored as 1 or 0; factor = where(mask != 0, positive, other) with the constants held as T; out =
// MUL(g, factor): both widened, one double multiply, rounded once.
template <typename T>
T rectifier_composed(T x, T g, T positive, T other) {
    const T mask = static_cast<T>(static_cast<double>(x) > static_cast<double>(T(0)) ? 1.0 : 0.0);
    const T factor = mask != T(0) ? positive : other;
    return static_cast<T>(mul_rn(static_cast<double>(g), static_cast<double>(factor)));
}

template <typename T>
void check_rectifier_backward(const char* what) {
    using Limits = std::numeric_limits<T>;
    const T specials[] = {T(0), -T(0), T(1), T(-1), T(0.5), T(-2.75), T(3e-3), T(-7e5),
                          Limits::infinity(), -Limits::infinity(), Limits::quiet_NaN(), -Limits::quiet_NaN(),
                          Limits::denorm_min(), -Limits::denorm_min(), Limits::min(), -Limits::min(),
                          Limits::min() / T(3), Limits::max(), -Limits::max(), Limits::epsilon()};
    // (positive, other): ReLU, LeakyReLU's rounded factors, and factors that make the product overflow, underflow
    // into the denormals and round (for float32: the double product of two floats is exact, rounded once).
    const double slope = static_cast<double>(static_cast<T>(0.2));
    const double pairs[][2] = {{1.0, 0.0}, {1.0, slope}, {1.0, static_cast<double>(static_cast<T>(0.01))},
                               {-0.0, 1.0}, {static_cast<double>(static_cast<T>(1.0 / 3.0)), 3.0},
                               {static_cast<double>(Limits::max()), static_cast<double>(Limits::min())},
                               {static_cast<double>(Limits::infinity()), -0.0}, {0.0, 0.0}};
    std::mt19937_64 rng(20240611);
    std::uniform_real_distribution<double> uni(-4.0, 4.0);
    int local_failures = 0;
    auto compare = [&](T x, T g, double positive, double other) {
        const T fused = rectifier_backward_element<T>(x, g, positive, other);
        const T composed = rectifier_composed<T>(x, g, static_cast<T>(positive), static_cast<T>(other));
        ++checks;
        if (bits_of(fused) != bits_of(composed)) {
            ++local_failures;
            if (++failures <= 10) {
                std::printf("FAIL %s: x=%.17g g=%.17g positive=%.17g other=%.17g: fused %.17g (%llx), composed "
                            "%.17g (%llx)\n", what, static_cast<double>(x), static_cast<double>(g), positive, other,
                            static_cast<double>(fused), static_cast<unsigned long long>(bits_of(fused)),
                            static_cast<double>(composed), static_cast<unsigned long long>(bits_of(composed)));
            }
        }
    };
    for (const auto& pair : pairs) {
        for (T x : specials) {
            for (T g : specials) compare(x, g, pair[0], pair[1]);
        }
        for (int k = 0; k < 2000; ++k) {
            const T x = static_cast<T>(uni(rng));
            const T g = static_cast<T>(uni(rng) * std::ldexp(1.0, static_cast<int>(rng() % 40) - 20));
            compare(x, g, pair[0], pair[1]);
        }
    }
    // The contract's own examples, beyond the comparison.
    expect_bits(static_cast<double>(rectifier_backward_element<T>(Limits::quiet_NaN(), T(2), 1.0, slope)),
                static_cast<double>(static_cast<T>(2 * slope)), "rectifier: NaN x selects other");
    expect(bits_of(rectifier_backward_element<T>(T(-1), T(-3), 1.0, 0.0)) == bits_of(-T(0)),
           "rectifier: ReLU, x < 0, g < 0 gives -0", 0, 0);
    expect(bits_of(rectifier_backward_element<T>(-T(0), T(5), 1.0, 0.0)) == bits_of(T(0)),
           "rectifier: ReLU, x = -0 is not > 0", 0, 0);
    expect(std::isnan(rectifier_backward_element<T>(T(-1), Limits::infinity(), 1.0, 0.0)),
           "rectifier: ReLU, x < 0, g = inf gives NaN (inf * 0)", 0, 0);
    if (local_failures > 0) {
        std::printf("%s: %d mismatches between fused and composed\n", what, local_failures);
    }
}

// ---- reductions (reduce.cu): its kernels on fibers, against a naive loop with the CPU backend's rules ----

namespace rd = gcgan::reduce;

// MAX outputs whose maximum is a zero of both signs where the kernel's sign differs from the CPU backend's (the
// first zero in row-major order): accepted, counted and printed for the warp, block and split shapes, which combine
// lanes, warps and parts in a tree, so that combine_max's "first of equal values" is not the CPU loop's first (a
// known difference, not a failure here); the thread shape must match bit for bit.
int64_t reduce_zero_sign_differences = 0;

// NaN fills with a payload of their own, so that an output the kernels never wrote differs in its bits from every
// NaN a reduction can give (an input's NaN, below, or the empty MEAN's and MAX's NAN).
template <typename T>
T unwritten_nan() {
    if constexpr (sizeof(T) == 4) {
        const uint32_t bits = 0x7fe00123u;
        float v;
        std::memcpy(&v, &bits, 4);
        return v;
    } else {
        const uint64_t bits = 0x7ffc000000000123ull;
        double v;
        std::memcpy(&v, &bits, 8);
        return v;
    }
}

// The launches of reduce.cu's launch_reduce<T, Op> for its plan (rd::plan, which launch_reduce calls), every block
// on fibers; grid_cap below the plan's grid makes the kernels' grid-stride loops run. The split shape's float64
// partials start as NaN with sentinel guard zones.
template <typename T, int Op>
void run_reduce(const T* x, T* out, int64_t out_count, int64_t count, const gcgan_reduce_layout& layout,
                int64_t grid_cap) {
    const rd::Plan p = rd::plan(out_count, count, layout);
    const int64_t grid = std::min<int64_t>(p.grid, grid_cap);
    switch (p.shape) {
        case rd::Shape::kThread:
            run_grid("reduce_thread_kernel", grid, p.threads,
                     [&] { reduce_thread_kernel<T, Op>(x, out, out_count, count, layout); });
            return;
        case rd::Shape::kWarp:
            run_grid("reduce_warp_kernel", grid, p.threads,
                     [&] { reduce_warp_kernel<T, Op>(x, out, out_count, count, layout); });
            return;
        case rd::Shape::kBlock:
            run_grid("reduce_block_kernel", grid, p.threads, [&] {
                reduce_block_kernel<T, Op>(x, out, nullptr, out_count, count, 1, p.chunk, layout);
            });
            return;
        case rd::Shape::kSplit: {
            Guarded<double> partials = output<double>(out_count * p.parts);
            if (run_grid("reduce_block_kernel (split)", grid, p.threads, [&] {
                    reduce_block_kernel<T, Op>(x, out, partials.get(), out_count, count, p.parts, p.chunk, layout);
                })) {
                const double* done = partials.get();
                run_grid("reduce_finish_kernel", std::min<int64_t>(p.finish_grid, grid_cap), p.threads,
                         [&] { reduce_finish_kernel<T, Op>(done, out, out_count, count, p.parts); });
            }
            expect(partials.guards_intact(), "reduce split: the partials' guard zones", 0, 0);
            return;
        }
    }
}

struct ReduceCase {
    std::vector<int64_t> shape;
    std::vector<int> axes;  // ascending
    bool column_major;      // x's strides: first dimension fastest (the kept outputs then not contiguous)
    int64_t x_offset;
};

enum class ReduceData { kIntegers, kMaxSpecials, kMaxNaN, kMaxZeros, kMaxNegInf };

// One case, one dtype, one op: x of the given data (storage before x_offset NaN, NaN guard zones), out NaN-filled
// with sentinel guard zones, against the naive loop: every element of x in row-major order added (SUM, MEAN: small
// integers, so the sums are exact in any order) or combined as the CPU backend does (s = v > s || v is NaN ? v : s,
// from -inf), MEAN = sum / count in double, empty: SUM 0, MEAN and MAX NaN; then rounded to T. Bit for bit.
template <typename T, int Op>
void check_reduce_case(const ReduceCase& c, ReduceData data, uint64_t seed, int64_t grid_cap) {
    const int rank = static_cast<int>(c.shape.size());
    std::vector<int64_t> strides(rank);
    int64_t numel = 1;
    for (int i = 0; i < rank; ++i) {
        const int d = c.column_major ? i : rank - 1 - i;
        strides[d] = numel;
        numel *= c.shape[d];
    }
    std::vector<bool> reduced(rank, false);
    for (int a : c.axes) reduced[a] = true;
    gcgan_reduce_layout layout{};
    layout.x_offset = c.x_offset;
    int64_t out_count = 1;
    int64_t count = 1;
    for (int d = 0; d < rank; ++d) {
        if (reduced[d]) {
            layout.reduced_shape[layout.reduced_rank] = c.shape[d];
            layout.reduced_strides[layout.reduced_rank++] = strides[d];
            count *= c.shape[d];
        } else {
            layout.kept_shape[layout.kept_rank] = c.shape[d];
            layout.kept_strides[layout.kept_rank++] = strides[d];
            out_count *= c.shape[d];
        }
    }
    if (out_count == 0) return;  // reduce_entry launches nothing

    std::mt19937_64 rng(seed);
    const double input_nan = -std::numeric_limits<double>::quiet_NaN();  // sign bit set: not the kernels' NAN
    const double nan_chance = 1.0 / static_cast<double>(std::max<int64_t>(count, 1));
    std::uniform_real_distribution<double> u01(0.0, 1.0);
    std::vector<double> v(static_cast<size_t>(c.x_offset + numel), NAN);
    for (int64_t i = c.x_offset; i < c.x_offset + numel; ++i) {
        double e = static_cast<double>(static_cast<int64_t>(rng() % 17) - 8);
        switch (data) {
            case ReduceData::kIntegers: break;
            case ReduceData::kMaxSpecials: {
                const uint64_t k = rng() % 64;
                e = k == 0 ? INFINITY : (k == 1 ? -INFINITY : static_cast<double>(static_cast<int64_t>(rng() % 201)
                                                                                  - 100));
                break;
            }
            case ReduceData::kMaxNaN: e = u01(rng) < nan_chance ? input_nan : e; break;
            case ReduceData::kMaxZeros: {
                const uint64_t k = rng() % 8;
                e = k < 3 ? 0.0 : (k < 6 ? -0.0 : (k == 6 ? -1.0 : -INFINITY));
                break;
            }
            case ReduceData::kMaxNegInf: e = u01(rng) < nan_chance / 4 ? input_nan : -INFINITY; break;
        }
        v[static_cast<size_t>(i)] = e;
    }
    Guarded<T> x = input<T>(v);
    Guarded<T> out = output<T>(out_count);
    for (int64_t o = 0; o < out_count; ++o) out.get()[o] = unwritten_nan<T>();

    // The naive loop: every element of x in row-major order over the shape, into its output.
    constexpr bool kMax = Op == GCGAN_REDUCE_MAX;
    std::vector<double> acc(static_cast<size_t>(out_count), kMax ? -INFINITY : 0.0);
    std::vector<int> zeros(static_cast<size_t>(out_count), 0);  // bit 0: a +0 seen, bit 1: a -0
    std::vector<int64_t> index(static_cast<size_t>(std::max(rank, 1)), 0);
    for (int64_t flat = 0; flat < numel; ++flat) {
        int64_t o = 0;
        int64_t off = c.x_offset;
        for (int d = 0; d < rank; ++d) {
            if (!reduced[d]) o = o * c.shape[d] + index[d];
            off += index[d] * strides[d];
        }
        const double e = static_cast<double>(x.get()[off]);
        double& s = acc[static_cast<size_t>(o)];
        if (kMax) {
            s = (e > s || std::isnan(e)) && !std::isnan(s) ? e : s;  // the CPU loop stops at the first NaN
            if (e == 0.0) zeros[static_cast<size_t>(o)] |= std::signbit(e) ? 2 : 1;
        } else {
            s += e;
        }
        for (int d = rank - 1; d >= 0; --d) {  // odometer
            if (++index[d] < c.shape[d]) break;
            index[d] = 0;
        }
    }

    run_reduce<T, Op>(x.get(), out.get(), out_count, count, layout, grid_cap);

    // The thread shape combines an output's elements in the CPU loop's order: its zeros' signs must match too.
    const bool tree = count > 0 && rd::plan(out_count, count, layout).shape != rd::Shape::kThread;
    static const char* const kOps[] = {"SUM", "MEAN", "MAX"};
    char what[160];
    std::snprintf(what, sizeof(what), "reduce %s %s shape rank %d, %lld outputs of %lld, data %d, grid cap %lld",
                  kOps[Op], sizeof(T) == 4 ? "f32" : "f64", rank, static_cast<long long>(out_count),
                  static_cast<long long>(count), static_cast<int>(data), static_cast<long long>(grid_cap));
    for (int64_t o = 0; o < out_count; ++o) {
        double want = acc[static_cast<size_t>(o)];
        if (count == 0) {
            want = Op == GCGAN_REDUCE_SUM ? 0.0 : NAN;
        } else if (Op == GCGAN_REDUCE_MEAN) {
            want = want / static_cast<double>(count);
        }
        const T got = out.get()[o];
        const T want_t = static_cast<T>(want);
        if (kMax && tree && want == 0.0 && got == T(0) && zeros[static_cast<size_t>(o)] == 3) {
            if (bits_of(got) != bits_of(want_t)) ++reduce_zero_sign_differences;
            ++checks;
            continue;
        }
        expect(bits_of(got) == bits_of(want_t), what, static_cast<double>(got), static_cast<double>(want_t));
    }
    expect(out.guards_intact(), "reduce: the output's guard zones", 0, 0);
}

template <typename T>
void check_reduce_dtype(const ReduceCase& c, uint64_t seed, int64_t grid_cap) {
    check_reduce_case<T, GCGAN_REDUCE_SUM>(c, ReduceData::kIntegers, seed, grid_cap);
    check_reduce_case<T, GCGAN_REDUCE_MEAN>(c, ReduceData::kIntegers, seed + 1, grid_cap);
    check_reduce_case<T, GCGAN_REDUCE_MAX>(c, ReduceData::kIntegers, seed + 2, grid_cap);
    check_reduce_case<T, GCGAN_REDUCE_MAX>(c, ReduceData::kMaxSpecials, seed + 3, grid_cap);
    check_reduce_case<T, GCGAN_REDUCE_MAX>(c, ReduceData::kMaxNaN, seed + 4, grid_cap);
    check_reduce_case<T, GCGAN_REDUCE_MAX>(c, ReduceData::kMaxZeros, seed + 5, grid_cap);
    check_reduce_case<T, GCGAN_REDUCE_MAX>(c, ReduceData::kMaxNegInf, seed + 6, grid_cap);
}

void check_reduce() {
    // Every case as launched (the plan's grid) and with at most 3 blocks per launch (grid-stride loops).
    const std::vector<ReduceCase> cases = {
        {{1}, {0}, false, 0},                // thread
        {{31}, {0}, false, 3},
        {{32}, {0}, false, 0},
        {{33}, {0}, false, 0},               // warp
        {{255}, {0}, false, 1},
        {{256}, {0}, false, 0},
        {{257}, {0}, false, 0},
        {{1025}, {0}, false, 2},             // block (one part: the count under kMinChunk)
        {{3000}, {0}, false, 0},
        {{4097}, {0}, false, 0},             // split, 2 parts
        {{9000}, {0}, false, 5},             // split, 3 parts
        {{33, 255}, {0}, false, 0},          // leading
        {{255, 33}, {1}, false, 0},          // trailing
        {{257, 31}, {0}, true, 0},           // leading, column-major
        {{7, 257, 3}, {1}, false, 4},        // middle
        {{3, 256, 5}, {1}, true, 0},
        {{4, 5, 6, 7}, {0, 2}, false, 0},    // several
        {{4, 5, 6, 7}, {1, 3}, true, 1},
        {{4, 5, 6, 7}, {0, 1, 2, 3}, false, 0},
        {{3, 1100}, {1}, false, 0},          // block, 3 outputs
        {{2, 5000}, {1}, false, 0},          // split, 2 outputs of 2 parts
        {{5000, 2}, {0}, false, 0},          // split, strided reads
        {{2, 33, 65}, {1, 2}, false, 0},     // block, 2 outputs over two axes
        {{33, 2100}, {0}, false, 0},         // thread, contiguous outputs (coalesced)
        {{2100, 31}, {1}, false, 0},         // thread, 2100 outputs
        {{300, 40}, {1}, false, 0},          // warp, 300 outputs
        {{6, 4}, {}, false, 2},              // nothing reduced: a copy
        {{5, 0}, {1}, false, 0},             // empty reductions
        {{0, 5}, {1}, false, 0},             // no outputs: nothing launched
    };
    uint64_t seed = 1;
    for (const ReduceCase& c : cases) {
        for (int64_t cap : {kMaxGrid, int64_t{3}}) {
            check_reduce_dtype<float>(c, seed, cap);
            check_reduce_dtype<double>(c, seed + 100, cap);
            seed += 1000;
        }
    }
    // The plans themselves: the shape for each count, the split's parts and chunk.
    gcgan_reduce_layout all{};
    all.reduced_rank = 1;
    expect(rd::plan(1, 32, all).shape == rd::Shape::kThread, "reduce plan: 32 elements, thread", 0, 0);
    expect(rd::plan(1, 33, all).shape == rd::Shape::kWarp, "reduce plan: 33 elements, warp", 0, 0);
    expect(rd::plan(1, 1024, all).shape == rd::Shape::kWarp, "reduce plan: 1024 elements, warp", 0, 0);
    expect(rd::plan(1, 4096, all).shape == rd::Shape::kBlock, "reduce plan: 4096 elements, block", 0, 0);
    const rd::Plan split = rd::plan(1, 9000, all);
    expect(split.shape == rd::Shape::kSplit && split.parts == 3 && split.chunk == 3000 && split.grid == 3,
           "reduce plan: 9000 elements, 3 parts of 3000", static_cast<double>(split.parts), 3);
    if (reduce_zero_sign_differences > 0) {
        std::printf("host_selfcheck: note: %lld MAX outputs over zeros of both signs came out with the other sign "
                    "than the CPU backend's (accepted: see check_reduce_case)\n",
                    static_cast<long long>(reduce_zero_sign_differences));
    }
}

}  // namespace

// im2col_element and col2im_element (im2col_internal.cuh) over every element of one geometry: col against a naive
// walk of gcgan_kernels.h's definition, and dx bit for bit against a naive scatter of col in row order, which adds
// each dx element's contributions in the documented order (ri, then si, ascending).
template <typename T>
void check_im2col_case(const Im2colDims& d, const char* what) {
    std::mt19937_64 rnd(static_cast<uint64_t>(d.n * 131 + d.c * 17 + d.h * 7 + d.r * 3 + d.stride_h + d.pad_w));
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<T> x(static_cast<size_t>(d.n * d.c * d.h * d.w));
    for (T& v : x) v = static_cast<T>(u(rnd));
    std::vector<T> col(static_cast<size_t>(d.rows() * d.columns()));
    for (T& v : col) v = static_cast<T>(u(rnd));
    std::vector<T> scattered(x.size(), T(0));
    for (int64_t ci = 0; ci < d.c; ++ci)
        for (int64_t ri = 0; ri < d.r; ++ri)
            for (int64_t si = 0; si < d.s; ++si)
                for (int64_t ni = 0; ni < d.n; ++ni)
                    for (int64_t pi = 0; pi < d.p; ++pi)
                        for (int64_t qi = 0; qi < d.q; ++qi) {
                            const int64_t row = (ci * d.r + ri) * d.s + si;
                            const int64_t column = (ni * d.p + pi) * d.q + qi;
                            const int64_t yi = pi * d.stride_h - d.pad_h + ri;
                            const int64_t xi = qi * d.stride_w - d.pad_w + si;
                            const bool inside = yi >= 0 && yi < d.h && xi >= 0 && xi < d.w;
                            const int64_t at = ((ni * d.c + ci) * d.h + yi) * d.w + xi;
                            const T want = inside ? x[static_cast<size_t>(at)] : T(0);
                            const int64_t flat = row * d.columns() + column;
                            const T got = im2col_element(x.data(), d, flat);
                            expect(got == want, what, got, want);
                            const T got32 = im2col_element<int32_t>(x.data(), d, static_cast<int32_t>(flat));
                            expect(got32 == want, what, got32, want);
                            if (inside) scattered[static_cast<size_t>(at)] += col[static_cast<size_t>(flat)];
                        }
    for (size_t i = 0; i < x.size(); ++i) {
        const T got = col2im_element(col.data(), d, static_cast<int64_t>(i));
        expect_bits(static_cast<double>(got), static_cast<double>(scattered[i]), what);
        const T got32 = col2im_element<int32_t>(col.data(), d, static_cast<int32_t>(i));
        expect_bits(static_cast<double>(got32), static_cast<double>(scattered[i]), what);
    }
}

void check_im2col() {
    // n, c, h, w, r, s, stride_h, stride_w, pad_h, pad_w; p and q follow. DCGAN's 4x4 stride-2 pad-1 layers (small),
    // stride 1 with padding 2, rectangular kernels and strides, a stride larger than the kernel, kernel = input.
    const int64_t cases[][10] = {{2, 3, 8, 8, 4, 4, 2, 2, 1, 1}, {3, 2, 5, 7, 3, 3, 1, 1, 2, 2},
                                 {1, 1, 9, 6, 2, 3, 3, 2, 0, 1}, {2, 4, 4, 4, 4, 4, 1, 1, 0, 0},
                                 {1, 5, 7, 5, 3, 1, 2, 1, 1, 0}, {2, 2, 9, 9, 2, 2, 3, 3, 1, 1}};
    for (const auto& v : cases) {
        Im2colDims d{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], 0, 0};
        d.p = (d.h + 2 * d.pad_h - d.r) / d.stride_h + 1;
        d.q = (d.w + 2 * d.pad_w - d.s) / d.stride_w + 1;
        check_im2col_case<float>(d, "im2col/col2im f32");
        check_im2col_case<double>(d, "im2col/col2im f64");
        expect(im2col_fits_int32(d), "im2col: small geometries take the int32 path", 1, 0);
    }
    // The int32 path's bounds: col just below and at 2^31 elements, x at 2^31 elements.
    const Im2colDims below{1, 1, 46340, 46340, 1, 1, 1, 1, 0, 0, 46340, 46340};  // 2,147,395,600 elements
    const Im2colDims at_col{2, 1, 32768, 32768, 1, 1, 1, 1, 0, 0, 32768, 32768};  // 2^31
    expect(im2col_fits_int32(below), "im2col: col of 2^31 - 87,999 elements fits int32", 1, 0);
    expect(!im2col_fits_int32(at_col), "im2col: col of 2^31 elements does not fit int32", 1, 0);
}

// The L2 prefetch of a byte range by a group of threads (prefetch_internal.cuh, the optimizer's two-pass rows): for
// rows that start anywhere in a line (float-aligned), of lengths around a line and the reference models' rows, and
// for the groups the kernel uses (a warp, 64..256 threads, a block), every address lies inside the row and every
// line the row touches is asked for exactly once.
void check_prefetch_lines() {
    const uintptr_t base = uintptr_t{1} << 20;  // a line-aligned address; rows start at base + offset
    for (uintptr_t offset = 0; offset < gcgan::prefetch::kLine; offset += 4) {
        for (int64_t floats : {int64_t{1}, int64_t{31}, int64_t{32}, int64_t{33}, int64_t{45}, int64_t{100},
                               int64_t{1000}, int64_t{1024}, int64_t{1100}, int64_t{2052}, int64_t{4096},
                               int64_t{8192}, int64_t{20001}}) {
            const int64_t bytes = floats * 4;
            const uintptr_t begin = base + offset;
            const uintptr_t end = begin + static_cast<uintptr_t>(bytes);
            const uintptr_t first_line = begin / gcgan::prefetch::kLine;
            const uintptr_t lines = (end - 1) / gcgan::prefetch::kLine - first_line + 1;
            for (int stride : {32, 64, 128, 256}) {
                std::vector<int> asked(lines, 0);
                bool inside = true;
                for (int t = 0; t < stride; ++t) {
                    gcgan::prefetch::for_each_line(begin, bytes, t, stride, [&](uintptr_t a) {
                        inside &= a >= begin && a < end;
                        const uintptr_t line = a / gcgan::prefetch::kLine - first_line;
                        if (line < lines) ++asked[line];
                    });
                }
                bool once = true;
                for (int n : asked) once &= n == 1;
                expect(inside, "prefetch: an address outside the row", static_cast<double>(offset),
                       static_cast<double>(floats));
                expect(once, "prefetch: a line asked for not exactly once", static_cast<double>(offset),
                       static_cast<double>(stride));
            }
        }
    }
}

int main() {
    // ---- strided index math ----
    gcgan_strided_layout l{};
    l.rank = 3;
    l.shape[0] = 2; l.shape[1] = 3; l.shape[2] = 4;
    l.strides[0][0] = 12; l.strides[0][1] = 4; l.strides[0][2] = 1;   // dense
    l.strides[1][0] = 1; l.strides[1][1] = 2; l.strides[1][2] = 6;    // permuted
    l.strides[2][0] = 0; l.strides[2][1] = 1; l.strides[2][2] = 0;    // broadcast
    l.strides[3][0] = -12; l.strides[3][1] = -4; l.strides[3][2] = -1; // reversed
    l.offsets[0] = 0; l.offsets[1] = 5; l.offsets[2] = 7; l.offsets[3] = 23;
    check_layout<4>(l, "rank-3 layout, 4 operands");
    gcgan_strided_layout scalar{};
    scalar.offsets[0] = 9;
    check_layout<1>(scalar, "rank-0 layout");
    gcgan_strided_layout deep{};
    deep.rank = GCGAN_MAX_RANK;
    for (int d = 0; d < GCGAN_MAX_RANK; ++d) {
        deep.shape[d] = 2;
        deep.strides[0][d] = int64_t{1} << d;  // fully reversed
        deep.strides[1][d] = int64_t{1} << (GCGAN_MAX_RANK - 1 - d);
    }
    check_layout<2>(deep, "rank-8 transpose");
    const int64_t shape[3] = {3, 5, 7};
    const int64_t strides[3] = {1, 3, 15};
    for (int64_t flat = 0; flat < 105; ++flat) {
        const int64_t i0 = flat / 35, i1 = flat / 7 % 5, i2 = flat % 7;
        expect(offset_of(flat, 3, shape, strides) == i0 + 3 * i1 + 15 * i2, "offset_of", 0, 0);
    }

    // ---- Java's max/min: NaN propagates, -0 < +0 ----
    const double nan = std::nan("");
    expect_bits(java_max(nan, 1.0), nan, "max(NaN, 1)");
    expect_bits(java_max(1.0, nan), nan, "max(1, NaN)");
    expect_bits(java_max(-0.0, 0.0), 0.0, "max(-0, +0)");
    expect_bits(java_max(0.0, -0.0), 0.0, "max(+0, -0)");
    expect_bits(java_max(-0.0, -0.0), -0.0, "max(-0, -0)");
    expect_bits(java_min(-0.0, 0.0), -0.0, "min(-0, +0)");
    expect_bits(java_min(0.0, -0.0), -0.0, "min(+0, -0)");
    expect_bits(java_min(nan, -INFINITY), nan, "min(NaN, -inf)");
    expect_bits(java_min(java_max(nan, 0.0), 1.0), nan, "clamp(NaN, 0, 1)");
    expect_bits(java_min(java_max(-3.0, -1.0), 1.0), -1.0, "clamp(-3, -1, 1)");

    // ---- Java's Math.pow where C's pow differs, and the exact exponents ----
    expect_bits(java_pow(1.0, nan), nan, "pow(1, NaN)");
    expect_bits(java_pow(1.0, INFINITY), nan, "pow(1, inf)");
    expect_bits(java_pow(-1.0, -INFINITY), nan, "pow(-1, -inf)");
    expect_bits(java_pow(nan, 0.0), 1.0, "pow(NaN, 0)");
    expect_bits(java_pow(nan, -0.0), 1.0, "pow(NaN, -0)");
    expect_bits(java_pow(-8.0, 1.0 / 3.0), nan, "pow(-8, 1/3)");
    expect_bits(java_pow(-0.0, -1.0), -INFINITY, "pow(-0, -1)");
    expect_bits(java_pow(0.5, INFINITY), 0.0, "pow(0.5, inf)");
    expect_bits(element_pow(3.0, 2.0), 9.0, "pow(3, 2) as a multiply");
    expect_bits(element_pow(nan, 1.0), nan, "pow(NaN, 1) = NaN");
    expect_bits(element_pow(-2.5, 1.0), -2.5, "pow(x, 1) = x");

    // ---- sigmoid: no overflow at either end ----
    expect_bits(element_sigmoid(0.0), 0.5, "sigmoid(0)");
    expect_bits(element_sigmoid(-1000.0), 0.0, "sigmoid(-1000)");
    expect_bits(element_sigmoid(1000.0), 1.0, "sigmoid(1000)");
    expect_bits(element_sigmoid(nan), nan, "sigmoid(NaN)");

    // ---- fused rectifier derivative: bit for bit the composed GT -> where -> MUL, special values included ----
    check_rectifier_backward<float>("rectifier f32");
    check_rectifier_backward<double>("rectifier f64");

    // ---- fused batch normalization: plans, index walk, stages and block reductions vs naive loops ----
    check_batchnorm();

    // ---- squared norm: chunk plan, thread walks and combine order vs naive sums and the documented order ----
    check_squared_norm();

    // ---- reductions: every launch shape of reduce.cu, its kernels on fibers vs a naive loop ----
    check_reduce();

    // ---- im2col and col2im: the element functions vs the layout's definition and a naive scatter ----
    check_im2col();

    // ---- the optimizer's L2 prefetch: addresses inside the row, every line once ----
    check_prefetch_lines();

    if (failures > 0) {
        std::printf("host_selfcheck: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    std::printf("host_selfcheck: %d checks passed\n", checks);
    return 0;
}
