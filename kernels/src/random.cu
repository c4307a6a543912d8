// random.cu - Philox 4x32-10 random fills: gcgan_random_{uniform,normal}_{f32,f64}.
//
// The streams are defined in gcgan_kernels.h and, with the exact operation sequences of ln and cos(2 pi u),
// in the Javadoc of io.gcgan.random.Philox, the Java oracle these kernels must match bit for bit.
//
// Rules that keep this file bit-identical to the Java code:
//  - On the float64 paths every operation is an explicit round-to-nearest intrinsic (__dadd_rn, __dsub_rn,
//    __dmul_rn, __ddiv_rn, __dsqrt_rn, __fma_rn). nvcc contracts a * b + c into an FMA by default; the
//    intrinsics are never contracted or reassociated, so the device runs exactly the Java sequence (Java
//    never contracts, and uses Math.fma where we use __fma_rn). --use_fast_math does not affect them.
//  - ln and cos(2 pi u) are ours (ln_portable, cos2pi_portable), not log()/cos(): libdevice and Java's
//    StrictMath each round differently in the last bit.
//  - The constants are the same hexadecimal literals as in Philox.java.
// The element functions are __host__ __device__ so that a host-only test can run the same sequence; on the
// host the helpers are plain IEEE operations and std::fma, which need a host build without FMA contraction
// (gcc's default x86-64 target has no FMA instructions, so it cannot contract).
//
// Layout: out is (n,), dense. Thread i of the grid-stride loop writes elements i, i + stride, ...; each
// element depends only on (seed, offset + index), so the launch configuration never changes the values.

#include <cuda_runtime.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#include "gcgan_kernels.h"
#include "device_common.cuh"
#include "status_internal.h"

using namespace gcgan::detail;

