// optimizer_lab.cu - the fused optimizer step (kernels/src/optimizer.cu, compiled into this program so that each
// of its RowsVariants can be called) on its own, without Java: checks each variant against a host reference in
// double over 10 steps (with coupled weight decay, and for the prefetch plans without; optimizer_lab_checks.cuh,
// which optimizer_lab_replay.cu runs on the CPU with the same data), then times the step alone
// (without weight decay, as GANs train) with CUDA events on issue 6's workloads and prints each time
// against the memory floor (an uncentred step's bytes, 28 per Adam parameter and 20 per SGD-momentum one, at the
// device-to-device copy rate measured in the same run) and GC's cost over the same step without GC. Each variant
// runs with the library's work order (longest work block first); two-pass and group are also checked tensor by
// tensor ("/table"). Variants of how a centred float32 row is done:
//   two-pass     a warp or block sums the row, then updates it (g read twice, the second time from L2)
//   single-pass  the row's w, g, m, v held in registers by 32..256 threads: read once, sum, update, write
//   group        two passes as two-pass, but by 32..256 threads per row as single-pass (at most 4 float4 of the
//                row per thread: one round of loads per pass instead of a warp's four on a 2,048-element row)
//   group-long   group on rows longer than 1,024 elements, two-pass on the others
//   held         group, but each thread holds its float4s of the row's gradient in registers from pass 1 to
//                pass 2, which then loads only w, m, v (g read once); the library's default as held+pf-short
//   held-long    held on rows longer than 1,024 elements, two-pass on the others (group-long with held rows)
// and, for the two-pass rows of each, whether a row first asks L2 for its lines (optimizer.cu's L2Prefetch): "+pf"
// = w, m, v (what pass 2 loads besides g), "+pf-all" = those and g, "+pf-short" = "+pf" on rows of at most 1,024
// elements only (the prefetch is built into every kernel here, into kRowsHeld's only in the library).
// The timings interleave: each round times a batch of back-to-back steps of every case in turn (the host builds
// the next launch while the device runs the last, as in training), and each case's time is its median round, so
// that clock and placement drift fall on every case alike; each case keeps its own buffers for the whole run.
//
//   nvcc -std=c++17 -O3 -arch=native -I kernels/include -I kernels/src kernels/dev/optimizer_lab.cu \
//        kernels/src/status.cu -o build/optimizer_lab
//   build/optimizer_lab [--check-only]                 (from the repository root; --check-only for compute-sanitizer:
//                                                        the checks on the odd shapes only, no timing)
//   build/optimizer_lab --profile ALG WORKLOAD PLAN     (for Nsight Compute: no check, no timing; 3 steps of the
//                                                        uncentred step, then 3 of PLAN with GC, e.g. "sgdm 50m
//                                                        group-long+pf"; ALG adam or sgdm, PLAN a timed plan's name)
//
// Workloads (bench's Dcgan64Parameters): dcgan64 = the 24 parameter tensors of DCGAN-64's G and D (6,342,272
// floats), conv weights centred along dimension 0 when GC is on; 50m = 200 tensors [250, 1000], centred along
// dimension 0. Exit status 1 if a check fails.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gcgan_kernels.h"
#include "lab_common.cuh"

#define GCGAN_OPTIMIZER_LAB
#include "optimizer.cu"
#include "optimizer_lab_checks.cuh"

