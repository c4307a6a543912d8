// prefetch_internal.cuh - internal to libgcgan_kernels (not installed, not exported): which addresses a thread asks
// L2 for when a group of threads prefetches a byte range (optimizer.cu's L2Prefetch), written __host__ __device__ so
// that kernels/dev/host_selfcheck.cpp walks the very same addresses on the CPU.
//
// A range [begin, begin + bytes) covers the 128-byte lines from the one holding begin to the one holding its last
// byte. Thread `first` of `stride` threads takes lines first, first + stride, ...; it asks for a line at the line's
// start, except the first line, asked for at begin itself: so every address lies inside the range (a prefetch never
// names memory outside what it was given), and every line of the range is asked for exactly once.
#ifndef GCGAN_PREFETCH_INTERNAL_CUH
#define GCGAN_PREFETCH_INTERNAL_CUH

#include <cstdint>

namespace gcgan {
namespace prefetch {

constexpr uintptr_t kLine = 128;  // bytes of an L2 cache line

// Calls ask(address) for each address thread `first` of `stride` threads asks L2 for, of [begin, begin + bytes).
// `ask` is a host lambda in the host check and a device lambda in the kernel: each instantiation runs on one side.
#pragma nv_exec_check_disable
template <typename Ask>
__host__ __device__ inline void for_each_line(uintptr_t begin, int64_t bytes, int first, int stride, Ask ask) {
    const uintptr_t end = begin + static_cast<uintptr_t>(bytes);
    const uintptr_t step = static_cast<uintptr_t>(stride) * kLine;
    for (uintptr_t a = (begin & ~(kLine - 1)) + static_cast<uintptr_t>(first) * kLine; a < end; a += step) {
        ask(a < begin ? begin : a);
    }
}

}  // namespace prefetch
}  // namespace gcgan

#endif  // GCGAN_PREFETCH_INTERNAL_CUH
