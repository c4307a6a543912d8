package io.gcgan.random;

import io.gcgan.tensor.DType;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Philox 4x32-10, the counter-based generator of Salmon et al. (Random123, SC'11), and gcgan's random streams
 * built on it. The CUDA kernels in {@code kernels/src/random.cu} implement the same definitions and must give
 * the same bits; this class is their oracle.
 *
 * <h2>The block function</h2>
 * A counter (c0, c1, c2, c3) and a key (k0, k1), all unsigned 32-bit words, give four output words x0..x3
 * after 10 rounds. One round, with 64-bit products {@code hi:lo = M * c}:
 * <pre>
 *   hi0:lo0 = 0xD2511F53 * c0
 *   hi1:lo1 = 0xCD9E8D57 * c2
 *   (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0,  lo1,  hi0 ^ c3 ^ k1,  lo0)
 * </pre>
 * Between rounds (9 times) the key advances by the Weyl increments: k0 += 0x9E3779B9, k1 += 0xBB67AE85
 * (mod 2^32). This is Random123's {@code philox4x32_R(10, ...)}; {@link #block} passes its known-answer tests.
 *
 * <h2>Stream definitions (bit-exact contract with the CUDA kernels)</h2>
 * All integers are unsigned; {@code low32}/{@code high32} are the two halves of a 64-bit value.
 * <ol>
 *   <li><b>Key and counter.</b> key = (low32(seed), high32(seed)). Element i of a fill that starts at
 *       {@code offset} uses block b = offset + i (64-bit, wrapping mod 2^64), counter
 *       (low32(b), high32(b), 0, 0). Every element consumes exactly one block, whatever its dtype and
 *       distribution, so a fill of n elements at offset o followed by a fill at o + n continues the stream.</li>
 *   <li><b>Uniform float32.</b> u = ((x0 &gt;&gt;&gt; 9) + 0.5) * 2^-23. Exact in float32; range
 *       [2^-24, 1 - 2^-24]; never 0, never 1. Uses x0 only.</li>
 *   <li><b>Uniform float64</b> from a word pair (a, b): k = (a &lt;&lt; 20) | (b &gt;&gt;&gt; 12), an unsigned 52-bit
 *       integer (all 32 bits of a above the top 20 bits of b); u = (k + 0.5) * 2^-52. Exact in double; range
 *       [2^-53, 1 - 2^-53]. A float64 uniform element uses (x0, x1).</li>
 *   <li><b>Normal</b> (standard, both dtypes), Box-Muller in float64: u1 = float64 uniform from (x0, x1),
 *       u2 = float64 uniform from (x2, x3), z = sqrt(-2 * ln(u1)) * cos(2 pi u2). A float32 element is z
 *       rounded to nearest float. |z| &lt;= sqrt(2 * 53 ln 2) &lt; 8.58.</li>
 * </ol>
 *
 * <h2>Why ln and cos are gcgan's own</h2>
 * {@code StrictMath} (fdlibm) and CUDA's libdevice are each accurate to about one ulp but differ in the last
 * bit, so Box-Muller through them would give float64 normals that differ between Java and CUDA (and, rarely,
 * float32 normals too). Instead {@link #log} and {@link #cos2pi} below are fixed sequences of IEEE-754
 * round-to-nearest double operations (+, -, *, /, sqrt, fused multiply-add), written out operation for
 * operation in the CUDA file with {@code __dadd_rn}, {@code __dmul_rn}, {@code __fma_rn} and friends, so
 * nothing is contracted or reassociated; both sides therefore produce identical bits. Accuracy (measured
 * against 120-bit references on 30,000 points; the tests check them against {@code StrictMath}): ln within
 * 0.52 ulp on (0, 1), cos(2 pi u) within 1.5e-16 absolute. ln(m) = 2 atanh((m - 1)/(m + 1)) as a series in
 * s = (m - 1)/(m + 1), with s carried as s + sLow. The exact operation sequences:
 * <pre>
 *   ln(x), x a positive normal double:
 *     e = unbiased exponent of x, m = x's significand scaled into [1, 2)      (bit operations, exact)
 *     if m &gt; SQRT2: m = m * 0.5, e = e + 1                                (exact)
 *     f = m - 1 (exact);  d = m + 1;  dLow = m - (d - 1) (exact: m + 1 = d + dLow)
 *     s = f / d;  sLow = fma(-s, dLow, fma(-s, d, f)) / d;  s2 = s * s
 *     p = L10; p = fma(p, s2, L9); ...; p = fma(p, s2, L1)                 (L_k = 2/(2k+1))
 *     a = e * LN2_HI (exact);  b = 2 * s;  hi = a + b;  lo = (a - hi) + b  (exact: a + b = hi + lo)
 *     tail = fma(s, s2 * p, fma(e, LN2_LO, 2 * sLow))
 *     ln = hi + (lo + tail)
 *   cos(2 pi u), u finite:
 *     t = 4 * u (exact);  q = rint(t) (ties to even);  r = t - q (exact, |r| &lt;= 1/2);  r2 = r * r
 *     S(r) = r * (S0 + r2 (S1 + ... + r2 S8))   Horner with fma, S_n = (-1)^n (pi/2)^(2n+1) / (2n+1)!
 *     C(r) = fma(r2, C1 + r2 (C2 + ... + r2 C9), 1)      Horner with fma, C_n = (-1)^n (pi/2)^(2n) / (2n)!
 *     (q mod 4) = 0: C(r);  1: -S(r);  2: -C(r);  3: S(r)
 * </pre>
 * The constants are the hexadecimal literals below, shared verbatim with the CUDA file.
 *
 * <p>All methods are static and thread-safe. The bulk fills may use the common fork-join pool; their result
 * does not depend on how the work is split.
 */
public final class Philox {
    private Philox() {
    }

    /** Round multipliers and Weyl key increments (Random123). */
    static final int M0 = 0xD2511F53;
    static final int M1 = 0xCD9E8D57;
    static final int W0 = 0x9E3779B9;
    static final int W1 = 0xBB67AE85;
    static final int ROUNDS = 10;

    private static final long MASK32 = 0xFFFF_FFFFL;

    /**
     * One Philox 4x32-10 block: the counter (c0..c3) under the key (k0, k1) gives out4[0..3] = x0..x3.
     * All words are unsigned 32-bit values carried in ints.
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out4) {
        for (int round = 0; round < ROUNDS; round++) {
            if (round > 0) {
                k0 += W0;
                k1 += W1;
            }
            // Products of two values below 2^32 fit in 64 bits; the long holds them as unsigned bits.
            long p0 = (M0 & MASK32) * (c0 & MASK32);
            long p1 = (M1 & MASK32) * (c2 & MASK32);
            int next0 = (int) (p1 >>> 32) ^ c1 ^ k0;
            int next2 = (int) (p0 >>> 32) ^ c3 ^ k1;
            c1 = (int) p1;
            c3 = (int) p0;
            c0 = next0;
            c2 = next2;
        }
        out4[0] = c0;
        out4[1] = c1;
        out4[2] = c2;
        out4[3] = c3;
    }

    /** The block that element {@code block} of the stream {@code seed} uses: counter (low32, high32, 0, 0). */
    static void streamBlock(long seed, long block, int[] out4) {
        block((int) block, (int) (block >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), out4);
    }

    /** The float32 uniform of stream {@code seed} at block {@code block}, in [2^-24, 1 - 2^-24]. */
    public static float uniformFloat(long seed, long block) {
        int[] x = new int[4];
        streamBlock(seed, block, x);
        return uniformFloatFromWord(x[0]);
    }

    /** The float64 uniform of stream {@code seed} at block {@code block}, in [2^-53, 1 - 2^-53]. */
    public static double uniformDouble(long seed, long block) {
        int[] x = new int[4];
        streamBlock(seed, block, x);
        return uniformDoubleFromWords(x[0], x[1]);
    }

    /**
     * The standard normal of stream {@code seed} at block {@code block}, as float64. The float32 stream
     * holds {@code (float) normal(seed, block)}.
     */
    public static double normal(long seed, long block) {
        int[] x = new int[4];
        streamBlock(seed, block, x);
        return normalFromWords(x[0], x[1], x[2], x[3]);
    }

    /** ((x0 >>> 9) + 0.5) * 2^-23: 24 significant bits, so exact in float32. */
    static float uniformFloatFromWord(int x0) {
        return ((x0 >>> 9) + 0.5f) * 0x1.0p-23f;
    }

    /** ((a << 20) | (b >>> 12) + 0.5) * 2^-52 with a, b unsigned: 53 significant bits, so exact. */
    static double uniformDoubleFromWords(int a, int b) {
        long k = ((a & MASK32) << 20) | ((b & MASK32) >>> 12);
        return (k + 0.5) * 0x1.0p-52;
    }

    /** Box-Muller: sqrt(-2 ln u1) cos(2 pi u2) with u1 from (x0, x1) and u2 from (x2, x3). */
    static double normalFromWords(int x0, int x1, int x2, int x3) {
        double u1 = uniformDoubleFromWords(x0, x1);
        double u2 = uniformDoubleFromWords(x2, x3);
        double radius = Math.sqrt(-2.0 * log(u1));
        return radius * cos2pi(u2);
    }

    // ---- Portable ln and cos(2 pi u): see the class comment. Constants are shared with random.cu. ----

    static final double SQRT2 = 0x1.6a09e667f3bcdp+0;
    /** ln 2 split so that e * LN2_HI is exact for |e| < 2^13 (LN2_HI has 40 significant bits). */
    static final double LN2_HI = 0x1.62e42fefa2000p-1;
    static final double LN2_LO = 0x1.9ef35793c7673p-41;
    /** L_k = 2 / (2k + 1), k = 1..10. */
    private static final double L1 = 0x1.5555555555555p-1;
    private static final double L2 = 0x1.999999999999ap-2;
    private static final double L3 = 0x1.2492492492492p-2;
    private static final double L4 = 0x1.c71c71c71c71cp-3;
    private static final double L5 = 0x1.745d1745d1746p-3;
    private static final double L6 = 0x1.3b13b13b13b14p-3;
    private static final double L7 = 0x1.1111111111111p-3;
    private static final double L8 = 0x1.e1e1e1e1e1e1ep-4;
    private static final double L9 = 0x1.af286bca1af28p-4;
    private static final double L10 = 0x1.8618618618618p-4;
    /** S_n = (-1)^n (pi/2)^(2n+1) / (2n+1)!, n = 0..8: sin(pi r / 2) = r * sum S_n r^(2n). */
    private static final double S0 = 0x1.921fb54442d18p+0;
    private static final double S1 = -0x1.4abbce625be53p-1;
    private static final double S2 = 0x1.466bc6775aae2p-4;
    private static final double S3 = -0x1.32d2cce62bd86p-8;
    private static final double S4 = 0x1.50783487ee782p-13;
    private static final double S5 = -0x1.e3074fde8871fp-19;
    private static final double S6 = 0x1.e8f434d018d63p-25;
    private static final double S7 = -0x1.6fadb9f155744p-31;
    private static final double S8 = 0x1.aaec32af93359p-38;
    /** C_n = (-1)^n (pi/2)^(2n) / (2n)!, n = 1..9: cos(pi r / 2) = 1 + sum C_n r^(2n). */
    private static final double C1 = -0x1.3bd3cc9be45dep+0;
    private static final double C2 = 0x1.03c1f081b5ac4p-2;
    private static final double C3 = -0x1.55d3c7e3cbffap-6;
    private static final double C4 = 0x1.e1f506891babbp-11;
    private static final double C5 = -0x1.a6d1f2a204a8cp-16;
    private static final double C6 = 0x1.f9d38a3763cc3p-22;
    private static final double C7 = -0x1.b6e24f44b128fp-28;
    private static final double C8 = 0x1.20c62c2f2d7f5p-34;
    private static final double C9 = -0x1.2a0c591af8314p-41;

    /**
     * Natural logarithm of a positive normal double (zero, subnormals, negatives, infinities and NaN are
     * outside its domain and give meaningless results). Within 0.52 ulp of the true value on (0, 1).
     */
    static double log(double x) {
        long bits = Double.doubleToRawLongBits(x);
        int e = (int) ((bits >>> 52) & 0x7FF) - 1023;
        double m = Double.longBitsToDouble((bits & 0x000F_FFFF_FFFF_FFFFL) | 0x3FF0_0000_0000_0000L);
        if (m > SQRT2) {
            m = m * 0.5;
            e = e + 1;
        }
        double f = m - 1.0;
        double d = m + 1.0;
        double dLow = m - (d - 1.0);
        double s = f / d;
        double sLow = Math.fma(-s, dLow, Math.fma(-s, d, f)) / d;
        double s2 = s * s;
        double p = L10;
        p = Math.fma(p, s2, L9);
        p = Math.fma(p, s2, L8);
        p = Math.fma(p, s2, L7);
        p = Math.fma(p, s2, L6);
        p = Math.fma(p, s2, L5);
        p = Math.fma(p, s2, L4);
        p = Math.fma(p, s2, L3);
        p = Math.fma(p, s2, L2);
        p = Math.fma(p, s2, L1);
        double ed = e;
        double a = ed * LN2_HI;
        double b = 2.0 * s;
        double hi = a + b;
        double lo = (a - hi) + b;
        double tail = Math.fma(s, s2 * p, Math.fma(ed, LN2_LO, 2.0 * sLow));
        return hi + (lo + tail);
    }

    /** cos(2 pi u) for finite u (|u| below 2^50), within 1.5e-16 of the true value on (0, 1). */
    static double cos2pi(double u) {
        double t = 4.0 * u;
        double q = Math.rint(t);
        double r = t - q;
        double r2 = r * r;
        int quadrant = (int) ((long) q & 3);
        switch (quadrant) {
            case 0:
                return cosHalfPi(r, r2);
            case 1:
                return -sinHalfPi(r, r2);
            case 2:
                return -cosHalfPi(r, r2);
            default:
                return sinHalfPi(r, r2);
        }
    }

    /** sin(pi r / 2) for |r| <= 1/2. */
    private static double sinHalfPi(double r, double r2) {
        double p = S8;
        p = Math.fma(p, r2, S7);
        p = Math.fma(p, r2, S6);
        p = Math.fma(p, r2, S5);
        p = Math.fma(p, r2, S4);
        p = Math.fma(p, r2, S3);
        p = Math.fma(p, r2, S2);
        p = Math.fma(p, r2, S1);
        p = Math.fma(p, r2, S0);
        return r * p;
    }

    /** cos(pi r / 2) for |r| <= 1/2. */
    private static double cosHalfPi(double r, double r2) {
        double p = C9;
        p = Math.fma(p, r2, C8);
        p = Math.fma(p, r2, C7);
        p = Math.fma(p, r2, C6);
        p = Math.fma(p, r2, C5);
        p = Math.fma(p, r2, C4);
        p = Math.fma(p, r2, C3);
        p = Math.fma(p, r2, C2);
        p = Math.fma(p, r2, C1);
        return Math.fma(r2, p, 1.0);
    }

    // ---- Bulk fills ----

    /** Elements computed per heap buffer before one copy into the destination segment. */
    static final int BUFFER_ELEMENTS = 1 << 20;
    /** Elements one fork-join task computes. Fills shorter than two chunks run on the calling thread. */
    static final int CHUNK_ELEMENTS = 1 << 14;

    private enum Distribution { UNIFORM, NORMAL }

    /**
     * Writes elements [0, numel) of the uniform stream ({@code seed}, starting at block {@code offset}) into
     * {@code seg} as {@code dtype}, densely from byte 0. See the class comment for the exact values.
     *
     * @throws IllegalArgumentException if numel is negative or the segment is shorter than numel elements
     */
    public static void fillUniform(MemorySegment seg, DType dtype, long numel, long seed, long offset) {
        fill(seg, dtype, numel, seed, offset, Distribution.UNIFORM);
    }

    /**
     * Writes elements [0, numel) of the standard normal stream ({@code seed}, starting at block
     * {@code offset}) into {@code seg} as {@code dtype}, densely from byte 0.
     *
     * @throws IllegalArgumentException if numel is negative or the segment is shorter than numel elements
     */
    public static void fillNormal(MemorySegment seg, DType dtype, long numel, long seed, long offset) {
        fill(seg, dtype, numel, seed, offset, Distribution.NORMAL);
    }

    /*
     * The values are computed into a heap array (in parallel when long) and copied into the segment on the
     * calling thread, so segments of confined arenas work too.
     */
    private static void fill(MemorySegment seg, DType dtype, long numel, long seed, long offset, Distribution d) {
        Objects.requireNonNull(seg, "seg");
        Objects.requireNonNull(dtype, "dtype");
        if (numel < 0) {
            throw new IllegalArgumentException("numel = " + numel + " must be >= 0");
        }
        long bytes = Math.multiplyExact(numel, (long) dtype.byteSize());
        if (seg.byteSize() < bytes) {
            throw new IllegalArgumentException("segment of " + seg.byteSize() + " bytes is too small for "
                    + numel + " " + dtype.displayName() + " elements (" + bytes + " bytes)");
        }
        if (numel == 0) {
            return;
        }
        int bufferLength = (int) Math.min(numel, BUFFER_ELEMENTS);
        boolean single = dtype == DType.FLOAT32;
        float[] floats = single ? new float[bufferLength] : null;
        double[] doubles = single ? null : new double[bufferLength];
        for (long start = 0; start < numel; start += bufferLength) {
            int length = (int) Math.min(bufferLength, numel - start);
            long firstBlock = offset + start;
            int chunks = (length + CHUNK_ELEMENTS - 1) / CHUNK_ELEMENTS;
            if (chunks < 2) {
                compute(floats, doubles, 0, length, seed, firstBlock, d);
            } else {
                IntStream.range(0, chunks).parallel().forEach(c -> {
                    int from = c * CHUNK_ELEMENTS;
                    int to = Math.min(length, from + CHUNK_ELEMENTS);
                    compute(floats, doubles, from, to, seed, firstBlock, d);
                });
            }
            long byteOffset = start * dtype.byteSize();
            if (single) {
                MemorySegment.copy(floats, 0, seg, (ValueLayout.OfFloat) dtype.layout(), byteOffset, length);
            } else {
                MemorySegment.copy(doubles, 0, seg, (ValueLayout.OfDouble) dtype.layout(), byteOffset, length);
            }
        }
    }

    /** Buffer elements [from, to) from blocks firstBlock + from ...; exactly one of floats/doubles is set. */
    private static void compute(float[] floats, double[] doubles, int from, int to, long seed, long firstBlock,
                                Distribution d) {
        int k0 = (int) seed;
        int k1 = (int) (seed >>> 32);
        int[] x = new int[4];
        for (int j = from; j < to; j++) {
            long b = firstBlock + j;
            block((int) b, (int) (b >>> 32), 0, 0, k0, k1, x);
            if (floats != null) {
                floats[j] = d == Distribution.UNIFORM
                        ? uniformFloatFromWord(x[0])
                        : (float) normalFromWords(x[0], x[1], x[2], x[3]);
            } else {
                doubles[j] = d == Distribution.UNIFORM
                        ? uniformDoubleFromWords(x[0], x[1])
                        : normalFromWords(x[0], x[1], x[2], x[3]);
            }
        }
    }
}
