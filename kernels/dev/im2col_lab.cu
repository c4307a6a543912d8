// im2col_lab.cu - gcgan_im2col_* and gcgan_col2im_* (kernels/src/im2col.cu), the data movement of the explicit-GEMM
// convolution (io.gcgan.backend.cuda.GemmConvolution), called through the public C API of libgcgan_kernels as the
// Java backend calls them: checks both against a host walk of gcgan_kernels.h's layout on every conv layer of the
// reference models and on odd geometries (bit for bit: im2col copies, col2im adds in the documented order), then
// times each on the dcgan64 and mnist28 layers at batch 64 with CUDA events (median of 20) against the bytes it
// must move at the device-to-device copy rate of the same run. The GPU check builds and runs it in its lab stage,
// then runs it again with --check-only under compute-sanitizer's memcheck.
//
//   nvcc -std=c++17 -O3 -arch=native -I kernels/include kernels/dev/im2col_lab.cu -L build/cmake -lgcgan_kernels \
//        -Xlinker -rpath -Xlinker build/cmake -o build/im2col_lab
//   build/im2col_lab [--check-only]             (--check-only: the checks alone at batch 2, for memcheck)
//
// Exit status 1 if a check fails.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "gcgan_kernels.h"
#include "lab_common.cuh"

namespace {

using lab::gcgan_ok;

struct Layer {
    const char* name;
    gcgan_conv_geometry g;  // n, c, h, w, k, r, s, stride_h, stride_w, pad_h, pad_w
};

int64_t out_h(const gcgan_conv_geometry& g) { return (g.h + 2 * g.pad_h - g.r) / g.stride_h + 1; }
int64_t out_w(const gcgan_conv_geometry& g) { return (g.w + 2 * g.pad_w - g.s) / g.stride_w + 1; }
int64_t x_size(const gcgan_conv_geometry& g) { return g.n * g.c * g.h * g.w; }
int64_t col_size(const gcgan_conv_geometry& g) { return g.c * g.r * g.s * g.n * out_h(g) * out_w(g); }

// The conv layers of the reference models in conv terms (a transposed conv's output is x), at batch n.
std::vector<Layer> model_layers(int64_t n) {
    return {{"dcgan64.g1", {n, 512, 4, 4, 100, 4, 4, 1, 1, 0, 0}},
            {"dcgan64.g2", {n, 256, 8, 8, 512, 4, 4, 2, 2, 1, 1}},
            {"dcgan64.g3", {n, 128, 16, 16, 256, 4, 4, 2, 2, 1, 1}},
            {"dcgan64.g4", {n, 64, 32, 32, 128, 4, 4, 2, 2, 1, 1}},
            {"dcgan64.g5", {n, 3, 64, 64, 64, 4, 4, 2, 2, 1, 1}},
            {"dcgan64.d1", {n, 3, 64, 64, 64, 4, 4, 2, 2, 1, 1}},
            {"dcgan64.d2", {n, 64, 32, 32, 128, 4, 4, 2, 2, 1, 1}},
            {"dcgan64.d3", {n, 128, 16, 16, 256, 4, 4, 2, 2, 1, 1}},
            {"dcgan64.d4", {n, 256, 8, 8, 512, 4, 4, 2, 2, 1, 1}},
            {"dcgan64.d5", {n, 512, 4, 4, 1, 4, 4, 1, 1, 0, 0}},
            {"mnist28.g1", {n, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1}},
            {"mnist28.g2", {n, 1, 28, 28, 64, 4, 4, 2, 2, 1, 1}},
            {"mnist28.d1", {n, 1, 28, 28, 64, 4, 4, 2, 2, 1, 1}},
            {"mnist28.d2", {n, 64, 14, 14, 128, 4, 4, 2, 2, 1, 1}}};
}

// The host walk of the layout: col from x, and dx as a scatter of col in row order (each element's terms then come
// in the documented order, ri then si ascending, so float sums match bit for bit).
template <typename T>
void host_im2col(const gcgan_conv_geometry& g, const std::vector<T>& x, std::vector<T>& col,
                 const std::vector<T>& c2, std::vector<T>& dx) {
    const int64_t p = out_h(g), q = out_w(g), cols = g.n * p * q;
    std::fill(dx.begin(), dx.end(), T(0));
    for (int64_t ci = 0; ci < g.c; ++ci)
        for (int64_t ri = 0; ri < g.r; ++ri)
            for (int64_t si = 0; si < g.s; ++si)
                for (int64_t ni = 0; ni < g.n; ++ni)
                    for (int64_t pi = 0; pi < p; ++pi)
                        for (int64_t qi = 0; qi < q; ++qi) {
                            const int64_t at = ((ci * g.r + ri) * g.s + si) * cols + (ni * p + pi) * q + qi;
                            const int64_t yi = pi * g.stride_h - g.pad_h + ri, xi = qi * g.stride_w - g.pad_w + si;
                            const bool inside = yi >= 0 && yi < g.h && xi >= 0 && xi < g.w;
                            const int64_t from = ((ni * g.c + ci) * g.h + yi) * g.w + xi;
                            col[at] = inside ? x[from] : T(0);
                            if (inside) dx[from] += c2[at];
                        }
}

template <typename T>
int check_layer(const Layer& l, std::mt19937& rnd) {
    const gcgan_conv_geometry& g = l.g;
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<T> x(x_size(g)), col(col_size(g)), c2(col_size(g)), dx(x_size(g));
    for (T& v : x) v = static_cast<T>(u(rnd));
    for (T& v : c2) v = static_cast<T>(u(rnd));
    host_im2col(g, x, col, c2, dx);
    T *dev_x, *dev_col, *dev_dx;
    CUDA_OK(cudaMalloc(&dev_x, x.size() * sizeof(T)));
    CUDA_OK(cudaMalloc(&dev_col, col.size() * sizeof(T)));
    CUDA_OK(cudaMalloc(&dev_dx, dx.size() * sizeof(T)));
    CUDA_OK(cudaMemcpy(dev_x, x.data(), x.size() * sizeof(T), cudaMemcpyHostToDevice));
    CUDA_OK(cudaMemset(dev_col, 0xff, col.size() * sizeof(T)));  // NaN: every element must be written
    CUDA_OK(cudaMemset(dev_dx, 0xff, dx.size() * sizeof(T)));
    const bool f32 = sizeof(T) == 4;
    gcgan_ok(f32 ? gcgan_im2col_f32(reinterpret_cast<float*>(dev_x), reinterpret_cast<float*>(dev_col), &g, nullptr)
                 : gcgan_im2col_f64(reinterpret_cast<double*>(dev_x), reinterpret_cast<double*>(dev_col), &g,
                                    nullptr),
             "im2col");
    std::vector<T> got_col(col.size()), got_dx(dx.size());
    CUDA_OK(cudaMemcpy(got_col.data(), dev_col, col.size() * sizeof(T), cudaMemcpyDeviceToHost));
    CUDA_OK(cudaMemcpy(dev_col, c2.data(), c2.size() * sizeof(T), cudaMemcpyHostToDevice));
    gcgan_ok(f32 ? gcgan_col2im_f32(reinterpret_cast<float*>(dev_col), reinterpret_cast<float*>(dev_dx), &g, nullptr)
                 : gcgan_col2im_f64(reinterpret_cast<double*>(dev_col), reinterpret_cast<double*>(dev_dx), &g,
                                    nullptr),
             "col2im");
    CUDA_OK(cudaMemcpy(got_dx.data(), dev_dx, dx.size() * sizeof(T), cudaMemcpyDeviceToHost));
    CUDA_OK(cudaFree(dev_x));
    CUDA_OK(cudaFree(dev_col));
    CUDA_OK(cudaFree(dev_dx));
    int bad = 0;
    for (size_t i = 0; i < col.size() && bad == 0; ++i) {
        if (std::memcmp(&got_col[i], &col[i], sizeof(T)) != 0) {
            std::printf("check %-12s %s im2col: element %zu is %.9g, want %.9g FAIL\n", l.name,
                        f32 ? "f32" : "f64", i, static_cast<double>(got_col[i]), static_cast<double>(col[i]));
            ++bad;
        }
    }
    for (size_t i = 0; i < dx.size() && bad == 0; ++i) {
        if (std::memcmp(&got_dx[i], &dx[i], sizeof(T)) != 0) {
            std::printf("check %-12s %s col2im: element %zu is %.9g, want %.9g FAIL\n", l.name,
                        f32 ? "f32" : "f64", i, static_cast<double>(got_dx[i]), static_cast<double>(dx[i]));
            ++bad;
        }
    }
    if (bad == 0) std::printf("check %-12s %s im2col and col2im ok\n", l.name, f32 ? "f32" : "f64");
    return bad;
}

// float32 at batch 64: time of each call and its floor (x read once, col written once; col read once, dx written
// once) at the copy rate.
void time_layer(const Layer& l, double copy) {
    const gcgan_conv_geometry& g = l.g;
    float *x, *col;
    CUDA_OK(cudaMalloc(&x, x_size(g) * sizeof(float)));
    CUDA_OK(cudaMalloc(&col, col_size(g) * sizeof(float)));
    CUDA_OK(cudaMemset(x, 0, x_size(g) * sizeof(float)));
    CUDA_OK(cudaMemset(col, 0, col_size(g) * sizeof(float)));
    const float fwd = lab::median_call_ms([&] { gcgan_ok(gcgan_im2col_f32(x, col, &g, nullptr), "im2col"); }, 20);
    const float bwd = lab::median_call_ms([&] { gcgan_ok(gcgan_col2im_f32(col, x, &g, nullptr), "col2im"); }, 20);
    const double floor_ms = (x_size(g) + col_size(g)) * 4.0 / (copy * 1e9) * 1e3;
    std::printf("%-12s %10lld %10.4f %8.2f %10.4f %8.2f\n", l.name, static_cast<long long>(col_size(g)), fwd,
                fwd / floor_ms, bwd, bwd / floor_ms);
    CUDA_OK(cudaFree(x));
    CUDA_OK(cudaFree(col));
}

}  // namespace

