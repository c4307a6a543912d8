// host_selfcheck.cu - a host-only check (no GPU needed) of the __host__ __device__ helpers that the dense-op kernels
// share (kernels/src/device_common.cuh): the strided index math and Java's NaN / signed-zero / pow rules.
//
//   nvcc -std=c++17 -I kernels/include -I kernels/src kernels/dev/host_selfcheck.cu -o build/host_selfcheck
//   build/host_selfcheck                   (from the repository root)
//
// Prints "host_selfcheck: N checks passed" and exits 0, or prints the first ten failures and exits 1. The device
// pass uses the same source; only the math library underneath (libdevice vs the host libm) differs.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

#include "device_common.cuh"

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

}  // namespace

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

    if (failures > 0) {
        std::printf("host_selfcheck: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    std::printf("host_selfcheck: %d checks passed\n", checks);
    return 0;
}
