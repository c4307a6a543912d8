package io.gcgan.random;

import io.gcgan.tensor.DType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

class PhiloxTest {
    private static final long SEED = 0xDEAD_BEEF_CAFE_BABEL;

    // ---- The block function: Random123's known-answer vectors (kat_vectors, philox4x32 10) ----

    @Test
    void knownAnswerZeroCounterZeroKey() {
        assertBlock(new int[] {0, 0, 0, 0}, new int[] {0, 0},
                new int[] {0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8});
    }

    @Test
    void knownAnswerAllOnes() {
        assertBlock(new int[] {-1, -1, -1, -1}, new int[] {-1, -1},
                new int[] {0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd});
    }

    @Test
    void knownAnswerPiDigits() {
        assertBlock(new int[] {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}, new int[] {0xa4093822, 0x299f31d0},
                new int[] {0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1});
    }

    private static void assertBlock(int[] counter, int[] key, int[] expected) {
        int[] out = new int[4];
        Philox.block(counter[0], counter[1], counter[2], counter[3], key[0], key[1], out);
        assertArrayEquals(expected, out, () -> "philox4x32-10 of counter " + hex(counter) + " key " + hex(key)
                + ": expected " + hex(expected) + ", got " + hex(out));
    }

    // ---- Stream definitions, recomputed here independently from the block function ----

    @Test
    void streamUsesLowHighCounterAndKeyHalves() {
        long block = 0x0000_0007_0000_0005L;
        int[] x = new int[4];
        Philox.block(5, 7, 0, 0, 0xCAFE_BABE, 0xDEAD_BEEF, x);
        long k = (Integer.toUnsignedLong(x[0]) << 20) | (Integer.toUnsignedLong(x[1]) >>> 12);
        double expected = Math.scalb((double) (2 * k + 1), -53);
        assertEquals(expected, Philox.uniformDouble(SEED, block), 0.0);
        // The layout matters: a swapped counter or key is a different number.
        int[] swapped = new int[4];
        Philox.block(7, 5, 0, 0, 0xDEAD_BEEF, 0xCAFE_BABE, swapped);
        assertNotEquals(x[0], swapped[0]);
    }

    @Test
    void uniformFloatIsTopTwentyThreeBitsPlusHalf() {
        int[] x = new int[4];
        for (long b = 0; b < 10_000; b++) {
            Philox.block((int) b, 0, 0, 0, 0xCAFE_BABE, 0xDEAD_BEEF, x);
            float expected = (float) (((x[0] >>> 9) + 0.5) * 0x1.0p-23);
            float got = Philox.uniformFloat(SEED, b);
            if (Float.floatToRawIntBits(expected) != Float.floatToRawIntBits(got)) {
                fail("uniformFloat(seed, " + b + ") = " + got + ", expected " + expected);
            }
        }
    }

    @Test
    void uniformExtremesAreStrictlyInsideZeroOne() {
        assertEquals(0x1.0p-24f, Philox.uniformFloatFromWord(0), 0f);
        assertEquals(1f - 0x1.0p-24f, Philox.uniformFloatFromWord(-1), 0f);
        assertEquals(0x1.0p-53, Philox.uniformDoubleFromWords(0, 0), 0.0);
        assertEquals(1.0 - 0x1.0p-53, Philox.uniformDoubleFromWords(-1, -1), 0.0);
        // The low 12 bits of the second word are dropped; bit 12 is the last one kept.
        assertEquals(0x1.0p-53, Philox.uniformDoubleFromWords(0, 0xFFF), 0.0);
        assertEquals(0x1.0p-53 + 0x1.0p-52, Philox.uniformDoubleFromWords(0, 0x1000), 0.0);
    }

