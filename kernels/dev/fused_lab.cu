// fused_lab.cu - the fused kernels that replace composed tensor operations in the training step (batch
// normalization forward with running statistics and backward, the multi-tensor squared norm, the rectifier
// derivative), called through the public C API of libgcgan_kernels as the Java backend calls them: checks each
// against a host reference in double on the reference models' shapes and odd ones, then times each alone with CUDA
// events and prints the time against the bytes it must move (its memory floor at the device-to-device copy rate
// measured in the same run). The GPU check builds and runs it in its lab stage, then runs it again with
// --check-only under compute-sanitizer's memcheck.
//
//   nvcc -std=c++17 -O3 -arch=native -I kernels/include kernels/dev/fused_lab.cu -L build/cmake -lgcgan_kernels \
//        -Xlinker -rpath -Xlinker build/cmake -o build/fused_lab
//   build/fused_lab [--check-only]              (--check-only: the checks alone, smaller shapes, for memcheck)
//
// Shapes ([n, c, s] as batchnorm takes them): mnist28 G's BatchNorm1d(6272) and BatchNorm2d(64) at 14x14; dcgan64
// G's BatchNorm2d at 4x4 .. 32x32 and D's at 16x16 .. 4x4 (batch 64); odd ones (c = 1, n = 1, s = 1, one huge
// channel) that take the split path. Exit status 1 if a check fails.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

#include "gcgan_kernels.h"
#include "lab_common.cuh"

namespace {

using lab::copy_rate;
using lab::gcgan_ok;

// A float device buffer with its host copy.
struct Buffer {
    std::vector<float> host;
    float* device = nullptr;

    explicit Buffer(size_t n) : host(n) { CUDA_OK(cudaMalloc(&device, std::max<size_t>(n, 1) * sizeof(float))); }
    ~Buffer() { cudaFree(device); }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    void upload() { CUDA_OK(cudaMemcpy(device, host.data(), host.size() * sizeof(float), cudaMemcpyHostToDevice)); }
    void poison() { CUDA_OK(cudaMemset(device, 0xff, host.size() * sizeof(float))); }  // all-ones bits: NaN
    std::vector<float> download() const {
        std::vector<float> out(host.size());
        CUDA_OK(cudaMemcpy(out.data(), device, out.size() * sizeof(float), cudaMemcpyDeviceToHost));
        return out;
    }
};

void fill_normal(std::vector<float>& v, std::mt19937& rnd, float scale, float shift) {
    std::normal_distribution<float> d(0.0f, 1.0f);
    for (float& x : v) x = d(rnd) * scale + shift;
}

// |got - want| <= tol * (1 + |want|) for every element; prints the first mismatch. Returns the number of failures.
int compare(const char* what, const std::vector<float>& got, const std::vector<double>& want, double tol) {
    for (size_t i = 0; i < want.size(); ++i) {
        const double g = got[i];
        if (!(std::fabs(g - want[i]) <= tol * (1.0 + std::fabs(want[i])))) {
            std::printf("check %s FAILED at %zu: got %.9g, want %.9g\n", what, i, g, want[i]);
            return 1;
        }
    }
    return 0;
}

// ---- batch normalization ----

struct BnShape {
    const char* name;
    int64_t n, c, s;
    int64_t numel() const { return n * c * s; }
};

// Host reference of forward (with running statistics, factor 0.1) and backward, in double.
struct BnReference {
    std::vector<double> y, mean, var, rmean, rvar, dx, dw, db;
};

BnReference bn_reference(const BnShape& b, const std::vector<float>& x, const std::vector<float>& w,
                         const std::vector<float>& bias, const std::vector<float>& rm0, const std::vector<float>& rv0,
                         const std::vector<float>& dy, double eps, double factor) {
    BnReference r;
    const int64_t count = b.n * b.s;
    r.y.resize(b.numel());
    r.dx.resize(b.numel());
    r.mean.resize(b.c);
    r.var.resize(b.c);
    r.rmean.resize(b.c);
    r.rvar.resize(b.c);
    r.dw.resize(b.c);
    r.db.resize(b.c);
    for (int64_t k = 0; k < b.c; ++k) {
        auto at = [&](int64_t i, int64_t j) { return (i * b.c + k) * b.s + j; };
        double sum = 0;
        for (int64_t i = 0; i < b.n; ++i)
            for (int64_t j = 0; j < b.s; ++j) sum += x[at(i, j)];
        const double m = sum / count;
        double sq = 0;
        for (int64_t i = 0; i < b.n; ++i)
            for (int64_t j = 0; j < b.s; ++j) sq += (x[at(i, j)] - m) * (x[at(i, j)] - m);
        const double v = sq / count;
        const double inv = 1.0 / std::sqrt(v + eps);
        r.mean[k] = m;
        r.var[k] = v;
        r.rmean[k] = (1 - factor) * rm0[k] + factor * m;
        r.rvar[k] = (1 - factor) * rv0[k] + factor * v * count / (count - 1);
        double sdy = 0, sdyx = 0;
        for (int64_t i = 0; i < b.n; ++i) {
            for (int64_t j = 0; j < b.s; ++j) {
                const double xhat = (x[at(i, j)] - m) * inv;
                r.y[at(i, j)] = xhat * w[k] + bias[k];
                sdy += dy[at(i, j)];
                sdyx += dy[at(i, j)] * xhat;
            }
        }
        r.db[k] = sdy;
        r.dw[k] = sdyx;
        for (int64_t i = 0; i < b.n; ++i) {
            for (int64_t j = 0; j < b.s; ++j) {
                const double xhat = (x[at(i, j)] - m) * inv;
                r.dx[at(i, j)] = w[k] * inv * (dy[at(i, j)] - sdy / count - xhat * sdyx / count);
            }
        }
    }
    return r;
}

struct BnBuffers {
    Buffer x, w, b, y, mean, var, rmean, rvar, dy, dx, dw, db;
    explicit BnBuffers(const BnShape& s)
        : x(s.numel()), w(s.c), b(s.c), y(s.numel()), mean(s.c), var(s.c), rmean(s.c), rvar(s.c), dy(s.numel()),
          dx(s.numel()), dw(s.c), db(s.c) {}

