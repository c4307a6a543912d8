package io.gcgan.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.gcgan.backend.MomentumStart;
import io.gcgan.backend.WeightDecayMode;
import io.gcgan.tensor.Tensor;
import io.gcgan.tensor.testutil.Close;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two optimizer steps on tiny float64 tensors, against values computed by hand (exact fractions for the SGD
 * family; for Adam and RMSprop the formulas evaluated separately in double), for every optimizer x GC mode x
 * weight-decay mode.
 *
 * <p>The setting, shared by all cases: learning rate 0.1; weight decay lambda = 0.1 when on. Three parameters
 * hold the same numbers w = [1, 2, 3, 4] in different shapes: conv [2, 1, 1, 2] (rank 4), fc [2, 2] (rank 2)
 * and bias [4] (rank 1). All three get the gradient g1 = [0.5, -1, 2, 1] at step 1 and g2 = [-1, 1, 0.25, 1.25]
 * at step 2. Conv and fc both centre rows of 2 along dimension 0, so every case needs two expectations: the
 * uncentred ("plain") trajectory and the row-centred ("rows") one. GC mode NONE expects (plain, plain, plain)
 * for (conv, fc, bias); CONV_ONLY (rows, plain, plain); CONV_AND_FC (rows, rows, plain).
 *
 * <pre>
 *   row-centred gradients:  P(g1) = [0.5+0.25, -1+0.25, 2-1.5, 1-1.5] = [0.75, -0.75, 0.5, -0.5]
 *                           P(g2) = [-1-0, 1-0, 0.25-0.75, 1.25-0.75] = [-1, 1, -0.5, 0.5]
 *   coupled, step 1:        g1 + 0.1 w = [0.6, -0.8, 2.3, 1.4];  P(.) = [0.7, -0.7, 0.45, -0.45]
 *
 *   SGD plain        step 1  w - 0.1 g1 = [0.95, 2.1, 2.8, 3.9];   step 2  - 0.1 g2 = [1.05, 2, 2.775, 3.775]
 *   SGD rows         step 1  [0.925, 2.075, 2.95, 4.05];            step 2  [1.025, 1.975, 3, 4]
 *   SGD coupled      step 1  w - 0.1 [0.6, -0.8, 2.3, 1.4] = [0.94, 2.08, 2.77, 3.86]
 *   SGD decoupled    step 1  0.99 w - 0.1 g1 = [0.94, 2.08, 2.77, 3.86] (equal to coupled for plain SGD)
 *   SGD dec. rows    step 1  0.99 w - 0.1 P(g1) = [0.915, 2.055, 2.92, 4.01]
 *   SGDM (PyTorch, momentum 0.9): buf1 = g1 (first step, no dampening), w1 = SGD's;
 *                    buf2 = 0.9 g1 + g2 = [-0.55, 0.1, 2.05, 2.15], w2 = w1 - 0.1 buf2 = [1.005, 2.09, 2.595, 3.685]
 *   THESIS (Algorithm 1, beta 0.9, m0 = 0): m1 = 0.1 g1, w1 = w - 0.01 g1 = [0.995, 2.01, 2.98, 3.99];
 *                    m2 = 0.9 m1 + 0.1 g2 = [-0.055, 0.01, 0.205, 0.215], w2 = [1.0005, 2.009, 2.9595, 3.9685]
 *   NESTEROV (0.9):  buf1 = g1, w1 = w - 0.1 (g1 + 0.9 buf1) = w - 0.19 g1 = [0.905, 2.19, 2.62, 3.81]
 *   ADAM (0.9, 0.999, 1e-8): step 1 m^ = d, v^ = d^2, so w1 = w - 0.1 d / (|d| + 1e-8) ~ w - 0.1 sign(d)
 *                    = [0.9, 2.1, 2.9, 3.9]; step 2 m = 0.09 g1 + 0.1 g2, v = 0.000999 g1^2 + 0.001 g2^2,
 *                    w2 = w1 - (0.1 / 0.19) m / (sqrt(v / 0.001999) + 1e-8)
 *   RMSPROP (0.99, 1e-8): step 1 v = 0.01 d^2, w1 = w - 0.1 d / (0.1 |d| + 1e-8) ~ w - sign(d) = [0, 3, 2, 3];
 *                    with momentum 0.9 (RMSPROP_M) buf1 = d / (0.1 |d| + 1e-8), the same w1
 * </pre>
 * The remaining entries follow from the same formulas (decoupled decay: w <- 0.99 w first).
 */