    @Test
    void normalMatchesBoxMullerThroughStrictMath() {
        int[] x = new int[4];
        double maxError = 0;
        for (long b = 0; b < 200_000; b++) {
            Philox.block((int) b, 0, 0, 0, 0xCAFE_BABE, 0xDEAD_BEEF, x);
            double u1 = (((Integer.toUnsignedLong(x[0]) << 20) | (Integer.toUnsignedLong(x[1]) >>> 12)) + 0.5)
                    * 0x1.0p-52;
            double u2 = (((Integer.toUnsignedLong(x[2]) << 20) | (Integer.toUnsignedLong(x[3]) >>> 12)) + 0.5)
                    * 0x1.0p-52;
            double expected = StrictMath.sqrt(-2 * StrictMath.log(u1)) * StrictMath.cos(2 * StrictMath.PI * u2);
            double got = Philox.normal(SEED, b);
            double error = Math.abs(got - expected) / Math.max(1.0, Math.abs(expected));
            maxError = Math.max(maxError, error);
            if (error > 1e-14) {
                fail("normal(seed, " + b + ") = " + got + ", Box-Muller via StrictMath gives " + expected);
            }
        }
        assertTrue(maxError < 1e-14, "max relative error " + maxError);
    }

    /** Pins the streams: a change here breaks reproducibility of saved runs and the CUDA kernels' contract. */
    @Test
    void goldenValues() {
        assertEquals(GOLDEN_UNIFORM_FLOAT, Float.floatToRawIntBits(Philox.uniformFloat(42, 0)));
        assertEquals(GOLDEN_UNIFORM_DOUBLE, Double.doubleToRawLongBits(Philox.uniformDouble(42, 0)));
        assertEquals(GOLDEN_NORMAL, Double.doubleToRawLongBits(Philox.normal(42, 0)));
        assertEquals(GOLDEN_NORMAL_FAR, Double.doubleToRawLongBits(Philox.normal(-1L, 1L << 40)));
    }

    private static final int GOLDEN_UNIFORM_FLOAT = 0x3f1ceaf1; // 0.6129599
    private static final long GOLDEN_UNIFORM_DOUBLE = 0x3fe39d5e0a6efea9L; // 0.6129598811894158
    private static final long GOLDEN_NORMAL = 0x3fec5e30047aa1d7L; // 0.8864975059014409
    private static final long GOLDEN_NORMAL_FAR = 0xbfa5116a86d55a1bL; // -0.041148499449878716

    /**
     * CRC-32 of the little-endian bytes of the first 1,000,000 elements of each stream for seed 42, offset 0.
     * Pins every bit of the contract (ln's last term included), and is what the CUDA kernels must reproduce.
     */
    @Test
    void goldenChecksumsOfMillionElementFills() {
        assertEquals(0xb3ec32bbL, crc32(fill(DType.FLOAT32, 1_000_000, 42, 0, false)), "float32 uniform");
        assertEquals(0x4e614b43L, crc32(fill(DType.FLOAT32, 1_000_000, 42, 0, true)), "float32 normal");
        assertEquals(0xae2663e4L, crc32(fill(DType.FLOAT64, 1_000_000, 42, 0, false)), "float64 uniform");
        assertEquals(0xc6bd64ddL, crc32(fill(DType.FLOAT64, 1_000_000, 42, 0, true)), "float64 normal");
    }

    private static long crc32(MemorySegment seg) {
        byte[] bytes = new byte[(int) seg.byteSize()];
        MemorySegment.copy(seg, ValueLayout.JAVA_BYTE, 0, bytes, 0, bytes.length); // host order: little-endian
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return crc.getValue();
    }

    // ---- The portable ln and cos(2 pi u) ----

