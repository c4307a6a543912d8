package io.gcgan.gan.dirac;

import java.util.List;

/**
 * The points visited by a simulated training run, the start first: {@code points.get(k)} is the state after
 * k updates (an update being one {@link UpdateRule} step of both players).
 */
public record Trajectory(List<Point> points) {

    public Trajectory {
        if (points.isEmpty()) {
            throw new IllegalArgumentException("Trajectory: no points");
        }
        points = List.copyOf(points);
    }

    /** Number of updates (points - 1). */
    public int steps() {
        return points.size() - 1;
    }

    /** The distance of each point to the equilibrium (0, 0). */
    public double[] distances() {
        double[] d = new double[points.size()];
        for (int k = 0; k < d.length; k++) {
            d[k] = points.get(k).distanceToEquilibrium();
        }
        return d;
    }

    /** The last point. */
    public Point finalPoint() {
        return points.get(points.size() - 1);
    }

    /** The last point's distance to the equilibrium. */
    public double finalDistance() {
        return finalPoint().distanceToEquilibrium();
    }

    /** The largest distance to the equilibrium along the way. */
    public double maxDistance() {
        double max = 0.0;
        for (Point p : points) {
            max = Math.max(max, p.distanceToEquilibrium());
        }
        return max;
    }
}
