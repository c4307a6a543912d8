// busy_wait.cu - gcgan_busy_wait: keeps a stream busy on the device for a given time, so that work queued behind it
// runs back to back, without the gaps of the host's launches between its kernels (for timing device work alone).
//
// One thread reads the global nanosecond timer (%globaltimer) and sleeps in short steps (__nanosleep, sm_70+) until
// the time has passed: it holds one SM slot, not the device.

#include "device_common.cuh"

namespace {

constexpr int64_t kMaxWaitNs = 10LL * 1000 * 1000 * 1000;  // 10 s: a longer wait is a caller's bug

__device__ __forceinline__ uint64_t global_ns() {
    uint64_t t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

__global__ void busy_wait_kernel(int64_t nanoseconds) {
    const uint64_t start = global_ns();
    while (global_ns() - start < static_cast<uint64_t>(nanoseconds)) {
        __nanosleep(1000);
    }
}

}  // namespace

extern "C" GCGAN_API gcgan_status gcgan_busy_wait(int64_t nanoseconds, gcgan_stream stream) {
    using namespace gcgan::detail;
    const char* call = "gcgan_busy_wait";
    if (nanoseconds < 0 || nanoseconds > kMaxWaitNs) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "nanoseconds = %lld must be in [0, %lld]",
                    static_cast<long long>(nanoseconds), static_cast<long long>(kMaxWaitNs));
    }
    if (nanoseconds == 0) {
        return GCGAN_OK;
    }
    busy_wait_kernel<<<1, 1, 0, stream>>>(nanoseconds);
    return check_launch(call);
}