class OptimizerHandComputedTest {

    private static final double TOL = 1e-12;
    private static final double LR = 0.1;
    private static final double LAMBDA = 0.1;
    private static final double[] W0 = {1, 2, 3, 4};
    private static final double[] G1 = {0.5, -1, 2, 1};
    private static final double[] G2 = {-1, 1, 0.25, 1.25};

    /** Expected weights after step 1 and step 2. */
    private record Expect(double[] step1, double[] step2) {
    }

    private static final Map<String, Expect> EXPECTED = new HashMap<>();

    private static void e(String optimizer, String decay, boolean rows, double[] step1, double[] step2) {
        EXPECTED.put(optimizer + "/" + decay + "/" + (rows ? "rows" : "plain"), new Expect(step1, step2));
    }

    static {
        e("SGD", "NONE", false,
                new double[] {19.0 / 20, 21.0 / 10, 14.0 / 5, 39.0 / 10},
                new double[] {21.0 / 20, 2, 111.0 / 40, 151.0 / 40});
        e("SGD", "NONE", true,
                new double[] {37.0 / 40, 83.0 / 40, 59.0 / 20, 81.0 / 20},
                new double[] {41.0 / 40, 79.0 / 40, 3, 4});
        e("SGD", "COUPLED", false,
                new double[] {47.0 / 50, 52.0 / 25, 277.0 / 100, 193.0 / 50},
                new double[] {5153.0 / 5000, 2449.0 / 1250, 27173.0 / 10000, 9241.0 / 2500});
        e("SGD", "COUPLED", true,
                new double[] {93.0 / 100, 207.0 / 100, 591.0 / 200, 809.0 / 200},
                new double[] {10357.0 / 10000, 19643.0 / 10000, 60209.0 / 20000, 79791.0 / 20000});
        e("SGD", "DECOUPLED", false,
                new double[] {47.0 / 50, 52.0 / 25, 277.0 / 100, 193.0 / 50},
                new double[] {5153.0 / 5000, 2449.0 / 1250, 27173.0 / 10000, 9241.0 / 2500});
        e("SGD", "DECOUPLED", true,
                new double[] {183.0 / 200, 411.0 / 200, 73.0 / 25, 401.0 / 100},
                new double[] {20117.0 / 20000, 38689.0 / 20000, 1838.0 / 625, 39199.0 / 10000});
        e("SGDM", "NONE", false,
                new double[] {19.0 / 20, 21.0 / 10, 14.0 / 5, 39.0 / 10},
                new double[] {201.0 / 200, 209.0 / 100, 519.0 / 200, 737.0 / 200});
        e("SGDM", "NONE", true,
                new double[] {37.0 / 40, 83.0 / 40, 59.0 / 20, 81.0 / 20},
                new double[] {383.0 / 400, 817.0 / 400, 591.0 / 200, 809.0 / 200});
        e("SGDM", "COUPLED", false,
                new double[] {47.0 / 50, 52.0 / 25, 277.0 / 100, 193.0 / 50},
                new double[] {4883.0 / 5000, 2539.0 / 1250, 25103.0 / 10000, 4463.0 / 1250});
        e("SGDM", "COUPLED", true,
                new double[] {93.0 / 100, 207.0 / 100, 591.0 / 200, 809.0 / 200},
                new double[] {9727.0 / 10000, 20273.0 / 10000, 59399.0 / 20000, 80601.0 / 20000});
        e("SGDM", "DECOUPLED", false,
                new double[] {47.0 / 50, 52.0 / 25, 277.0 / 100, 193.0 / 50},
                new double[] {616.0 / 625, 5123.0 / 2500, 25373.0 / 10000, 2254.0 / 625});
        e("SGDM", "DECOUPLED", true,
                new double[] {183.0 / 200, 411.0 / 200, 73.0 / 25, 401.0 / 100},
                new double[] {18767.0 / 20000, 40039.0 / 20000, 14479.0 / 5000, 39649.0 / 10000});
        e("THESIS", "NONE", false,
                new double[] {199.0 / 200, 201.0 / 100, 149.0 / 50, 399.0 / 100},
                new double[] {2001.0 / 2000, 2009.0 / 1000, 5919.0 / 2000, 7937.0 / 2000});
        e("THESIS", "NONE", true,
                new double[] {397.0 / 400, 803.0 / 400, 599.0 / 200, 801.0 / 200},
                new double[] {3983.0 / 4000, 8017.0 / 4000, 5991.0 / 2000, 8009.0 / 2000});
        e("THESIS", "COUPLED", false,
                new double[] {497.0 / 500, 251.0 / 125, 2977.0 / 1000, 1993.0 / 500},
                new double[] {498803.0 / 500000, 250399.0 / 125000, 2950823.0 / 1000000, 1978457.0 / 500000});
        e("THESIS", "COUPLED", true,
                new double[] {993.0 / 1000, 2007.0 / 1000, 5991.0 / 2000, 8009.0 / 2000},
                new double[] {997207.0 / 1000000, 2002793.0 / 1000000, 5993909.0 / 2000000, 8006091.0 / 2000000});
        e("THESIS", "DECOUPLED", false,
                new double[] {197.0 / 200, 199.0 / 100, 59.0 / 20, 79.0 / 20},
                new double[] {19613.0 / 20000, 19691.0 / 10000, 29.0 / 10, 3889.0 / 1000});
        e("THESIS", "DECOUPLED", true,
                new double[] {393.0 / 400, 159.0 / 80, 593.0 / 200, 793.0 / 200},
                new double[] {39037.0 / 40000, 3143.0 / 1600, 58717.0 / 20000, 78497.0 / 20000});
        e("NESTEROV", "NONE", false,
                new double[] {181.0 / 200, 219.0 / 100, 131.0 / 50, 381.0 / 100},
                new double[] {2109.0 / 2000, 2081.0 / 1000, 4821.0 / 2000, 6983.0 / 2000});
        e("NESTEROV", "NONE", true,
                new double[] {343.0 / 400, 857.0 / 400, 581.0 / 200, 819.0 / 200},
                new double[] {3947.0 / 4000, 8053.0 / 4000, 5919.0 / 2000, 8081.0 / 2000});
        e("NESTEROV", "COUPLED", false,
                new double[] {443.0 / 500, 269.0 / 125, 2563.0 / 1000, 1867.0 / 500},
                new double[] {505283.0 / 500000, 248239.0 / 125000, 2280503.0 / 1000000, 1656077.0 / 500000});
        e("NESTEROV", "COUPLED", true,
                new double[] {867.0 / 1000, 2133.0 / 1000, 5829.0 / 2000, 8171.0 / 2000},
                new double[] {1012327.0 / 1000000, 1987673.0 / 1000000, 5968349.0 / 2000000, 8031651.0 / 2000000});
        e("NESTEROV", "DECOUPLED", false,
                new double[] {179.0 / 200, 217.0 / 100, 259.0 / 100, 377.0 / 100},
                new double[] {20711.0 / 20000, 20393.0 / 10000, 11773.0 / 5000, 17069.0 / 5000});
        e("NESTEROV", "DECOUPLED", true,
                new double[] {339.0 / 400, 849.0 / 400, 23.0 / 8, 811.0 / 200},
                new double[] {38731.0 / 40000, 78881.0 / 40000, 11603.0 / 4000, 79199.0 / 20000});
        e("ADAM", "NONE", false,
                new double[] {0.900000002, 2.099999999, 2.9000000005, 3.900000001},
                new double[] {0.9366103542405654, 2.0947368411578946, 2.824277686177006, 3.8000358982860116});
        e("ADAM", "NONE", true,
                new double[] {0.9000000013333334, 2.0999999986666666, 2.900000002, 4.099999998},
                new double[] {0.919351042028066, 2.080648957971934, 2.905263159789474, 4.094736840210527});
        e("ADAM", "COUPLED", false,
                new double[] {0.9000000016666666, 2.09999999875, 2.900000000434783, 3.900000000714286},
                new double[] {0.9252635194456061, 2.074859045356938, 2.817753042014125, 3.7998998916306395});
        e("ADAM", "COUPLED", true,
                new double[] {0.9000000014285714, 2.0999999985714286, 2.9000000022222223, 4.099999997777778},
                new double[] {0.9251935448825785, 2.0748064551174212, 2.916058420782567, 4.083941579217433});
        e("ADAM", "DECOUPLED", false,
                new double[] {0.890000002, 2.079999999, 2.8700000004999997, 3.860000001},
                new double[] {0.9177103542205653, 2.0539368411678947, 2.7655776861720054, 3.7214358982760114});
        e("ADAM", "DECOUPLED", true,
                new double[] {0.8900000013333333, 2.0799999986666666, 2.870000002, 4.059999998},
                new double[] {0.9004510420147326, 2.039848957985267, 2.8465631597694734, 4.014136840230527});
        e("RMSPROP", "NONE", false,
                new double[] {1.9999996048181146e-07, 2.9999999000000095, 2.000000049999998, 3.0000000999999905},
                new double[] {0.8953230819113371, 2.2911187452429265, 1.875350142478981, 2.217603219066077});
        e("RMSPROP", "NONE", true,
                new double[] {1.3333331583265107e-07, 2.999999866666684, 2.0000001999999606, 4.999999800000039},
                new double[] {0.8014439688029493, 2.1985560311970507, 2.708881304505798, 4.291118695494202});
        e("RMSPROP", "COUPLED", false,
                new double[] {1.666666393784766e-07, 2.9999998750000154, 2.000000043478259, 3.0000000714285666},
                new double[] {0.8586301901280069, 2.147169541860667, 1.807057048047701, 2.256224751321234});
        e("RMSPROP", "COUPLED", true,
                new double[] {1.4285712279793472e-07, 2.9999998571428774, 2.000000222222173, 4.999999777777827},
                new double[] {0.8553556192265217, 2.1446443807734785, 2.823527497223651, 4.176472502776349});
        e("RMSPROP", "DECOUPLED", false,
                new double[] {-0.009999800000039527, 2.9799999000000095, 1.9700000499999977, 2.9600000999999905},
                new double[] {0.8854230799113375, 2.2413187462429263, 1.8256501419789806, 2.1480032180660773});
        e("RMSPROP", "DECOUPLED", true,
                new double[] {-0.009999866666684176, 2.979999866666684, 1.9700001999999603, 4.959999800000039},
                new double[] {0.7915439674696162, 2.148756032530384, 2.659181302505798, 4.201518697494201});
        e("RMSPROP_M", "NONE", false,
                new double[] {1.9999996059283376e-07, 2.9999999000000095, 2.000000049999998, 3.0000000999999905},
                new double[] {-0.004676738088698329, 3.1911186552429354, 0.975350187478979, 1.317603309066068});
        e("RMSPROP_M", "NONE", true,
                new double[] {1.3333331594367337e-07, 2.999999866666684, 2.0000001999999606, 4.999999800000039},
                new double[] {-0.09855591119706625, 3.0985559111970664, 1.8088814845057624, 5.191118515494238});
        e("RMSPROP_M", "COUPLED", false,
                new double[] {1.666666393784766e-07, 2.9999998750000154, 2.000000043478259, 3.0000000714285666},
                new double[] {-0.041369659872017774, 3.0471694293606806, 0.9070570871781343, 1.356224815606944});
        e("RMSPROP_M", "COUPLED", true,
                new double[] {1.4285712268691242e-07, 2.9999998571428774, 2.000000222222173, 4.999999777777827},
                new double[] {-0.044644252202068094, 3.044644252202068, 1.923527697223607, 5.076472302776393});
        e("RMSPROP_M", "DECOUPLED", false,
                new double[] {-0.009999800000039416, 2.97999990000001, 1.9700000499999977, 2.9600000999999905},
                new double[] {-0.014576740088697943, 3.1413186562429356, 0.9256501869789786, 1.248003308066068});
        e("RMSPROP_M", "DECOUPLED", true,
                new double[] {-0.009999866666684065, 2.979999866666684, 1.9700001999999603, 4.959999800000039},
                new double[] {-0.10845591253039942, 3.0487559125303996, 1.7591814825057626, 5.101518517494237});
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (String opt : List.of("SGD", "SGDM", "THESIS", "NESTEROV", "ADAM", "RMSPROP", "RMSPROP_M")) {
            for (WeightDecayMode wd : WeightDecayMode.values()) {
                for (GcMode gc : GcMode.values()) {
                    out.add(Arguments.of(opt, wd, gc));
                }
            }
        }
        return out.stream();
    }

