// simt_host.h - runs CUDA device code, unchanged, on the CPU, one thread block at a time, for kernels/dev's host
// checks (no GPU needed). Include it first, in a file compiled by the host compiler (g++ or clang++, not nvcc),
// then the device code: every thread of the block is a fiber with its own stack, run until it reaches its next
// synchronisation, and the emulator supplies what device code names:
//   threadIdx, blockDim                              the running fiber's and its block's (x only; y = z = 0);
//   blockIdx, gridDim                                the block's and the grid's (x, y, z: run_block's uint3 form);
//   __syncthreads(), __syncthreads_and(p)            a block barrier: every thread of the block must reach it;
//   __shfl_xor_sync, __shfl_down_sync (full mask)    a warp's exchange: the 32 lanes must all reach it, with the same
//                                                    mask and delta; each gets what the GPU gives it;
//   GCGAN_SHARED_ARRAY(T, name, n)                   the block's one shared array per declaration, NaN-filled (float
//                                                    and double; other types zero bits) at the block's start;
//   GCGAN_SHARED_ARRAY_2D(align, T, name, n0, n1)    the same as T name[n0][n1];
//   GCGAN_DYNAMIC_SHARED_BYTES(align, name)          the launch's dynamic shared memory (set_dynamic_shared's bytes,
//                                                    all bits set at the block's start: NaN as float or double);
//   __launch_bounds__(...)                           nothing: a __global__ kernel (__global__ is empty for the host
//                                                    compiler) is then a function that body() may call, its
//                                                    parameters each thread's own copy;
//   warp_gather(mine, all)                           no CUDA function: a warp's collective for host stand-ins of
//                                                    warp-wide instructions (mma.sync): the 32 lanes must all reach
//                                                    it; each gets all 32 lanes' values of `mine`.
// A fiber runs between synchronisations without interruption, which is one of the interleavings a GPU may choose;
// the order in which the block's runnable fibers take their turns is the check's (Order, below: five of them, one
// warp a whole barrier interval ahead of the others among them), so that a read of shared memory that a missing
// barrier leaves unordered sees another thread's value. What it cannot show: two threads' accesses between the same
// two synchronisations running at the same time, memory ordering and caches, FMA contraction (the host compiler's
// -ffp-contract=off keeps float expressions as written), and the device's launch limits.
// A misuse is reported, not undefined: a shuffle that not every lane of the warp reaches, a barrier some threads of
// the block never reach (or reach after others left the kernel), different masks or deltas in one shuffle (or a
// shuffle and a warp_gather), a deadlock. run_block then returns false and error() says which threads and where.
// A fiber that outgrows its stack (kStackBytes) stops the program with SIGSEGV on the page below it.
// One file of a program may include it (it defines the x86-64 context switch).
//
// Context switches: x86-64 saves the callee-saved registers and switches stacks in a few instructions (the CPU's
// SSE control word and x87 state are not touched: device code does not change them); other CPUs, or
// -DGCGAN_SIMT_UCONTEXT, use ucontext, whose switches make a system call each: optimizer_host_check took 6 min
// instead of 12 s that way, with the same result (2026-11-28).
#ifndef GCGAN_SIMT_HOST_H
#define GCGAN_SIMT_HOST_H

#ifdef __CUDACC__
#error "simt_host.h runs device code on the host: compile this file with the host compiler, not nvcc"
#endif

#include <cuda_runtime.h>  // the vector types (uint3, float4) and host_defines.h's qualifiers

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include <sys/mman.h>
#include <unistd.h>

// The x86-64 switch below, or ucontext on other CPUs and where GCGAN_SIMT_UCONTEXT is defined (to check that path).
#if defined(__x86_64__) && !defined(GCGAN_SIMT_UCONTEXT)
#define GCGAN_SIMT_ASM_SWITCH 1
#else
#define GCGAN_SIMT_ASM_SWITCH 0
#include <ucontext.h>
#endif

// What CUDA's device math headers declare in the global namespace (device_common.cuh calls them unqualified).
using std::isfinite;
using std::isinf;
using std::isnan;
using std::signbit;

