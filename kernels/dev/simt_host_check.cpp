// simt_host_check.cpp - the check of kernels/dev/simt_host.h itself (no GPU needed): small kernels whose results on
// a GPU are known, run on the emulator's fibers in each of its turn orders. What it must do: give every lane what
// __shfl_xor_sync and __shfl_down_sync give it, AND __syncthreads_and's predicates over the block, give every block
// its blockIdx and gridDim, keep a shared array per block and declaration (NaN at the block's start), keep each
// fiber's locals across synchronisations, and gather a warp's values (warp_gather); what it must refuse, naming it:
// a shuffle not every lane of a warp reaches, a barrier some threads never reach, lanes at different shuffles, and a
// barrier reached after other threads left the kernel. And a missing barrier must change a result in at least one
// order (the reason for the orders): a shared slot read by another warp after its writer has moved on.
// Mutations of simt_host.h that made it fail (2026-11-28; each tried, then reverted): the xor shuffle's source lane
// l ^ (delta / 2) (5 failures), __syncthreads_and not combining the predicates (5), the warps-ahead orders run in
// lockstep (1: the missing barrier changed nothing), a barrier opened while threads had left (the program aborts).
//
//   cmake --build build/cmake --target simt_host_check && build/cmake/simt_host_check
//
// Prints "simt_host_check: N checks passed" and exits 0, or the failures and exits 1.
#include "simt_host.h"

#include <cstdio>
#include <string>
#include <vector>

