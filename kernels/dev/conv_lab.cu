// conv_lab.cu - the conv kernel lab: gcgan's own conv2d kernels (kernels/src/conv_internal.cuh, the code that
// libgcgan_kernels runs) on the 14 reference layers (dcgan64, mnist28; bench ReferenceShapes, batch 64) x 3 passes,
// checked against a naive direct convolution on the GPU (one thread per output, double accumulation) and timed with
// CUDA events. No Java, no cuDNN.
//
// Shapes: x [N, C, H, W], w [K, C, R, S], y [N, K, P, Q]. A transposed layer is listed as the conv it is the adjoint
// of (its forward is this conv's backward-data, "bd").
//
// Build and run from the repository root (nvcc on the PATH; sm_90 = H100/H200):
//   nvcc -std=c++17 -O3 -arch=sm_90 -I kernels/include -I kernels/src kernels/dev/conv_lab.cu kernels/src/status.cu \
//        -o build/conv_lab
//   build/conv_lab                      check + time the production plan and the variants, float32
//   build/conv_lab --dtype f64          the same in float64
//   build/conv_lab --tf32               float32 with GCGAN_CONV_ALLOW_TF32 (tensor cores for N > 16; error bound
//                                       widened by the inputs' rounding to TF32, 2^-10 + 2^-22 per product)
//   build/conv_lab --layer dcgan64.g5,mnist28   only the layers whose names contain one of the parts
//   build/conv_lab --check-only         check only, one run per (layer, pass), for compute-sanitizer:
//   compute-sanitizer --tool memcheck build/conv_lab --check-only --batch 2
//   compute-sanitizer --tool racecheck build/conv_lab --check-only --batch 1
// or with CMake: cmake -S . -B build/cmake -DGCGAN_BUILD_LAB=ON && cmake --build build/cmake --target conv_lab
//
// Output: one line per (layer, pass): the plan (tile BMxBN/splits, or direct/channels per chunk), median ms of 20 timed runs after 3 warm-ups,
// GFLOP/s (2 N K P Q C R S per pass), the worst error relative to the sum of |terms| against the allowed
// 8 sqrt(terms) u + u, our time over PyTorch cuDNN's on an H200 (float32 batch 64 only; "!" beyond issue 6's 2x),
// and the median ms of the variants:
//   v0  the production plan (what libgcgan_kernels runs; "direct" = the direct backward-data for c <= 4, whose
//       GEMM plan the variants v1..v6 still follow)
//   v1  Large tile (128x64) with automatic split-K      v2  Medium tile (64x64), automatic split-K
//   v3  Narrow tile (128x16), automatic split-K         v4  Skinny (512 rows x up to 4 columns), automatic split-K
//   v5  the production tile without split-K             ("-": not run, too many columns for that tile)
//   v6  the production plan with the strided thread layout (consecutive threads on consecutive rows) instead of
//       the warp-tiled one, Large/Medium only
//   v7  the Huge tile (128x128, 8x8 per thread, one block per SM), automatic split-K, where the pass has > 64
//       columns (the candidate for the 128-512-channel layers)
//   v8  backward-data by the direct kernel wherever it fits (c <= 4), whatever the batch: so that --check-only at a
//       small batch (compute-sanitizer) runs it too
//   v9  the production plan's tile with its A row's gather hoisted out of the K loop (TileConfig::HOIST_ROW),
//       Large/Medium only
// Each variant is checked too; a failed check prints FAIL on the line and the exit status is 1.
#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#define GCGAN_CONV_LEGACY_TILES 1  // the strided tiles too (lab v6)
#include "conv_internal.cuh"
#include "lab_common.cuh"

using namespace gcgan::conv;

#define LAB_CHECK(call)                                                                                       \
    do {                                                                                                      \
        cudaError_t e_ = (call);                                                                              \
        if (e_ != cudaSuccess) {                                                                              \
            std::fprintf(stderr, "conv_lab: %s failed with %s (%s) at line %d\n", #call, cudaGetErrorName(e_), \
                         cudaGetErrorString(e_), __LINE__);                                                   \
            std::exit(2);                                                                                     \
        }                                                                                                     \
    } while (0)

