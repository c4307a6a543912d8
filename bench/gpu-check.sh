#!/usr/bin/env bash
# The GPU check: everything a GPU machine verifies about gcgan, in one call, within a time budget, ending with one
# short table. It needs what bench/gpu/prepare.sh built and the GPU run carried (.jdk.tgz and .device/); paths are
# relative to the repository root and $OUT (bench/README.md, "The GPU check").
#
#   bash bench/gpu-check.sh              on the GPU machine; logs and reports go to $OUT
#   bash bench/gpu-check.sh --dry-run    anywhere: the GPU-only stages report SKIP (also chosen when nvidia-smi
#                                        is missing or sees no GPU); OUT defaults to build/gpu-check/out
# Environment: GPU_CHECK_BUDGET_S (420), GPU_TESTS_TIMEOUT_S (240), GPU_TESTS_CLASSES (unset: every gpu test class;
#   else simple class names, e.g. "CudaOwnConvTest CudaTrainingTest"), GPU_TESTS_ISOLATED (classes run last in a
#   JVM of their own, stage gpu-isol; default "CudaCapturedCallsTest CudaCapturedStepsTest CudaCachedMemoryTest"),
#   GPU_TESTS_ISOLATED_TIMEOUT_S (120), GCGAN_CUDA_ARCH (from nvidia-smi, else 90),
#   GPU_LAB_TIMING (unset: every lab runs in full; else the names of the labs that do, e.g. "optimizer_lab": the
#   others are only checked under memcheck), GPU_LAB_MEMCHECK (1; 0 leaves out the memcheck runs, for a timing run
#   whose kernels were under memcheck before), GPU_LAB_ARGS_<lab> (arguments of that lab's timing run, e.g.
#   GPU_LAB_ARGS_conv_lab="--layer dcgan64.g5,dcgan64.d1"), GPU_LAB_NCU ("LAB ARGS...": Nsight Compute on one
#   lab run, see the lab stage; GPU_LAB_NCU_KERNELS, GPU_LAB_NCU_COUNT),
#   GPU_CHECK_PACK (1: at the end $OUT keeps summary.txt, peer-table.md, lab.txt, jmh.json, peer.json and logs.tgz,
#   all the files; 0 leaves it as written), GPU_CHECK_JVM_OPTS (extra JVM options, e.g. "-Dgcgan.gpu.selfTest=cpu"
#   to run the gpu tests with the CPU backend standing in for CUDA: a check of the tests themselves on a machine
#   without a GPU); for the benchmarks
#   GPU_BENCH_{OPT,TRAIN,CONV}_REGEX, GPU_BENCH_{OPT,TRAIN,CONV}_CAP_S (each part's seconds at most), GPU_BENCH_PARAMS,
#   GPU_BENCH_JMH, GPU_BENCH_CONV_JMH (defaults below).
#
# Stages, in order, each under its own timeout and all inside GPU_CHECK_BUDGET_S (default 420 s):
#   jdk         unpack .jdk.tgz into /tmp (or use $JAVA_HOME in a dry run without it)
#   kernels     libgcgan_kernels.so for this GPU's architecture (GCGAN_CUDA_ARCH overrides): the one prepare.sh built
#               (.device/kernels/libgcgan_kernels-sm<ARCH>.so.gz), else a CMake (+ ninja) build here;
#               GPU_CHECK_BUILD_KERNELS=1 builds here even with a prebuilt library (and the labs)
#   probe       io.gcgan.bench.gpu.GpuProbe: the CUDA components and whether this build's CUDA backend starts
#   signatures  the FFM bindings against gcgan_kernels.h, cuda_runtime_api.h, cublas_v2.h, cudnn.h
#               (io.gcgan.bindings.SignatureCheckTest's four header tests, with the C++ compiler on the PATH)
#   gpu-tests   the JUnit tag "gpu" (package io.gcgan.gpu) through the JUnit console launcher
#   gpu-isol    the GPU_TESTS_ISOLATED classes, in a JVM of their own
#   benchmarks  the CUDA benchmarks (optimizer step and cudaMemcpy, training iteration: forked; the conv sweep in
#               one JVM), JMH JSON to $OUT/jmh*.json, and the peer's conv timings (--convs)
#   peer        python3 .device/pytorch_peer.py --quick --json $OUT/peer.json; the table ends with ours vs PyTorch
#   lab         kernels/dev/*_lab.cu built against this libgcgan_kernels.so: check + kernel-only timings, then
#               --check-only under compute-sanitizer memcheck (last: the tuning tools get what time is left)
# Exit status: 1 if any stage FAILs, else 0.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
ROOT=$(pwd)

DRY=0
DRY_WHY=""
for arg in "$@"; do
  case "$arg" in
    --dry-run) DRY=1; DRY_WHY="--dry-run" ;;
    -h|--help) sed -n '2,/^# Exit status/p' "$0"; exit 0 ;;
    *) echo "gpu-check: unknown argument $arg (try --help)" >&2; exit 2 ;;
  esac
done
if [ "$DRY" = 0 ]; then
  if ! command -v nvidia-smi >/dev/null 2>&1; then
    DRY=1; DRY_WHY="no nvidia-smi"
  elif ! nvidia-smi -L >/dev/null 2>&1; then
    DRY=1; DRY_WHY="nvidia-smi sees no GPU"
  fi
fi

