/*
 * gcgan_kernels.h - the whole C ABI of libgcgan_kernels.so, gcgan's hand-written CUDA kernels.
 *
 * Plain C (C99 and later, and C++): it includes only <stdint.h> and <stddef.h>, so a caller needs no CUDA
 * headers. The Java bindings (bindings/, FFM) are checked against these prototypes.
 *
 * Conventions, for every function below:
 *  - Returns a gcgan_status; never exits, never prints. On failure gcgan_last_error_message() says which call
 *    failed and why (for CUDA errors, with cudaGetErrorString's text).
 *  - Pointers named out/in are device pointers (memory from cudaMalloc/cudaMallocAsync, or managed memory),
 *    dense and row-major. Counts are int64_t elements, not bytes.
 *  - Work is enqueued on `stream` and is asynchronous: the function returns once the kernel is launched.
 *    A null stream is the legacy default stream. Errors that happen while the kernel runs surface from a
 *    later synchronizing CUDA call, not from the launching function.
 *  - Launch errors are read with cudaGetLastError, which also returns (and clears) an error left pending by
 *    an earlier CUDA call on this thread.
 */
#ifndef GCGAN_KERNELS_H
#define GCGAN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define GCGAN_API __attribute__((visibility("default")))
#else
#define GCGAN_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ABI version: bumped on any incompatible change of a prototype, a struct or a stream definition. */
#define GCGAN_ABI_VERSION 2

/* A CUDA stream. The same type as cudaStream_t (struct CUstream_st*), so either may be passed. */
typedef struct CUstream_st* gcgan_stream;

typedef int32_t gcgan_status;
enum {
    GCGAN_OK = 0,
    GCGAN_ERR_INVALID_ARGUMENT = 1, /* a bad count, a null pointer, ...; nothing was launched */
    GCGAN_ERR_CUDA = 2,             /* a CUDA runtime call or kernel launch failed; see the last error message */
    GCGAN_ERR_UNSUPPORTED = 3       /* a valid request this build or device cannot serve */
};

/* A constant string naming the status ("GCGAN_ERR_CUDA: CUDA runtime error"); never NULL. */
GCGAN_API const char* gcgan_status_string(gcgan_status status);

/*
 * The message of the last failed gcgan call on the calling thread, e.g.
 * "gcgan_random_normal_f32: kernel launch: cudaErrorInvalidDevice (invalid device ordinal)".
 * "" if no call has failed on this thread. Successful calls leave it unchanged. Valid until the next
 * failing gcgan call on the same thread.
 */
GCGAN_API const char* gcgan_last_error_message(void);

/* GCGAN_ABI_VERSION of the library actually loaded; compare with the header's. */
GCGAN_API int32_t gcgan_abi_version(void);

/* ------------------------------------------------------------------------------------------------------------
 * Random fills: Philox 4x32-10 streams, bit-identical to the Java reference io.gcgan.random.Philox.
 *
 * out is (n,) of float or double. Element i (0 <= i < n) is computed from one Philox 4x32-10 block:
 *   key     = (low32(seed), high32(seed))
 *   block   b = offset + i   (uint64_t, wrapping)
 *   counter = (low32(b), high32(b), 0, 0)        ->  words x0, x1, x2, x3 (uint32_t)
 * Philox 4x32-10: multipliers 0xD2511F53, 0xCD9E8D57; key increments 0x9E3779B9, 0xBB67AE85 (Random123).
 * Every element consumes exactly one block, so consecutive fills at offset o and o + n continue one stream.
 *
 *   uniform f32:  ((x0 >> 9) + 0.5) * 2^-23                          in [2^-24, 1 - 2^-24], never 0 or 1
 *   U64(a, b)  :  (((uint64_t)a << 20 | b >> 12) + 0.5) * 2^-52      in [2^-53, 1 - 2^-53] (exact in double)
 *   uniform f64:  U64(x0, x1)
 *   normal     :  u1 = U64(x0, x1), u2 = U64(x2, x3), z = sqrt(-2 ln u1) * cos(2 pi u2) in double;
 *                 the f32 variant stores z rounded to nearest float.
 * ln and cos(2 pi u) are gcgan's own fixed sequences of IEEE round-to-nearest double operations (documented
 * in io.gcgan.random.Philox and kernels/src/random.cu), not the CUDA math library, so that the Java and CUDA
 * results agree in every bit.
 *
 * n >= 0; out may be NULL only when n == 0 (then nothing is launched). Returns GCGAN_ERR_INVALID_ARGUMENT
 * for n < 0 or a NULL out, GCGAN_ERR_CUDA if the launch fails.
 * ------------------------------------------------------------------------------------------------------------ */
GCGAN_API gcgan_status gcgan_random_uniform_f32(float* out, int64_t n, uint64_t seed, uint64_t offset,
                                                gcgan_stream stream);
GCGAN_API gcgan_status gcgan_random_uniform_f64(double* out, int64_t n, uint64_t seed, uint64_t offset,
                                                gcgan_stream stream);