namespace {

struct Layer {
    const char* name;
    int c, h, w, k, r, s, stride, pad;  // the conv geometry (for a transposed layer: its adjoint conv)
    bool transposed;
};

// PyTorch's cuDNN (autotuned, float32, batch 64) on an H200, ms per pass of the LAYER: forward, backward-data,
// backward-weight (issue 6's targets: ours within 2x). For a transposed layer its forward is this lab's "bd" row
// (the conv's backward-data) and its backward-data the "f" row; cudnn_ms() does that mapping.
struct CudnnRef {
    const char* name;
    double f, bd, bw;
};
const CudnnRef kCudnn[] = {
    {"dcgan64.g1", 0.087, 0.265, 0.033}, {"dcgan64.g2", 0.270, 0.195, 0.169}, {"dcgan64.g3", 0.167, 0.179, 0.170},
    {"dcgan64.g4", 0.200, 0.135, 0.191}, {"dcgan64.g5", 0.066, 0.039, 0.060}, {"dcgan64.d1", 0.033, 0.072, 0.062},
    {"dcgan64.d2", 0.128, 0.203, 0.194}, {"dcgan64.d3", 0.170, 0.173, 0.167}, {"dcgan64.d4", 0.190, 0.275, 0.168},
    {"dcgan64.d5", 0.055, 0.032, 0.027}, {"mnist28.g1", 0.061, 0.065, 0.074}, {"mnist28.g2", 0.025, 0.029, 0.032},
    {"mnist28.d1", 0.021, 0.031, 0.032}, {"mnist28.d2", 0.060, 0.067, 0.075},
};

// bench ReferenceShapes, as conv geometries at batch N (the batch is set on the command line, default 64).
const Layer kLayers[] = {
    {"dcgan64.g1", 512, 4, 4, 100, 4, 4, 1, 0, true},   {"dcgan64.g2", 256, 8, 8, 512, 4, 4, 2, 1, true},
    {"dcgan64.g3", 128, 16, 16, 256, 4, 4, 2, 1, true}, {"dcgan64.g4", 64, 32, 32, 128, 4, 4, 2, 1, true},
    {"dcgan64.g5", 3, 64, 64, 64, 4, 4, 2, 1, true},    {"dcgan64.d1", 3, 64, 64, 64, 4, 4, 2, 1, false},
    {"dcgan64.d2", 64, 32, 32, 128, 4, 4, 2, 1, false}, {"dcgan64.d3", 128, 16, 16, 256, 4, 4, 2, 1, false},
    {"dcgan64.d4", 256, 8, 8, 512, 4, 4, 2, 1, false},  {"dcgan64.d5", 512, 4, 4, 1, 4, 4, 1, 0, false},
    {"mnist28.g1", 64, 14, 14, 128, 4, 4, 2, 1, true},  {"mnist28.g2", 1, 28, 28, 64, 4, 4, 2, 1, true},
    {"mnist28.d1", 1, 28, 28, 64, 4, 4, 2, 1, false},   {"mnist28.d2", 64, 14, 14, 128, 4, 4, 2, 1, false},
};

enum Pass { kForward = 0, kBackwardData = 1, kBackwardWeight = 2 };
const char* kPassNames[] = {"f", "bd", "bw"};

// cuDNN's time for this conv pass of layer l (0 if unknown): the transposed layers' f and bd swap roles.
double cudnn_ms(const Layer& l, Pass pass) {
    for (const CudnnRef& c : kCudnn) {
        if (std::strcmp(c.name, l.name) != 0) continue;
        if (pass == kBackwardWeight) return c.bw;
        const bool layer_forward = (pass == kForward) != l.transposed;
        return layer_forward ? c.f : c.bd;
    }
    return 0;
}

// ---- naive direct convolution, one thread per output element, double accumulation ----

template <typename T>
__global__ void naive_forward(ConvDims d, const T* x, const T* w, double* y, bool absolute) {
    const int64_t total = static_cast<int64_t>(d.n) * d.k * d.p * d.q;
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int q = static_cast<int>(i % d.q), p = static_cast<int>(i / d.q % d.p);
        const int k = static_cast<int>(i / d.pq % d.k), n = static_cast<int>(i / d.pq / d.k);
        double acc = 0;
        for (int c = 0; c < d.c; ++c)
            for (int r = 0; r < d.r; ++r)
                for (int s = 0; s < d.s; ++s) {
                    const int hi = p * d.sh - d.ph + r, wi = q * d.sw - d.pw + s;
                    if (hi < 0 || hi >= d.h || wi < 0 || wi >= d.w) continue;
                    const double a = x[((static_cast<int64_t>(n) * d.c + c) * d.h + hi) * d.w + wi];
                    const double b = w[((static_cast<int64_t>(k) * d.c + c) * d.r + r) * d.s + s];
                    acc += absolute ? fabs(a) * fabs(b) : a * b;
                }
        y[i] = acc;
    }
}