    static Optimizer make(String opt, List<ParamGroup> groups) {
        return switch (opt) {
            case "SGD" -> new Sgd(groups);
            case "SGDM" -> new Sgd(groups, 0.9);
            case "THESIS" -> Sgd.thesisMomentum(groups, 0.9);
            case "NESTEROV" -> new Sgd(groups, 0.9, 0.0, true, MomentumStart.FIRST_GRADIENT);
            case "ADAM" -> new Adam(groups, 0.9, 0.999, 1e-8);
            case "RMSPROP" -> new RmsProp(groups, 0.99, 1e-8, 0.0);
            case "RMSPROP_M" -> new RmsProp(groups, 0.99, 1e-8, 0.9);
            default -> throw new IllegalArgumentException(opt);
        };
    }

    private static ParamGroup.Builder group(WeightDecayMode wd, GcMode gc) {
        return ParamGroup.builder(LR).gc(gc).weightDecay(wd == WeightDecayMode.NONE ? 0.0 : LAMBDA, wd);
    }

    private static Tensor param(long... shape) {
        return Tensor.of(W0.clone(), shape).requiresGrad(true);
    }

    private static void setGrad(Tensor p, double[] g) {
        p.zeroGrad();
        p.accumulateGrad(Tensor.of(g.clone(), p.shape()));
    }

