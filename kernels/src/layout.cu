// layout.cu - host-side checks of gcgan_strided_layout shared by copy.cu and binary.cu (see device_common.cuh).
#include <climits>

#include "device_common.cuh"

namespace gcgan {
namespace detail {

gcgan_status check_layout(const char* call, const gcgan_strided_layout* layout, int64_t* count) {
    if (layout == nullptr) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "layout is NULL");
    }
    if (layout->rank < 0 || layout->rank > GCGAN_MAX_RANK) {
        return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "layout rank %d is outside [0, %d]", layout->rank,
                    GCGAN_MAX_RANK);
    }
    int64_t n = 1;
    for (int d = 0; d < layout->rank; ++d) {
        const int64_t size = layout->shape[d];
        if (size < 0) {
            return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "layout shape[%d] = %lld must be >= 0", d,
                        static_cast<long long>(size));
        }
        if (size != 0 && n > INT64_MAX / size) {
            return fail(GCGAN_ERR_INVALID_ARGUMENT, call, "layout has more than 2^63 elements");
        }
        n *= size;
    }
    *count = n;
    return GCGAN_OK;
}

}  // namespace detail
}  // namespace gcgan