GCGAN_API gcgan_status gcgan_random_normal_f32(float* out, int64_t n, uint64_t seed, uint64_t offset,
                                               gcgan_stream stream);
GCGAN_API gcgan_status gcgan_random_normal_f64(double* out, int64_t n, uint64_t seed, uint64_t offset,
                                               gcgan_stream stream);

/* ------------------------------------------------------------------------------------------------------------
 * Shared definitions of the dense ops below (fill, strided copy, unary, binary, where, reduce, optimizer step).
 *
 * dtype codes (the ordinals of io.gcgan.tensor.DType): */
enum {
    GCGAN_DTYPE_FLOAT32 = 0,
    GCGAN_DTYPE_FLOAT64 = 1
};

/* The largest rank of a strided index space; callers merge and drop dimensions first (see below). */
#define GCGAN_MAX_RANK 8
/* The most operands one strided layout describes (where: cond, a, b, out). */
#define GCGAN_MAX_OPERANDS 4

/*
 * A strided index space shared by up to GCGAN_MAX_OPERANDS operands. For every index tuple i of
 * shape[0 .. rank) (row-major order; rank 0 is a single element), operand k's element is at
 *     offsets[k] + sum_d i[d] * strides[k][d]                   (in elements of that operand's dtype)
 * Strides may be 0 (broadcast) and negative; a size of 0 in any dimension means no element at all. The caller
 * should drop size-1 dimensions and merge dimensions contiguous in every operand: the kernels decompose the flat
 * index with one division per dimension after the innermost, so a dense op becomes rank 1 and divides nothing.
 * Which operand is which is stated by each function. The struct is read on the host during the call (it is passed
 * to the kernel by value), so it may be freed or reused as soon as the function returns.
 */
typedef struct gcgan_strided_layout {
    int32_t rank;      /* 0 .. GCGAN_MAX_RANK */
    int32_t reserved;  /* 0 */
    int64_t shape[GCGAN_MAX_RANK];
    int64_t strides[GCGAN_MAX_OPERANDS][GCGAN_MAX_RANK];
    int64_t offsets[GCGAN_MAX_OPERANDS];
} gcgan_strided_layout;

/* ------------------------------------------------------------------------------------------------------------
 * Fill (kernels/src/fill.cu): out[i] = value for 0 <= i < n. out is (n,) dense; out may be NULL only when n == 0.
 * ------------------------------------------------------------------------------------------------------------ */
GCGAN_API gcgan_status gcgan_fill_f32(float* out, int64_t n, float value, gcgan_stream stream);
GCGAN_API gcgan_status gcgan_fill_f64(double* out, int64_t n, double value, gcgan_stream stream);

/* ------------------------------------------------------------------------------------------------------------
 * Busy wait (kernels/src/busy_wait.cu): keeps stream busy on the device for about nanoseconds ns (one thread
 * sleeping on the global timer), so that work queued behind it while it runs starts back to back: timing events
 * recorded after it measure device time alone, without the host's launch gaps. 0 <= nanoseconds <= 10^10.
 * ------------------------------------------------------------------------------------------------------------ */
GCGAN_API gcgan_status gcgan_busy_wait(int64_t nanoseconds, gcgan_stream stream);

/* ------------------------------------------------------------------------------------------------------------
 * Strided copy with dtype conversion (kernels/src/copy.cu): operand 0 of layout is src, operand 1 is dst:
 *     dst[offsets[1] + i . strides[1]] = (dst_dtype) src[offsets[0] + i . strides[0]]   for every i of shape
 * src_dtype, dst_dtype: GCGAN_DTYPE_*; float64 -> float32 rounds to nearest even. Covers contiguous copy,
 * permute, slice, concat (one call per part), expand (stride 0 in src) and cast. dst positions must not repeat
 * (no stride 0 in dst for a dimension larger than 1) and src and dst must not overlap unless they are the same
 * elements in the same order.
 * ------------------------------------------------------------------------------------------------------------ */
GCGAN_API gcgan_status gcgan_copy_strided(int32_t src_dtype, const void* src, int32_t dst_dtype, void* dst,
                                          const gcgan_strided_layout* layout, gcgan_stream stream);

/* ------------------------------------------------------------------------------------------------------------
 * Elementwise unary ops (kernels/src/unary.cu): out[i] = op(x[i]; p0, p1) for 0 <= i < n; x and out are (n,) dense,
 * out may equal x. The op codes are the ordinals of io.gcgan.backend.UnaryOp. Every op is evaluated in double
 * (the float32 variant widens x and rounds the result once) with the semantics of the Java CPU backend
 * (io.gcgan.backend.cpu.ElementMath): NaN propagates through max/min/clamp (Java's Math.max/min, unlike fmax),
 * Math.max(-0, +0) = +0, pow follows java.lang.Math.pow (pow(x, NaN) = NaN even for x = 1; pow(+-1, +-inf) = NaN),
 * SIGN keeps +-0 and NaN, SOFTPLUS = max(x, 0) + log1p(exp(-|x|)), SIGMOID never evaluates exp of a large positive
 * number. Transcendentals come from the CUDA math library (within 1-2 ulp of Java's in double).
 * ------------------------------------------------------------------------------------------------------------ */