    @ParameterizedTest(name = "{0} decay={1} gc={2}")
    @MethodSource("cases")
    void twoStepsMatchHandComputedValues(String opt, WeightDecayMode wd, GcMode gc) {
        Tensor conv = param(2, 1, 1, 2);
        Tensor fc = param(2, 2);
        Tensor bias = param(4);
        Optimizer o = make(opt, List.of(group(wd, gc).add("conv", conv).add("fc", fc).add("bias", bias).build()));
        boolean convCentred = gc != GcMode.NONE;
        boolean fcCentred = gc == GcMode.CONV_AND_FC;
        Expect convExp = EXPECTED.get(opt + "/" + wd + "/" + (convCentred ? "rows" : "plain"));
        Expect fcExp = EXPECTED.get(opt + "/" + wd + "/" + (fcCentred ? "rows" : "plain"));
        Expect biasExp = EXPECTED.get(opt + "/" + wd + "/plain");
        assertNotNull(convExp);

        for (Tensor p : List.of(conv, fc, bias)) {
            setGrad(p, G1);
        }
        o.step();
        check("step 1 conv", convExp.step1(), conv);
        check("step 1 fc", fcExp.step1(), fc);
        check("step 1 bias", biasExp.step1(), bias);

        for (Tensor p : List.of(conv, fc, bias)) {
            setGrad(p, G2);
        }
        o.step();
        check("step 2 conv", convExp.step2(), conv);
        check("step 2 fc", fcExp.step2(), fc);
        check("step 2 bias", biasExp.step2(), bias);
        assertEquals(2, o.steps());
    }