namespace gcgan_simt {

// How the block's threads take turns between synchronisations (every one is an order a GPU may run them in):
//   kAscending, kDescending, kShuffled: every runnable thread runs once per round, threads in index order, in
//     reverse, or shuffled anew every round (warps advance about together);
//   kWarpsAhead, kWarpsAheadReversed: a warp runs, its shuffles exchanging as soon as its lanes reach them, until
//     every lane waits at a block barrier or has left; then the next warp, in index order or in reverse. One warp
//     is then a whole barrier interval ahead of the others: a shared slot written again before another warp read
//     it (a missing barrier) shows.
enum class Order { kAscending, kDescending, kShuffled, kWarpsAhead, kWarpsAheadReversed };
constexpr int kOrders = 5;

inline const char* order_name(Order o) {
    switch (o) {
        case Order::kAscending: return "ascending";
        case Order::kDescending: return "descending";
        case Order::kShuffled: return "shuffled";
        case Order::kWarpsAhead: return "warps ahead";
        default: return "warps ahead, reversed";
    }
}

constexpr int kWarp = 32;
constexpr size_t kStackBytes = size_t{256} << 10;  // per fiber: the bodies keep float4 arrays on the stack

// ---- context switching ----

#if GCGAN_SIMT_ASM_SWITCH
// gcgan_simt_switch(save, load): pushes the callee-saved registers, stores the stack pointer in *save, loads `load`
// as the stack pointer, pops the registers saved there and returns to the address above them.
extern "C" void gcgan_simt_switch(void** save, void* load);
asm(R"(
    .text
    .p2align 4
    .type gcgan_simt_switch, @function
gcgan_simt_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size gcgan_simt_switch, .-gcgan_simt_switch
)");

struct Context {
    void* sp = nullptr;
};
#else
struct Context {
    ucontext_t uc;
};
#endif

// ---- the emulated block ----

// A fiber's stack: `bytes` mapped above a page that may not be touched, so that a fiber that outgrows its stack
// stops the program (SIGSEGV) instead of writing over another's.
class Stack {
public:
    Stack() = default;
    explicit Stack(size_t bytes) : bytes_(bytes + page()) {
        void* m = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED || mprotect(m, page(), PROT_NONE) != 0) {
            std::fprintf(stderr, "simt_host: no memory for a fiber's stack of %zu bytes\n", bytes);
            std::abort();
        }
        mem_ = static_cast<unsigned char*>(m);
    }
    Stack(Stack&& o) noexcept : mem_(o.mem_), bytes_(o.bytes_) { o.mem_ = nullptr; }
    Stack& operator=(Stack&& o) noexcept {
        std::swap(mem_, o.mem_);
        std::swap(bytes_, o.bytes_);
        return *this;
    }
    Stack(const Stack&) = delete;
    Stack& operator=(const Stack&) = delete;
    ~Stack() {
        if (mem_ != nullptr) munmap(mem_, bytes_);
    }
    explicit operator bool() const { return mem_ != nullptr; }
    unsigned char* base() const { return mem_ + page(); }  // the lowest usable byte

private:
    static size_t page() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }
    unsigned char* mem_ = nullptr;
    size_t bytes_ = 0;
};

struct Fiber {
    enum State { kRunnable, kAtBarrier, kAtShuffle, kDone };
    Stack stack;
    Context context;
    uint3 idx{0, 0, 0};
    State state = kDone;
    const char* at = "";  // the synchronisation it waits at
    // kAtBarrier: the predicate of __syncthreads_and; kAtShuffle: the exchange (value in, result out)
    int predicate = 1;
    bool xor_shuffle = false;
    unsigned mask = 0;
    int delta = 0;
    uint64_t value = 0;
    // a warp_gather: this lane's bytes and where the 32 lanes' go (gather_bytes == 0: a shuffle)
    const void* gather_in = nullptr;
    void* gather_out = nullptr;
    size_t gather_bytes = 0;
};