enum {
    GCGAN_UNARY_NEG = 0,
    GCGAN_UNARY_ABS = 1,
    GCGAN_UNARY_SIGN = 2,
    GCGAN_UNARY_EXP = 3,
    GCGAN_UNARY_LOG = 4,
    GCGAN_UNARY_SQRT = 5,
    GCGAN_UNARY_TANH = 6,
    GCGAN_UNARY_SIGMOID = 7,
    GCGAN_UNARY_RELU = 8,       /* x < 0 ? 0 : x  (keeps -0 and NaN) */
    GCGAN_UNARY_LEAKY_RELU = 9, /* x < 0 ? x * p0 : x */
    GCGAN_UNARY_SOFTPLUS = 10,
    GCGAN_UNARY_POW_SCALAR = 11, /* x^p0 (p0 == 2: x * x, p0 == 1: x) */
    GCGAN_UNARY_CLAMP = 12,      /* min(max(x, p0), p1) */
    GCGAN_UNARY_OP_COUNT = 13
};

GCGAN_API gcgan_status gcgan_unary_f32(int32_t op, double p0, double p1, const float* x, float* out, int64_t n,
                                       gcgan_stream stream);
GCGAN_API gcgan_status gcgan_unary_f64(int32_t op, double p0, double p1, const double* x, double* out, int64_t n,
                                       gcgan_stream stream);

/* ------------------------------------------------------------------------------------------------------------
 * Elementwise binary ops with broadcasting, and where (kernels/src/binary.cu).
 *
 * binary: layout operands 0 = a, 1 = b, 2 = out (operand 3 unused):
 *     out[o2 + i . s2] = a[o0 + i . s0] op b[o1 + i . s1]        for every i of shape
 * where:  layout operands 0 = cond, 1 = a, 2 = b, 3 = out:
 *     out[...] = cond[...] != 0 ? a[...] : b[...]                (a NaN cond counts as true, as in Java)
 * Evaluated in double, rounded once for float32 (exact for + - * /). The op codes are the ordinals of
 * io.gcgan.backend.BinaryOp; comparisons write 1 or 0 in the operands' dtype. MAX/MIN propagate NaN and order
 * -0 < +0 (Java's Math.max/min); POW is Java's Math.pow (see the unary section). out positions must not repeat;
 * out may be the same memory as a, b (or cond) when it is read with the same strides.
 * ------------------------------------------------------------------------------------------------------------ */
enum {
    GCGAN_BINARY_ADD = 0,
    GCGAN_BINARY_SUB = 1,
    GCGAN_BINARY_MUL = 2,
    GCGAN_BINARY_DIV = 3,
    GCGAN_BINARY_POW = 4,
    GCGAN_BINARY_MAX = 5,
    GCGAN_BINARY_MIN = 6,
    GCGAN_BINARY_EQ = 7,
    GCGAN_BINARY_NE = 8,
    GCGAN_BINARY_LT = 9,
    GCGAN_BINARY_LE = 10,
    GCGAN_BINARY_GT = 11,
    GCGAN_BINARY_GE = 12,
    GCGAN_BINARY_OP_COUNT = 13
};

GCGAN_API gcgan_status gcgan_binary_f32(int32_t op, const float* a, const float* b, float* out,
                                        const gcgan_strided_layout* layout, gcgan_stream stream);
GCGAN_API gcgan_status gcgan_binary_f64(int32_t op, const double* a, const double* b, double* out,
                                        const gcgan_strided_layout* layout, gcgan_stream stream);
GCGAN_API gcgan_status gcgan_where_f32(const float* cond, const float* a, const float* b, float* out,
                                       const gcgan_strided_layout* layout, gcgan_stream stream);
GCGAN_API gcgan_status gcgan_where_f64(const double* cond, const double* a, const double* b, double* out,
                                       const gcgan_strided_layout* layout, gcgan_stream stream);

/* ------------------------------------------------------------------------------------------------------------
 * A rectifier's derivative, fused (kernels/src/rectifier.cu): io.gcgan.backend.Backend's rectifierBackward.
 *
 *     out[i] = g[i] * (x[i] > 0 ? positive : other)        for 0 <= i < n
 *
 * x, g and out are (n,) dense of one dtype; out may be g (or x). The comparison is made on x widened to double (a
 * NaN x is not > 0, so it selects `other`); the selected factor is rounded to the dtype (as `where` would store it),
 * then the product is one IEEE round-to-nearest double multiply of g widened to double by that factor (never
 * contracted), rounded once to the dtype. ReLU's derivative is (1, 0), LeakyReLU's (1, slope). This is, bit for
 * bit, the composed sequence it replaces: mask = binary GT(x, 0) (1 or 0), factor = where(mask, positive, other),
 * out = binary MUL(g, factor).
 *
 * n >= 0; the pointers may be NULL only when n == 0 (then nothing is launched). Returns GCGAN_ERR_INVALID_ARGUMENT
 * for n < 0 or a NULL pointer, GCGAN_ERR_CUDA if the launch fails.
 * ------------------------------------------------------------------------------------------------------------ */
