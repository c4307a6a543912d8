package io.gcgan.report;

import io.gcgan.tensor.Shapes;
import io.gcgan.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A batch of images as one PNG grid, as torchvision's {@code save_image}: images [N, C, H, W] with C = 1 (gray)
 * or 3 (RGB) and values in [-1, 1] (a tanh generator's range; clamped), {@code columns} per row, {@code padding}
 * pixels of background between and around them, every pixel enlarged {@code scale} times (nearest neighbour).
 */
public final class ImageGrid {

    static {
        // Encode in memory: ImageIO's default file cache registers its streams with a shutdown hook that closes
        // them, which broke the PNGs written while a Ctrl-C checkpoint is being saved.
        ImageIO.setUseCache(false);
    }

    /** Background between the images (dark gray, so that black digits on black stay apart). */
    private static final int BACKGROUND = 0x404040;

    private ImageGrid() {
    }

    /** A square-ish grid: ceil(sqrt(N)) columns. */
    public static BufferedImage of(Tensor images, int scale) {
        long n = images.rank() > 0 ? images.size(0) : 0;
        return of(images, (int) Math.max(1, Math.ceil(Math.sqrt(n))), 2, scale);
    }

    public static BufferedImage of(Tensor images, int columns, int padding, int scale) {
        long[] s = images.shape();
        if (s.length != 4 || (s[1] != 1 && s[1] != 3) || s[0] < 1) {
            throw new IllegalArgumentException("image grid: expected images [N, 1 or 3, H, W] with N >= 1, got "
                    + Shapes.toString(s));
        }
        if (columns < 1 || padding < 0 || scale < 1) {
            throw new IllegalArgumentException("image grid: columns " + columns + " and scale " + scale
                    + " must be >= 1, padding " + padding + " >= 0");
        }
        int n = (int) s[0];
        int c = (int) s[1];
        int h = (int) s[2];
        int w = (int) s[3];
        float[] v = images.to(io.gcgan.tensor.Device.CPU).toFloatArray();
        int cols = Math.min(columns, n);
        int rows = (n + cols - 1) / cols;
        int cellW = w * scale + padding;
        int cellH = h * scale + padding;
        BufferedImage img = new BufferedImage(cols * cellW + padding, rows * cellH + padding,
                BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                img.setRGB(x, y, BACKGROUND);
            }
        }
        int plane = h * w;
        for (int i = 0; i < n; i++) {
            int x0 = padding + (i % cols) * cellW;
            int y0 = padding + (i / cols) * cellH;
            int base = i * c * plane;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int p = base + y * w + x;
                    int r = toByte(v[p]);
                    int g = c == 3 ? toByte(v[p + plane]) : r;
                    int b = c == 3 ? toByte(v[p + 2 * plane]) : r;
                    int rgb = (r << 16) | (g << 8) | b;
                    for (int dy = 0; dy < scale; dy++) {
                        for (int dx = 0; dx < scale; dx++) {
                            img.setRGB(x0 + x * scale + dx, y0 + y * scale + dy, rgb);
                        }
                    }
                }
            }
        }
        return img;
    }

    /** [-1, 1] to 0..255, rounding half up; NaN becomes 0. */
    static int toByte(float value) {
        if (Float.isNaN(value)) {
            return 0;
        }
        double u = (Math.max(-1f, Math.min(1f, value)) + 1.0) * 127.5;
        return (int) Math.floor(u + 0.5);
    }

    /** PNG bytes of an image. */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", bytes)) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Writes an image as a PNG file, atomically. */
    public static void writePng(BufferedImage image, Path file) throws IOException {
        AtomicFiles.write(file, png(image));
    }
}