OUT=${OUT:-build/gpu-check/out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
OUT_BEFORE=$(ls -A "$OUT")  # what the caller put there: left out of the packing at the end
BUDGET=${GPU_CHECK_BUDGET_S:-420}
T0=$SECONDS
LIB=.device/lib
WORK=/tmp/gcgan-gpu-check
mkdir -p "$WORK"

# ---- bookkeeping ------------------------------------------------------------------------------------------------

NAMES=()
RESULTS=()
DETAILS=()
record() { # name result detail
  NAMES+=("$1"); RESULTS+=("$2"); DETAILS+=("$3")
  printf '== %-10s %-4s %s\n' "$1" "$2" "$3"
}

elapsed() { echo $((SECONDS - T0)); }

# Seconds a stage may use: its cap, or what is left of the budget (minus 10 s for the table); empty when < 15 s.
stage_limit() {
  local cap=$1 left=$((BUDGET - (SECONDS - T0) - 10))
  [ "$left" -lt "$cap" ] && cap=$left
  [ "$cap" -ge 15 ] && echo "$cap"
}

# run_logged LOGNAME SECONDS CMD...: runs CMD with a timeout, output to $OUT/LOGNAME.log; sets RC and TOOK.
run_logged() {
  local log=$1 limit=$2 t=$SECONDS
  shift 2
  timeout --kill-after=10 "$limit" "$@" >"$OUT/$log.log" 2>&1
  RC=$?
  TOOK=$((SECONDS - t))
}

timed_out() { [ "$RC" = 124 ] || [ "$RC" = 137 ]; }

# The JUnit console launcher's summary count: junit_count LOG "tests successful"
junit_count() {
  local n
  n=$(sed -n "s/^\[ *\([0-9][0-9]*\) $2 *\]\$/\1/p" "$1" | tail -n 1)
  echo "${n:-0}"
}

# From the first line of the JUnit tree (ASCII theme) carrying MARKER ([X] failed, [S] skipped, [A] aborted):
# "name: message" (what=both) or just the message (what=message).
junit_first() { # LOG MARKER what
  local line
  line=$(grep -F -m 1 -- " $2 " "$1" | sed -e 's/^[| +'"'"'-]*//' -e 's/Assumption failed: //')
  [ -z "$line" ] && return
  if [ "${3:-both}" = message ]; then
    echo "${line#* "$2" }"
  else
    echo "${line%% "$2" *}: ${line#* "$2" }"
  fi
}

short() { printf '%s' "$1" | tr '\n' ' ' | cut -c 1-"${2:-110}" | sed 's/ *$//'; }

# ---- machine ----------------------------------------------------------------------------------------------------

GPU_NAME="no GPU"
DRIVER=""
if [ "$DRY" = 0 ]; then
  GPU_NAME=$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1)
  DRIVER=$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -n 1)
  nvidia-smi >"$OUT/nvidia-smi.log" 2>&1
fi
NVCC=$(command -v nvcc 2>/dev/null || true)
CUDA_VERSION=""
if [ -n "$NVCC" ]; then
  CUDA_VERSION=$("$NVCC" --version 2>/dev/null | sed -n 's/.*release \([0-9.]*\).*/\1/p' | head -n 1)
  # The bindings also look in $CUDA_HOME/lib64 for libcudart and cuBLAS.
  export CUDA_HOME=${CUDA_HOME:-$(dirname "$(dirname "$(readlink -f "$NVCC")")")}
fi
MACHINE="$GPU_NAME${DRIVER:+ | driver $DRIVER}${CUDA_VERSION:+ | CUDA $CUDA_VERSION}"
[ "$DRY" = 1 ] && MACHINE="$MACHINE | DRY RUN: $DRY_WHY"
echo "gpu-check: $MACHINE; budget ${BUDGET} s; logs in $OUT"
[ -f .device/MANIFEST.txt ] && cp .device/MANIFEST.txt "$OUT/MANIFEST.txt"

# ---- jdk --------------------------------------------------------------------------------------------------------

JAVA=""
if [ -f .jdk.tgz ]; then
  if limit=$(stage_limit 60); then
    rm -rf "$WORK/jdkroot"
    mkdir -p "$WORK/jdkroot"
    run_logged jdk "$limit" tar xzf .jdk.tgz -C "$WORK/jdkroot"
    if [ "$RC" = 0 ] && [ -x "$WORK/jdkroot/jdk/bin/java" ] \
        && ! "$WORK/jdkroot/jdk/bin/java" --list-modules | grep -q '^jdk\.incubator\.vector@'; then
      record jdk FAIL "the runtime in .jdk.tgz lacks jdk.incubator.vector, which every JVM here is started with:"\
" run bench/gpu/prepare.sh again (it adds the module)"
    elif [ "$RC" = 0 ] && [ -x "$WORK/jdkroot/jdk/bin/java" ]; then
      JAVA="$WORK/jdkroot/jdk/bin/java"
      record jdk PASS "$("$JAVA" -version 2>&1 | head -n 1) (jlink runtime from .jdk.tgz, ${TOOK} s)"
    else
      record jdk FAIL "unpacking .jdk.tgz failed (rc $RC, see jdk.log)"
    fi
  else
    record jdk SKIP "out of time budget"
  fi