GCGAN_API gcgan_status gcgan_rectifier_backward_f32(const float* x, const float* g, double positive, double other,
                                                    int64_t n, float* out, gcgan_stream stream);
GCGAN_API gcgan_status gcgan_rectifier_backward_f64(const double* x, const double* g, double positive, double other,
                                                    int64_t n, double* out, gcgan_stream stream);

/* ------------------------------------------------------------------------------------------------------------
 * Reductions over a set of axes (kernels/src/reduce.cu).
 *
 * The input's dimensions are split into kept ones (they index the output) and reduced ones. out is dense,
 * row-major over kept_shape (out_count = prod(kept_shape), 1 for kept_rank 0); output element o, with kept index
 * tuple k(o), is op over every index tuple r of reduced_shape (count = prod(reduced_shape) elements) of
 *     x[x_offset + k(o) . kept_strides + r . reduced_strides]
 * SUM and MEAN accumulate in double for both dtypes (MEAN = sum / count, rounded once); MAX propagates NaN.
 * An empty reduction (count == 0) gives SUM 0, MEAN NaN, MAX NaN. The op codes are the ordinals of
 * io.gcgan.backend.ReduceOp. As for layouts, merge contiguous dimensions first (separately among the kept and
 * among the reduced ones). Which of several equal maxima (+0 and -0) is returned is unspecified.
 *
 * Strategy: one thread per output when count is small, one warp per output for medium counts, one block per output
 * beyond that; when there are few outputs and many elements each output is split over several blocks whose
 * float64 partials are combined by a second kernel (the partials live in stream-ordered scratch memory from
 * cudaMallocAsync/cudaFreeAsync on `stream`, from the device's default memory pool).
 * ------------------------------------------------------------------------------------------------------------ */
enum {
    GCGAN_REDUCE_SUM = 0,
    GCGAN_REDUCE_MEAN = 1,
    GCGAN_REDUCE_MAX = 2,
    GCGAN_REDUCE_OP_COUNT = 3
};

typedef struct gcgan_reduce_layout {
    int32_t kept_rank;     /* 0 .. GCGAN_MAX_RANK */
    int32_t reduced_rank;  /* 0 .. GCGAN_MAX_RANK (0: count = 1, a copy) */
    int64_t x_offset;      /* elements */
    int64_t kept_shape[GCGAN_MAX_RANK];
    int64_t kept_strides[GCGAN_MAX_RANK];     /* strides in x of the kept dimensions */
    int64_t reduced_shape[GCGAN_MAX_RANK];
    int64_t reduced_strides[GCGAN_MAX_RANK];  /* strides in x of the reduced dimensions */
} gcgan_reduce_layout;

GCGAN_API gcgan_status gcgan_reduce_f32(int32_t op, const float* x, float* out, const gcgan_reduce_layout* layout,
                                        gcgan_stream stream);
GCGAN_API gcgan_status gcgan_reduce_f64(int32_t op, const double* x, double* out,
                                        const gcgan_reduce_layout* layout, gcgan_stream stream);