template <typename T>
__global__ void naive_backward_data(ConvDims d, const T* dy, const T* w, double* dx, bool absolute) {
    const int64_t total = static_cast<int64_t>(d.n) * d.c * d.h * d.w;
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int wi = static_cast<int>(i % d.w), hi = static_cast<int>(i / d.w % d.h);
        const int c = static_cast<int>(i / d.hw % d.c), n = static_cast<int>(i / d.hw / d.c);
        double acc = 0;
        for (int k = 0; k < d.k; ++k)
            for (int r = 0; r < d.r; ++r)
                for (int s = 0; s < d.s; ++s) {
                    const int ph = hi + d.ph - r, pw = wi + d.pw - s;
                    if (ph < 0 || pw < 0 || ph % d.sh != 0 || pw % d.sw != 0) continue;
                    const int p = ph / d.sh, q = pw / d.sw;
                    if (p >= d.p || q >= d.q) continue;
                    const double a = dy[((static_cast<int64_t>(n) * d.k + k) * d.p + p) * d.q + q];
                    const double b = w[((static_cast<int64_t>(k) * d.c + c) * d.r + r) * d.s + s];
                    acc += absolute ? fabs(a) * fabs(b) : a * b;
                }
        dx[i] = acc;
    }
}

template <typename T>
__global__ void naive_backward_weight(ConvDims d, const T* x, const T* dy, double* dw, bool absolute) {
    const int64_t total = static_cast<int64_t>(d.k) * d.c * d.r * d.s;
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < total;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int s = static_cast<int>(i % d.s), r = static_cast<int>(i / d.s % d.r);
        const int c = static_cast<int>(i / (d.r * d.s) % d.c), k = static_cast<int>(i / (d.r * d.s) / d.c);
        double acc = 0;
        for (int n = 0; n < d.n; ++n)
            for (int p = 0; p < d.p; ++p)
                for (int q = 0; q < d.q; ++q) {
                    const int hi = p * d.sh - d.ph + r, wi = q * d.sw - d.pw + s;
                    if (hi < 0 || hi >= d.h || wi < 0 || wi >= d.w) continue;
                    const double a = dy[((static_cast<int64_t>(n) * d.k + k) * d.p + p) * d.q + q];
                    const double b = x[((static_cast<int64_t>(n) * d.c + c) * d.h + hi) * d.w + wi];
                    acc += absolute ? fabs(a) * fabs(b) : a * b;
                }
        dw[i] = acc;
    }
}

// Uniform in [-1, 1), from a hash of the index (reproducible, no host round trip).
template <typename T>
__global__ void fill_uniform(T* out, int64_t n, uint32_t seed) {
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        uint32_t h = static_cast<uint32_t>(i) * 0x9E3779B9u ^ seed;
        h ^= h >> 16; h *= 0x85EBCA6Bu; h ^= h >> 13; h *= 0xC2B2AE35u; h ^= h >> 16;
        out[i] = static_cast<T>(static_cast<double>(h) * (2.0 / 4294967296.0) - 1.0);
    }
}