elif [ "$DRY" = 1 ] && [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
  JAVA="$JAVA_HOME/bin/java"
  record jdk SKIP "no .jdk.tgz; dry run uses \$JAVA_HOME: $("$JAVA" -version 2>&1 | head -n 1)"
else
  record jdk FAIL "no .jdk.tgz: run bench/gpu/prepare.sh and carry .jdk.tgz"
fi

CP=""
if [ -d "$LIB" ]; then
  CP=$(find "$LIB" -maxdepth 1 -name '*.jar' | sort | tr '\n' ':')
  CP="$CP.device/test-classes/java:.device/test-classes/bindings"
fi
JAVA_OK=0
[ -n "$JAVA" ] && [ -n "$CP" ] && JAVA_OK=1
NO_JAVA_WHY="no Java"
[ -n "$JAVA" ] && [ -z "$CP" ] && NO_JAVA_WHY="no .device/lib: run bench/gpu/prepare.sh and carry .device"
# A JVM that crashes in native code (a bad launch, say) leaves its hs_err file in $OUT, which comes back. The
# Vector API module gives the CPU optimizer (the oracle of the fused kernel) the centring sums the unit tests use.
JVM_OPTS=(--enable-native-access=ALL-UNNAMED --add-modules=jdk.incubator.vector "-Dgcgan.native.cache=$WORK/native" -Xmx16g
          "-XX:ErrorFile=$OUT/hs_err_%p.log")
# shellcheck disable=SC2206  # GPU_CHECK_JVM_OPTS is a list of words
JVM_OPTS+=(${GPU_CHECK_JVM_OPTS:-})

# ---- kernels ----------------------------------------------------------------------------------------------------

KERNELS_ARCH=${GCGAN_CUDA_ARCH:-}
if [ -z "$KERNELS_ARCH" ] && [ "$DRY" = 0 ]; then
  KERNELS_ARCH=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -n 1 | tr -d '. ')
fi
ARCH=${KERNELS_ARCH:-90}  # also the labs' -arch
PREBUILT=.device/kernels/libgcgan_kernels-sm$ARCH.so.gz
if [ -f "$PREBUILT" ] && [ "${GPU_CHECK_BUILD_KERNELS:-0}" != 1 ]; then
  # Built by prepare.sh from the tree of MANIFEST.txt's commit, with the same nvcc; unpacked under the name the labs
  # link against (-lgcgan_kernels).
  mkdir -p "$WORK/kernels"
  if gunzip -c "$PREBUILT" >"$WORK/kernels/libgcgan_kernels.so"; then
    export GCGAN_KERNELS_LIBRARY="$WORK/kernels/libgcgan_kernels.so"
    record kernels PASS "libgcgan_kernels.so for sm_$ARCH, prebuilt by bench/gpu/prepare.sh ($PREBUILT)"
  else
    record kernels FAIL "$PREBUILT does not unpack (run bench/gpu/prepare.sh again)"
  fi
elif [ -z "$NVCC" ]; then
  record kernels SKIP "nvcc not on the PATH"
elif ! command -v cmake >/dev/null 2>&1; then
  record kernels FAIL "cmake not on the PATH"
elif ! limit=$(stage_limit 180); then
  record kernels SKIP "out of time budget"
else
  GEN=()
  command -v ninja >/dev/null 2>&1 && GEN=(-G Ninja)
  BUILD=build/gpu-check/cmake
  # A cache made with another generator cannot be reused.
  if [ -f "$BUILD/CMakeCache.txt" ] \
     && ! grep -q "CMAKE_GENERATOR:INTERNAL=${GEN[1]:-Unix Makefiles}\$" "$BUILD/CMakeCache.txt"; then
    rm -rf "$BUILD"
  fi
  run_logged kernels "$limit" bash -c '
    cmake -S . -B "$1" "${@:4}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$2" \
      -DCMAKE_CUDA_COMPILER="$3" && cmake --build "$1" -j "$(nproc)"' _ "$BUILD" "$ARCH" "$NVCC" "${GEN[@]}"
  SO="$BUILD/libgcgan_kernels.so"
  if timed_out; then
    record kernels FAIL "build timed out after ${limit} s (kernels.log)"
  elif [ "$RC" = 0 ] && [ -f "$SO" ]; then
    export GCGAN_KERNELS_LIBRARY="$ROOT/$SO"
    record kernels PASS "libgcgan_kernels.so for sm_$ARCH (nvcc $CUDA_VERSION), ${TOOK} s"
  else
    record kernels FAIL "build failed (rc $RC): $(short "$(grep -m 1 -i 'error' "$OUT/kernels.log")" 90)"
  fi
fi

# ---- probe ------------------------------------------------------------------------------------------------------

if [ "$JAVA_OK" = 0 ]; then
  record probe SKIP "$NO_JAVA_WHY"
elif ! limit=$(stage_limit 60); then
  record probe SKIP "out of time budget"
else
  run_logged probe "$limit" "$JAVA" "${JVM_OPTS[@]}" -cp "$CP" io.gcgan.bench.gpu.GpuProbe
  line=$(grep -m 1 '^CUDA backend:' "$OUT/probe.log" | sed 's/^CUDA backend: *//')
  case "$RC" in
    0) record probe PASS "$(short "$line")" ;;
    2) if [ "$DRY" = 1 ]; then record probe SKIP "$(short "$line")"; else record probe FAIL "$(short "$line")"; fi ;;
    3) record probe SKIP "$(short "$line")" ;;
    *) if timed_out; then record probe FAIL "timed out after ${limit} s"; else
         record probe FAIL "$(short "rc $RC: ${line:-$(tail -n 1 "$OUT/probe.log")}")"; fi ;;
  esac
fi

# ---- signatures -------------------------------------------------------------------------------------------------

