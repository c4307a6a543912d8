package io.gcgan.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gcgan.tensor.Tensor;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class ImageGridTest {

    @Test
    void mapsMinusOneToBlackOneToWhiteAndLaysOutRows() {
        // 3 gray 2x2 images: all -1, all 1, and a gradient; 2 columns, padding 1, scale 2.
        float[] v = {-1, -1, -1, -1, 1, 1, 1, 1, -1, 0, 0.5f, 2};
        BufferedImage img = ImageGrid.of(Tensor.of(v, 3, 1, 2, 2), 2, 1, 2);
        assertEquals(2 * (4 + 1) + 1, img.getWidth());
        assertEquals(2 * (4 + 1) + 1, img.getHeight());
        assertEquals(0x000000, img.getRGB(1, 1) & 0xffffff);
        assertEquals(0xffffff, img.getRGB(6, 1) & 0xffffff);
        assertEquals(0x808080, img.getRGB(1 + 2, 6) & 0xffffff, "0 -> 128 (127.5 rounded half up)");
        assertEquals(0xffffff, img.getRGB(1 + 3, 6 + 3) & 0xffffff, "2 is clamped to 1");
        assertEquals(0x404040, img.getRGB(0, 0) & 0xffffff, "padding");
        assertEquals(191, ImageGrid.toByte(0.5f));
        assertEquals(0, ImageGrid.toByte(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.of(Tensor.of(v, 3, 4), 1));
    }
}