template <typename T>
__global__ void fill_nan(T* out, int64_t n) {
    for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < n;
         i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        out[i] = static_cast<T>(NAN);
    }
}

constexpr unsigned kGrid = 1024, kBlock = 256;

bool g_tf32 = false;  // --tf32: float32 Large/Medium tiles on TF32 tensor cores (GCGAN_CONV_ALLOW_TF32)

struct Buffers {
    void* x; void* w; void* dy; void* out;
    double* ref; double* absref;
    int64_t nx, nw, ny;
};

template <typename T>
gcgan_status run_pass(Pass pass, const ConvDims& d, const Buffers& b, int force_tile, int32_t force_splits,
                      cudaStream_t stream) {
    const T* x = static_cast<const T*>(b.x);
    const T* w = static_cast<const T*>(b.w);
    const T* dy = static_cast<const T*>(b.dy);
    T* out = static_cast<T*>(b.out);
    switch (pass) {
        case kForward:
            return run_conv<T>("lab forward", ForwardProblem<T>::make(d, x, w, out), stream, force_tile,
                               force_splits, g_tf32);
        case kBackwardData:
            return run_backward_data<T>("lab backward-data", d, dy, w, out, stream, force_tile, force_splits,
                                        g_tf32);
        default:
            return run_conv<T>("lab backward-weight", BackwardWeightProblem<T>::make(d, x, dy, out), stream,
                               force_tile, force_splits, g_tf32);
    }
}

template <typename T>
ConvPlan plan_of(Pass pass, const ConvDims& d, int force_tile, int32_t force_splits) {
    const int sms = multiprocessors();
    switch (pass) {
        case kForward: {
            const auto pr = ForwardProblem<T>::make(d, nullptr, nullptr, nullptr);
            return make_plan<T>(pr.M, pr.N, pr.K, 1, sms, force_tile, force_splits);
        }
        case kBackwardData: {
            if (use_one_pixel(d)) {
                const auto pr = BackwardDataOnePixelProblem<T>::make(d, nullptr, nullptr, nullptr);
                return make_plan<T>(pr.M, pr.N, pr.K, 1, sms, force_tile, force_splits);
            }
            const auto pr = BackwardDataProblem<T>::make(d, nullptr, nullptr, nullptr);
            return make_plan<T>(pr.M, pr.N, pr.K, BackwardDataProblem<T>::phases(d), sms, force_tile, force_splits);
        }
        default: {
            const auto pr = BackwardWeightProblem<T>::make(d, nullptr, nullptr, nullptr);
            return make_plan<T>(pr.M, pr.N, pr.K, 1, sms, force_tile, force_splits);
        }
    }
}

// Worst |got - ref| / absref over the output (NaN if any element is NaN: an unwritten output).
template <typename T>
double worst_error(const Buffers& b, int64_t n) {
    std::vector<T> got(n);
    std::vector<double> ref(n), absref(n);
    LAB_CHECK(cudaMemcpy(got.data(), b.out, n * sizeof(T), cudaMemcpyDeviceToHost));
    LAB_CHECK(cudaMemcpy(ref.data(), b.ref, n * sizeof(double), cudaMemcpyDeviceToHost));
    LAB_CHECK(cudaMemcpy(absref.data(), b.absref, n * sizeof(double), cudaMemcpyDeviceToHost));
    double worst = 0;
    for (int64_t i = 0; i < n; ++i) {
        const double g = static_cast<double>(got[i]);
        if (std::isnan(g)) return NAN;
        const double e = std::fabs(g - ref[i]) / std::max(absref[i], 1e-300);
        if (absref[i] == 0 && g != 0) return INFINITY;
        if (absref[i] > 0) worst = std::max(worst, e);
    }
    return worst;
}

// The GEMM's N (columns) behind a plan: grid_y tiles of bn.
int64_t plan_n(const ConvPlan& p) { return p.grid_y * p.bn; }

