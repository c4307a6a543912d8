package io.gcgan.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.gcgan.backend.ConvGeometry;
import io.gcgan.tensor.DType;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link ConvAutotune}'s choice with a fake pass and a fake device timer (no GPU): the fastest median wins, each
 * candidate runs once untimed and then {@link ConvAutotune#TIMED_RUNS} times, the choice is kept per key, a failing
 * candidate is left out, ties go to the earlier candidate, and when every candidate fails the first failure is
 * thrown.
 */
class ConvAutotuneTest {

    private static final List<ConvImplementation> ALL =
            List.of(ConvImplementation.OWN, ConvImplementation.GEMM, ConvImplementation.CUDNN);
    private static final ConvGeometry G = new ConvGeometry(64, 128, 16, 16, 256, 4, 4, 2, 2, 1, 1);

    private static ConvAutotune.Key key(OwnConvolution.Pass pass) {
        return new ConvAutotune.Key(pass, G, DType.FLOAT32, false, ConvAutotuneTiming.WITH_LAUNCHES);
    }

    /** A device whose passes take fixed times per implementation; records every run. */
    private static final class FakeDevice {
        final Map<ConvImplementation, double[]> times; // per implementation, the time of each successive timed run
        final List<ConvImplementation> runs = new ArrayList<>();
        final Map<ConvImplementation, Integer> timed = new EnumMap<>(ConvImplementation.class);
        ConvImplementation last;

        FakeDevice(Map<ConvImplementation, double[]> times) {
            this.times = times;
        }

        void run(ConvImplementation c) {
            if (!times.containsKey(c)) {
                throw new IllegalStateException(c + " is not available here");
            }
            runs.add(c);
            last = c;
        }

        double millis(Runnable work) {
            work.run();
            int i = timed.merge(last, 1, Integer::sum) - 1;
            return times.get(last)[i];
        }
    }

    @Test
    void theFastestMedianWinsAndTheChoiceIsKept() {
        ConvAutotune tune = new ConvAutotune(ALL);
        // GEMM has the lowest median (0.2) despite one slow run; OWN the lowest single run (0.05).
        FakeDevice d = new FakeDevice(Map.of(
                ConvImplementation.OWN, new double[] {0.05, 0.5, 0.6},
                ConvImplementation.GEMM, new double[] {0.2, 9.0, 0.1},
                ConvImplementation.CUDNN, new double[] {0.3, 0.3, 0.3}));
        assertSame(ConvImplementation.GEMM, tune.choose(key(OwnConvolution.Pass.FORWARD), d::run, d::millis));
        // one untimed and TIMED_RUNS timed runs per candidate
        assertEquals(3 * (1 + ConvAutotune.TIMED_RUNS), d.runs.size(), d.runs.toString());
        int before = d.runs.size();
        assertSame(ConvImplementation.GEMM, tune.choose(key(OwnConvolution.Pass.FORWARD), d::run, d::millis));
        assertEquals(before, d.runs.size(), "a kept choice measures nothing");
        assertEquals(Map.of(key(OwnConvolution.Pass.FORWARD), ConvImplementation.GEMM), tune.choices());
        assertEquals(Map.of(ConvImplementation.OWN, 0.5, ConvImplementation.GEMM, 0.2, ConvImplementation.CUDNN, 0.3),
                tune.medianMillis(key(OwnConvolution.Pass.FORWARD)), "each candidate's median");
        assertEquals(Map.of(), tune.medianMillis(key(OwnConvolution.Pass.BACKWARD_DATA)), "not measured");
    }

    @Test
    void aFailingCandidateIsLeftOutAndTiesGoToTheEarlierOne() {
        ConvAutotune tune = new ConvAutotune(ALL);
        FakeDevice d = new FakeDevice(Map.of(
                ConvImplementation.OWN, new double[] {0.4, 0.4, 0.4},
                ConvImplementation.GEMM, new double[] {0.4, 0.4, 0.4})); // no cuDNN
        assertSame(ConvImplementation.OWN, tune.choose(key(OwnConvolution.Pass.BACKWARD_DATA), d::run, d::millis));
        assertEquals(Map.of(ConvImplementation.OWN, 0.4, ConvImplementation.GEMM, 0.4),
                tune.medianMillis(key(OwnConvolution.Pass.BACKWARD_DATA)), "the failed candidate has no median");
        // another pass of the same geometry is a key of its own
        FakeDevice e = new FakeDevice(Map.of(ConvImplementation.CUDNN, new double[] {1, 1, 1}));
        assertSame(ConvImplementation.CUDNN,
                tune.choose(key(OwnConvolution.Pass.BACKWARD_WEIGHT), e::run, e::millis));
    }

    @Test
    void aKeyIsMeasuredPerTimingAndTimingsHaveOptionNames() {
        ConvAutotune tune = new ConvAutotune(ALL);
        FakeDevice d = new FakeDevice(Map.of(ConvImplementation.OWN, new double[] {0.4, 0.4, 0.4, 0.2, 0.2, 0.2},
                ConvImplementation.GEMM, new double[] {0.3, 0.3, 0.3, 0.3, 0.3, 0.3}));
        ConvAutotune.Key launches = key(OwnConvolution.Pass.FORWARD);
        ConvAutotune.Key device = new ConvAutotune.Key(OwnConvolution.Pass.FORWARD, G, DType.FLOAT32, false,
                ConvAutotuneTiming.DEVICE_ONLY);
        assertSame(ConvImplementation.GEMM, tune.choose(launches, d::run, d::millis));
        assertSame(ConvImplementation.OWN, tune.choose(device, d::run, d::millis), "measured again, apart");
        assertEquals(List.of("with-launches", "device-only"), ConvAutotuneTiming.optionNames());
        for (ConvAutotuneTiming t : ConvAutotuneTiming.values()) {
            assertSame(t, ConvAutotuneTiming.fromName(t.optionName()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ConvAutotuneTiming.fromName("device"));
        assertEquals("conv autotune timing must be one of [with-launches, device-only], got 'device'", e.getMessage());
    }

    @Test
    void aPresetChoiceIsTakenWithoutMeasuringAndReplacesAMeasuredOne() {
        ConvAutotune tune = new ConvAutotune(ALL);
        FakeDevice d = new FakeDevice(Map.of(ConvImplementation.OWN, new double[] {0.1, 0.1, 0.1},
                ConvImplementation.GEMM, new double[] {0.2, 0.2, 0.2}));
        ConvAutotune.Key forward = key(OwnConvolution.Pass.FORWARD);
        tune.preset(forward, ConvImplementation.CUDNN);
        assertSame(ConvImplementation.CUDNN, tune.choose(forward, d::run, d::millis));
        assertEquals(List.of(), d.runs, "a preset choice measures nothing");
        assertEquals(Map.of(), tune.medianMillis(forward), "a preset choice has no medians");
        ConvAutotune.Key data = key(OwnConvolution.Pass.BACKWARD_DATA);
        assertSame(ConvImplementation.OWN, tune.choose(data, d::run, d::millis));
        tune.preset(data, ConvImplementation.GEMM);
        assertSame(ConvImplementation.GEMM, tune.choose(data, d::run, d::millis), "the preset replaces the measured");
        assertEquals(Map.of(), tune.medianMillis(data), "and drops its medians");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ConvAutotune(List.of(ConvImplementation.OWN)).preset(forward, ConvImplementation.GEMM));
        assertEquals("conv auto chooses among [OWN], not GEMM", e.getMessage());
    }

    @Test
    void whenEveryCandidateFailsTheFirstFailureIsThrown() {
        ConvAutotune tune = new ConvAutotune(ALL);
        FakeDevice d = new FakeDevice(Map.of());
        IllegalStateException ex = assertThrows(IllegalStateException.class,
                () -> tune.choose(key(OwnConvolution.Pass.FORWARD), d::run, d::millis));
        assertEquals("OWN is not available here", ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ConvAutotune(List.of(ConvImplementation.AUTO)));
    }
}