class Block {
public:
    // Runs body() as every thread of block `block` of a grid of `grid` blocks of `threads` threads (a multiple of
    // 32), in `order` (kShuffled draws from seed). False when the code misused a synchronisation: error() says how.
    bool run_block(uint3 block, uint3 grid, unsigned threads, Order order, uint64_t seed,
                   const std::function<void()>& body);
    bool run_block(unsigned block, unsigned grid, unsigned threads, Order order, uint64_t seed,
                   const std::function<void()>& body) {
        return run_block(uint3{block, 0, 0}, uint3{grid, 1, 1}, threads, order, seed, body);
    }
    // The dynamic shared memory of the blocks run_block runs from now on (GCGAN_DYNAMIC_SHARED_BYTES), in bytes.
    void set_dynamic_shared(size_t bytes) { dynamic_bytes_ = bytes; }

    const std::string& error() const { return error_; }

    Fiber& current() { return fibers_[static_cast<size_t>(current_)]; }
    uint3 block_idx() const { return block_; }
    uint3 block_dim() const { return uint3{threads_, 0, 0}; }
    uint3 grid_dim() const { return grid_; }

    // The synchronisations, called by the running fiber.
    int barrier(int predicate, const char* what);
    uint64_t shuffle(bool is_xor, unsigned mask, uint64_t value, int delta, const char* what);
    void gather(const void* mine, void* all, size_t bytes, const char* what);

    // The block's shared array of declaration `site`, `bytes` long; *made: whether this call made it (the block's
    // first call).
    void* shared(const void* site, size_t bytes, bool* made);
    unsigned char* dynamic_shared() { return dynamic_.data(); }

    static Block& instance();

private:
    void yield_to_scheduler();
    void resume(int t);
    bool release_warp(unsigned w);
    bool run_lanes(unsigned w, const std::vector<int>& lanes);
    bool release_barrier();
    void fail(const std::string& what);
    static void fiber_entry();

    std::vector<Fiber> fibers_;
    Context scheduler_;
    int current_ = -1;
    uint3 block_{0, 0, 0}, grid_{1, 1, 1};
    unsigned threads_ = 0;
    size_t dynamic_bytes_ = 0;
    std::vector<unsigned char> dynamic_;
    const std::function<void()>* body_ = nullptr;
    std::map<const void*, std::vector<unsigned char>> shared_;
    std::string error_;
    bool failed_ = false;
};

inline Block& Block::instance() {
    static Block block;
    return block;
}

inline void Block::fail(const std::string& what) {
    if (!failed_) {
        failed_ = true;
        error_ = what;
    }
}

inline void Block::fiber_entry() {
    Block& b = instance();
    (*b.body_)();
    b.current().state = Fiber::kDone;
    b.yield_to_scheduler();  // never resumed
    std::abort();
}

#if GCGAN_SIMT_ASM_SWITCH
inline void Block::yield_to_scheduler() { gcgan_simt_switch(&current().context.sp, scheduler_.sp); }
inline void Block::resume(int t) {
    current_ = t;
    gcgan_simt_switch(&scheduler_.sp, fibers_[static_cast<size_t>(t)].context.sp);
}
inline void start_context(Context& c, unsigned char* stack, size_t bytes, void (*entry)()) {
    // The stack as gcgan_simt_switch leaves it: six saved registers (zero), then entry's address for its `ret`,
    // then a zero return address for entry itself, which so starts with the stack pointer 8 past a 16-byte boundary
    // as after a call (the System V ABI).
    uintptr_t top = (reinterpret_cast<uintptr_t>(stack) + bytes) & ~uintptr_t{15};
    auto* slot = reinterpret_cast<uint64_t*>(top);
    *--slot = 0;                                     // entry's return address (never used)
    *--slot = reinterpret_cast<uint64_t>(entry);     // where the first switch returns to
    for (int r = 0; r < 6; ++r) *--slot = 0;         // rbp, rbx, r12 .. r15
    c.sp = slot;
}
#else
inline void Block::yield_to_scheduler() { swapcontext(&current().context.uc, &scheduler_.uc); }
inline void Block::resume(int t) {
    current_ = t;
    swapcontext(&scheduler_.uc, &fibers_[static_cast<size_t>(t)].context.uc);
}
inline void start_context(Context& c, unsigned char* stack, size_t bytes, void (*entry)()) {
    getcontext(&c.uc);
    c.uc.uc_stack.ss_sp = stack;
    c.uc.uc_stack.ss_size = bytes;
    c.uc.uc_link = nullptr;
    makecontext(&c.uc, entry, 0);
}
#endif