    @Test
    void logIsWithinOneUlpOfStrictMath() {
        List<Double> points = new ArrayList<>();
        for (int e = 0; e <= 53; e++) {
            points.add(Math.scalb(1.0, -e));
            points.add(Math.scalb(Philox.SQRT2, -e));
            points.add(Math.scalb(Math.nextUp(Philox.SQRT2), -e));
            points.add(Math.scalb(Math.nextDown(Philox.SQRT2), -e));
            points.add(Math.scalb(1.0, -e) * (1 - 0x1.0p-53));
        }
        for (int k = 1; k < 1000; k++) {
            points.add(1.0 - k * 0x1.0p-53);
        }
        double[] uniforms = doubles(fill(DType.FLOAT64, 1_000_000, SEED, 0, false));
        for (double u : uniforms) {
            points.add(u);
            points.add(u * u * u);
        }
        double worst = 0;
        for (double x : points) {
            double expected = StrictMath.log(x);
            double got = Philox.log(x);
            double ulps = Math.abs(got - expected) / Math.ulp(expected);
            worst = Math.max(worst, ulps);
            // Ours is within 0.52 ulp of the truth, fdlibm's within 1 ulp; on these points at most 1 ulp apart.
            if (ulps > 1) {
                fail("log(" + x + ") = " + got + ", StrictMath.log gives " + expected + " (" + ulps + " ulp)");
            }
        }
        assertEquals(0.0, Philox.log(1.0), 0.0);
        assertTrue(worst <= 1, "worst error " + worst + " ulp");
    }

    @Test
    void cos2piIsAccurateAndExactAtQuarterTurns() {
        assertEquals(1.0, Philox.cos2pi(0.0), 0.0);
        assertEquals(0.0, Philox.cos2pi(0.25), 0.0);
        assertEquals(-1.0, Philox.cos2pi(0.5), 0.0);
        assertEquals(0.0, Philox.cos2pi(0.75), 0.0);
        assertEquals(1.0, Philox.cos2pi(1.0), 0.0);
        assertEquals(StrictMath.sqrt(0.5), Philox.cos2pi(0.125), Math.ulp(0.7));
        assertEquals(0.5, Philox.cos2pi(1.0 / 6), 2 * Math.ulp(0.5));
        double[] uniforms = doubles(fill(DType.FLOAT64, 1_000_000, SEED, 0, false));
        for (double u : uniforms) {
            double got = Philox.cos2pi(u);
            // StrictMath's own error here is dominated by rounding 2 pi u (up to ulp(2 pi) / 2 = 4.4e-16).
            double expected = StrictMath.cos(2 * StrictMath.PI * u);
            if (Math.abs(got - expected) > 1e-15) {
                fail("cos2pi(" + u + ") = " + got + ", StrictMath gives " + expected);
            }
            // cos(2 pi (1 - u)) = cos(2 pi u); 1 - u is exact and the reduction mirrors r, so bit-equal.
            double mirrored = Philox.cos2pi(1.0 - u);
            if (Double.doubleToRawLongBits(got) != Double.doubleToRawLongBits(mirrored)) {
                fail("cos2pi(" + u + ") = " + got + " but cos2pi(1 - u) = " + mirrored);
            }
        }
    }

    // ---- Distributions ----

    @Test
    void uniformsAreInsideOpenUnitInterval() {
        float[] f = floats(fill(DType.FLOAT32, 1_000_000, SEED, 0, false));
        for (int i = 0; i < f.length; i++) {
            if (!(f[i] > 0f && f[i] < 1f)) {
                fail("float32 uniform " + i + " = " + f[i]);
            }
        }
        double[] d = doubles(fill(DType.FLOAT64, 1_000_000, SEED, 0, false));
        for (int i = 0; i < d.length; i++) {
            if (!(d[i] > 0.0 && d[i] < 1.0)) {
                fail("float64 uniform " + i + " = " + d[i]);
            }
        }
    }

    @Test
    void uniformMomentsAndHistogram() {
        for (DType dtype : DType.values()) {
            double[] u = values(dtype, fill(dtype, 1_000_000, SEED, 12345, false));
            double mean = mean(u);
            double variance = centralMoment(u, mean, 2);
            // Standard errors: mean sqrt(1/12)/1000 = 2.9e-4, variance sqrt(1/180)/1000 = 7.5e-5; 5 sigma.
            assertEquals(0.5, mean, 1.5e-3, dtype + " uniform mean");
            assertEquals(1.0 / 12, variance, 3.7e-4, dtype + " uniform variance");
            int[] bins = new int[100];
            for (double v : u) {
                bins[(int) (v * bins.length)]++;
            }
            double expected = u.length / (double) bins.length;
            double chi2 = 0;
            for (int count : bins) {
                chi2 += (count - expected) * (count - expected) / expected;
            }
            // 99 degrees of freedom: mean 99, sd 14.
            assertTrue(chi2 > 40 && chi2 < 170, dtype + " uniform histogram chi^2 = " + chi2);
        }
    }