    /**
     * A transposed-conv weight [in 2, out 2, 1, 1] = [[1, 2], [3, 4]]. Per-output-filter centring centres the
     * columns: P(g1) = [0.5-1.25, -1-0, 2-1.25, 1-0] = [-0.75, -1, 0.75, 1] and
     * P(g2) = [-1+0.375, 1-1.125, 0.25+0.375, 1.25-1.125] = [-0.625, -0.125, 0.625, 0.125].
     */
    @Test
    void transposedConvOutputFilterCentring() {
        // SGD: w1 = w - 0.1 P(g1) = [1.075, 2.1, 2.925, 3.9]; w2 = w1 - 0.1 P(g2) = [1.1375, 2.1125, 2.8625, 3.8875]
        twoStepsTransposed("SGD", WeightDecayMode.NONE, TransposedConvCentring.OUTPUT_FILTER,
                new double[] {43.0 / 40, 21.0 / 10, 117.0 / 40, 39.0 / 10},
                new double[] {91.0 / 80, 169.0 / 80, 229.0 / 80, 311.0 / 80});
        // SGDM with coupled decay: d1 = P(g1 + 0.1 w) = P([0.6, -0.8, 2.3, 1.4]) = [-0.85, -1.1, 0.85, 1.1],
        // w1 = [1.085, 2.11, 2.915, 3.89]; buf2 = 0.9 d1 + P(g2 + 0.1 w1), w2 = w1 - 0.1 buf2
        twoStepsTransposed("SGDM", WeightDecayMode.COUPLED, TransposedConvCentring.OUTPUT_FILTER,
                new double[] {217.0 / 200, 211.0 / 100, 583.0 / 200, 389.0 / 100},
                new double[] {24663.0 / 20000, 1394.0 / 625, 55337.0 / 20000, 2356.0 / 625});
        // Adam: step 1 ~ w - 0.1 sign(P(g1)), except elements whose centred gradient is 0 exactly (none here)
        twoStepsTransposed("ADAM", WeightDecayMode.NONE, TransposedConvCentring.OUTPUT_FILTER,
                new double[] {1.0999999986666666, 2.099999999, 2.9000000013333334, 3.900000001},
                new double[] {1.1991172846894966, 2.1757223127915624, 2.8008827153105034, 3.8242776872084376});
        // The default (official) centring of the same tensor is along dimension 0, the rows: as "SGD rows".
        Expect rows = EXPECTED.get("SGD/NONE/rows");
        twoStepsTransposed("SGD", WeightDecayMode.NONE, TransposedConvCentring.INPUT_CHANNEL, rows.step1(),
                rows.step2());
    }