/* ------------------------------------------------------------------------------------------------------------
 * One optimizer step over a list of parameter tensors (kernels/src/optimizer.cu): the multi-tensor form of
 * io.gcgan.backend.Backend#optimizerStep, matching io.gcgan.backend.cpu.CpuOptimizerStep / OptimizerMath.
 *
 * Per element, with g the gradient, w the weight before this step, and mean the centring mean of the element's
 * group (0 when not centred):
 *   d = (g + coupled_decay * w) - mean
 *   SGD           w = w * weight_scale - step_size * d
 *   SGD_MOMENTUM  buf = first_step ? d : momentum * buf + (1 - dampening) * d          (state1 = buf)
 *                 u = nesterov ? d + momentum * buf : buf;   w = w * weight_scale - step_size * u
 *   ADAM          m = beta1 * m + (1 - beta1) * d;   v = beta2 * v + (1 - beta2) * d * d   (state1 = m, state2 = v)
 *                 w = w * weight_scale - step_size * m / (sqrt(v) / bc2_sqrt + eps)
 *   RMSPROP       v = alpha * v + (1 - alpha) * d * d;  a = sqrt(v) + eps                   (state1 = v)
 *                 momentum > 0: buf = momentum * buf + d / a; w = w * weight_scale - step_size * buf (state2 = buf)
 *                 else          w = w * weight_scale - step_size * d / a
 * float64: every product and sum is an IEEE round-to-nearest double operation in exactly this order (no FMA
 * contraction), so a step of a tensor that is not centred equals the Java reference bit for bit.
 * float32: computed in float32 (like PyTorch's fused Adam; contraction into FMAs allowed), with 128-bit memory
 * accesses where a tensor's buffers are 16-byte aligned; it agrees with the reference (double, rounded once per
 * step) to a few float32 ulps per step.
 *
 * Centring (gradient centralization) follows io.gcgan.backend.CentringView: a tensor of numel = outer * slices *
 * inner elements is centred when slices > 0; element (o, s, i) sits at (o * slices + s) * inner + i and the
 * outer * inner elements of one slice s form one group, whose mean is that of g + coupled_decay * w (summed in
 * double; g alone without coupled decay). The mean is computed in the same kernel as the update: float32 rows of
 * 1025 to 4096 contiguous, 16-byte aligned elements (a multiple of 4) by a group of 32 to 256 threads, other rows of
 * at most 2048 contiguous elements by a warp, longer or strided rows (and every float64 row) by a thread block; each
 * sums its row, then updates it while the row is still in L2. Tensors that are not centred (slices == 0) are cut
 * into blocks of a fixed size. Decoupled decay in float32: w - (lr wd w + delta), lr wd = 1 - weight_scale taken
 * from the double (a float weight_scale would round a small decay away).
 *
 * hyper and the table `tensors` (count entries) are host memory, read during the call. The table travels in the
 * kernel's parameter space (no device scratch, no host-to-device copy, so the call can be captured into a CUDA
 * graph): ONE kernel launch updates up to 256 tensors, a longer table takes one launch per 256 tensors. Entries with
 * numel == 0 are skipped; the whole table is checked before anything is launched, so a bad entry changes nothing.
 * No buffer of an entry may overlap another buffer of the call (the kernels read through restrict pointers).
 *
 * Guard: hyper.guard, when guard_count > 0, points to guard_count values of the function's dtype in device memory,
 * read by the kernels when they run. If any of them is NaN or infinite, the call changes nothing: every weight and
 * state keeps its value. A training loop passes the step's losses and gradient norms, still on the device, so that a
 * step that went non-finite is skipped without the host waiting for those values before it queues the update (it
 * reads them later and stops). guard_count == 0: no guard (guard is ignored).
 * ------------------------------------------------------------------------------------------------------------ */
enum {
    GCGAN_OPTIMIZER_SGD = 0,
    GCGAN_OPTIMIZER_SGD_MOMENTUM = 1,
    GCGAN_OPTIMIZER_ADAM = 2,
    GCGAN_OPTIMIZER_RMSPROP = 3
};

typedef struct gcgan_optimizer_hyper {
    int32_t algorithm;     /* GCGAN_OPTIMIZER_* */
    int32_t nesterov;      /* SGD_MOMENTUM: 1 for Nesterov momentum */
    double momentum;       /* SGD_MOMENTUM, RMSPROP (> 0: state2 is the momentum buffer) */
    double dampening;      /* SGD_MOMENTUM */
    double beta1;          /* ADAM */
    double beta2;          /* ADAM */
    double alpha;          /* RMSPROP */
    double eps;            /* ADAM, RMSPROP */
    double coupled_decay;  /* lambda for coupled (L2) weight decay, else 0 */
    double weight_scale;   /* 1 - lr * lambda for decoupled weight decay, else 1 */
    const void* guard;     /* guard_count values in device memory (float or double, as the function), or NULL */
    int64_t guard_count;   /* >= 0; 0: no guard. Any guard value NaN or infinite: the call changes nothing */
} gcgan_optimizer_hyper;

typedef struct gcgan_optimizer_tensor {
    void* weight;        /* numel elements (float* or double*, as the function), updated */
    const void* grad;    /* numel elements, read only */
    void* state1;        /* numel elements or NULL when the algorithm keeps no state */
    void* state2;        /* numel elements or NULL */
    int64_t numel;
    int64_t outer;       /* centring view [outer, slices, inner]; slices == 0: not centred */
    int64_t slices;
    int64_t inner;
    double step_size;    /* lr; Adam: lr / (1 - beta1^t) */
    double bc2_sqrt;     /* Adam: sqrt(1 - beta2^t); else 1 */
    int32_t first_step;  /* SGD_MOMENTUM: 1 when this update initialises the buffer to d */
    int32_t reserved;    /* 0 */
} gcgan_optimizer_tensor;

GCGAN_API gcgan_status gcgan_optimizer_step_f32(const gcgan_optimizer_hyper* hyper,
                                                const gcgan_optimizer_tensor* tensors, int32_t count,
                                                gcgan_stream stream);
GCGAN_API gcgan_status gcgan_optimizer_step_f64(const gcgan_optimizer_hyper* hyper,
                                                const gcgan_optimizer_tensor* tensors, int32_t count,
                                                gcgan_stream stream);