    void forward(const BnShape& s, bool running) {
        gcgan_ok(gcgan_batchnorm_forward_f32(x.device, w.device, b.device, s.n, s.c, s.s, 1e-5, y.device, mean.device,
                                             var.device, running ? rmean.device : nullptr,
                                             running ? rvar.device : nullptr, 0.1, nullptr),
                 "gcgan_batchnorm_forward_f32");
    }
    void backward(const BnShape& s) {
        gcgan_ok(gcgan_batchnorm_backward_f32(dy.device, x.device, mean.device, var.device, w.device, s.n, s.c, s.s,
                                              1e-5, dx.device, dw.device, db.device, nullptr),
                 "gcgan_batchnorm_backward_f32");
    }
};

int check_batchnorm(const BnShape& s, std::mt19937& rnd) {
    BnBuffers t(s);
    fill_normal(t.x.host, rnd, 3.0f, 2.0f);  // statistics far from 0 and 1, as after a conv
    fill_normal(t.w.host, rnd, 0.5f, 1.0f);
    fill_normal(t.b.host, rnd, 1.0f, 0.0f);
    fill_normal(t.rmean.host, rnd, 1.0f, 0.0f);
    fill_normal(t.rvar.host, rnd, 0.2f, 1.0f);
    fill_normal(t.dy.host, rnd, 1.0f, 0.0f);
    for (Buffer* u : {&t.x, &t.w, &t.b, &t.rmean, &t.rvar, &t.dy}) u->upload();
    for (Buffer* u : {&t.y, &t.mean, &t.var, &t.dx, &t.dw, &t.db}) u->poison();
    const BnReference r =
        bn_reference(s, t.x.host, t.w.host, t.b.host, t.rmean.host, t.rvar.host, t.dy.host, 1e-5, 0.1);
    t.forward(s, true);
    t.backward(s);
    CUDA_OK(cudaDeviceSynchronize());
    char what[160];
    int bad = 0;
    const double tol = 2e-5;
    const struct {
        const char* name;
        const Buffer* got;
        const std::vector<double>* want;
    } outputs[] = {{"y", &t.y, &r.y},         {"mean", &t.mean, &r.mean},  {"var", &t.var, &r.var},
                   {"running mean", &t.rmean, &r.rmean}, {"running var", &t.rvar, &r.rvar}, {"dx", &t.dx, &r.dx},
                   {"dweight", &t.dw, &r.dw}, {"dbias", &t.db, &r.db}};
    for (const auto& o : outputs) {
        std::snprintf(what, sizeof(what), "batchnorm %s [%lld, %lld, %lld] %s", s.name, (long long)s.n,
                      (long long)s.c, (long long)s.s, o.name);
        // dweight and dbias are sums over n*s terms: their scale grows with the count.
        const double scale = (std::strcmp(o.name, "dweight") == 0 || std::strcmp(o.name, "dbias") == 0)
                                 ? std::sqrt(static_cast<double>(s.n * s.s))
                                 : 1.0;
        bad += compare(what, o.got->download(), *o.want, tol * scale);
    }
    if (bad == 0) std::printf("check batchnorm %s ok\n", s.name);
    return bad;
}

// ---- squared norm and rectifier derivative ----

int check_squared_norm(const char* name, const std::vector<int64_t>& sizes, std::mt19937& rnd) {
    std::vector<Buffer*> tensors;
    std::vector<const float*> pointers;
    double want = 0;
    for (int64_t n : sizes) {
        Buffer* b = new Buffer(n);
        fill_normal(b->host, rnd, 1.0f, 0.0f);
        for (float v : b->host) want += static_cast<double>(v) * v;
        b->upload();
        tensors.push_back(b);
        pointers.push_back(b->device);
    }
    Buffer out(1);
    out.poison();
    gcgan_ok(gcgan_squared_norm_f32(pointers.data(), sizes.data(), static_cast<int32_t>(sizes.size()), out.device,
                                    nullptr),
             "gcgan_squared_norm_f32");
    char what[96];
    std::snprintf(what, sizeof(what), "squared norm %s", name);
    const int bad = compare(what, out.download(), {want}, 1e-6);
    if (bad == 0) std::printf("check squared norm %s ok\n", name);
    for (Buffer* b : tensors) delete b;
    return bad;
}

int check_rectifier(int64_t n, std::mt19937& rnd) {
    Buffer x(n), g(n), out(n);
    fill_normal(x.host, rnd, 1.0f, 0.0f);
    fill_normal(g.host, rnd, 1.0f, 0.0f);
    x.upload();
    g.upload();
    out.poison();
    const double slope = static_cast<float>(0.2);
    gcgan_ok(gcgan_rectifier_backward_f32(x.device, g.device, 1.0, slope, n, out.device, nullptr),
             "gcgan_rectifier_backward_f32");
    std::vector<double> want(n);
    for (int64_t i = 0; i < n; ++i) want[i] = static_cast<float>(g.host[i] * (x.host[i] > 0 ? 1.0 : slope));
    const int bad = compare("rectifier backward", out.download(), want, 0.0);
    if (bad == 0) std::printf("check rectifier backward n=%lld ok\n", static_cast<long long>(n));
    return bad;
}

// ---- timing ----

// Milliseconds per call of `body`, the mean of `reps` calls after 3 warm-up calls, timed with events on stream 0.
template <typename F>
float time_ms(F body, int reps) {
    for (int i = 0; i < 3; ++i) body();
    cudaEvent_t start, stop;
    CUDA_OK(cudaEventCreate(&start));
    CUDA_OK(cudaEventCreate(&stop));
    CUDA_OK(cudaEventRecord(start));
    for (int i = 0; i < reps; ++i) body();
    CUDA_OK(cudaEventRecord(stop));
    CUDA_OK(cudaEventSynchronize(stop));
    float ms = 0;
    CUDA_OK(cudaEventElapsedTime(&ms, start, stop));
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    return ms / reps;
}

void time_batchnorm(const BnShape& s, double copy) {
    BnBuffers t(s);
    t.x.upload();
    t.w.upload();
    t.b.upload();
    t.dy.upload();
    t.rmean.upload();
    t.rvar.upload();
    const float fwd = time_ms([&] { t.forward(s, true); }, 50);
    const float bwd = time_ms([&] { t.backward(s); }, 50);
    // Least traffic: forward reads x, writes y; backward reads dy and x, writes dx (float32).
    const double fwd_floor = 2.0 * 4 * s.numel() / (copy * 1e9) * 1e3;
    const double bwd_floor = 3.0 * 4 * s.numel() / (copy * 1e9) * 1e3;
    std::printf("lab: batchnorm %-22s [%5lld, %5lld, %5lld]  fwd %8.4f ms (x%5.2f of floor)  bwd %8.4f ms (x%5.2f)\n",
                s.name, (long long)s.n, (long long)s.c, (long long)s.s, fwd, fwd / fwd_floor, bwd, bwd / bwd_floor);
}

void time_squared_norm(const char* name, const std::vector<int64_t>& sizes, double copy) {
    std::vector<Buffer*> tensors;
    std::vector<const float*> pointers;
    int64_t total = 0;
    for (int64_t n : sizes) {
        tensors.push_back(new Buffer(n));
        pointers.push_back(tensors.back()->device);
        total += n;
    }
    Buffer out(1);
    const float ms = time_ms(
        [&] {
            gcgan_ok(gcgan_squared_norm_f32(pointers.data(), sizes.data(), static_cast<int32_t>(sizes.size()),
                                            out.device, nullptr),
                     "gcgan_squared_norm_f32");
        },
        50);
    const double floor_ms = 4.0 * total / (copy * 1e9) * 1e3;
    std::printf("lab: squared norm %-9s %3zu tensors, %9lld floats  %8.4f ms (x%5.2f of floor)\n", name, sizes.size(),
                static_cast<long long>(total), ms, ms / floor_ms);
    for (Buffer* b : tensors) delete b;
}

void time_rectifier(int64_t n, double copy) {
    Buffer x(n), g(n), out(n);
    const float ms = time_ms(
        [&] {
            gcgan_ok(gcgan_rectifier_backward_f32(x.device, g.device, 1.0, 0.2, n, out.device, nullptr),
                     "gcgan_rectifier_backward_f32");
        },
        50);
    const double floor_ms = 3.0 * 4 * n / (copy * 1e9) * 1e3;
    std::printf("lab: rectifier backward %9lld floats  %8.4f ms (x%5.2f of floor)\n", static_cast<long long>(n), ms,
                ms / floor_ms);
}

// The BatchNorm layers of the reference models at batch 64.
std::vector<BnShape> model_shapes(int64_t batch) {
    return {{"mnist28.g BN1d(6272)", batch, 6272, 1},  {"mnist28.g BN2d(64)", batch, 64, 14 * 14},
            {"dcgan64.g BN2d(512)", batch, 512, 4 * 4}, {"dcgan64.g BN2d(256)", batch, 256, 8 * 8},
            {"dcgan64.g BN2d(128)", batch, 128, 16 * 16}, {"dcgan64.g BN2d(64)", batch, 64, 32 * 32}};
}

// The dcgan64 parameter tensors' sizes (bench's Dcgan64Parameters), in order.
std::vector<int64_t> dcgan64_parameters() {
    return {819200, 512, 512, 2097152, 256, 256, 524288, 128, 128, 131072, 64, 64, 3072,
            3072,   131072, 128, 128, 524288, 256, 256, 2097152, 512, 512, 8192};
}

}  // namespace