namespace {

// ---- Philox 4x32-10 (Random123) ----

struct PhiloxWords {
    uint32_t x0, x1, x2, x3;
};

constexpr uint32_t kPhiloxM0 = 0xD2511F53u;
constexpr uint32_t kPhiloxM1 = 0xCD9E8D57u;
constexpr uint32_t kPhiloxW0 = 0x9E3779B9u;
constexpr uint32_t kPhiloxW1 = 0xBB67AE85u;

// High 32 bits of the 64-bit product a * b.
__host__ __device__ __forceinline__ uint32_t mulhi_u32(uint32_t a, uint32_t b) {
#ifdef __CUDA_ARCH__
    return __umulhi(a, b);
#else
    return static_cast<uint32_t>((static_cast<uint64_t>(a) * b) >> 32);
#endif
}

// Ten rounds of (hi0:lo0 = M0 c0, hi1:lo1 = M1 c2; c = (hi1^c1^k0, lo1, hi0^c3^k1, lo0)), the key bumped by
// the Weyl increments between rounds.
__host__ __device__ __forceinline__ PhiloxWords philox4x32_10(uint32_t c0, uint32_t c1, uint32_t c2, uint32_t c3,
                                                              uint32_t k0, uint32_t k1) {
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (int round = 0; round < 10; ++round) {
        if (round > 0) {
            k0 += kPhiloxW0;
            k1 += kPhiloxW1;
        }
        const uint32_t hi0 = mulhi_u32(kPhiloxM0, c0);
        const uint32_t hi1 = mulhi_u32(kPhiloxM1, c2);
        const uint32_t lo0 = kPhiloxM0 * c0;
        const uint32_t lo1 = kPhiloxM1 * c2;
        c0 = hi1 ^ c1 ^ k0;
        c1 = lo1;
        c2 = hi0 ^ c3 ^ k1;
        c3 = lo0;
    }
    return PhiloxWords{c0, c1, c2, c3};
}

// Block b of stream seed: key (low32(seed), high32(seed)), counter (low32(b), high32(b), 0, 0).
__host__ __device__ __forceinline__ PhiloxWords stream_block(uint64_t seed, uint64_t block) {
    return philox4x32_10(static_cast<uint32_t>(block), static_cast<uint32_t>(block >> 32), 0u, 0u,
                         static_cast<uint32_t>(seed), static_cast<uint32_t>(seed >> 32));
}

// The never-contracted IEEE operations add_rn, sub_rn, mul_rn, div_rn, sqrt_rn come from device_common.cuh.

__host__ __device__ __forceinline__ double fma_rn(double a, double b, double c) {
#ifdef __CUDA_ARCH__
    return __fma_rn(a, b, c);
#else
    return std::fma(a, b, c);
#endif
}

__host__ __device__ __forceinline__ uint64_t bits_of(double x) {
#ifdef __CUDA_ARCH__
    return static_cast<uint64_t>(__double_as_longlong(x));
#else
    uint64_t bits;
    std::memcpy(&bits, &x, sizeof bits);
    return bits;
#endif
}

__host__ __device__ __forceinline__ double double_of(uint64_t bits) {
#ifdef __CUDA_ARCH__
    return __longlong_as_double(static_cast<long long>(bits));
#else
    double x;
    std::memcpy(&x, &bits, sizeof x);
    return x;
#endif
}

// ---- ln and cos(2 pi u): the operation sequences of Philox.log and Philox.cos2pi ----

#define GCGAN_SQRT2 0x1.6a09e667f3bcdp+0
#define GCGAN_LN2_HI 0x1.62e42fefa2000p-1  // 40 significant bits: e * LN2_HI is exact
#define GCGAN_LN2_LO 0x1.9ef35793c7673p-41

// L_k = 2 / (2k + 1), k = 1..10
#define GCGAN_L1 0x1.5555555555555p-1
#define GCGAN_L2 0x1.999999999999ap-2
#define GCGAN_L3 0x1.2492492492492p-2
#define GCGAN_L4 0x1.c71c71c71c71cp-3
#define GCGAN_L5 0x1.745d1745d1746p-3
#define GCGAN_L6 0x1.3b13b13b13b14p-3
#define GCGAN_L7 0x1.1111111111111p-3
#define GCGAN_L8 0x1.e1e1e1e1e1e1ep-4
#define GCGAN_L9 0x1.af286bca1af28p-4
#define GCGAN_L10 0x1.8618618618618p-4

// S_n = (-1)^n (pi/2)^(2n+1) / (2n+1)!, n = 0..8
#define GCGAN_S0 0x1.921fb54442d18p+0
#define GCGAN_S1 -0x1.4abbce625be53p-1
#define GCGAN_S2 0x1.466bc6775aae2p-4
#define GCGAN_S3 -0x1.32d2cce62bd86p-8
#define GCGAN_S4 0x1.50783487ee782p-13
#define GCGAN_S5 -0x1.e3074fde8871fp-19
#define GCGAN_S6 0x1.e8f434d018d63p-25
#define GCGAN_S7 -0x1.6fadb9f155744p-31
#define GCGAN_S8 0x1.aaec32af93359p-38

// C_n = (-1)^n (pi/2)^(2n) / (2n)!, n = 1..9
#define GCGAN_C1 -0x1.3bd3cc9be45dep+0
#define GCGAN_C2 0x1.03c1f081b5ac4p-2
#define GCGAN_C3 -0x1.55d3c7e3cbffap-6
#define GCGAN_C4 0x1.e1f506891babbp-11
#define GCGAN_C5 -0x1.a6d1f2a204a8cp-16
#define GCGAN_C6 0x1.f9d38a3763cc3p-22
#define GCGAN_C7 -0x1.b6e24f44b128fp-28
#define GCGAN_C8 0x1.20c62c2f2d7f5p-34
#define GCGAN_C9 -0x1.2a0c591af8314p-41

// ln(x) for a positive normal double; within 0.52 ulp on (0, 1).
__host__ __device__ __forceinline__ double ln_portable(double x) {
    const uint64_t bits = bits_of(x);
    int e = static_cast<int>((bits >> 52) & 0x7FF) - 1023;
    double m = double_of((bits & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);  // in [1, 2)
    if (m > GCGAN_SQRT2) {
        m = mul_rn(m, 0.5);
        e = e + 1;
    }
    const double f = sub_rn(m, 1.0);                     // exact
    const double d = add_rn(m, 1.0);
    const double d_low = sub_rn(m, sub_rn(d, 1.0));      // exact: m + 1 = d + d_low
    const double s = div_rn(f, d);
    const double s_low = div_rn(fma_rn(-s, d_low, fma_rn(-s, d, f)), d);
    const double s2 = mul_rn(s, s);
    double p = GCGAN_L10;
    p = fma_rn(p, s2, GCGAN_L9);
    p = fma_rn(p, s2, GCGAN_L8);
    p = fma_rn(p, s2, GCGAN_L7);
    p = fma_rn(p, s2, GCGAN_L6);
    p = fma_rn(p, s2, GCGAN_L5);
    p = fma_rn(p, s2, GCGAN_L4);
    p = fma_rn(p, s2, GCGAN_L3);
    p = fma_rn(p, s2, GCGAN_L2);
    p = fma_rn(p, s2, GCGAN_L1);
    const double ed = static_cast<double>(e);
    const double a = mul_rn(ed, GCGAN_LN2_HI);           // exact
    const double b = mul_rn(2.0, s);                     // exact
    const double hi = add_rn(a, b);
    const double lo = add_rn(sub_rn(a, hi), b);          // exact: a + b = hi + lo
    const double tail = fma_rn(s, mul_rn(s2, p), fma_rn(ed, GCGAN_LN2_LO, mul_rn(2.0, s_low)));
    return add_rn(hi, add_rn(lo, tail));
}

// sin(pi r / 2) and cos(pi r / 2) for |r| <= 1/2, r2 = r * r.
__host__ __device__ __forceinline__ double sin_half_pi(double r, double r2) {
    double p = GCGAN_S8;
    p = fma_rn(p, r2, GCGAN_S7);
    p = fma_rn(p, r2, GCGAN_S6);
    p = fma_rn(p, r2, GCGAN_S5);
    p = fma_rn(p, r2, GCGAN_S4);
    p = fma_rn(p, r2, GCGAN_S3);
    p = fma_rn(p, r2, GCGAN_S2);
    p = fma_rn(p, r2, GCGAN_S1);
    p = fma_rn(p, r2, GCGAN_S0);
    return mul_rn(r, p);
}

__host__ __device__ __forceinline__ double cos_half_pi(double r2) {
    double p = GCGAN_C9;
    p = fma_rn(p, r2, GCGAN_C8);
    p = fma_rn(p, r2, GCGAN_C7);
    p = fma_rn(p, r2, GCGAN_C6);
    p = fma_rn(p, r2, GCGAN_C5);
    p = fma_rn(p, r2, GCGAN_C4);
    p = fma_rn(p, r2, GCGAN_C3);
    p = fma_rn(p, r2, GCGAN_C2);
    p = fma_rn(p, r2, GCGAN_C1);
    return fma_rn(r2, p, 1.0);
}

// cos(2 pi u) for finite u: t = 4u = q + r exactly with q = rint(t), then a quarter-turn identity.
__host__ __device__ __forceinline__ double cos2pi_portable(double u) {
    const double t = mul_rn(4.0, u);                     // exact
    const double q = rint(t);                            // ties to even
    const double r = sub_rn(t, q);                       // exact, |r| <= 1/2
    const double r2 = mul_rn(r, r);
    switch (static_cast<int>(static_cast<long long>(q) & 3)) {
        case 0:
            return cos_half_pi(r2);
        case 1:
            return -sin_half_pi(r, r2);
        case 2:
            return -cos_half_pi(r2);
        default:
            return sin_half_pi(r, r2);
    }
}

// ---- The element definitions ----

// ((x0 >> 9) + 0.5) * 2^-23: 24 significant bits, every step exact in float.
__host__ __device__ __forceinline__ float uniform_f32(uint32_t x0) {
    return (static_cast<float>(x0 >> 9) + 0.5f) * 0x1.0p-23f;
}

// ((a << 20 | b >> 12) + 0.5) * 2^-52: 53 significant bits, every step exact in double.
__host__ __device__ __forceinline__ double uniform_f64(uint32_t a, uint32_t b) {
    const uint64_t k = (static_cast<uint64_t>(a) << 20) | (b >> 12);
    return mul_rn(add_rn(static_cast<double>(k), 0.5), 0x1.0p-52);
}

// Box-Muller in double: sqrt(-2 ln u1) * cos(2 pi u2).
__host__ __device__ __forceinline__ double normal_f64(const PhiloxWords& w) {
    const double u1 = uniform_f64(w.x0, w.x1);
    const double u2 = uniform_f64(w.x2, w.x3);
    const double radius = sqrt_rn(mul_rn(-2.0, ln_portable(u1)));
    return mul_rn(radius, cos2pi_portable(u2));
}

enum class Distribution { kUniform, kNormal };

template <typename T, Distribution D>
__host__ __device__ __forceinline__ T element(uint64_t seed, uint64_t block) {
    const PhiloxWords w = stream_block(seed, block);
    if constexpr (D == Distribution::kUniform) {
        if constexpr (sizeof(T) == sizeof(float)) {
            return uniform_f32(w.x0);
        } else {
            return uniform_f64(w.x0, w.x1);
        }
    } else {
        return static_cast<T>(normal_f64(w));  // float: round to nearest
    }
}

// out is (n,); element i takes block offset + i (wrapping).
template <typename T, Distribution D>
__global__ void fill_kernel(T* __restrict__ out, int64_t n, uint64_t seed, uint64_t offset) {
    const int64_t stride = static_cast<int64_t>(gridDim.x) * blockDim.x;
    for (int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n; i += stride) {
        out[i] = element<T, D>(seed, offset + static_cast<uint64_t>(i));
    }
}

constexpr int kThreadsPerBlock = 256;
constexpr int64_t kMaxBlocks = 65536;  // beyond this the grid-stride loop takes over

template <typename T, Distribution D>
gcgan_status launch_fill(const char* call, T* out, int64_t n, uint64_t seed, uint64_t offset,
                         gcgan_stream stream) {
    using gcgan::detail::fail;
    if (n < 0) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "n = %lld must be >= 0", static_cast<long long>(n));
    }
    if (n == 0) {
        return GCGAN_OK;
    }
    if (out == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "out is NULL with n = %lld", static_cast<long long>(n));
    }
    const int64_t needed = n / kThreadsPerBlock + (n % kThreadsPerBlock != 0 ? 1 : 0);
    const unsigned blocks = static_cast<unsigned>(needed < kMaxBlocks ? needed : kMaxBlocks);
    fill_kernel<T, D><<<blocks, kThreadsPerBlock, 0, stream>>>(out, n, seed, offset);
    return gcgan::detail::check_launch(call);
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_random_uniform_f32(float* out, int64_t n, uint64_t seed, uint64_t offset,
                                                           gcgan_stream stream) {
    return launch_fill<float, Distribution::kUniform>("gcgan_random_uniform_f32", out, n, seed, offset, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_random_uniform_f64(double* out, int64_t n, uint64_t seed, uint64_t offset,
                                                           gcgan_stream stream) {
    return launch_fill<double, Distribution::kUniform>("gcgan_random_uniform_f64", out, n, seed, offset, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_random_normal_f32(float* out, int64_t n, uint64_t seed, uint64_t offset,
                                                          gcgan_stream stream) {
    return launch_fill<float, Distribution::kNormal>("gcgan_random_normal_f32", out, n, seed, offset, stream);
}

extern "C" GCGAN_API gcgan_status gcgan_random_normal_f64(double* out, int64_t n, uint64_t seed, uint64_t offset,
                                                          gcgan_stream stream) {
    return launch_fill<double, Distribution::kNormal>("gcgan_random_normal_f64", out, n, seed, offset, stream);
}