inline int Block::barrier(int predicate, const char* what) {
    Fiber& f = current();
    f.state = Fiber::kAtBarrier;
    f.at = what;
    f.predicate = predicate;
    yield_to_scheduler();
    return f.predicate;  // the block's AND, set by release_barrier
}

inline uint64_t Block::shuffle(bool is_xor, unsigned mask, uint64_t value, int delta, const char* what) {
    Fiber& f = current();
    f.state = Fiber::kAtShuffle;
    f.at = what;
    f.xor_shuffle = is_xor;
    f.mask = mask;
    f.delta = delta;
    f.value = value;
    f.gather_bytes = 0;
    yield_to_scheduler();
    return f.value;  // set by release_shuffles
}

inline void Block::gather(const void* mine, void* all, size_t bytes, const char* what) {
    Fiber& f = current();
    f.state = Fiber::kAtShuffle;
    f.at = what;
    f.xor_shuffle = false;
    f.mask = 0xffffffffu;
    f.delta = 0;
    f.gather_in = mine;
    f.gather_out = all;
    f.gather_bytes = bytes;
    yield_to_scheduler();
}

inline void* Block::shared(const void* site, size_t bytes, bool* made) {
    auto it = shared_.find(site);
    *made = it == shared_.end();
    if (*made) it = shared_.emplace(site, std::vector<unsigned char>(bytes)).first;
    return it->second.data();
}

// Warp w exchanges once its 32 lanes all wait at a shuffle; a warp of which only some lanes wait, while the others
// wait at a barrier or have left, never will: a misuse.
inline bool Block::release_warp(unsigned w) {
    Fiber* lane = &fibers_[w * kWarp];
    int waiting = 0, running = 0;
    for (int l = 0; l < kWarp; ++l) {
        waiting += lane[l].state == Fiber::kAtShuffle;
        running += lane[l].state == Fiber::kRunnable;
    }
    if (waiting == 0 || running > 0) return false;
    if (waiting < kWarp) {
        int some = 0, other = 0;
        while (lane[some].state != Fiber::kAtShuffle) ++some;
        while (lane[other].state == Fiber::kAtShuffle) ++other;
        fail("warp " + std::to_string(w) + ": lanes wait at " + lane[some].at + " while lane " +
             std::to_string(other) +
             (lane[other].state == Fiber::kDone ? " has left the kernel" : std::string(" waits at ") + lane[other].at));
        return false;
    }
    for (int l = 1; l < kWarp; ++l) {
        if (lane[l].xor_shuffle != lane[0].xor_shuffle || lane[l].mask != lane[0].mask ||
            lane[l].delta != lane[0].delta || lane[l].gather_bytes != lane[0].gather_bytes) {
            fail("warp " + std::to_string(w) + ": lanes 0 and " + std::to_string(l) + " reach different shuffles (" +
                 lane[0].at + ", " + lane[l].at + ")");
            return false;
        }
    }
    if (lane[0].mask != 0xffffffffu) {
        fail("warp " + std::to_string(w) + ": a shuffle over part of the warp (" + lane[0].at + "): not emulated");
        return false;
    }
    if (lane[0].gather_bytes > 0) {
        const size_t bytes = lane[0].gather_bytes;
        for (int l = 0; l < kWarp; ++l) {
            for (int src = 0; src < kWarp; ++src) {
                std::memcpy(static_cast<unsigned char*>(lane[l].gather_out) + src * bytes, lane[src].gather_in, bytes);
            }
        }
        for (int l = 0; l < kWarp; ++l) lane[l].state = Fiber::kRunnable;
        return true;
    }
    uint64_t in[kWarp];
    for (int l = 0; l < kWarp; ++l) in[l] = lane[l].value;
    for (int l = 0; l < kWarp; ++l) {
        const int d = lane[l].delta;
        int src = l;
        if (lane[l].xor_shuffle) {
            src = (l ^ d) & (kWarp - 1);  // width 32
        } else if (l + d < kWarp) {
            src = l + d;  // __shfl_down_sync: lanes past the end keep their own value
        }
        lane[l].value = in[src];
        lane[l].state = Fiber::kRunnable;
    }
    return true;
}