int main(int argc, char** argv) {
    const bool check_only = argc > 1 && std::strcmp(argv[1], "--check-only") == 0;
    lab::keep_pool_memory();
    std::mt19937 rnd(7);
    int bad = 0;
    // Under memcheck every access is instrumented: a batch of 4 keeps the model shapes' checks quick.
    for (const BnShape& s : model_shapes(check_only ? 4 : 64)) bad += check_batchnorm(s, rnd);
    const BnShape odd[] = {{"odd", 3, 5, 7}, {"c=1", 5, 1, 9}, {"n=1", 1, 3, 50}, {"s=1", 33, 17, 1},
                           {"one big channel (split)", 2, 1, 300001}, {"few big channels (split)", 16, 3, 4096}};
    for (const BnShape& s : odd) bad += check_batchnorm(s, rnd);
    bad += check_squared_norm("dcgan64", dcgan64_parameters(), rnd);
    bad += check_squared_norm("odd", {0, 1, 16383, 16385, 7, 0}, rnd);
    bad += check_rectifier(check_only ? 100003 : 4 * 1024 * 1024 + 3, rnd);
    if (check_only || bad) {
        std::printf("fused_lab: %s\n", bad ? "CHECK FAILED" : "checks passed");
        return bad ? 1 : 0;
    }
    const double copy = copy_rate();
    std::printf("d2d copy %.0f GB/s (read + write); floors: batchnorm fwd 8 B, bwd 12 B per element; squared norm 4 B;"
                " rectifier 12 B\n",
                copy);
    for (const BnShape& s : model_shapes(64)) time_batchnorm(s, copy);
    time_squared_norm("dcgan64", dcgan64_parameters(), copy);
    time_squared_norm("50m", std::vector<int64_t>(200, 250000), copy);
    time_rectifier(64LL * 64 * 32 * 32, copy);
    std::printf("fused_lab: checks passed\n");
    return 0;
}