    @Test
    void normalMomentsAndTails() {
        for (DType dtype : DType.values()) {
            double[] z = values(dtype, fill(dtype, 1_000_000, SEED, 777, true));
            double mean = mean(z);
            // Standard errors over 1e6 samples: mean 1e-3, variance 1.4e-3, third 3.9e-3, fourth 9.8e-3.
            assertEquals(0.0, mean, 5e-3, dtype + " normal mean");
            assertEquals(1.0, centralMoment(z, 0.0, 2), 7.1e-3, dtype + " normal variance");
            assertEquals(0.0, centralMoment(z, 0.0, 3), 2e-2, dtype + " normal third moment");
            assertEquals(3.0, centralMoment(z, 0.0, 4), 5e-2, dtype + " normal fourth moment");
            long below = 0;
            long tails = 0;
            for (double v : z) {
                if (v < -1) {
                    below++;
                }
                if (Math.abs(v) > 3) {
                    tails++;
                }
                if (!(Math.abs(v) < 8.6)) {
                    fail(dtype + " normal out of the reachable range: " + v);
                }
            }
            // P(z < -1) = 0.158655, sd 365 counts; P(|z| > 3) = 0.0026998, sd 52 counts. 5 sigma.
            assertEquals(158_655, below, 1_830, dtype + " count below -1");
            assertEquals(2_700, tails, 260, dtype + " count beyond 3 sigma");
        }
    }

    // ---- Bulk fills ----

    @Test
    void bulkFillEqualsPerElementMethods() {
        // Crosses a heap-buffer boundary and uses the parallel path; the offset crosses 2^32 (the counter's
        // high word changes) and the seed has distinct halves.
        int n = Philox.BUFFER_ELEMENTS + 3 * Philox.CHUNK_ELEMENTS + 7;
        long offset = 0xFFFF_FFF0L;
        float[] uf = floats(fill(DType.FLOAT32, n, SEED, offset, false));
        float[] nf = floats(fill(DType.FLOAT32, n, SEED, offset, true));
        double[] ud = doubles(fill(DType.FLOAT64, n, SEED, offset, false));
        double[] nd = doubles(fill(DType.FLOAT64, n, SEED, offset, true));
        for (int i = 0; i < n; i++) {
            long b = offset + i;
            double normal = Philox.normal(SEED, b);
            if (Float.floatToRawIntBits(uf[i]) != Float.floatToRawIntBits(Philox.uniformFloat(SEED, b))
                    || Double.doubleToRawLongBits(ud[i]) != Double.doubleToRawLongBits(Philox.uniformDouble(SEED, b))
                    || Double.doubleToRawLongBits(nd[i]) != Double.doubleToRawLongBits(normal)
                    || Float.floatToRawIntBits(nf[i]) != Float.floatToRawIntBits((float) normal)) {
                fail("element " + i + " (block " + Long.toHexString(b) + "): fill gives " + uf[i] + ", " + ud[i]
                        + ", " + nf[i] + ", " + nd[i] + "; per-element methods give " + Philox.uniformFloat(SEED, b)
                        + ", " + Philox.uniformDouble(SEED, b) + ", " + (float) normal + ", " + normal);
            }
        }
    }

    @Test
    void fillsAtConsecutiveOffsetsConcatenate() {
        for (DType dtype : DType.values()) {
            for (boolean normal : new boolean[] {false, true}) {
                for (long offset : new long[] {0L, 1L << 40, -5L}) { // -5: wraps through 2^64
                    double[] whole = values(dtype, fill(dtype, 3_500, SEED, offset, normal));
                    double[] first = values(dtype, fill(dtype, 1_000, SEED, offset, normal));
                    double[] second = values(dtype, fill(dtype, 2_500, SEED, offset + 1_000, normal));
                    double[] joined = new double[3_500];
                    System.arraycopy(first, 0, joined, 0, 1_000);
                    System.arraycopy(second, 0, joined, 1_000, 2_500);
                    assertArrayEquals(whole, joined, dtype + (normal ? " normal" : " uniform") + " at " + offset);
                }
            }
        }
    }

