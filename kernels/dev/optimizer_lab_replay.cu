// optimizer_lab_replay.cu - the optimizer lab's value checks (optimizer_lab_checks.cuh) on the CPU, no GPU needed:
// the same checks in the same order, with the same seed and so the same random data, but the candidate step is the
// kernels' own per-element update (optimizer_internal.cuh's decayed and update1, in float32) with each slice's mean
// summed in double and rounded to float32, as every centred row path of the kernels does. It shows that the
// checks' data and tolerance hold for the kernels' arithmetic, so that a check failing on a GPU points at a path
// of the kernel (which element it reaches, with which mean), not at the check; and it replays such a check without
// a GPU. The paths themselves (which thread updates which element, the sums' order) are optimizer_host_check's.
//
//   nvcc -std=c++17 -O3 -I kernels/include -I kernels/src kernels/dev/optimizer_lab_replay.cu kernels/src/status.cu \
//        -o build/optimizer_lab_replay
//   build/optimizer_lab_replay [--check-only]   (--check-only: the checks optimizer_lab --check-only runs, the
//                                                memcheck run's; without it, those of the full lab run)
//
// Prints each check's line as the lab does, then "optimizer_lab_replay: checks passed" and exits 0, or lists the
// tensors out of tolerance and exits 1. Every plan computes the same values here: the plan only names the check.
// Differences from a GPU: the kernels' float expressions may be contracted into FMAs there, and their row sums run
// in another order (both move a result by about an ulp, far inside the checks' 1e-5; a check's worst error here is
// about 4e-7).
#include <cstdio>
#include <cstring>
#include <random>
#include <vector>

#include "optimizer_internal.cuh"
#include "optimizer_lab_checks.cuh"

namespace lab {

using gcgan::optimizer::Coeffs;
using gcgan::optimizer::Entry;

// The kernels' step on the CPU as run_check's candidate: per tensor, each slice's mean of the decayed gradient (the
// float32 decayed value summed in double, the sum over the slice's count rounded to float32), then update1 on every
// element.
class HostStep {
public:
    void start(const std::vector<Shape>& shapes, bool gc, const std::vector<std::vector<float>>& w0) {
        shapes_ = shapes;
        gc_ = gc;
        w_ = w0;
        m_.clear();
        v_.clear();
        for (const std::vector<float>& x : w0) {
            m_.emplace_back(x.size(), 0.0f);
            v_.emplace_back(x.size(), 0.0f);
        }
    }

    void step(const Hyper& h, int64_t t, Plan, const std::vector<std::vector<float>>& g) {
        for (size_t i = 0; i < shapes_.size(); ++i) {
            if (h.algorithm == GCGAN_OPTIMIZER_ADAM) {
                step_tensor<GCGAN_OPTIMIZER_ADAM>(h, t, i, g[i]);
            } else {
                step_tensor<GCGAN_OPTIMIZER_SGD_MOMENTUM>(h, t, i, g[i]);
            }
        }
    }

    const std::vector<std::vector<float>>& weights() const { return w_; }

private:
    template <int Alg>
    void step_tensor(const Hyper& h, int64_t t, size_t i, const std::vector<float>& g) {
        const gcgan_optimizer_hyper hy = api_hyper(h);
        const gcgan_optimizer_tensor api = api_tensor(shapes_[i], gc_, h, t);
        Entry e{};
        e.step_size = api.step_size;
        e.bc2_sqrt = api.bc2_sqrt;
        e.first_step = api.first_step;
        const Coeffs c = gcgan::optimizer::coeffs_for(hy, e);
        std::vector<float>& w = w_[i];
        std::vector<float>& mean = mean_;  // each element's centring mean (0: not centred), reused from step to step
        mean.assign(w.size(), 0.0f);
        // element (o, s, k) of the centring view [outer, slices, inner] is at (o * slices + s) * inner + k
        if (api.slices > 0) {
            const int64_t count = api.outer * api.inner;
            for (int64_t s = 0; s < api.slices; ++s) {
                double sum = 0;
                for (int64_t o = 0; o < api.outer; ++o) {
                    for (int64_t k = 0; k < api.inner; ++k) {
                        const int64_t at = (o * api.slices + s) * api.inner + k;
                        sum += gcgan::optimizer::decayed(g[at], w[at], c.coupled_decay);
                    }
                }
                const float mu = static_cast<float>(sum / static_cast<double>(count));
                for (int64_t o = 0; o < api.outer; ++o) {
                    for (int64_t k = 0; k < api.inner; ++k) mean[(o * api.slices + s) * api.inner + k] = mu;
                }
            }
        }
        for (size_t k = 0; k < w.size(); ++k) {
            gcgan::optimizer::update1<Alg>(c, mean[k], w[k], g[k], m_[i][k], v_[i][k]);
        }
    }

    std::vector<Shape> shapes_;
    bool gc_ = false;
    std::vector<std::vector<float>> w_, m_, v_;
    std::vector<float> mean_;
};

}  // namespace lab

int main(int argc, char** argv) {
    using namespace lab;
    const bool check_only = argc == 2 && std::strcmp(argv[1], "--check-only") == 0;
    if (argc > 2 || (argc == 2 && !check_only)) {
        std::fprintf(stderr, "usage: optimizer_lab_replay [--check-only]\n");
        return 2;
    }
    std::mt19937 rnd(42);  // optimizer_lab's seed: the same draws, check by check
    int bad = 0;
    for_each_check(check_only, [&](const char* name, const std::vector<Shape>& shapes, bool gc, const Hyper& h,
                                   Plan plan) {
        HostStep host;
        bad += run_check(host, name, shapes, gc, h, plan, rnd);
    });
    print_failures();
    std::printf("optimizer_lab_replay: %s\n", bad ? "CHECK FAILED" : "checks passed");
    return bad ? 1 : 0;
}