/* ------------------------------------------------------------------------------------------------------------
 * 2-D convolution, gcgan's own kernels (kernels/src/conv.cu): forward, backward-data and backward-weight, the three
 * passes of io.gcgan.backend.Backend's conv2d primitives (no groups, no dilation; cross-correlation, as cuDNN's
 * CUDNN_CROSS_CORRELATION and PyTorch). Shapes, dense row-major, all the same dtype:
 *     x  [n, c, h, w]     w  [k, c, r, s]     y  [n, k, p, q]
 *     p = (h + 2 pad_h - r) / stride_h + 1,   q = (w + 2 pad_w - s) / stride_w + 1   (floor)
 *     forward          y[n,k,p,q]  = sum_{c,r,s} x[n, c, p*stride_h - pad_h + r, q*stride_w - pad_w + s] * w[k,c,r,s]
 *                      (x outside [0,h) x [0,w) counts as 0)
 *     backward-data    dx[n,c,h,w] = sum_{k,r,s} dy[n,k,p,q] * w[k,c,r,s] over the (p, q) that read x[n,c,h,w]
 *     backward-weight  dw[k,c,r,s] = sum_{n,p,q} dy[n,k,p,q] * x[n, c, p*stride_h - pad_h + r, ...]
 * A transposed convolution (ConvTranspose2d) with weight [in = k, out = c, r, s] is the same three with roles
 * swapped: its forward is backward-data (dy = its input, dx = its output), its backward-data is forward, and
 * its weight gradient is backward-weight(x = its output gradient, dy = its input).
 *
 * The output (y, dx or dw) is fully overwritten (inputs that reach no output element give 0); it must not overlap
 * the inputs. Sums are accumulated in the dtype (float32 FMA for f32, unless TF32 is allowed), except that when the
 * reduction dimension is split over several blocks (split-K) each block's partial sum is stored and the partials
 * are added in a fixed order in double and rounded once: results are identical from run to run on the same device
 * and arguments (the split depends on the device's multiprocessor count), and no atomics are used. Split-K
 * partials live in stream-ordered scratch memory (cudaMallocAsync/cudaFreeAsync on `stream`, from the device's
 * default pool).
 *
 * geometry is host memory, read during the call. All sizes >= 1 (strides >= 1, paddings >= 0), h + 2 pad_h >= r,
 * w + 2 pad_w >= s; each field at most 2^29 - 1, and n*p*q, c*r*s, n*ceil(h/stride_h)*ceil(w/stride_w),
 * k*ceil(r/stride_h)*ceil(s/stride_w) at most 2^31 - 4097 (else GCGAN_ERR_UNSUPPORTED).
 * flags: 0 or GCGAN_CONV_ALLOW_TF32.
 * Returns GCGAN_ERR_INVALID_ARGUMENT for a NULL pointer or geometry, a size out of range or unknown flags (nothing
 * is launched), GCGAN_ERR_UNSUPPORTED for the limits above, GCGAN_ERR_CUDA if scratch or a launch fails.
 * ------------------------------------------------------------------------------------------------------------ */

/* flags bit: float32 products may be computed on TF32 tensor cores (mma.sync m16n8k8: inputs rounded to 10-bit
 * mantissas, nearest with ties away from zero; exact products, float32 accumulation), as cuDNN and cuBLAS do when
 * TF32 is allowed. Allowed, not required: a pass whose GEMM has at most 16 columns stays float32 FMA (the columns
 * are k for forward and backward-weight, c for backward-data, n for backward-data when p = q = 1). The f64
 * functions ignore the flag. */
#define GCGAN_CONV_ALLOW_TF32 1

/* The shapes of one convolution: io.gcgan.backend.ConvGeometry's fields, in its order (p, q are derived). */
typedef struct gcgan_conv_geometry {
    int64_t n, c, h, w;   /* x [n, c, h, w] */
    int64_t k, r, s;      /* w [k, c, r, s] */
    int64_t stride_h, stride_w;
    int64_t pad_h, pad_w;
} gcgan_conv_geometry;

/* y = conv2d(x, w). */
GCGAN_API gcgan_status gcgan_conv2d_forward_f32(const float* x, const float* w, float* y,
                                                const gcgan_conv_geometry* geometry, int32_t flags,
                                                gcgan_stream stream);
GCGAN_API gcgan_status gcgan_conv2d_forward_f64(const double* x, const double* w, double* y,
                                                const gcgan_conv_geometry* geometry, int32_t flags,
                                                gcgan_stream stream);
/* dx = the gradient of conv2d with respect to x, given dy [n, k, p, q] and w; dx is [n, c, h, w]. */
GCGAN_API gcgan_status gcgan_conv2d_backward_data_f32(const float* dy, const float* w, float* dx,
                                                      const gcgan_conv_geometry* geometry, int32_t flags,
                                                      gcgan_stream stream);
GCGAN_API gcgan_status gcgan_conv2d_backward_data_f64(const double* dy, const double* w, double* dx,
                                                      const gcgan_conv_geometry* geometry, int32_t flags,
                                                      gcgan_stream stream);