# Summarizes a JUnit console log as RESULT and DETAIL: FAIL if anything failed (or the launcher did), SKIP if
# something was skipped or aborted, PASS if all ran and passed. Parameterized tests that are skipped as a whole are
# counted by the launcher as skipped containers; they count as skipped tests here (no class is ever skipped).
junit_verdict() { # LOG RC LIMIT
  local log=$1 rc=$2 limit=$3 ok failed skipped total
  ok=$(junit_count "$log" "tests successful")
  failed=$(( $(junit_count "$log" "tests failed") + $(junit_count "$log" "containers failed") ))
  skipped=$(( $(junit_count "$log" "tests skipped") + $(junit_count "$log" "tests aborted")
              + $(junit_count "$log" "containers skipped") + $(junit_count "$log" "containers aborted") ))
  total=$((ok + failed + skipped))
  DETAIL="$total tests: $ok passed, $failed failed, $skipped skipped"
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    RESULT=FAIL; DETAIL="timed out after $limit s"
  elif [ "$failed" -gt 0 ]; then
    RESULT=FAIL; DETAIL="$DETAIL; first: $(junit_first "$log" '[X]')"
  elif [ "$rc" != 0 ] || ! grep -q 'tests successful' "$log"; then
    RESULT=FAIL; DETAIL="the launcher failed (rc $rc): $(tail -n 1 "$log")"
  elif [ "$skipped" -gt 0 ]; then
    local why
    why=$(junit_first "$log" '[S]' message)
    [ -z "$why" ] && why=$(junit_first "$log" '[A]' message)
    RESULT=SKIP; DETAIL="$DETAIL: $why"
  elif [ "$ok" -gt 0 ]; then
    RESULT=PASS
  else
    RESULT=SKIP; DETAIL="no tests found"
  fi
}

CONSOLE=(org.junit.platform.console.ConsoleLauncher execute --disable-banner --disable-ansi-colors --details=tree
         --details-theme=ascii)

if [ "$JAVA_OK" = 0 ]; then
  record signatures SKIP "$NO_JAVA_WHY"
elif ! limit=$(stage_limit 90); then
  record signatures SKIP "out of time budget"
else
  T=io.gcgan.bindings.SignatureCheckTest
  run_logged signatures "$limit" "$JAVA" "${JVM_OPTS[@]}" -cp "$CP" "${CONSOLE[@]}" \
    --reports-dir "$OUT/junit-signatures" \
    --select-method "$T#gcganKernelsBindingsMatchTheHeader" --select-method "$T#cudaRuntimeBindingsMatchTheHeader" \
    --select-method "$T#cublasBindingsMatchTheHeader" --select-method "$T#cudnnBindingsMatchTheHeader"
  junit_verdict "$OUT/signatures.log" "$RC" "$limit"
  # which header did what
  headers=""
  for pair in gcganKernels:gcgan_kernels.h cudaRuntime:cuda_runtime_api.h cublas:cublas_v2.h cudnn:cudnn.h; do
    line=$(grep -m 1 -- "-- ${pair%%:*}BindingsMatchTheHeader()" "$OUT/signatures.log")
    case "$line" in
      *"[OK]"*) state=ok ;;
      *"[X]"*) state=MISMATCH ;;
      *"[A]"*|*"[S]"*) state="not found" ;;
      *) state="not run" ;;
    esac
    headers="$headers${headers:+, }${pair#*:} $state"
  done
  case "$RESULT" in
    PASS|SKIP) DETAIL="$headers" ;;
    *) DETAIL="$headers; $DETAIL" ;;
  esac
  record signatures "$RESULT" "$(short "$DETAIL" 150)"
  [ -d target/signature-check ] && cp -r target/signature-check "$OUT/signature-check-sources" 2>/dev/null
fi

# ---- gpu-tests --------------------------------------------------------------------------------------------------

# The classes in GPU_TESTS_ISOLATED run after the others, in a JVM of their own: CUDA graph capture and cached memory,
# whose failure could leave the CUDA context unusable (a sticky error) for every test after it.
ISOLATED=${GPU_TESTS_ISOLATED-CudaCapturedCallsTest CudaCapturedStepsTest CudaCachedMemoryTest}
MAIN_CLASSES=()
ISO_CLASSES=()
if [ -n "${GPU_TESTS_CLASSES:-}" ]; then
  for cls in $GPU_TESTS_CLASSES; do
    case " $ISOLATED " in
      *" $cls "*) ISO_CLASSES+=("$cls") ;;
      *) MAIN_CLASSES+=("$cls") ;;
    esac
  done
else
  for cls in $ISOLATED; do ISO_CLASSES+=("$cls"); done
fi