// Runs a variant: NaN-fill, one checked run, then (unless check_only) 3 warm-ups and `reps` timed runs.
// Returns the median ms (0 when check_only) and writes the worst error.
template <typename T>
float run_variant(Pass pass, const ConvDims& d, const Buffers& b, int64_t out_n, int force_tile, int32_t force_splits,
                  bool check_only, int reps, cudaStream_t stream, double* error) {
    fill_nan<T><<<kGrid, kBlock, 0, stream>>>(static_cast<T*>(b.out), out_n);
    gcgan_status st = run_pass<T>(pass, d, b, force_tile, force_splits, stream);
    if (st != GCGAN_OK) {
        std::fprintf(stderr, "conv_lab: %s\n", gcgan_last_error_message());
        std::exit(2);
    }
    LAB_CHECK(cudaStreamSynchronize(stream));
    *error = worst_error<T>(b, out_n);
    if (check_only) return 0.f;
    return lab::median_call_ms([&] { run_pass<T>(pass, d, b, force_tile, force_splits, stream); }, reps, stream);
}

const char* tile_name(TileKind t) {
    switch (t) {
        case TileKind::Large: return "128x64";
        case TileKind::Medium: return "64x64";
        case TileKind::Narrow: return "128x16";
        case TileKind::LegacyLarge: return "128x64s";
        case TileKind::LegacyMedium: return "64x64s";
        case TileKind::Huge: return "128x128";
        case TileKind::LargeHoisted: return "128x64h";
        case TileKind::MediumHoisted: return "64x64h";
        default: return "skinny";
    }
}

// Whether name contains one of the comma-separated parts of list (--layer dcgan64.g5,dcgan64.d1).
bool matches_any(const char* name, const char* list) {
    std::string parts(list);
    size_t start = 0;
    while (start <= parts.size()) {
        const size_t end = std::min(parts.find(',', start), parts.size());
        const std::string part = parts.substr(start, end - start);
        if (!part.empty() && std::strstr(name, part.c_str()) != nullptr) return true;
        start = end + 1;
    }
    return false;
}