namespace lab {

struct Model {
    std::vector<Shape> shapes;
    bool gc;
    std::vector<float*> w, g, m, v;  // device
};

// A model on the device with the given starting weights (one array per shape) and states 0.
Model upload_model(const std::vector<Shape>& shapes, bool gc, const std::vector<std::vector<float>>& weights) {
    Model model{shapes, gc, {}, {}, {}, {}};
    for (size_t i = 0; i < shapes.size(); ++i) {
        const size_t n = static_cast<size_t>(shapes[i].numel());
        float* p[4];
        for (float*& q : p) CUDA_OK(cudaMalloc(&q, n * sizeof(float)));
        CUDA_OK(cudaMemcpy(p[0], weights[i].data(), n * sizeof(float), cudaMemcpyHostToDevice));
        // The gradient starts as a copy of the weights (uniform in [-1, 1)): the timed and profiled steps read
        // defined, finite values; a check writes a fresh gradient before each of its steps.
        CUDA_OK(cudaMemcpy(p[1], p[0], n * sizeof(float), cudaMemcpyDeviceToDevice));
        CUDA_OK(cudaMemset(p[2], 0, n * sizeof(float)));
        CUDA_OK(cudaMemset(p[3], 0, n * sizeof(float)));
        model.w.push_back(p[0]);
        model.g.push_back(p[1]);
        model.m.push_back(p[2]);
        model.v.push_back(p[3]);
    }
    return model;
}

// A model with starting weights uniform in [-1, 1), drawn from rnd.
Model make_model(const std::vector<Shape>& shapes, bool gc, std::mt19937& rnd) {
    std::vector<std::vector<float>> weights;
    for (const Shape& s : shapes) weights.push_back(draw_uniform(rnd, s.numel()));
    return upload_model(shapes, gc, weights);
}

void free_model(Model& model) {
    for (auto* list : {&model.w, &model.g, &model.m, &model.v}) {
        for (float* p : *list) CUDA_OK(cudaFree(p));
    }
}

void step(const Model& model, const Hyper& h, int64_t t, cudaStream_t stream, Plan plan) {
    const gcgan_optimizer_hyper hy = api_hyper(h);
    std::vector<gcgan_optimizer_tensor> table(model.shapes.size());
    for (size_t i = 0; i < table.size(); ++i) {
        gcgan_optimizer_tensor& e = table[i];
        e = api_tensor(model.shapes[i], model.gc, h, t);
        e.weight = model.w[i];
        e.grad = model.g[i];
        e.state1 = model.m[i];
        e.state2 = h.algorithm == GCGAN_OPTIMIZER_ADAM ? model.v[i] : nullptr;
    }
    gcgan_ok(optimizer_step<float>("optimizer_step<float>", &hy, table.data(), static_cast<int32_t>(table.size()),
                                   stream, plan.variant, plan.order, plan.prefetch),
             "optimizer_step<float>");
}

std::vector<float> download(const float* p, int64_t n) {
    std::vector<float> host(static_cast<size_t>(n));
    CUDA_OK(cudaMemcpy(host.data(), p, n * sizeof(float), cudaMemcpyDeviceToHost));
    return host;
}

// The library's step on the GPU as run_check's candidate (optimizer_lab_checks.cuh).
struct DeviceStep {
    Model model{};
    bool live = false;