namespace {

int failures = 0;
int checks = 0;

void expect(bool ok, const std::string& what) {
    ++checks;
    if (!ok && ++failures <= 10) std::printf("FAIL %s\n", what.c_str());
}

constexpr unsigned kThreads = 128;  // four warps

const char* name(gcgan_simt::Order o) { return gcgan_simt::order_name(o); }

// Runs body as one block of kThreads threads (block 0 of a grid of 1) in `order`; the emulator's verdict.
bool run(gcgan_simt::Order order, const std::function<void()>& body, unsigned block = 0, unsigned grid = 1) {
    return gcgan_simt::block().run_block(block, grid, kThreads, order, 17, body);
}

// ---- what the GPU gives ----

// Each lane's results of the xor and down shuffles over its own lane number, of a full xor tree, and a value kept in
// a local across them (a fiber's stack survives its switches).
void shuffles(gcgan_simt::Order order) {
    std::vector<int> got_xor(kThreads), got_down(kThreads), kept(kThreads);
    std::vector<double> tree(kThreads);
    const bool ok = run(order, [&] {
        const int t = static_cast<int>(threadIdx.x);
        const int lane = t & 31;
        const int local = t * 7;
        got_xor[t] = __shfl_xor_sync(0xffffffffu, lane, 5);
        got_down[t] = __shfl_down_sync(0xffffffffu, lane, 3);
        double v = t;
        for (int delta = 16; delta > 0; delta >>= 1) v += __shfl_xor_sync(0xffffffffu, v, delta);
        tree[t] = v;
        kept[t] = local;
    });
    expect(ok, std::string("shuffles ran (") + name(order) + "): " + gcgan_simt::block().error());
    for (unsigned t = 0; t < kThreads; ++t) {
        const int lane = static_cast<int>(t & 31);
        const double warp_sum = 32.0 * (t & ~31u) + 496.0;  // the warp's thread indices summed
        if (got_xor[t] != (lane ^ 5) || got_down[t] != (lane + 3 < 32 ? lane + 3 : lane) || tree[t] != warp_sum ||
            kept[t] != static_cast<int>(t) * 7) {
            expect(false, "thread " + std::to_string(t) + " (" + name(order) + "): xor " + std::to_string(got_xor[t]) +
                              ", down " + std::to_string(got_down[t]) + ", tree " + std::to_string(tree[t]));
            return;
        }
    }
    expect(true, "shuffles");
}

// __syncthreads_and: 1 when every thread's predicate holds, 0 when one does not, the same for every thread; a shared
// array is the block's one copy, NaN before anything writes it.
void barriers_and_shared(gcgan_simt::Order order) {
    std::vector<int> all_true(kThreads), one_false(kThreads);
    std::vector<double> before(kThreads), after(kThreads);
    const bool ok = run(order, [&] {
        GCGAN_SHARED_ARRAY(double, slots, kThreads);
        const unsigned t = threadIdx.x;
        before[t] = slots[t];
        __syncthreads();
        slots[t] = t;
        all_true[t] = __syncthreads_and(1);
        one_false[t] = __syncthreads_and(t != 77);
        after[t] = slots[(t + 1) % kThreads];  // another thread's, written before the barriers
    });
    expect(ok, std::string("barriers ran (") + name(order) + "): " + gcgan_simt::block().error());
    for (unsigned t = 0; t < kThreads; ++t) {
        if (!std::isnan(before[t]) || all_true[t] != 1 || one_false[t] != 0 || after[t] != (t + 1) % kThreads) {
            expect(false, "thread " + std::to_string(t) + " (" + name(order) + "): shared before " +
                              std::to_string(before[t]) + ", and " + std::to_string(all_true[t]) + "/" +
                              std::to_string(one_false[t]) + ", after " + std::to_string(after[t]));
            return;
        }
    }
    expect(true, "barriers");
}

// blockIdx and gridDim, and a shared array that starts NaN again in the next block (each block its own memory).
void blocks() {
    std::vector<double> first(3);
    std::vector<unsigned> index(3), dim(3);
    for (unsigned b = 0; b < 3; ++b) {
        const bool ok = run(gcgan_simt::Order::kAscending, [&] {
            GCGAN_SHARED_ARRAY(double, slot, 1);
            if (threadIdx.x == 0) {
                first[b] = slot[0];
                index[b] = blockIdx.x;
                dim[b] = gridDim.x;
            }
            __syncthreads();
            if (threadIdx.x == 0) slot[0] = 1.0;
        }, b, 3);
        expect(ok, "blocks ran: " + gcgan_simt::block().error());
        expect(std::isnan(first[b]) && index[b] == b && dim[b] == 3,
               "block " + std::to_string(b) + ": shared " + std::to_string(first[b]) + ", blockIdx " +
                   std::to_string(index[b]) + ", gridDim " + std::to_string(dim[b]));
    }
}

// warp_gather: every lane gets every lane's value.
void gather(gcgan_simt::Order order) {
    std::vector<int> wrong(kThreads);
    const bool ok = run(order, [&] {
        const int t = static_cast<int>(threadIdx.x);
        int all[gcgan_simt::kWarp];
        gcgan_simt::warp_gather(t * 3, all);
        for (int l = 0; l < gcgan_simt::kWarp; ++l) wrong[t] += all[l] != ((t & ~31) + l) * 3;
    });
    int bad = 0;
    for (int w : wrong) bad += w;
    expect(ok && bad == 0, std::string("warp_gather (") + name(order) + "): " + std::to_string(bad) +
                               " wrong values; " + gcgan_simt::block().error());
}

// ---- what it must refuse ----

void refused(const char* what, const std::function<void()>& body, const char* says) {
    for (int o = 0; o < gcgan_simt::kOrders; ++o) {
        const auto order = static_cast<gcgan_simt::Order>(o);
        const bool ok = run(order, body);
        const std::string& error = gcgan_simt::block().error();
        expect(!ok && error.find(says) != std::string::npos,
               std::string(what) + " (" + name(order) + "): " + (ok ? "accepted" : "said: " + error));
    }
}

void misuses() {
    refused("a shuffle in half a warp", [] {
        if ((threadIdx.x & 31) < 16) (void)__shfl_xor_sync(0xffffffffu, 1, 1);
    }, "has left the kernel");
    refused("a barrier half the block reaches", [] {
        if (threadIdx.x < kThreads / 2) __syncthreads();
    }, "have left the kernel");
    refused("lanes at different shuffles", [] {
        if ((threadIdx.x & 1) == 0) {
            (void)__shfl_xor_sync(0xffffffffu, 1, 1);
        } else {
            (void)__shfl_down_sync(0xffffffffu, 1, 1);
        }
    }, "reach different shuffles");
    refused("a shuffle while other lanes wait at a barrier", [] {
        if ((threadIdx.x & 31) == 0) {
            __syncthreads();
        } else {
            (void)__shfl_xor_sync(0xffffffffu, 1, 1);
        }
    }, "waits at __syncthreads");
}

// A warp that writes a shared slot for its next round before the others read this round's (the barrier that
// should separate them left out): the lockstep orders run every warp's read first and miss it; a warp ahead
// overwrites the slot, so at least one order must give a wrong sum.
void missing_barrier() {
    int wrong_orders = 0;
    for (int o = 0; o < gcgan_simt::kOrders; ++o) {
        const auto order = static_cast<gcgan_simt::Order>(o);
        std::vector<double> seen(kThreads);
        const bool ok = run(order, [&] {
            GCGAN_SHARED_ARRAY(double, slot, kThreads / 32);
            const unsigned t = threadIdx.x, warp = t / 32;
            for (int round = 0; round < 2; ++round) {
                const double v = __shfl_xor_sync(0xffffffffu, static_cast<double>(round), 1);  // the warp's work
                if ((t & 31) == 0) slot[warp] = v + 10.0 * round;  // (a barrier belongs before this store)
                __syncthreads();
                double sum = 0.0;
                for (unsigned w = 0; w < kThreads / 32; ++w) sum += slot[w];
                if (round == 0) seen[t] = sum;
            }
        });
        expect(ok, std::string("missing barrier ran (") + name(order) + "): " + gcgan_simt::block().error());
        bool wrong = false;
        for (double s : seen) wrong |= s != 0.0;  // round 0's slots hold 0 each
        wrong_orders += wrong;
    }
    expect(wrong_orders > 0, "a missing barrier changed no result in any order");
}

}  // namespace

int main() {
    for (int o = 0; o < gcgan_simt::kOrders; ++o) {
        const auto order = static_cast<gcgan_simt::Order>(o);
        shuffles(order);
        barriers_and_shared(order);
        gather(order);
    }
    blocks();
    misuses();
    missing_barrier();
    if (failures > 0) {
        std::printf("simt_host_check: %d of %d checks failed\n", failures, checks);
        return 1;
    }
    std::printf("simt_host_check: %d checks passed\n", checks);
    return 0;
}
