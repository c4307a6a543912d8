// geometry_check.h - internal to libgcgan_kernels: the checks that every entry point taking a gcgan_conv_geometry
// makes first (conv.cu's convolutions, im2col.cu's im2col and col2im), so that both refuse a bad geometry with the
// same message.
#ifndef GCGAN_GEOMETRY_CHECK_H
#define GCGAN_GEOMETRY_CHECK_H

#include <cstdint>

#include "gcgan_kernels.h"
#include "status_internal.h"

namespace gcgan {
namespace detail {

// Every field at least its minimum (sizes and strides 1, paddings 0) and at most 2^29 - 1, and the kernel no larger
// than the padded input. Returns GCGAN_OK or the failure (recorded for `call`).
inline gcgan_status check_geometry_fields(const char* call, const gcgan_conv_geometry* g) {
    if (g == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "geometry is NULL");
    }
    const struct { const char* name; int64_t value; int64_t least; } fields[] = {
        {"n", g->n, 1}, {"c", g->c, 1}, {"h", g->h, 1}, {"w", g->w, 1}, {"k", g->k, 1}, {"r", g->r, 1},
        {"s", g->s, 1}, {"stride_h", g->stride_h, 1}, {"stride_w", g->stride_w, 1}, {"pad_h", g->pad_h, 0},
        {"pad_w", g->pad_w, 0}};
    for (const auto& f : fields) {
        if (f.value < f.least) {
            return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "geometry %s = %lld must be >= %lld", f.name,
                        static_cast<long long>(f.value), static_cast<long long>(f.least));
        }
        if (f.value > (1 << 29) - 1) {
            return fail(GCGAN_ERR_UNSUPPORTED, call, "geometry %s = %lld exceeds 2^29 - 1 = %d", f.name,
                        static_cast<long long>(f.value), (1 << 29) - 1);
        }
    }
    if (g->h + 2 * g->pad_h < g->r || g->w + 2 * g->pad_w < g->s) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "kernel %lldx%lld is larger than the padded input %lldx%lld",
                    static_cast<long long>(g->r), static_cast<long long>(g->s),
                    static_cast<long long>(g->h + 2 * g->pad_h), static_cast<long long>(g->w + 2 * g->pad_w));
    }
    return GCGAN_OK;
}

}  // namespace detail
}  // namespace gcgan

#endif  // GCGAN_GEOMETRY_CHECK_H