    private static void twoStepsTransposed(String opt, WeightDecayMode wd, TransposedConvCentring centring,
                                           double[] step1, double[] step2) {
        Tensor w = param(2, 2, 1, 1);
        Optimizer o = make(opt, List.of(group(wd, GcMode.CONV_ONLY).transposedConvCentring(centring)
                .addTransposedConvWeight("convT", w).build()));
        setGrad(w, G1);
        o.step();
        check(opt + " " + centring + " step 1", step1, w);
        setGrad(w, G2);
        o.step();
        check(opt + " " + centring + " step 2", step2, w);
    }

    /** The state after two steps, by hand: SGDM's buffer and Adam's moments (plain, no decay). */
    @Test
    void stateAfterTwoSteps() {
        Tensor p = param(4);
        Optimizer sgdm = make("SGDM", List.of(group(WeightDecayMode.NONE, GcMode.NONE).add("p", p).build()));
        setGrad(p, G1);
        sgdm.step();
        setGrad(p, G2);
        sgdm.step();
        OptimizerState.ParamState s = sgdm.state().params().get("p");
        assertEquals(2, s.step());
        // buf2 = 0.9 g1 + g2
        check("momentum_buffer", new double[] {-0.55, 0.1, 2.05, 2.15}, s.buffers().get("momentum_buffer"));

        Tensor q = param(4);
        Optimizer adam = make("ADAM", List.of(group(WeightDecayMode.NONE, GcMode.NONE).add("q", q).build()));
        setGrad(q, G1);
        adam.step();
        setGrad(q, G2);
        adam.step();
        OptimizerState.ParamState a = adam.state().params().get("q");
        assertEquals(2, a.step());
        // m2 = 0.09 g1 + 0.1 g2;  v2 = 0.000999 g1^2 + 0.001 g2^2
        check("exp_avg", new double[] {-0.055, 0.01, 0.205, 0.215}, a.buffers().get("exp_avg"));
        check("exp_avg_sq", new double[] {0.00124975, 0.001999, 0.0040585, 0.0025615}, a.buffers().get("exp_avg_sq"));
    }

    private static void check(String what, double[] expected, Tensor t) {
        Close.assertAllClose(what, t.shape(), expected, t.toDoubleArray(), TOL, TOL);
    }
}
