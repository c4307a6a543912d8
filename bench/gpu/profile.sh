#!/usr/bin/env bash
# Runs io.gcgan.bench.gpu.TrainingProfile (where the time of one training iteration goes) on a GPU machine, with
# what bench/gpu/prepare.sh built and the GPU run carried (.jdk.tgz and .device/). Reuses the Java runtime and the
# kernels that bench/gpu-check.sh left in /tmp/gcgan-gpu-check when it ran on the same machine before; otherwise
# unpacks the runtime and prepare.sh's prebuilt kernel library (or builds one). Output: stdout and $OUT/profile.txt.
#
#   bash bench/gpu/profile.sh [TrainingProfile arguments]   (default: --model mnist28,dcgan64 --recipe nsgan-adam)
# Environment: PROFILE_TIMEOUT_S (120), GCGAN_CUDA_ARCH (from nvidia-smi, else 90), PROFILE_WORK (/tmp/gcgan-gpu-check).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
OUT=${OUT:-build/profile}
mkdir -p "$OUT"
WORK=${PROFILE_WORK:-/tmp/gcgan-gpu-check}
JAVA=$WORK/jdkroot/jdk/bin/java
if [ ! -x "$JAVA" ]; then
  mkdir -p "$WORK/jdkroot"
  tar xzf .jdk.tgz -C "$WORK/jdkroot"
fi
NVCC=$(command -v nvcc || true)
if [ -n "$NVCC" ]; then
  export CUDA_HOME=${CUDA_HOME:-$(dirname "$(dirname "$(readlink -f "$NVCC")")")}
fi
ARCH=${GCGAN_CUDA_ARCH:-$( (nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null || true) \
  | head -n 1 | tr -d '. ')}
ARCH=${ARCH:-90}
# The kernel library: what gpu-check.sh unpacked or built, else prepare.sh's prebuilt one, else a build here.
SO=$WORK/kernels/libgcgan_kernels.so
[ -f "$SO" ] || SO=build/gpu-check/cmake/libgcgan_kernels.so
if [ ! -f "$SO" ] && [ -f ".device/kernels/libgcgan_kernels-sm$ARCH.so.gz" ]; then
  mkdir -p "$WORK/kernels"
  SO=$WORK/kernels/libgcgan_kernels.so
  gunzip -c ".device/kernels/libgcgan_kernels-sm$ARCH.so.gz" >"$SO"
fi
if [ ! -f "$SO" ] && [ -n "$NVCC" ]; then
  SO=build/profile-cmake/libgcgan_kernels.so
  GEN=()
  command -v ninja >/dev/null 2>&1 && GEN=(-G Ninja)
  cmake -S . -B build/profile-cmake "${GEN[@]}" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$ARCH" \
    -DCMAKE_CUDA_COMPILER="$NVCC" >"$OUT/profile-kernels.log" 2>&1
  cmake --build build/profile-cmake -j "$(nproc)" >>"$OUT/profile-kernels.log" 2>&1
fi
[ -f "$SO" ] && export GCGAN_KERNELS_LIBRARY="$(cd "$(dirname "$SO")" && pwd)/$(basename "$SO")"
CP=$(find .device/lib -maxdepth 1 -name '*.jar' | sort | tr '\n' ':').device/test-classes/java:.device/test-classes/bindings
ARGS=("$@")
[ ${#ARGS[@]} -eq 0 ] && ARGS=(--model mnist28,dcgan64 --recipe nsgan-adam)
timeout --kill-after=10 "${PROFILE_TIMEOUT_S:-120}" "$JAVA" --enable-native-access=ALL-UNNAMED \
  "-Dgcgan.native.cache=$WORK/native" -Xmx16g "-XX:ErrorFile=$OUT/hs_err_%p.log" -cp "$CP" \
  io.gcgan.bench.gpu.TrainingProfile "${ARGS[@]}" 2>&1 | tee "$OUT/profile.txt"