# gpu_tests NAME CAP CLASSES...: the gpu-tagged tests of those classes (none: the whole package but the isolated
# ones) in one JVM, recorded as stage NAME.
gpu_tests() {
  local name=$1 cap=$2 limit
  shift 2
  if [ "$JAVA_OK" = 0 ]; then
    record "$name" SKIP "$NO_JAVA_WHY"
    return
  fi
  if ! limit=$(stage_limit "$cap"); then
    record "$name" SKIP "out of time budget"
    return
  fi
  local select=()
  if [ $# -gt 0 ]; then
    for cls in "$@"; do select+=(--select-class "io.gcgan.gpu.$cls"); done
  else
    select=(--select-package io.gcgan.gpu)
    for cls in $ISOLATED; do select+=(--exclude-classname "^io\\.gcgan\\.gpu\\.$cls\$"); done
  fi
  run_logged "$name" "$limit" "$JAVA" "${JVM_OPTS[@]}" -cp "$CP" "${CONSOLE[@]}" \
    --reports-dir "$OUT/junit-$name" "${select[@]}" --include-tag gpu
  junit_verdict "$OUT/$name.log" "$RC" "$limit"
  record "$name" "$RESULT" "$(short "${TOOK} s, $DETAIL" 150)"
}

# GPU_TESTS_CLASSES (simple names in io.gcgan.gpu) narrows the run to those classes, e.g. a rerun after a change
# that only touches some kernels; by default the whole package.
if [ -z "${GPU_TESTS_CLASSES:-}" ] || [ ${#MAIN_CLASSES[@]} -gt 0 ]; then
  gpu_tests gpu-tests "${GPU_TESTS_TIMEOUT_S:-240}" "${MAIN_CLASSES[@]}"
fi
if [ ${#ISO_CLASSES[@]} -gt 0 ]; then
  gpu_tests gpu-isol "${GPU_TESTS_ISOLATED_TIMEOUT_S:-120}" "${ISO_CLASSES[@]}"
fi

# ---- benchmarks -------------------------------------------------------------------------------------------------

# The CUDA benchmarks (bench/README.md, "GPU benchmarks and peer ratios"), short JMH settings, in three JMH runs so
# that a timeout loses one file only (JMH writes its JSON at the end), then the peer's conv timings:
#   jmh.json          forked: the optimizer step (fused and per-tensor loop, dcgan64 and 50m, with and without GC) and
#                     cudaMemcpy device to device
#   jmh-train.json    forked: the training iteration (mnist28, dcgan64 x two recipes x written, captured steps)
#   jmh-conv.json     every reference conv layer x 3 passes on cuDNN, all in one JVM (-f 0: device-bound work, one
#                     CUDA context instead of 42 forks)
#   peer-convs.json   pytorch_peer.py --quick --convs (its --quick run has no convs), with the stage's leftover time
# The classes take a backend/implementation @Param; GPU_BENCH_PARAMS picks the CUDA values (JMH ignores a -p that a
# benchmark does not declare; one that no benchmark declares, a misspelt name, is refused by the jar's entry point,
# io.gcgan.bench.BenchMain, which the README's commands run too). The final table joins these with peer.json
# (bench/gpu/peer_table.py).
# shellcheck disable=SC2206  # word lists
# The training iteration runs the fastest settings (conv auto, G noise reused as in the peer's step), written and
# captured, with auto timing its candidates both ways: 16 forks.
BENCH_PARAMS=(${GPU_BENCH_PARAMS:--p backend=cuda -p implementation=cuda-fused,cuda-loop -p algorithm=adam,sgdm -p gc=none,gc -p workload=dcgan64,50m -p convImplementation=cudnn,own,gemm -p conv=auto -p autotuneTiming=with-launches,device-only -p generatorNoise=reuse -p steps=written,captured})
# shellcheck disable=SC2206
BENCH_JMH=(${GPU_BENCH_JMH:--f 1 -wi 4 -i 3 -w 200ms -r 400ms})
# shellcheck disable=SC2206
BENCH_CONV_JMH=(${GPU_BENCH_CONV_JMH:--f 0 -wi 1 -i 3 -w 100ms -r 200ms})
# name | benchmark regex | JSON file | cap (s): the parts, in order
OPT_CAP=${GPU_BENCH_OPT_CAP_S:-110}
TRAIN_CAP=${GPU_BENCH_TRAIN_CAP_S:-90}
# conv: 126 cases (14 layers x 3 implementations x 3 passes), about 0.7 s each on an H200 (90 s cut the last one)
CONV_CAP=${GPU_BENCH_CONV_CAP_S:-120}
OPT_REGEX=${GPU_BENCH_OPT_REGEX:-OptimizerStepBenchmark|GcOverheadBenchmark|CudaMemcpyBenchmark}
BENCH_PARTS=("optimizer|$OPT_REGEX|jmh.json|$OPT_CAP"
             "training|${GPU_BENCH_TRAIN_REGEX:-TrainingIterationBenchmark}|jmh-train.json|$TRAIN_CAP"
             "conv|${GPU_BENCH_CONV_REGEX:-Conv2dBenchmark}|jmh-conv.json|$CONV_CAP")
JMH_MAIN=("$JAVA" "${JVM_OPTS[@]}" -cp "$CP" io.gcgan.bench.BenchMain)

# jmh_failures LOG: how many benchmarks failed (JMH goes on after a failure and still exits 0), and the first reason.
jmh_failures() {
  FAILED=$(grep -c '<failure>' "$1" 2>/dev/null)
  FAILED=${FAILED:-0}
  FIRST_FAILURE=$(grep -A 3 -m 1 '<failure>' "$1" 2>/dev/null | grep -v '<failure>' | grep -m 1 . \
                  | sed 's/^java\.lang\.//')
}

# jmh_results JSON: how many results a JMH JSON file holds.
jmh_results() {
  local n
  n=$(grep -c '"benchmark" *:' "$1" 2>/dev/null)
  echo "${n:-0}"
}

if [ "$JAVA_OK" = 0 ]; then
  record benchmarks SKIP "$NO_JAVA_WHY"
else
  "${JMH_MAIN[@]}" -l >"$OUT/benchmarks-list.log" 2>&1
  all=$(grep -c '^io\.gcgan\.' "$OUT/benchmarks-list.log")
  gpu=0
  counts=""
  for part in "${BENCH_PARTS[@]}"; do
    IFS='|' read -r name rest <<<"$part"
    regex=${rest%|*|*}
    n=$(grep '^io\.gcgan\.' "$OUT/benchmarks-list.log" | grep -cE "$regex")
    gpu=$((gpu + n)); counts="$counts${counts:+, }$n $name"
  done
  if [ "$gpu" = 0 ]; then
    record benchmarks SKIP "no GPU benchmarks in this build ($all benchmark methods, none matching)"
  elif [ "$DRY" = 1 ]; then
    record benchmarks SKIP "dry run ($DRY_WHY): $gpu GPU benchmark methods not run ($counts)"
  elif ! limit=$(stage_limit 330); then
    record benchmarks SKIP "out of time budget"
  else
    t_stage=$SECONDS
    rm -f "$OUT"/jmh*.json "$OUT/peer-convs.json"
    verdict=PASS
    parts=()
    for i in "${!BENCH_PARTS[@]}"; do
      IFS='|' read -r name rest <<<"${BENCH_PARTS[$i]}"
      cap=${rest##*|}; rest=${rest%|*}; json=${rest##*|}; regex=${rest%|*}
      # keep 15 s for each later part
      left=$((limit - (SECONDS - t_stage) - 15 * (${#BENCH_PARTS[@]} - 1 - i)))
      [ "$left" -lt "$cap" ] && cap=$left
      if [ "$cap" -lt 15 ]; then
        parts+=("$name skipped: out of time"); continue
      fi
      settings=("${BENCH_JMH[@]}")
      [ "$name" = conv ] && settings=("${BENCH_CONV_JMH[@]}")
      run_logged "benchmarks-$name" "$cap" "${JMH_MAIN[@]}" "$regex" "${BENCH_PARAMS[@]}" "${settings[@]}" \
        -rf json -rff "$OUT/$json"
      jmh_failures "$OUT/benchmarks-$name.log"
      n=$(jmh_results "$OUT/$json")
      if timed_out; then
        verdict=FAIL; parts+=("$name timed out after ${cap} s")
      elif [ "$RC" != 0 ] || [ "$FAILED" -gt 0 ]; then
        why=""
        [ "$verdict" = PASS ] && why=": $(short "${FIRST_FAILURE:-$(tail -n 1 "$OUT/benchmarks-$name.log")}" 100)"
        verdict=FAIL
        parts+=("$name: $n results, $FAILED failed (rc $RC)$why")
      else
        parts+=("$name $n (${TOOK} s)")
      fi
    done
    # The peer's conv timings: its failure is the peer's, noted but not failing this stage.
    left=$((limit - (SECONDS - t_stage)))
    cap=$left; [ "$cap" -gt 60 ] && cap=60
    if [ ! -f .device/pytorch_peer.py ] || ! command -v python3 >/dev/null 2>&1; then
      parts+=("no peer convs (no python3 or .device/pytorch_peer.py)")
    elif [ "$cap" -lt 15 ]; then
      parts+=("peer convs skipped: ${left} s left")
    else
      run_logged peer-convs "$cap" python3 .device/pytorch_peer.py --quick --convs --json "$OUT/peer-convs.json"
      if [ "$RC" = 0 ] && [ -f "$OUT/peer-convs.json" ]; then
        parts+=("peer convs (${TOOK} s)")
      else
        parts+=("peer convs failed (rc $RC, peer-convs.log)")
      fi
    fi
    detail=$(printf '%s; ' "${parts[@]}")
    record benchmarks "$verdict" "$(short "${detail%; }" 220)"
  fi
fi

# ---- peer -------------------------------------------------------------------------------------------------------

if [ "$DRY" = 1 ]; then
  record peer SKIP "dry run ($DRY_WHY)"
elif [ ! -f .device/pytorch_peer.py ]; then
  record peer SKIP "no .device/pytorch_peer.py: run bench/gpu/prepare.sh and carry .device"
elif ! command -v python3 >/dev/null 2>&1; then
  record peer SKIP "no python3"
elif ! limit=$(stage_limit 180); then
  record peer SKIP "out of time budget"
else
  run_logged peer "$limit" python3 .device/pytorch_peer.py --quick --json "$OUT/peer.json"
  if timed_out; then
    record peer FAIL "timed out after ${limit} s (peer.log)"
  elif [ "$RC" != 0 ] || [ ! -f "$OUT/peer.json" ]; then
    record peer FAIL "rc $RC: $(short "$(tail -n 1 "$OUT/peer.log")" 90)"
  else
    head=$(sed -n 's/^# torch \([^ ]*\) cudnn \([^ ]*\) on .*/torch \1, cuDNN \2/p' "$OUT/peer.log" | head -n 1)
    counts=$(python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
rows = {k: v for k, v in r.items() if isinstance(v, dict)}
print(len(rows), sum(1 for v in rows.values() if "error" in v))' "$OUT/peer.json")
    read -r n errors <<<"$counts"
    record peer PASS "$n workloads, $errors errors ($head, ${TOOK} s)"
  fi
fi

# ---- lab --------------------------------------------------------------------------------------------------------

# The kernel lab (kernels/dev/*_lab.cu): standalone CUDA programs linked against this run's libgcgan_kernels.so that
# check our kernels against a plain reference and time the kernels alone with CUDA events (no Java). Each is built
# here, run in full (its lines starting "lab:" or a table join the summary through $OUT/lab.txt), then run again with
# --check-only under compute-sanitizer's memcheck (issue 6: no out-of-bounds or misaligned access, no API error).
LAB_TXT="$OUT/lab.txt"
: >"$LAB_TXT"
if [ -z "${GCGAN_KERNELS_LIBRARY:-}" ] || [ "$DRY" = 1 ] || [ -z "$NVCC" ]; then
  why="no libgcgan_kernels.so from the kernels stage"
  [ -z "$NVCC" ] && why="nvcc not on the PATH (the labs are built here)"
  [ "$DRY" = 1 ] && why="dry run ($DRY_WHY)"
  record lab SKIP "$why"
else
  lab_parts=()
  lab_verdict=PASS
  LAB_DIR=$WORK/lab
  mkdir -p "$LAB_DIR"
  SO_DIR=$(dirname "$GCGAN_KERNELS_LIBRARY")
  SANITIZER=$(command -v compute-sanitizer 2>/dev/null || ls /usr/local/cuda/bin/compute-sanitizer 2>/dev/null || true)
  # Per lab: extra sources it compiles in (both labs compile the kernels' sources in, to call internal variants) and the
  # arguments of its memcheck run (a small batch keeps the instrumented conv reference quick).
  declare -A LAB_EXTRA=([conv_lab]="kernels/src/status.cu" [optimizer_lab]="kernels/src/status.cu")
  declare -A LAB_CHECK_ARGS=([conv_lab]="--check-only --batch 2")
  for src in kernels/dev/*_lab.cu; do
    [ -f "$src" ] || continue
    name=$(basename "$src" .cu)
    if [ "${GPU_LAB_MEMCHECK:-1}" = 0 ] && [ -n "${GPU_LAB_TIMING+x}" ] && [[ " $GPU_LAB_TIMING " != *" $name "* ]]; then
      continue  # neither timed nor checked: not even built
    fi
    if ! limit=$(stage_limit 60); then
      lab_parts+=("$name skipped: out of time"); continue
    fi
    lab_prebuilt=.device/kernels/$name-sm$ARCH.gz  # bench/gpu/prepare.sh builds the optimizer lab
    if [ -f "$lab_prebuilt" ] && [ "${GPU_CHECK_BUILD_KERNELS:-0}" != 1 ] \
       && gunzip -c "$lab_prebuilt" >"$LAB_DIR/$name" && chmod +x "$LAB_DIR/$name"; then
      lab_parts+=("$name prebuilt")
    else
      # shellcheck disable=SC2086  # LAB_EXTRA values are lists of files
      run_logged "lab-$name-build" "$limit" "$NVCC" -std=c++17 -O3 -arch="sm_$ARCH" -I kernels/include \
        -I kernels/src "$src" ${LAB_EXTRA[$name]:-} -L "$SO_DIR" -lgcgan_kernels -Xlinker -rpath -Xlinker "$SO_DIR" \
        -o "$LAB_DIR/$name"
      if [ "$RC" != 0 ]; then
        lab_verdict=FAIL; lab_parts+=("$name: build failed (lab-$name-build.log)"); continue
      fi
    fi
    if [ -n "${GPU_LAB_TIMING+x}" ] && [[ " $GPU_LAB_TIMING " != *" $name "* ]]; then
      lab_parts+=("$name timing skipped (GPU_LAB_TIMING)")
    elif ! limit=$(stage_limit 90); then
      lab_parts+=("$name built, not run: out of time"); continue
    else
      run_args_var="GPU_LAB_ARGS_$name"
      # shellcheck disable=SC2086  # a list of words
      run_logged "lab-$name" "$limit" "$LAB_DIR/$name" ${!run_args_var:-}
      { echo "[$name]"; grep -v '^check .* ok$' "$OUT/lab-$name.log" | tail -n 60; } >>"$LAB_TXT"
      if timed_out; then
        lab_verdict=FAIL; lab_parts+=("$name timed out after ${limit} s")
      elif [ "$RC" != 0 ]; then
        lab_verdict=FAIL; lab_parts+=("$name rc $RC: $(short "$(grep -m 1 -i 'fail\|error' "$OUT/lab-$name.log")" 80)")
      else
        lab_parts+=("$name ok (${TOOK} s)")
      fi
    fi
    if [ "${GPU_LAB_MEMCHECK:-1}" = 0 ]; then
      lab_parts+=("$name memcheck skipped (GPU_LAB_MEMCHECK=0)"); continue
    fi
    if [ -z "$SANITIZER" ]; then
      lab_parts+=("no compute-sanitizer"); continue
    fi
    limit=$(stage_limit 120) || { lab_parts+=("$name memcheck skipped: out of time"); continue; }
    # shellcheck disable=SC2086  # LAB_CHECK_ARGS values are lists of words
    run_logged "lab-$name-memcheck" "$limit" "$SANITIZER" --tool memcheck --error-exitcode 9 "$LAB_DIR/$name" \
      ${LAB_CHECK_ARGS[$name]:---check-only}
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) error.*/\1/p' "$OUT/lab-$name-memcheck.log" | tail -n 1)
    if timed_out; then
      lab_verdict=FAIL; lab_parts+=("$name memcheck timed out after ${limit} s")
    elif [ "$RC" != 0 ]; then
      lab_verdict=FAIL; lab_parts+=("$name memcheck rc $RC, ${errors:-?} errors (lab-$name-memcheck.log)")
    else
      lab_parts+=("$name memcheck ${errors:-0} errors (${TOOK} s)")
    fi
  done
  # Optional: Nsight Compute on one lab run, GPU_LAB_NCU="LAB ARGS..." (e.g. "conv_lab --layer dcgan64.d2
  # --no-variants"): the first GPU_LAB_NCU_COUNT (6) kernels whose demangled names match GPU_LAB_NCU_KERNELS (conv_)
  # with their speed of light, occupancy, launch, warp-stall, memory and compute sections, as text in lab-ncu.log.
  # Where ncu or its access to the performance counters is missing this is noted, not failed.
  if [ -n "${GPU_LAB_NCU:-}" ]; then
    read -r ncu_lab ncu_args <<<"$GPU_LAB_NCU"
    NCU=$(command -v ncu 2>/dev/null || ls /usr/local/cuda/bin/ncu 2>/dev/null || true)
    if [ -z "$NCU" ]; then
      lab_parts+=("ncu: not found")
    elif [ ! -x "$LAB_DIR/$ncu_lab" ]; then
      lab_parts+=("ncu: no $ncu_lab built")
    elif ! limit=$(stage_limit 120); then
      lab_parts+=("ncu skipped: out of time")
    else
      # shellcheck disable=SC2086  # ncu_args is a list of words
      run_logged lab-ncu "$limit" "$NCU" --kernel-name-base demangled \
        --kernel-name "regex:${GPU_LAB_NCU_KERNELS:-conv_}" --launch-count "${GPU_LAB_NCU_COUNT:-6}" \
        --section SpeedOfLight --section Occupancy --section LaunchStats --section WarpStateStats \
        --section MemoryWorkloadAnalysis --section ComputeWorkloadAnalysis "$LAB_DIR/$ncu_lab" $ncu_args
      if timed_out; then
        lab_parts+=("ncu timed out after ${limit} s")
      elif [ "$RC" != 0 ]; then
        lab_parts+=("ncu rc $RC: $(short "$(grep -m 1 -i 'err\|denied\|permission' "$OUT/lab-ncu.log")" 80)")
      else
        # a profiled kernel's header line ends "..., Context 1, Stream 7, Device 0, CC 9.0" (its name may start with
        # "(anonymous namespace)::", as the optimizer's do)
        kernels=$(grep -cE 'Context [0-9]+, Stream [0-9]+' "$OUT/lab-ncu.log")
        lab_parts+=("ncu $kernels kernels (${TOOK} s, lab-ncu.log)")
      fi
    fi
  fi
  if [ "${#lab_parts[@]}" = 0 ]; then
    record lab SKIP "no kernels/dev/*_lab.cu"
  else
    detail=$(printf '%s; ' "${lab_parts[@]}")
    record lab "$lab_verdict" "$(short "${detail%; }" 220)"
  fi
fi

# ---- the table --------------------------------------------------------------------------------------------------

# Ours against the PyTorch peer, joined by workload name (bench/gpu/peer_table.py; also as Markdown in
# peer-table.md), from the files this run's benchmarks and peer stages wrote (not stale ones from an earlier run).
TABLE_LINES=()
JOIN=(python3 bench/gpu/peer_table.py)
for i in "${!NAMES[@]}"; do
  case "${NAMES[$i]}:${RESULTS[$i]}" in
    benchmarks:PASS|benchmarks:FAIL)
      JOIN+=(--jmh "$OUT/jmh.json" --jmh "$OUT/jmh-train.json" --jmh "$OUT/jmh-conv.json"
             --peer-convs "$OUT/peer-convs.json") ;;
    peer:PASS) JOIN+=(--peer "$OUT/peer.json") ;;
  esac
done
if [ "${#JOIN[@]}" -gt 2 ] && command -v python3 >/dev/null 2>&1; then
  while IFS= read -r l; do TABLE_LINES+=("$l"); done < <("${JOIN[@]}" 2>&1)
  [ "${#TABLE_LINES[@]}" -gt 0 ] && "${JOIN[@]}" --markdown >"$OUT/peer-table.md" 2>&1
fi

pass=0; fail=0; skip=0
for r in "${RESULTS[@]}"; do
  case "$r" in PASS) pass=$((pass + 1)) ;; FAIL) fail=$((fail + 1)) ;; *) skip=$((skip + 1)) ;; esac
done
overall=PASS
[ "$fail" -gt 0 ] && overall=FAIL
{
  echo
  echo "==== gcgan GPU check: $MACHINE | $(elapsed) s of $BUDGET s ===="
  [ -f .device/MANIFEST.txt ] && echo "build: $(head -n 1 .device/MANIFEST.txt)"
  printf '%-11s %-6s %s\n' stage result detail
  for i in "${!NAMES[@]}"; do
    printf '%-11s %-6s %s\n' "${NAMES[$i]}" "${RESULTS[$i]}" "${DETAILS[$i]}"
  done
  for l in "${TABLE_LINES[@]}"; do
    printf '  %s\n' "$l"
  done
  [ -s "$LAB_TXT" ] && sed 's/^/  /' "$LAB_TXT"
  printf '%-11s %-6s %d PASS, %d FAIL, %d SKIP; logs in %s\n' overall "$overall" "$pass" "$fail" "$skip" "$OUT"
} | tee "$OUT/summary.txt"

# A GPU run brings back at most 8 files of $OUT (bench/README.md, "The GPU check"): everything this run wrote goes
# into logs.tgz, and beside it stay only the files read first (and what the caller put there before). GPU_CHECK_PACK=0
# leaves $OUT as it is.
if [ "${GPU_CHECK_PACK:-1}" = 1 ]; then
  KEEP=(summary.txt peer-table.md lab.txt jmh.json peer.json)
  PACK=()
  for f in "$OUT"/* "$OUT"/.[!.]*; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    grep -qxF -- "$name" <<<"$OUT_BEFORE" || PACK+=("$name")
  done
  if [ "${#PACK[@]}" -gt 0 ] && tar czf "$WORK/logs.tgz" -C "$OUT" "${PACK[@]}" 2>/dev/null; then
    for name in "${PACK[@]}"; do
      [[ " ${KEEP[*]} " == *" $name "* ]] || rm -rf "${OUT:?}/$name"
    done
    mv "$WORK/logs.tgz" "$OUT/logs.tgz"
    echo "gpu-check: $OUT holds ${KEEP[*]} (where written) and logs.tgz (everything)"
  else
    echo "gpu-check: could not pack $OUT into logs.tgz; left as it is"
  fi
fi
[ "$overall" = PASS ]