    @Test
    void fillIntoConfinedSegmentWritesExactlyNumel() {
        int n = 5 * Philox.CHUNK_ELEMENTS + 3;
        float[] expected = floats(fill(DType.FLOAT32, n, SEED, 99, true));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate(4L * (n + 16), 64);
            seg.fill((byte) 0x7F); // 0x7F7F7F7F: a recognisable float (3.4e38) that the fill must not touch
            Philox.fillNormal(seg, DType.FLOAT32, n, SEED, 99);
            for (int i = 0; i < n; i++) {
                assertEquals(expected[i], seg.getAtIndex(ValueLayout.JAVA_FLOAT, i), 0f, "element " + i);
            }
            for (int i = n; i < n + 16; i++) {
                assertEquals(0x7F7F7F7F, seg.getAtIndex(ValueLayout.JAVA_INT, i), "element " + i + " past numel");
            }
        }
    }

    @Test
    void fillRejectsBadArguments() {
        MemorySegment seg = MemorySegment.ofArray(new double[10]);
        assertThrows(IllegalArgumentException.class, () -> Philox.fillUniform(seg, DType.FLOAT64, -1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Philox.fillNormal(seg, DType.FLOAT64, 11, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Philox.fillUniform(seg, DType.FLOAT32, 21, 0, 0));
        Philox.fillUniform(seg, DType.FLOAT32, 20, 0, 0); // exactly fits
        Philox.fillNormal(MemorySegment.ofArray(new double[0]), DType.FLOAT64, 0, 0, 0); // empty is fine
    }

    @Test
    void seedsGiveDifferentStreams() {
        double[] a = doubles(fill(DType.FLOAT64, 1_000, 1, 0, false));
        double[] b = doubles(fill(DType.FLOAT64, 1_000, 2, 0, false));
        double[] c = doubles(fill(DType.FLOAT64, 1_000, 1L << 32, 0, false)); // differs in the high key word
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += (a[i] == b[i] ? 1 : 0) + (a[i] == c[i] ? 1 : 0);
        }
        assertEquals(0, same, "equal elements between different seeds");
    }

    // ---- Generator ----

    @Test
    void generatorReserveAdvancesOffset() {
        Generator g = new Generator(SEED);
        assertEquals(SEED, g.seed());
        assertEquals(0, g.offset());
        assertEquals(0, g.reserve(10));
        assertEquals(10, g.reserve(0));
        assertEquals(10, g.reserve(5));
        assertEquals(15, g.offset());
        g.setOffset(-2);
        assertEquals(-2, g.reserve(3));
        assertEquals(1, g.offset(), "offset wraps modulo 2^64");
        assertThrows(IllegalArgumentException.class, () -> g.reserve(-1));
        assertEquals(1, g.offset(), "a rejected reserve leaves the offset");
        assertEquals(7, new Generator(SEED, 7).offset());
    }

    @Test
    void generatorReserveIsAtomic() throws InterruptedException {
        Generator g = new Generator(1);
        int threads = 8;
        int perThread = 10_000;
        ConcurrentLinkedQueue<Long> starts = new ConcurrentLinkedQueue<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread w = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    starts.add(g.reserve(3));
                }
            });
            w.start();
            workers.add(w);
        }
        go.countDown();
        for (Thread w : workers) {
            w.join();
        }
        assertEquals(3L * threads * perThread, g.offset());
        long[] sorted = starts.stream().mapToLong(Long::longValue).sorted().toArray();
        assertEquals(threads * perThread, sorted.length);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(3L * i, sorted[i], "reserved ranges must tile [0, offset) without overlap");
        }
    }

    @Test
    void generatorDrawsContinueTheStream() {
        Generator g = new Generator(SEED, 50);
        MemorySegment a = MemorySegment.ofArray(new float[300]);
        MemorySegment b = MemorySegment.ofArray(new float[200]);
        g.fillNormal(a, DType.FLOAT32, 300);
        g.fillNormal(b, DType.FLOAT32, 200);
        assertEquals(550, g.offset());
        float[] whole = floats(fill(DType.FLOAT32, 500, SEED, 50, true));
        float[] joined = new float[500];
        System.arraycopy(a.toArray(ValueLayout.JAVA_FLOAT), 0, joined, 0, 300);
        System.arraycopy(b.toArray(ValueLayout.JAVA_FLOAT), 0, joined, 300, 200);
        assertArrayEquals(whole, joined);
        assertThrows(IllegalArgumentException.class, () -> g.fillUniform(b, DType.FLOAT32, 201));
        assertEquals(550, g.offset(), "a rejected fill consumes no blocks");
        // fillNormal checks the segment before reserving too (Philox's own check would come after the reserve).
        assertThrows(IllegalArgumentException.class, () -> g.fillNormal(b, DType.FLOAT64, 101));
        assertEquals(550, g.offset(), "a rejected normal fill consumes no blocks");
    }

    /**
     * Generator.fillUniform draws the uniform stream at its offset (float64 here: 5 elements from block 2^32 - 2,
     * so the counter's high word changes inside the draw), and an empty draw is legal and consumes nothing.
     */
    @Test
    void generatorUniformDrawsAndEmptyDraws() {
        long start = (1L << 32) - 2;
        Generator g = new Generator(SEED, start);
        MemorySegment seg = MemorySegment.ofArray(new double[5]);
        g.fillUniform(seg, DType.FLOAT64, 5);
        assertEquals(start + 5, g.offset(), "one block per element");
        double[] expected = new double[5];
        for (int i = 0; i < 5; i++) {
            expected[i] = Philox.uniformDouble(SEED, start + i);
        }
        assertArrayEquals(expected, doubles(seg), "uniforms of blocks 2^32 - 2 ... 2^32 + 2");

        MemorySegment empty = MemorySegment.ofArray(new float[0]);
        g.fillUniform(empty, DType.FLOAT32, 0);
        g.fillNormal(empty, DType.FLOAT32, 0);
        assertEquals(start + 5, g.offset(), "empty draws take no blocks");
    }

    /** seed and offset print as the unsigned 64-bit values they are (the counter wraps modulo 2^64). */
    @Test
    void generatorPrintsSeedAndOffsetUnsigned() {
        assertEquals("Generator[seed=18446744073709551615, offset=9223372036854775808]",
                new Generator(-1L, Long.MIN_VALUE).toString());
        assertEquals("Generator[seed=42, offset=0]", new Generator(42).toString());
    }

    // ---- helpers ----

    private static MemorySegment fill(DType dtype, int n, long seed, long offset, boolean normal) {
        MemorySegment seg = dtype == DType.FLOAT32
                ? MemorySegment.ofArray(new float[n])
                : MemorySegment.ofArray(new double[n]);
        if (normal) {
            Philox.fillNormal(seg, dtype, n, seed, offset);
        } else {
            Philox.fillUniform(seg, dtype, n, seed, offset);
        }
        return seg;
    }

    private static float[] floats(MemorySegment seg) {
        return seg.toArray(ValueLayout.JAVA_FLOAT);
    }

    private static double[] doubles(MemorySegment seg) {
        return seg.toArray(ValueLayout.JAVA_DOUBLE);
    }

    private static double[] values(DType dtype, MemorySegment seg) {
        if (dtype == DType.FLOAT64) {
            return doubles(seg);
        }
        float[] f = floats(seg);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double mean(double[] v) {
        double sum = 0;
        for (double x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    private static double centralMoment(double[] v, double centre, int k) {
        double sum = 0;
        for (double x : v) {
            sum += Math.pow(x - centre, k);
        }
        return sum / v.length;
    }

    private static String hex(int[] words) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < words.length; i++) {
            sb.append(i == 0 ? "" : " ").append(String.format("%08x", words[i]));
        }
        return sb.append(']').toString();
    }
}