int main(int argc, char** argv) {
    const bool check_only = argc > 1 && std::strcmp(argv[1], "--check-only") == 0;
    lab::keep_pool_memory();
    std::mt19937 rnd(11);
    int bad = 0;
    for (const Layer& l : model_layers(check_only ? 2 : 8)) bad += check_layer<float>(l, rnd);
    const Layer odd[] = {{"odd 3x3 p2", {3, 2, 5, 7, 4, 3, 3, 1, 1, 2, 2}},
                         {"odd rect", {1, 1, 9, 6, 1, 2, 3, 3, 2, 0, 1}},
                         {"odd s>k", {2, 2, 9, 9, 3, 2, 2, 3, 3, 1, 1}},
                         {"odd k=in", {2, 4, 4, 4, 5, 4, 4, 1, 1, 0, 0}}};
    for (const Layer& l : odd) {
        bad += check_layer<float>(l, rnd);
        bad += check_layer<double>(l, rnd);
    }
    if (check_only || bad) {
        std::printf("im2col_lab: %s\n", bad ? "CHECK FAILED" : "checks passed");
        return bad ? 1 : 0;
    }
    const double copy = lab::copy_rate();
    std::printf("d2d copy %.0f GB/s (read + write); floor: x and col each moved once, float32, batch 64\n", copy);
    std::printf("%-12s %10s %10s %8s %10s %8s\n", "layer", "col elems", "im2col ms", "x floor", "col2im ms", "x floor");
    for (const Layer& l : model_layers(64)) time_layer(l, copy);
    std::printf("im2col_lab: checks passed\n");
    return 0;
}