template <typename T>
int run_all(int batch, bool check_only, bool variants, const char* only) {
    cudaStream_t stream;
    LAB_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    const double u = sizeof(T) == 4 ? 0x1p-24 : 0x1p-53;
    int failures = 0;
    const bool versus = batch == 64 && sizeof(T) == 4 && !g_tf32 && !check_only;  // cuDNN's table is for these
    std::printf("%-11s %-2s %-13s %9s %8s %9s %6s%s", "layer", "", "plan", "ms", "GFLOP/s", "err/bound", "",
                versus ? " xcuDNN" : "");
    if (variants && !check_only) {
        std::printf(" %8s %8s %8s %8s %8s %8s %8s %8s %8s", "v1 L", "v2 M", "v3 N", "v4 S", "v5 nosplit",
                    "v6 strided", "v7 H", "v8 D", "v9 hoist");
    }
    std::printf("\n");
    for (const Layer& l : kLayers) {
        if (only != nullptr && !matches_any(l.name, only)) continue;
        const ConvDims d = make_dims(batch, l.c, l.h, l.w, l.k, l.r, l.s, l.stride, l.stride, l.pad, l.pad);
        Buffers b{};
        b.nx = static_cast<int64_t>(d.n) * d.c * d.hw;
        b.nw = static_cast<int64_t>(d.k) * d.c * d.r * d.s;
        b.ny = static_cast<int64_t>(d.n) * d.k * d.pq;
        const int64_t most = std::max(b.nx, std::max(b.nw, b.ny));
        LAB_CHECK(cudaMalloc(&b.x, b.nx * sizeof(T)));
        LAB_CHECK(cudaMalloc(&b.w, b.nw * sizeof(T)));
        LAB_CHECK(cudaMalloc(&b.dy, b.ny * sizeof(T)));
        LAB_CHECK(cudaMalloc(&b.out, most * sizeof(T)));
        LAB_CHECK(cudaMalloc(&b.ref, most * sizeof(double)));
        LAB_CHECK(cudaMalloc(&b.absref, most * sizeof(double)));
        fill_uniform<T><<<kGrid, kBlock, 0, stream>>>(static_cast<T*>(b.x), b.nx, 1u);
        fill_uniform<T><<<kGrid, kBlock, 0, stream>>>(static_cast<T*>(b.w), b.nw, 2u);
        fill_uniform<T><<<kGrid, kBlock, 0, stream>>>(static_cast<T*>(b.dy), b.ny, 3u);
        const double flops = 2.0 * d.n * d.k * d.p * d.q * d.c * d.r * d.s;
        for (int pi = 0; pi < 3; ++pi) {
            const Pass pass = static_cast<Pass>(pi);
            const T* x = static_cast<const T*>(b.x);
            const T* w = static_cast<const T*>(b.w);
            const T* dy = static_cast<const T*>(b.dy);
            int64_t out_n;
            int64_t terms;
            if (pass == kForward) {
                naive_forward<T><<<kGrid, kBlock, 0, stream>>>(d, x, w, b.ref, false);
                naive_forward<T><<<kGrid, kBlock, 0, stream>>>(d, x, w, b.absref, true);
                out_n = b.ny;
                terms = static_cast<int64_t>(d.c) * d.r * d.s;
            } else if (pass == kBackwardData) {
                naive_backward_data<T><<<kGrid, kBlock, 0, stream>>>(d, dy, w, b.ref, false);
                naive_backward_data<T><<<kGrid, kBlock, 0, stream>>>(d, dy, w, b.absref, true);
                out_n = b.nx;
                terms = static_cast<int64_t>(d.k) * d.tr * d.ts;
            } else {
                naive_backward_weight<T><<<kGrid, kBlock, 0, stream>>>(d, x, dy, b.ref, false);
                naive_backward_weight<T><<<kGrid, kBlock, 0, stream>>>(d, x, dy, b.absref, true);
                out_n = b.nw;
                terms = static_cast<int64_t>(d.n) * d.pq;
            }
            LAB_CHECK(cudaGetLastError());
            // TF32: each product carries both inputs' rounding to 10-bit mantissas (relative 2^-10 + 2^-22)
            const double bound = 8.0 * std::sqrt(static_cast<double>(terms)) * u + u +
                                 (g_tf32 ? 0x1p-10 + 0x1p-22 : 0.0);
            double err = 0;
            const ConvPlan plan = plan_of<T>(pass, d, -1, 0);
            const float ms = run_variant<T>(pass, d, b, out_n, -1, 0, check_only, 20, stream, &err);
            bool ok = err <= bound;
            char planbuf[32];
            if (pass == kBackwardData && use_direct_backward_data<T>(d)) {
                std::snprintf(planbuf, sizeof planbuf, "direct/%d", direct_chunk<T>(d));
            } else {
                std::snprintf(planbuf, sizeof planbuf, "%s/%d", tile_name(plan.tile), plan.splits);
            }
            std::printf("%-11s %-2s %-13s %9.4f %8.0f %9.3f %6s", l.name, kPassNames[pi], planbuf, ms,
                        ms > 0 ? flops / (ms * 1e6) : 0.0, err / bound, ok ? "ok" : "FAIL");
            if (versus) {
                const double ref = cudnn_ms(l, pass);
                std::printf(" %5.2f%s", ref > 0 ? ms / ref : 0.0, ref > 0 && ms > 2 * ref ? "!" : " ");
            }
            if (variants) {
                // v6: the production plan's tile with the strided thread layout (LegacyLarge / LegacyMedium)
                constexpr int kNoVariant = INT_MIN;  // the variant does not apply to this pass
                const int legacy = plan.tile == TileKind::Large ? static_cast<int>(TileKind::LegacyLarge)
                                   : plan.tile == TileKind::Medium ? static_cast<int>(TileKind::LegacyMedium)
                                                                   : kNoVariant;
                const int direct = pass == kBackwardData && direct_fits<T>(d) ? kForceDirect : kNoVariant;
                const int hoisted = plan.tile == TileKind::Large ? static_cast<int>(TileKind::LargeHoisted)
                                    : plan.tile == TileKind::Medium ? static_cast<int>(TileKind::MediumHoisted)
                                                                    : kNoVariant;
                const int tiles[9] = {0, 1, 2, 3, -1, legacy, static_cast<int>(TileKind::Huge), direct, hoisted};
                for (int v = 0; v < 9; ++v) {
                    if (tiles[v] == kNoVariant) {
                        if (!check_only) std::printf(" %8s", "-");
                        continue;
                    }
                    // the narrow and skinny tiles only where the pass has few columns (else they take long)
                    if ((v == 2 && plan_n(plan) > 64) || (v == 3 && plan_n(plan) > 16) ||
                        (v == 6 && plan_n(plan) <= 64)) {
                        if (!check_only) std::printf(" %8s", "-");
                        continue;
                    }
                    double verr = 0;
                    const int32_t splits = v == 4 ? 1 : (v == 5 || v == 8 ? plan.splits : 0);
                    const float vms = run_variant<T>(pass, d, b, out_n, tiles[v], splits, check_only, 20, stream,
                                                     &verr);
                    const bool vok = verr <= bound;
                    ok = ok && vok;
                    if (!check_only) std::printf(" %8.4f%s", vms, vok ? "" : "!");
                    else if (!vok) std::printf(" v%d FAIL", v + 1);
                }
            }
            std::printf("\n");
            if (!ok) ++failures;
        }
        LAB_CHECK(cudaFree(b.x));
        LAB_CHECK(cudaFree(b.w));
        LAB_CHECK(cudaFree(b.dy));
        LAB_CHECK(cudaFree(b.out));
        LAB_CHECK(cudaFree(b.ref));
        LAB_CHECK(cudaFree(b.absref));
    }
    LAB_CHECK(cudaStreamDestroy(stream));
    return failures;
}

}  // namespace

