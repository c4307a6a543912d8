#!/usr/bin/env python3
"""Joins gcgan's CUDA benchmark results (JMH JSON) with the PyTorch peer's (pytorch_peer.py --json) by workload name
and prints the comparison table that ends bench/gpu-check.sh (bench/README.md, "Peer ratios").

  python3 bench/gpu/peer_table.py --jmh OUT/jmh.json --jmh OUT/jmh-conv.json \
      --peer OUT/peer.json --peer-convs OUT/peer-convs.json [--markdown]

Every input is optional (a missing or unreadable file counts as absent); rows with neither side are left out, and
nothing is printed when there is nothing to show. Only CUDA results are read (backend=cuda, implementation=cuda-*,
CudaMemcpyBenchmark).

Columns: the peer's workload name; our time; PyTorch's time (the median); ours/PyTorch, the ratio of the TIMES
(below 1: we are faster; "~" marks workloads that are similar but not the same); then the memory floor or a note.
Memory floor (optimizer rows): the time to move the bytes an uncentred step must move (reads of w, g and the state,
writes of w and the state: 28 bytes per Adam parameter, 20 per SGD-momentum one) at the device-to-device copy rate of
the same run (CudaMemcpyBenchmark); "x of floor" is our time over it. A GC row has the same floor (a row's gradient
need not be read twice), so its "x of floor" includes GC's cost.
"""
import argparse
import itertools
import json
import math
import sys


def load(path):
    if not path:
        return None
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def ms_per_op(metric):
    """The primary metric of a JMH result as milliseconds per operation."""
    score, unit = metric["score"], metric["scoreUnit"]
    per_op = {"s/op": 1e3, "ms/op": 1.0, "us/op": 1e-3, "ns/op": 1e-6}
    if unit in per_op:
        return score * per_op[unit]
    rate = {"ops/s": 1.0, "ops/ms": 1e3, "ops/us": 1e6, "ops/ns": 1e9}
    if unit in rate and score > 0:
        return 1e3 / (score * rate[unit])
    return None


class Ours:
    """Our CUDA results, by (class, sorted params)."""

    def __init__(self, files):
        self.rows = []
        for data in files:
            for r in data or []:
                if not isinstance(r, dict) or "benchmark" not in r:
                    continue
                cls = r["benchmark"].split(".")[-2]
                params = dict(r.get("params", {}))
                if cls == "Conv2dBenchmark" and params.get("convImplementation") == "default":
                    # the backend's own: cuDNN on CUDA (a run whose -p named no convImplementation)
                    params["convImplementation"] = "cudnn" if params.get("backend") == "cuda" else "cpu"
                ms = ms_per_op(r["primaryMetric"])
                secondary = {k: v.get("score") for k, v in r.get("secondaryMetrics", {}).items()}
                self.rows.append((cls, params, ms, secondary))

    def find(self, cls, **want):
        for c, params, ms, secondary in self.rows:
            if c == cls and all(params.get(k) == v for k, v in want.items()):
                return ms, secondary
        return None, {}

    def copy_gbps(self):
        return self.find("CudaMemcpyBenchmark")[1].get("gb")


def peer_ms(peer, key):
    v = (peer or {}).get(key)
    return v.get("median_ms") if isinstance(v, dict) else None


def fmt_ms(ms):
    if ms is None:
        return "-"
    return "%.4f ms" % ms if ms < 1 else "%.3f ms" % ms if ms < 100 else "%.1f ms" % ms


# Parameters of the optimizer workloads (bench's Dcgan64Parameters: DESIGN.md's opt-*-dcgan64 and opt-*-50m).
OPTIMIZER_PARAMS = {"dcgan64": 3576704 + 2765568, "50m": 200 * 250 * 1000}
# An uncentred step's minimum traffic per float32 parameter: Adam reads w, g, m, v and writes w, m, v; SGD-momentum
# reads w, g, buf and writes w, buf.
FLOOR_BYTES_PER_PARAM = {"adam": 28, "sgdm": 20}


def fmt_ratio(ours, theirs, approx=False):
    if ours is None or theirs is None or theirs <= 0:
        return "-"
    return ("~x%.2f" if approx else "x%.2f") % (ours / theirs)


def paired_gc_cost(ours, algorithm, workload):
    """GC's cost from GcOverheadBenchmark on the GPU (both copies stepped in every iteration): gcMs / noneMs - 1 of
    its totals, or None without that result."""
    _, sec = ours.find("GcOverheadBenchmark", backend="cuda", algorithm=algorithm, gc="gc", workload=workload)
    none_ms, gc_ms = sec.get("noneMs"), sec.get("gcMs")
    if not none_ms or gc_ms is None or none_ms <= 0:
        return None
    return gc_ms / none_ms - 1.0