/* dw = the gradient of conv2d with respect to w, summed over the batch, given x and dy; dw is [k, c, r, s]. */
GCGAN_API gcgan_status gcgan_conv2d_backward_weight_f32(const float* x, const float* dy, float* dw,
                                                        const gcgan_conv_geometry* geometry, int32_t flags,
                                                        gcgan_stream stream);
GCGAN_API gcgan_status gcgan_conv2d_backward_weight_f64(const double* x, const double* dy, double* dw,
                                                        const gcgan_conv_geometry* geometry, int32_t flags,
                                                        gcgan_stream stream);

/* ------------------------------------------------------------------------------------------------------------
 * im2col and col2im (kernels/src/im2col.cu): the data movement of the explicit-GEMM convolution, whose products
 * are GEMMs (io.gcgan.backend.cuda.GemmConvolution: cuBLAS), with the geometry, its limits and the layouts above
 * (k is not used, but must be valid as everywhere):
 *     col [c * r * s, n * p * q], row-major:
 *     col[(ci * r + ri) * s + si][(ni * p + pi) * q + qi]
 *         = x[ni, ci, pi * stride_h - pad_h + ri, qi * stride_w - pad_w + si]   (0 where that is padding)
 * so that forward is y' = w [k, c*r*s] @ col, with y' [k, n, p, q] (y with its first two dimensions swapped),
 * backward-weight dw = dy' [k, n*p*q] @ col^T, and backward-data dx = col2im(w^T @ dy').
 * im2col overwrites col. col2im overwrites dx [n, c, h, w] with, per element, the sum of the col entries that
 * im2col reads from it, over ri ascending, then si ascending: deterministic, no atomics. Neither output may
 * overlap its input. Each field at most 2^29 - 1; col may hold more than 2^31 elements (64-bit indices).
 */
GCGAN_API gcgan_status gcgan_im2col_f32(const float* x, float* col, const gcgan_conv_geometry* geometry,
                                        gcgan_stream stream);
GCGAN_API gcgan_status gcgan_im2col_f64(const double* x, double* col, const gcgan_conv_geometry* geometry,
                                        gcgan_stream stream);
GCGAN_API gcgan_status gcgan_col2im_f32(const float* col, float* dx, const gcgan_conv_geometry* geometry,
                                        gcgan_stream stream);
GCGAN_API gcgan_status gcgan_col2im_f64(const double* col, double* dx, const gcgan_conv_geometry* geometry,
                                        gcgan_stream stream);

/* ------------------------------------------------------------------------------------------------------------
 * Fused batch normalization with batch statistics (kernels/src/batchnorm.cu): io.gcgan.backend.Backend's
 * batchNormForward / batchNormBackward, matching the Java CPU backend.
 *
 * Layout: the input is dense and viewed as [n, c, s] (n = batch, c = channels, s = product of the remaining
 * dimensions: 1 for BatchNorm1d's [N, C], H*W for BatchNorm2d's [N, C, H, W]); element (i, k, j) is at
 * (i * c + k) * s + j. Channel k has count = n * s elements: n runs of s contiguous elements, c * s apart.
 * Per-channel arrays (weight, bias, mean, var, dweight, dbias) are [c]. All of one call have the function's dtype.
 *
 * forward, per channel k, with every sum accumulated in double (two passes over x):
 *     mean[k] = sum(x) / count
 *     var[k]  = sum((x - mean)^2) / count                       (biased; not E[x^2] - mean^2)
 *     y       = (x - mean) * (weight[k] / sqrt(var + eps)) + bias[k]
 * computed from the double mean and var; mean and var are stored rounded to the dtype. weight NULL means 1 and
 * bias NULL means 0 (independently). y may be x itself (in place); no other output may overlap an input.
 * With running_mean and running_var (both [c], updated in place; both NULL: not touched, momentum ignored), the
 * same call also updates the running statistics, PyTorch's rule, in double from the unrounded mean and var:
 *     running_mean[k] = (1 - momentum) * running_mean[k] + momentum * mean
 *     running_var[k]  = (1 - momentum) * running_var[k]  + momentum * (var * count / (count - 1))
 * each stored rounded once to the dtype (the unbiased batch variance; count >= 2). momentum is the module's
 * momentum, or 1 / batches seen for a cumulative average. They must not overlap each other or another argument.
 *
 * backward, per channel k, from the saved mean and var (widened to double), xhat = (x - mean) / sqrt(var + eps):
 *     dbias[k]   = sum(dy)
 *     dweight[k] = sum(dy * xhat)
 *     dx         = (weight[k] / sqrt(var + eps)) * ((dy - dbias / count) - xhat * (dweight / count))
 * with the sums in double and dbias, dweight used unrounded in dx. weight NULL means 1. Each of dx, dweight,
 * dbias may be NULL (not computed); all three NULL launches nothing. dx may be dy or x itself; no other output
 * may overlap an input.
 *
 * Determinism: the partition of the work and the order of every addition depend only on (n, c, s), never on the
 * device or on timing, and no atomics are used: a call repeated with the same arguments gives the same bits.
 * Strategy: one thread block per channel (grid-stride over channels), the block's threads striding over the
 * channel's elements and combining their float64 partial sums with a fixed shuffle tree. A channel with many
 * elements when there are few channels is split over several blocks (parts); each block reduces its chunk to a
 * float64 partial in stream-ordered scratch memory (cudaMallocAsync/cudaFreeAsync on `stream`, the device's
 * default pool), and the next kernel of the pass adds a channel's partials in part order: forward is then three
 * launches (sums, squared deviations, normalize), backward two (sums, dx).
 *
 * n, c, s >= 1 and n * c * s <= 2^54; eps finite and >= 0. Returns GCGAN_ERR_INVALID_ARGUMENT for a size out of
 * range, a NaN, infinite or negative eps, a required pointer that is NULL (x, y, mean, var; dy, x, mean, var), or
 * with running statistics: only one of running_mean, running_var given, a momentum that is NaN or outside [0, 1],
 * or count = n * s < 2; nothing is launched then. GCGAN_ERR_CUDA if scratch or a launch fails.
 * ------------------------------------------------------------------------------------------------------------ */