// The block's barrier opens once every thread waits at one; one that left the kernel while others wait is a misuse
// (the GPU's behaviour is undefined there).
inline bool Block::release_barrier() {
    int waiting = 0, done = 0, predicate = 1;
    for (const Fiber& f : fibers_) {
        if (f.state == Fiber::kRunnable || f.state == Fiber::kAtShuffle) return false;
        waiting += f.state == Fiber::kAtBarrier;
        done += f.state == Fiber::kDone;
        if (f.state == Fiber::kAtBarrier) predicate &= f.predicate != 0 ? 1 : 0;
    }
    if (waiting == 0) return false;
    if (done > 0) {
        const Fiber* w = nullptr;
        for (const Fiber& f : fibers_) {
            if (f.state == Fiber::kAtBarrier) w = &f;
        }
        fail(std::to_string(waiting) + " threads wait at " + w->at + " (thread " + std::to_string(w->idx.x) +
             ") while " + std::to_string(done) + " have left the kernel");
        return false;
    }
    for (Fiber& f : fibers_) {
        f.state = Fiber::kRunnable;
        f.predicate = predicate;
    }
    return true;
}

inline bool Block::run_block(uint3 block, uint3 grid, unsigned threads, Order order, uint64_t seed,
                             const std::function<void()>& body) {
    if (threads == 0 || threads % kWarp != 0) {
        error_ = "a block of " + std::to_string(threads) + " threads: not a multiple of 32";
        return false;
    }
    fibers_.resize(threads);
    block_ = block;
    grid_ = grid;
    threads_ = threads;
    body_ = &body;
    shared_.clear();
    dynamic_.assign(dynamic_bytes_, 0xff);
    error_.clear();
    failed_ = false;
    for (unsigned t = 0; t < threads; ++t) {
        Fiber& f = fibers_[t];
        if (!f.stack) f.stack = Stack(kStackBytes);
        f.idx = uint3{t, 0, 0};
        f.state = Fiber::kRunnable;
        f.at = "";
        start_context(f.context, f.stack.base(), kStackBytes, &Block::fiber_entry);
    }
    const bool reversed = order == Order::kDescending || order == Order::kWarpsAheadReversed;
    std::vector<int> turn(threads), warps(threads / kWarp), lanes(kWarp);
    for (unsigned t = 0; t < threads; ++t) turn[t] = static_cast<int>(reversed ? threads - 1 - t : t);
    for (size_t w = 0; w < warps.size(); ++w) warps[w] = static_cast<int>(reversed ? warps.size() - 1 - w : w);
    for (int l = 0; l < kWarp; ++l) lanes[static_cast<size_t>(l)] = reversed ? kWarp - 1 - l : l;
    std::mt19937_64 rng(seed);
    for (;;) {
        bool progressed = false;
        if (order == Order::kWarpsAhead || order == Order::kWarpsAheadReversed) {
            for (int w : warps) {
                while (!failed_ && (run_lanes(static_cast<unsigned>(w), lanes) ||
                                    release_warp(static_cast<unsigned>(w)))) {
                    progressed = true;
                }
            }
        } else {
            if (order == Order::kShuffled) std::shuffle(turn.begin(), turn.end(), rng);
            for (int t : turn) {
                if (fibers_[static_cast<size_t>(t)].state != Fiber::kRunnable) continue;
                resume(t);
                progressed = true;
            }
            for (unsigned w = 0; w < threads / kWarp && !failed_; ++w) progressed |= release_warp(w);
        }
        if (failed_) return false;
        bool all_done = true;
        for (const Fiber& f : fibers_) all_done &= f.state == Fiber::kDone;
        if (all_done) return true;
        if (progressed) continue;
        if (!release_barrier()) {
            if (!failed_) fail("deadlock: no thread can go on");
            return false;
        }
    }
}

// Runs warp w's runnable lanes once each, in the order `lanes`; false when none was runnable.
inline bool Block::run_lanes(unsigned w, const std::vector<int>& lanes) {
    bool ran = false;
    for (int l : lanes) {
        const int t = static_cast<int>(w) * kWarp + l;
        if (fibers_[static_cast<size_t>(t)].state != Fiber::kRunnable) continue;
        resume(t);
        ran = true;
    }
    return ran;
}

inline Block& block() { return Block::instance(); }