    void start(const std::vector<Shape>& shapes, bool gc, const std::vector<std::vector<float>>& w0) {
        model = upload_model(shapes, gc, w0);
        live = true;
    }
    void step(const Hyper& h, int64_t t, Plan plan, const std::vector<std::vector<float>>& g) {
        for (size_t i = 0; i < g.size(); ++i) {
            CUDA_OK(cudaMemcpy(model.g[i], g[i].data(), g[i].size() * sizeof(float), cudaMemcpyHostToDevice));
        }
        lab::step(model, h, t, nullptr, plan);
    }
    std::vector<std::vector<float>> weights() const {
        CUDA_OK(cudaDeviceSynchronize());
        std::vector<std::vector<float>> w;
        for (size_t i = 0; i < model.shapes.size(); ++i) w.push_back(download(model.w[i], model.shapes[i].numel()));
        return w;
    }
    ~DeviceStep() {
        if (live) free_model(model);
    }
};

// One timed case: a model (its own buffers for the whole run) and how the library is asked to step it.
struct Case {
    const Model* model;
    Plan plan;
};

// Milliseconds per step of each case: after 5 warm-up steps each, `rounds` rounds, each timing kBatch back-to-back
// steps of every case in turn (events around the batch); per case the median round.
std::vector<float> time_steps(const std::vector<Case>& cases, const Hyper& h, int rounds) {
    constexpr int kBatch = 10;
    cudaEvent_t a, b;
    CUDA_OK(cudaEventCreate(&a));
    CUDA_OK(cudaEventCreate(&b));
    for (const Case& c : cases) {
        for (int i = 0; i < 5; ++i) step(*c.model, h, 2 + i, nullptr, c.plan);
    }
    std::vector<std::vector<float>> ms(cases.size());
    for (int r = 0; r < rounds; ++r) {
        for (size_t k = 0; k < cases.size(); ++k) {
            CUDA_OK(cudaEventRecord(a));
            for (int i = 0; i < kBatch; ++i) step(*cases[k].model, h, 10 + i, nullptr, cases[k].plan);
            CUDA_OK(cudaEventRecord(b));
            CUDA_OK(cudaEventSynchronize(b));
            float t = 0;
            CUDA_OK(cudaEventElapsedTime(&t, a, b));
            ms[k].push_back(t / kBatch);
        }
    }
    CUDA_OK(cudaEventDestroy(a));
    CUDA_OK(cudaEventDestroy(b));
    std::vector<float> result;
    for (const std::vector<float>& x : ms) result.push_back(median(x));
    return result;
}

// --profile ALG WORKLOAD PLAN: 3 uncentred steps (the library's plan), then 3 of PLAN with GC, each on buffers of
// its own, for a profiler to compare the two kernels (6 launches: 3 of each, in that order). 0, or 2 with the
// choices listed when an argument names none of them.
int profile(const char* alg, const char* workload, const char* plan_arg, const Hyper& adam, const Hyper& sgdm,
            const Plan* plans, size_t plan_count, const Plan& library) {
    const bool adam_alg = std::strcmp(alg, "adam") == 0;
    const bool known_alg = adam_alg || std::strcmp(alg, "sgdm") == 0;
    const bool known_workload = std::strcmp(workload, "dcgan64") == 0 || std::strcmp(workload, "50m") == 0;
    const Plan* plan = nullptr;
    for (size_t k = 0; k < plan_count; ++k) {
        if (plan_name(plans[k]) == plan_arg) plan = &plans[k];
    }
    if (!known_alg || !known_workload || plan == nullptr) {
        std::fprintf(stderr, "optimizer_lab --profile ALG WORKLOAD PLAN: got '%s %s %s'; ALG adam or sgdm, WORKLOAD"
                     " dcgan64 or 50m, PLAN one of:", alg, workload, plan_arg);
        for (size_t k = 0; k < plan_count; ++k) std::fprintf(stderr, " %s", plan_name(plans[k]).c_str());
        std::fprintf(stderr, "\n");
        return 2;
    }
    const Hyper& h = adam_alg ? adam : sgdm;
    const std::vector<Shape> shapes = std::strcmp(workload, "50m") == 0 ? fifty_million() : dcgan64();
    std::mt19937 rnd(42);
    Model plain = make_model(shapes, false, rnd);
    Model centred = make_model(shapes, true, rnd);
    for (int t = 1; t <= 3; ++t) step(plain, h, t, nullptr, library);
    for (int t = 1; t <= 3; ++t) step(centred, h, t, nullptr, *plan);
    CUDA_OK(cudaDeviceSynchronize());
    free_model(plain);
    free_model(centred);
    std::printf("optimizer_lab --profile %s %s: 3 steps without GC (%s), 3 with GC (%s)\n", alg, workload,
                plan_name(library).c_str(), plan_arg);
    return 0;
}

}  // namespace lab