def rows(ours, peer, peer_convs):
    out = []
    copy = ours.copy_gbps()
    torch_copy = (peer or {}).get("d2d_copy_GBps")

    # ---- optimizer step --------------------------------------------------------------------------------------
    # The floor: the uncentred step's bytes per parameter at the device-to-device copy rate of the same run; "x of
    # floor" is our time over that, and a GC row says its cost over our fused step without GC (goal <= 5%).
    for algorithm in ("adam", "sgdm"):
        for workload in ("dcgan64", "50m"):
            fused_none = None
            for gc in ("none", "gc"):
                suffix = "%s-%s" % ("-gc" if gc == "gc" else "", workload)
                if algorithm == "adam":
                    key, peer_key, peer_note = "opt-adam-fused" + suffix, "opt-adam-fused" + suffix, ""
                else:  # the peer times SGD-momentum with foreach (PyTorch has no fused SGD-momentum with GC)
                    key, peer_key, peer_note = "opt-sgdm-fused" + suffix, "opt-sgdm-foreach" + suffix, "torch foreach"
                ms, sec = ours.find("OptimizerStepBenchmark", implementation="cuda-fused", algorithm=algorithm, gc=gc,
                                    workload=workload)
                if gc == "none":
                    fused_none = ms
                theirs = peer_ms(peer, peer_key)
                notes = []
                params = OPTIMIZER_PARAMS.get(workload)
                if ms and copy and params:
                    floor_bytes = FLOOR_BYTES_PER_PARAM[algorithm]
                    floor_ms = floor_bytes * params / (copy * 1e9) * 1e3
                    notes.append("x%.2f of floor (%d B/param at %.0f GB/s)" % (ms / floor_ms, floor_bytes, copy))
                gbps = sec.get("gb")
                if gbps is not None:
                    notes.append("%.0f GB/s" % gbps)
                if gc == "gc" and ms and fused_none:
                    notes.append("GC +%.1f%% over our fused" % (100.0 * (ms / fused_none - 1.0)))
                if gc == "gc":
                    paired = paired_gc_cost(ours, algorithm, workload)
                    if paired is not None:
                        notes.append("paired: GC %+.1f%%" % (100.0 * paired))
                if gc == "gc" and theirs is not None:
                    notes.append("torch: GC as separate ops")
                if peer_note and theirs is not None:
                    notes.append(peer_note)
                if ms is not None or theirs is not None:
                    out.append((key, fmt_ms(ms), fmt_ms(theirs), fmt_ratio(ms, theirs), "; ".join(notes)))
                loop_ms, loop_sec = ours.find("OptimizerStepBenchmark", implementation="cuda-loop",
                                              algorithm=algorithm, gc=gc, workload=workload)
                if loop_ms is not None:
                    note = "one optimizerStep call per tensor"
                    if ms:
                        note += ", x%.2f our fused" % (loop_ms / ms)
                    out.append((key.replace("fused", "loop") + " (ours)", fmt_ms(loop_ms), "-", "-", note))
    if copy is not None or torch_copy is not None:
        ours_s = "%.0f GB/s" % copy if copy else "-"
        torch_s = "%.0f GB/s" % torch_copy if torch_copy else "-"
        ratio = fmt_ratio(1 / copy, 1 / torch_copy) if copy and torch_copy else "-"
        out.append(("d2d copy (cudaMemcpy)", ours_s, torch_s, ratio, "read + write; ours 1 GiB, torch 512 MiB"))

    # ---- training iterations ---------------------------------------------------------------------------------
    training = [
        # (peer key at float32, peer key with TF32 convs, model, recipe, approximate?, note, extra peer keys shown in
        # the float32 rows' note). The peer's mnist28 workloads always allow TF32, so our float32 row is approximate.
        ("step-dcgan64-bce-adam-fused-fp32", "step-dcgan64-bce-adam-fused", "dcgan64", "nsgan-adam", False, "",
         [("TF32", "step-dcgan64-bce-adam-fused"), ("CUDA graph", "step-dcgan64-bce-adam-cudagraph")]),
        ("step-dcgan64-wgan-0gp-adam-fused-fp32", "step-dcgan64-wgan-0gp-adam-fused", "dcgan64", "wgan-0gp-adam-gc",
         True, "torch: 0-GP at real points, no GC; ours at interpolates, with GC", []),
        ("mnist28-bce-adam-fused", "mnist28-bce-adam-fused", "mnist28", "nsgan-adam", None, "torch: cuDNN TF32 on",
         [("CUDA graph", "mnist28-bce-adam-cudagraph")]),
        (None, None, "mnist28", "wgan-0gp-adam-gc", False,
         "no peer workload (torch's mnist28-wgan-adam-fused-gc has no penalty)", []),
    ]
    def train_ms(model, recipe, conv, noise, math_mode, steps, timing):
        # Results made before a parameter existed lack it: no conv = cuDNN, no generatorNoise = fresh, no batchNorm
        # = fused, no steps = written, no autotuneTiming = with-launches. A run with batchNorm=composed as well is
        # read at fused.
        for conv_value in ([conv, None] if conv == "cudnn" else [conv]):
            for noise_value in ([noise, None] if noise == "fresh" else [noise]):
                for steps_value in ([steps, None] if steps == "written" else [steps]):
                    for timing_value in ([timing, None] if timing == "with-launches" else [timing]):
                        for bn in ("fused", None):
                            ms, _ = ours.find("TrainingIterationBenchmark", model=model, recipe=recipe,
                                              math=math_mode, conv=conv_value, generatorNoise=noise_value,
                                              batchNorm=bn, steps=steps_value, autotuneTiming=timing_value)
                            if ms is not None:
                                return ms
        return None

    # One row per math mode, conv implementation of ours (the benchmark's conv parameter) and G-update noise
    # (generatorNoise: fresh, our default, draws a new batch and runs G forward again; reuse takes the D update's
    # samples, as the peer does). TF32 rows (ours: TF32 tensor cores allowed in the convs, -p math=tf32) compare with
    # the peer's run with cudnn.allow_tf32 = True, PyTorch's default.
    for fp32_key, tf32_key, model, recipe, approx, note, extra in training:
        for math_mode in ("fp32", "tf32"):
            key = fp32_key if math_mode == "fp32" else tf32_key
            theirs = peer_ms(peer, key) if key else None
            # approx None: approximate only at float32 (the peer's only workload has TF32 on)
            row_approx = (math_mode == "fp32") if approx is None else approx
            # conv auto once per way of timing its candidates (-p autotuneTiming); the other convs measure nothing
            convs = ("own", "gemm", "cudnn", "auto", "auto/device-only")
            for conv_label, noise, steps in itertools.product(convs, ("fresh", "reuse"), ("written", "captured")):
                    conv, _, timing = conv_label.partition("/")
                    ms = train_ms(model, recipe, conv, noise, math_mode, steps, timing or "with-launches")
                    if ms is None:
                        continue
                    notes = [note] if note and (approx is not None or math_mode == "fp32") else []
                    for label, k in extra:
                        t = peer_ms(peer, k)
                        if t is None:
                            continue
                        if math_mode == "fp32":
                            # the peer's CUDA graph step runs with TF32 on
                            notes.append("torch %s %s" % ("CUDA graph (TF32)" if label == "CUDA graph" else label,
                                                          fmt_ms(t)))
                        elif label == "CUDA graph" and steps == "captured":
                            # TF32 and graphs on both sides: the ratio that compares like with like
                            notes.append("torch CUDA graph %s, ours/that %s" % (fmt_ms(t), fmt_ratio(ms, t)))
                    name = (key or "%s-%s" % (model, recipe)) + " (%s%s conv%s%s%s%s)" % (
                        "TF32, " if math_mode == "tf32" else "", conv,
                        " timed on the device alone" if timing else "",
                        ", G noise reused" if noise == "reuse" else "",
                        ", captured steps (CUDA graphs)" if steps == "captured" else "", "" if key else ", ours")
                    out.append((name, fmt_ms(ms), fmt_ms(theirs), fmt_ratio(ms, theirs, row_approx),
                                "; ".join(notes)))

    # ---- conv layers: one row per layer and implementation, the three passes -------------------------------------
    # cudnn = cuDNN through our backend; own = gcgan's kernels (issue 6: each pass within 2x of cuDNN autotuned, which
    # the peer's timings are); gemm = our im2col / col2im around cuBLAS GEMMs; auto = the fastest of the three, measured
    # once. A row of own, gemm or auto also gives its time over our cuDNN's.
    passes = (("forward", "fwd"), ("backwardData", "bwd-data"), ("backwardWeight", "bwd-weight"))
    layers = ["dcgan64.g%d" % i for i in range(1, 6)] + ["dcgan64.d%d" % i for i in range(1, 6)] + \
             ["mnist28.g1", "mnist28.g2", "mnist28.d1", "mnist28.d2"]

    def triple(vals, fmt):
        return "/".join("-" if v is None else fmt % v for v in vals)

    for impl in ("cudnn", "own", "gemm", "auto"):
        logs = {p: [] for _, p in passes}
        within, counted, worst = 0, 0, None
        conv_rows = []
        for layer in layers:
            mine, theirs, ratios, vs_cudnn = [], [], [], []
            for ours_pass, part in passes:
                ms, _ = ours.find("Conv2dBenchmark", layer=layer, **{"pass": ours_pass}, backend="cuda",
                                  convImplementation=impl, math="fp32")
                t = peer_ms(peer_convs, "conv-%s-%s-fp32" % (layer, part))
                mine.append(ms)
                theirs.append(t)
                ratios.append(ms / t if ms is not None and t else None)
                if ratios[-1]:
                    logs[part].append(math.log(ratios[-1]))
                    counted += 1
                    within += ratios[-1] <= 2.0
                    if worst is None or ratios[-1] > worst[0]:
                        worst = (ratios[-1], "%s %s" % (layer, part))
                if impl != "cudnn":
                    ref, _ = ours.find("Conv2dBenchmark", layer=layer, **{"pass": ours_pass}, backend="cuda",
                                       convImplementation="cudnn", math="fp32")
                    vs_cudnn.append(ms / ref if ms is not None and ref else None)
            if all(v is None for v in mine):
                continue
            note = "%s/our cuDNN %s" % (impl, triple(vs_cudnn, "x%.2f")) if impl != "cudnn" else ""
            conv_rows.append(("conv %s f/bd/bw (%s)" % (layer, impl), triple(mine, "%.3f") + " ms",
                              triple(theirs, "%.3f") + " ms", triple(ratios, "x%.2f"), note))
        if conv_rows:
            summary = ", ".join("%s x%.2f" % (p, math.exp(sum(v) / len(v))) for p, v in logs.items() if v)
            if not peer_convs:
                summary = "no peer conv timings (pytorch_peer.py --convs did not run)"
            elif counted:
                summary += "; %d of %d passes within 2x of PyTorch's cuDNN, worst x%.2f (%s)" % (
                    within, counted, worst[0], worst[1])
            out.extend(conv_rows)
            out.append(("conv geometric mean (%s)" % impl, "", "", "", summary or "no pairs"))

    # ---- batch norm (no peer workload): forward and backward per input shape, against the memory floor ---------
    # BatchNormBenchmark counts 8 bytes per element forward and 12 backward; "x of floor" is that traffic at the
    # run's device-to-device copy rate over our time.
    for shape in ("64x6272", "64x64x14x14", "64x512x4x4", "64x256x8x8", "64x128x16x16", "64x64x32x32"):
        cells, notes = [], []
        for bn_pass in ("forward", "backward"):
            ms, sec = ours.find("BatchNormBenchmark", shape=shape, backend="cuda", **{"pass": bn_pass})
            cells.append(ms)
            gbps = sec.get("gb")
            if gbps is not None and copy:
                notes.append("%s %.0f GB/s (x%.1f of floor)" % (bn_pass, gbps, copy / gbps))
        if any(c is not None for c in cells):
            ours_s = "/".join("-" if c is None else "%.3f" % c for c in cells) + " ms"
            out.append(("batch norm [%s] f/b (ours)" % shape.replace("x", ", "), ours_s, "-", "-",
                        "; ".join(notes)))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jmh", action="append", default=[], help="a JMH JSON result file (repeatable)")
    ap.add_argument("--peer", help="pytorch_peer.py --quick --json output")
    ap.add_argument("--peer-convs", help="pytorch_peer.py --quick --convs --json output")
    ap.add_argument("--markdown", action="store_true", help="a Markdown table instead of aligned text")
    a = ap.parse_args()
    ours = Ours([load(p) for p in a.jmh])
    table = rows(ours, load(a.peer), load(a.peer_convs))
    if not table:
        return 0
    head = ("workload (peer's name)", "ours", "PyTorch", "ours/PyTorch", "memory floor / notes")
    if a.markdown:
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in table:
            print("| " + " | ".join(c.strip() or " " for c in r) + " |")
        return 0
    widths = [max(len(r[i]) for r in table + [head]) for i in range(4)]
    for r in [head] + table:
        print("  ".join(r[i].ljust(widths[i]) for i in range(4)) + "  " + r[4])
    return 0


if __name__ == "__main__":
    sys.exit(main())