GCGAN_API gcgan_status gcgan_batchnorm_forward_f32(const float* x, const float* weight, const float* bias,
                                                   int64_t n, int64_t c, int64_t s, double eps, float* y,
                                                   float* mean, float* var, float* running_mean, float* running_var,
                                                   double momentum, gcgan_stream stream);
GCGAN_API gcgan_status gcgan_batchnorm_forward_f64(const double* x, const double* weight, const double* bias,
                                                   int64_t n, int64_t c, int64_t s, double eps, double* y,
                                                   double* mean, double* var, double* running_mean,
                                                   double* running_var, double momentum, gcgan_stream stream);
GCGAN_API gcgan_status gcgan_batchnorm_backward_f32(const float* dy, const float* x, const float* mean,
                                                    const float* var, const float* weight, int64_t n, int64_t c,
                                                    int64_t s, double eps, float* dx, float* dweight, float* dbias,
                                                    gcgan_stream stream);
GCGAN_API gcgan_status gcgan_batchnorm_backward_f64(const double* dy, const double* x, const double* mean,
                                                    const double* var, const double* weight, int64_t n, int64_t c,
                                                    int64_t s, double eps, double* dx, double* dweight,
                                                    double* dbias, gcgan_stream stream);

/* ------------------------------------------------------------------------------------------------------------
 * Squared L2 norm of a list of tensors (kernels/src/norm.cu): io.gcgan.backend.Backend's squaredNorm.
 *
 *     out[0] = sum over 0 <= i < count, 0 <= e < counts[i] of xs[i][e]^2
 *
 * xs and counts are host arrays of count entries, read during the call: xs[i] is the device address of tensor i's
 * counts[i] dense elements (NULL allowed when counts[i] == 0). out is one element on the device; it may be one of
 * the tensors' elements (it is written after every tensor has been read). Each square and every sum is an IEEE
 * round-to-nearest double operation (float32 elements are widened first, so their squares are exact); the sum is
 * rounded once to the dtype. count == 0, or only tensors without elements: out[0] = 0.
 *
 * Determinism: tensor i is cut into chunks of 16384 consecutive elements (the last may be shorter; a chunk never
 * spans two tensors), numbered over the list in order; each chunk's float64 sum is a partial, and the partials are
 * added in a fixed order. The order of every addition depends only on counts[] - not on the device, the pointers'
 * alignment, or timing - and no atomics are used: a call repeated with the same sizes and values gives the same bits.
 * Strategy: one thread block per chunk (the tensor table travels in the kernel's parameters, one launch per 256
 * tensors with elements), the partials in stream-ordered scratch memory (cudaMallocAsync/cudaFreeAsync on `stream`,
 * the device's default pool), then one single-block kernel adds them and writes out[0]: two launches for up to 256
 * tensors.
 *
 * Returns GCGAN_ERR_INVALID_ARGUMENT, before anything is allocated or launched, for count < 0, xs or counts NULL
 * with count > 0, out NULL, a negative counts[i], a NULL xs[i] with counts[i] > 0, or more than 2^53 elements in
 * all; GCGAN_ERR_CUDA if the scratch allocation or a launch fails.
 * ------------------------------------------------------------------------------------------------------------ */
GCGAN_API gcgan_status gcgan_squared_norm_f32(const float* const* xs, const int64_t* counts, int32_t count,
                                              float* out, gcgan_stream stream);
GCGAN_API gcgan_status gcgan_squared_norm_f64(const double* const* xs, const int64_t* counts, int32_t count,
                                              double* out, gcgan_stream stream);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* GCGAN_KERNELS_H */