template <typename T>
uint64_t to_bits(T v) {
    static_assert(sizeof(T) <= sizeof(uint64_t) && std::is_trivially_copyable<T>::value, "a shuffle of <= 8 bytes");
    uint64_t bits = 0;
    std::memcpy(&bits, &v, sizeof(T));
    return bits;
}

template <typename T>
T from_bits(uint64_t bits) {
    T v;
    std::memcpy(&v, &bits, sizeof(T));
    return v;
}

// GCGAN_SHARED_ARRAY's array: NaN-filled when T is floating-point (a read of a slot the block never wrote shows),
// zero bits otherwise.
template <typename T, size_t N>
T* shared_array(const void* site) {
    bool made = false;
    T* const a = static_cast<T*>(block().shared(site, sizeof(T) * N, &made));
    if (made && std::is_floating_point<T>::value) std::fill(a, a + N, std::numeric_limits<T>::quiet_NaN());
    return a;
}

}  // namespace gcgan_simt

// ---- what device code names ----

#define threadIdx (::gcgan_simt::block().current().idx)
#define blockIdx (::gcgan_simt::block().block_idx())
#define blockDim (::gcgan_simt::block().block_dim())
#define gridDim (::gcgan_simt::block().grid_dim())

#define GCGAN_SIMT_WHERE(what) what " at " __FILE__ ":" GCGAN_SIMT_STR(__LINE__)
#define GCGAN_SIMT_STR(x) GCGAN_SIMT_STR2(x)
#define GCGAN_SIMT_STR2(x) #x

inline void gcgan_simt_syncthreads(const char* where) { ::gcgan_simt::block().barrier(1, where); }
inline int gcgan_simt_syncthreads_and(int p, const char* where) { return ::gcgan_simt::block().barrier(p, where); }
#define __syncthreads() gcgan_simt_syncthreads(GCGAN_SIMT_WHERE("__syncthreads"))
#define __syncthreads_and(p) gcgan_simt_syncthreads_and((p), GCGAN_SIMT_WHERE("__syncthreads_and"))

// The three-argument forms (a warp of 32 lanes), what the kernels call.
template <typename T>
T gcgan_simt_shfl(bool is_xor, unsigned mask, T v, int delta, const char* where) {
    return ::gcgan_simt::from_bits<T>(
        ::gcgan_simt::block().shuffle(is_xor, mask, ::gcgan_simt::to_bits(v), delta, where));
}
#define __shfl_xor_sync(mask, v, lane_mask) \
    gcgan_simt_shfl(true, (mask), (v), static_cast<int>(lane_mask), GCGAN_SIMT_WHERE("__shfl_xor_sync"))
#define __shfl_down_sync(mask, v, delta) \
    gcgan_simt_shfl(false, (mask), (v), static_cast<int>(delta), GCGAN_SIMT_WHERE("__shfl_down_sync"))

// One array per declaration (and template instantiation): the address of a static tag names it.
#define GCGAN_SHARED_ARRAY(T, name, n)    \
    static const char name##_simt_site = 0; \
    T* const name = ::gcgan_simt::shared_array<T, (n)>(&name##_simt_site)
// The same as T[n0][n1] (alignment: the host's allocation, 16 bytes at least on x86-64 and aarch64).
#define GCGAN_SHARED_ARRAY_2D(align, T, name, n0, n1) \
    static const char name##_simt_site = 0;            \
    T(*const name)[n1] = reinterpret_cast<T(*)[n1]>(::gcgan_simt::shared_array<T, (n0) * (n1)>(&name##_simt_site))
#define GCGAN_DYNAMIC_SHARED_BYTES(align, name) unsigned char* const name = ::gcgan_simt::block().dynamic_shared()

#define __launch_bounds__(...)

namespace gcgan_simt {
// Every lane of the warp gets all 32 lanes' `mine` (all[lane] = that lane's), once all 32 reach it.
template <typename T>
void warp_gather(const T& mine, T (&all)[kWarp]) {
    static_assert(std::is_trivially_copyable<T>::value, "warp_gather copies bytes");
    block().gather(&mine, all, sizeof(T), "warp_gather");
}
}  // namespace gcgan_simt

#endif  // GCGAN_SIMT_HOST_H
