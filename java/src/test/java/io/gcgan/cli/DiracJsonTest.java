package io.gcgan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gcgan.report.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gcgan dirac --json} prints exactly one JSON object with the documented fields. */
class DiracJsonTest {

    @TempDir
    Path tmp;

    private Map<String, Object> dirac(String... args) throws Exception {
        String[] full = new String[args.length + 4];
        full[0] = "dirac";
        full[1] = "--json";
        full[2] = "--out";
        full[3] = tmp.resolve("d.png").toString();
        System.arraycopy(args, 0, full, 4, args.length);
        CliRunner.Result r = CliRunner.run(full);
        assertEquals(0, r.status(), r.toString());
        assertEquals("", r.err());
        assertTrue(r.out().strip().startsWith("{") && r.out().strip().endsWith("}"), "only JSON on stdout:\n" + r.out());
        return Json.parseObject(r.out(), "dirac --json output");
    }

    @SuppressWarnings("unchecked")
    private static double eigen(Map<String, Object> m, String key, int i, String part) {
        List<Object> list = (List<Object>) m.get(key);
        return ((Number) ((Map<String, Object>) list.get(i)).get(part)).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static double coordinate(Map<String, Object> m, String point, String axis) {
        return ((Number) ((Map<String, Object>) m.get(point)).get(axis)).doubleValue();
    }

    @Test
    void unregularizedGanHasPurelyImaginaryEigenvaluesAndDoesNotConverge() throws Exception {
        Map<String, Object> m = dirac("--steps", "200");
        assertEquals(List.of("loss", "regularizer", "gamma", "sigma", "clip", "update", "d_steps", "h", "steps", "start",
                "final", "distance_to_equilibrium", "steps_taken", "diverged", "jacobian", "eigenvalues",
                "update_eigenvalues", "update_spectral_radius", "plot"), List.copyOf(m.keySet()));
        assertEquals("gan", m.get("loss"));
        assertEquals("none", m.get("regularizer"));
        assertEquals(null, m.get("gamma"));
        assertEquals(200L, ((Number) m.get("steps_taken")).longValue());
        assertEquals(false, m.get("diverged"));
        // J(0, 0) = [[0, -1/2], [1/2, 0]]: eigenvalues +- i/2.
        assertEquals(0.0, eigen(m, "eigenvalues", 0, "re"), 1e-12);
        assertEquals(0.5, Math.abs(eigen(m, "eigenvalues", 0, "im")), 1e-12);
        assertEquals(-eigen(m, "eigenvalues", 0, "im"), eigen(m, "eigenvalues", 1, "im"), 1e-12);
        assertEquals(List.of(List.of(0.0, -0.5), List.of(0.5, 0.0)), m.get("jacobian"));
        // Simultaneous steps spiral outwards: |1 + h i/2| > 1.
        assertTrue(((Number) m.get("update_spectral_radius")).doubleValue() > 1);
        double d = ((Number) m.get("distance_to_equilibrium")).doubleValue();
        assertEquals(Math.hypot(coordinate(m, "final", "theta"), coordinate(m, "final", "psi")), d, 1e-12);
        assertTrue(d > Math.sqrt(2), "moves away from (0, 0) from (1, 1): " + d);
        assertNotNull(ImageIO.read(Path.of((String) m.get("plot")).toFile()));
    }

    @Test
    void zeroCentredPenaltyConvergesWithNegativeRealParts() throws Exception {
        Map<String, Object> m = dirac("--regularizer", "zero-centred", "--gamma", "1", "--steps", "300", "--start",
                "1,-0.5");
        assertEquals(1.0, ((Number) m.get("gamma")).doubleValue());
        assertEquals(1.0, coordinate(m, "start", "theta"));
        assertEquals(-0.5, coordinate(m, "start", "psi"));
        assertTrue(eigen(m, "eigenvalues", 0, "re") < 0 && eigen(m, "eigenvalues", 1, "re") < 0, m.toString());
        assertTrue(((Number) m.get("distance_to_equilibrium")).doubleValue() < 1e-3, m.toString());
        assertTrue(((Number) m.get("update_spectral_radius")).doubleValue() < 1);
    }

    @Test
    void alternatingInstanceNoiseReportsSigmaAndNoGamma() throws Exception {
        Map<String, Object> m = dirac("--loss", "nsgan", "--regularizer", "instance-noise", "--sigma", "0.7",
                "--update", "alternating", "--d-steps", "2", "--steps", "50");
        assertEquals("nsgan", m.get("loss"));
        assertEquals("alternating", m.get("update"));
        assertEquals(2L, ((Number) m.get("d_steps")).longValue());
        assertEquals(null, m.get("gamma"));
        assertEquals(0.7, ((Number) m.get("sigma")).doubleValue());
        assertFalse((Boolean) m.get("diverged"));
    }
}