int main(int argc, char** argv) {
    using namespace lab;
    const bool check_only = argc > 1 && std::strcmp(argv[1], "--check-only") == 0;
    const bool profiling = argc > 1 && std::strcmp(argv[1], "--profile") == 0;
    if (argc > 1 && !(check_only && argc == 2) && !(profiling && argc == 5)) {
        std::fprintf(stderr, "usage: optimizer_lab [--check-only | --profile ALG WORKLOAD PLAN]\n");
        return 2;
    }
    std::mt19937 rnd(42);
    const Plan library{kDefaultRowsVariant, kDefaultWorkOrder, kDefaultL2Prefetch};
    // Timed: the variants still in question (bench/results/2026-11-27-h200-tf32.md has single-pass and the table
    // order, slower or no different, and group on every row, slower on 50m). group+pf is group on every row with the
    // update operands prefetched: on 50m's 1,000-element rows a group of 64 threads makes one round of loads per
    // pass where a warp makes two, and the prefetch may hide what made it slower there (its pass 1 then has only g
    // in flight for the whole row at once). held reads g once on every row group takes (all but G's first layer's
    // 8,192-element rows): its pass 2 waits behind the row sum as group's does, but finds g in registers, not L2;
    // held-long does so where group-long takes group, and leaves 50m's rows to warps. held+pf-short (the library's
    // default since 2026-11-27) prefetches only rows of at most 1,024 elements, where +pf paid in that day's runs.
    const Plan timed[] = {{RowsVariant::kTwoPass, WorkOrder::kLongestFirst},
                          {RowsVariant::kGroupLongRows, WorkOrder::kLongestFirst},
                          {RowsVariant::kHeld, WorkOrder::kLongestFirst},
                          {RowsVariant::kHeld, WorkOrder::kLongestFirst, L2Prefetch::kUpdateOperands},
                          {RowsVariant::kHeld, WorkOrder::kLongestFirst, L2Prefetch::kShortRows},
                          {RowsVariant::kHeldLongRows, WorkOrder::kLongestFirst},
                          {RowsVariant::kGroupTwoPass, WorkOrder::kLongestFirst, L2Prefetch::kUpdateOperands}};
    if (profiling) {
        return profile(argv[2], argv[3], argv[4], kAdamPlain, kSgdmPlain, timed, sizeof timed / sizeof timed[0],
                       library);
    }
    int bad = 0;
    for_each_check(check_only, [&](const char* name, const std::vector<Shape>& shapes, bool gc, const Hyper& h,
                                   Plan plan) {
        DeviceStep device;
        bad += run_check(device, name, shapes, gc, h, plan, rnd);
    });
    if (check_only) {
        print_failures();
        std::printf("optimizer_lab: %s\n", bad ? "CHECK FAILED" : "checks passed");
        return bad ? 1 : 0;
    }
    const double copy = copy_rate();
    std::printf("d2d copy %.0f GB/s (read + write); the library runs %s\n", copy, plan_name(library).c_str());
    std::printf("%-6s %-9s %-4s %-20s %10s %11s %9s\n", "alg", "workload", "gc", "rows", "kernel ms", "x of floor",
                "GC cost");
    for (const Hyper& h : {kAdamPlain, kSgdmPlain}) {
        for (const char* name : {"dcgan64", "50m"}) {
            const std::vector<Shape> shapes = std::strcmp(name, "50m") == 0 ? fifty_million() : dcgan64();
            int64_t params = 0;
            for (const Shape& s : shapes) params += s.numel();
            const double bytes = h.algorithm == GCGAN_OPTIMIZER_ADAM ? 28.0 : 20.0;
            const double floor_ms = bytes * params / (copy * 1e9) * 1e3;
            // The uncentred step (with the library's plan, which only centred rows depend on), then each plan with
            // GC, each on buffers of its own; all timed together (time_steps).
            std::vector<Model> models{make_model(shapes, false, rnd)};
            std::vector<Case> cases{{nullptr, library}};
            for (Plan plan : timed) {
                models.push_back(make_model(shapes, true, rnd));
                cases.push_back({nullptr, plan});
            }
            for (size_t k = 0; k < cases.size(); ++k) cases[k].model = &models[k];
            const std::vector<float> ms = time_steps(cases, h, 30);
            for (Model& model : models) free_model(model);
            const float plain = ms[0];
            const char* alg = h.algorithm == GCGAN_OPTIMIZER_ADAM ? "adam" : "sgdm";
            std::printf("%-6s %-9s %-4s %-20s %10.4f %11.2f %9s\n", alg, name, "none", "-", plain, plain / floor_ms,
                        "-");
            for (size_t k = 1; k < cases.size(); ++k) {
                char cost[32];
                std::snprintf(cost, sizeof cost, "%+.1f%%", 100.0 * (ms[k] / plain - 1.0));
                std::printf("%-6s %-9s %-4s %-20s %10.4f %11.2f %9s\n", alg, name, "gc",
                            plan_name(cases[k].plan).c_str(), ms[k], ms[k] / floor_ms, cost);
            }
        }
    }
    print_failures();
    std::printf("optimizer_lab: %s\n", bad ? "CHECK FAILED" : "checks passed");
    return bad ? 1 : 0;
}