int main(int argc, char** argv) {
    int batch = 64;
    bool check_only = false;
    bool f64 = false;
    bool variants = true;
    const char* only = nullptr;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--check-only") == 0) {
            check_only = true;
        } else if (std::strcmp(argv[i], "--batch") == 0 && i + 1 < argc) {
            batch = std::atoi(argv[++i]);
        } else if (std::strcmp(argv[i], "--dtype") == 0 && i + 1 < argc) {
            f64 = std::strcmp(argv[++i], "f64") == 0;
        } else if (std::strcmp(argv[i], "--tf32") == 0) {
            g_tf32 = true;
        } else if (std::strcmp(argv[i], "--no-variants") == 0) {
            variants = false;
        } else if (std::strcmp(argv[i], "--layer") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else {
            std::fprintf(stderr,
                         "usage: conv_lab [--check-only] [--batch N] [--dtype f32|f64] [--tf32] [--no-variants] "
                         "[--layer NAME-PART[,NAME-PART...]]\n");
            return 2;
        }
    }
    if (batch < 1) {
        std::fprintf(stderr, "conv_lab: --batch must be >= 1\n");
        return 2;
    }
    cudaDeviceProp prop;
    LAB_CHECK(cudaGetDeviceProperties(&prop, 0));
    lab::keep_pool_memory();  // split-K partials come from the pool as in the library
    std::printf("conv_lab: %s (%d SMs), %s, batch %d%s\n", prop.name, prop.multiProcessorCount,
                f64 ? "float64" : (g_tf32 ? "float32 with TF32 allowed" : "float32"), batch,
                check_only ? ", check only" : "");
    const int failures = f64 ? run_all<double>(batch, check_only, variants, only)
                             : run_all<float>(batch, check_only, variants, only);
    std::printf("conv_lab: %s\n", failures == 0 ? "all checks passed" : "CHECKS FAILED");
    return failures == 0 ? 0 : 1;
}
