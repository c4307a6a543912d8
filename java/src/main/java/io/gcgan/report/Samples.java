package io.gcgan.report;

import io.gcgan.data.GaussianMixture;
import io.gcgan.random.Generator;
import io.gcgan.tensor.Device;
import io.gcgan.tensor.Tensor;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Generated samples as pictures: images as a PNG grid ({@link ImageGrid}), 2-D points as a scatter plot over
 * real samples of the mixture and its modes.
 */
public final class Samples {

    private static final int REAL_POINTS = 1000;

    private Samples() {
    }

    /** The pixel enlargement that makes small images readable: 2 for 28 x 28, 1 from 64 x 64 on. */
    public static int scaleFor(Tensor images) {
        long h = images.size(2);
        return (int) Math.max(1, 64 / Math.max(1, h));
    }

    /** Images [N, C, H, W] in [-1, 1] as a grid PNG. */
    public static void writeImages(Tensor images, Path file) throws IOException {
        ImageGrid.writePng(ImageGrid.of(images, scaleFor(images)), file);
    }

    /** Points [N, 2] as a scatter PNG over {@value #REAL_POINTS} real points and the modes. */
    public static void writePoints(Tensor points, GaussianMixture mixture, Generator realStream, String title,
                                   Path file) throws IOException {
        float[] p = points.to(Device.CPU).toFloatArray();
        int n = p.length / 2;
        double[] gx = new double[n];
        double[] gy = new double[n];
        for (int i = 0; i < n; i++) {
            gx[i] = p[2 * i];
            gy[i] = p[2 * i + 1];
        }
        float[] r = mixture.sample(realStream, REAL_POINTS);
        double[] rx = new double[REAL_POINTS];
        double[] ry = new double[REAL_POINTS];
        for (int i = 0; i < REAL_POINTS; i++) {
            rx[i] = r[2 * i];
            ry[i] = r[2 * i + 1];
        }
        double[][] modes = mixture.modes();
        double[] mx = new double[modes.length];
        double[] my = new double[modes.length];
        double range = 0;
        for (int k = 0; k < modes.length; k++) {
            mx[k] = modes[k][0];
            my[k] = modes[k][1];
            range = Math.max(range, Math.max(Math.abs(mx[k]), Math.abs(my[k])));
        }
        Charts.write(Charts.scatter(title, "x", "y", List.of(
                new Charts.Dots("real", rx, ry, new Color(0x2ca02c), 3),
                new Charts.Dots("generated", gx, gy, new Color(0x1f77b4), 3),
                new Charts.Dots("modes", mx, my, new Color(0xd62728), 7)), range * 1.4 + 0.2, 600, 600), file);
    }
}
