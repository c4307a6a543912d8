#!/usr/bin/env bash
# Builds, on this machine, everything bench/gpu-check.sh needs on the GPU machine (which has no Java, Maven or
# network) and puts it in the two ignored paths a GPU run carries:
#
#   .jdk.tgz   a jlink'd Java 25 runtime, made by the JDK pack script given as the first argument (called as
#              `JAVA_HOME_25=... PACK_JDK_SCRIPT .jdk.tgz`), with jdk.incubator.vector added when it leaves it out
#   .device/   lib/*.jar         module jars, runtime dependencies, the JUnit console launcher and Jupiter engine,
#                                OpenBLAS trimmed to the four files its loader extracts
#              kernels/          libgcgan_kernels-sm<ARCH>.so.gz: the kernel library built here for the GPU's
#                                architecture (when nvcc is here), which gpu-check.sh unpacks instead of building;
#                                optimizer_lab-sm<ARCH>.gz likewise
#              test-classes/     the java and bindings test classes (the gpu tests, the signature check test)
#              pytorch_peer.py   the PyTorch peer benchmark
#              MANIFEST.txt      commit, build time, sizes
#
# Usage, from anywhere (paths outside the project are arguments, never written into the project):
#   bench/gpu/prepare.sh PACK_JDK_SCRIPT [PYTORCH_PEER_SCRIPT]
# PYTORCH_PEER_SCRIPT defaults to pytorch_peer.py in a folder "peers" beside the pack script's folder. Environment:
#   JAVA_HOME       a JDK 22+ with jlink and jar (we use 25); required
#   MVN_ARGS        extra Maven arguments (default "-q -B"; add -o to stay offline once dependencies are cached)
#   FRESH_JDK=1     repack .jdk.tgz even if it exists
#   GCGAN_PREBUILT_ARCH  the CUDA architecture of the prebuilt kernel library (default 90: H100, H200); "none"
#                   leaves it out (gpu-check.sh then builds the library on the GPU machine, about 40 s)
# Then run on the GPU machine:  bash bench/gpu-check.sh   carrying [".jdk.tgz", ".device"]  (bench/README.md).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
limit_bytes=$((64 * 1024 * 1024))

die() { echo "prepare: $*" >&2; exit 1; }

[ $# -ge 1 ] || die "usage: bench/gpu/prepare.sh PACK_JDK_SCRIPT [PYTORCH_PEER_SCRIPT]"
pack=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
[ -f "$pack" ] || die "no pack-jdk script at $1"
peer=${2:-$(dirname "$pack")/../peers/pytorch_peer.py}
[ -f "$peer" ] || die "no PyTorch peer script at $peer (give it as the second argument)"
peer=$(cd "$(dirname "$peer")" && pwd)/$(basename "$peer")

[ -n "${JAVA_HOME:-}" ] || die "set JAVA_HOME to a JDK 22+ (e.g. temurin 25)"
for tool in java jar jlink; do
  [ -x "$JAVA_HOME/bin/$tool" ] || die "JAVA_HOME=$JAVA_HOME has no bin/$tool"
done
export JAVA_HOME
command -v mvn >/dev/null || die "mvn not on the PATH"

cd "$root"
lib=.device/lib
echo "prepare: building (mvn ${MVN_ARGS:--q -B} -DskipTests -Pgpu-check package) ..."
rm -rf "$lib"
# shellcheck disable=SC2086  # MVN_ARGS is a list of words
mvn ${MVN_ARGS:--q -B} -DskipTests -Pgpu-check package
[ -d "$lib" ] || die "the gpu-check profile did not fill $lib"

# This module's own jar (GpuProbe, the JMH benchmark list), not the shaded benchmarks.jar (it repeats OpenBLAS).
bench_jar=$(ls bench/target/gcgan-bench-*.jar 2>/dev/null | grep -v -- '-tests\|-sources' | head -n 1 || true)
[ -n "$bench_jar" ] || die "bench/target/gcgan-bench-*.jar is missing"
cp "$bench_jar" "$lib/"

# Test classes as folders, not jars: the JUnit launcher finds the gpu-tagged tests by scanning their package, and
# scanning inside a jar needs the jdk.zipfs module, which the jlink'd runtime leaves out.
rm -rf .device/test-classes
mkdir -p .device/test-classes
for module in java bindings; do
  [ -d "$module/target/test-classes" ] || die "$module/target/test-classes is missing (test-compile failed?)"
  cp -r "$module/target/test-classes" ".device/test-classes/$module"
done

# OpenBLAS: keep only what io.gcgan.bindings.openblas.OpenBlasLoader extracts (its FILES and the pom.properties it
# reads the version from); the JavaCPP JNI libraries are 48 MB we never load.
blas_jar=$(ls "$lib"/openblas-*-linux-x86_64.jar 2>/dev/null | head -n 1 || true)
[ -n "$blas_jar" ] || die "no openblas-*-linux-x86_64.jar in $lib"
keep=(org/bytedeco/openblas/linux-x86_64/libgcc_s.so.1 org/bytedeco/openblas/linux-x86_64/libquadmath.so.0
      org/bytedeco/openblas/linux-x86_64/libgfortran.so.5 org/bytedeco/openblas/linux-x86_64/libopenblas.so.0
      META-INF/maven/org.bytedeco/openblas/pom.properties)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && "$JAVA_HOME/bin/jar" --extract --file "$root/$blas_jar" "${keep[@]}")
for f in "${keep[@]}"; do
  [ -f "$tmp/$f" ] || die "$blas_jar has no $f (did OpenBlasLoader's file list change?)"
done
"$JAVA_HOME/bin/jar" --create --file "$tmp/trimmed.jar" -C "$tmp" org -C "$tmp" META-INF
mv "$tmp/trimmed.jar" "$blas_jar"

cp "$peer" .device/pytorch_peer.py

# The kernel library, built here with the same nvcc (13.0) as the GPU machine's, for its architecture only: the
# GPU machine's time is short, and building there took 33-41 s of it.
rm -rf .device/kernels
arch=${GCGAN_PREBUILT_ARCH:-90}
if [ "$arch" = none ]; then
  echo "prepare: no prebuilt kernel library (GCGAN_PREBUILT_ARCH=none)"
elif ! command -v nvcc >/dev/null 2>&1 || ! command -v cmake >/dev/null 2>&1; then
  echo "prepare: no nvcc or cmake here: gpu-check.sh will build the kernel library on the GPU machine"
else
  echo "prepare: building libgcgan_kernels.so for sm_$arch (build/gpu-prebuilt) ..."
  # "-real": the machine code only, without the PTX a newer GPU would compile at load (a third of the size)
  if ! { cmake -S . -B build/gpu-prebuilt -DCMAKE_BUILD_TYPE=Release -DCMAKE_CUDA_ARCHITECTURES="$arch-real" \
           && cmake --build build/gpu-prebuilt -j "$(nproc)" --target gcgan_kernels; } >"$tmp/kernels.log" 2>&1; then
    tail -n 20 "$tmp/kernels.log" >&2
    die "the kernel library did not build for sm_$arch"
  fi
  mkdir -p .device/kernels
  gzip -9 -c build/gpu-prebuilt/libgcgan_kernels.so >".device/kernels/libgcgan_kernels-sm$arch.so.gz"
  # The optimizer lab too (it compiles the kernel's source in and needs no library): building it there took a minute
  # of the GPU machine's time, and its timing decides issue 9's last goal. 1.6 MiB gzipped; the other labs would not
  # fit in the GPU run's 64 MiB.
  echo "prepare: building optimizer_lab for sm_$arch ..."
  if ! nvcc -std=c++17 -O3 -arch="sm_$arch" -I kernels/include -I kernels/src kernels/dev/optimizer_lab.cu \
         kernels/src/status.cu -o "$tmp/optimizer_lab" >"$tmp/lab.log" 2>&1; then
    tail -n 20 "$tmp/lab.log" >&2
    die "optimizer_lab did not build for sm_$arch"
  fi
  gzip -9 -c "$tmp/optimizer_lab" >".device/kernels/optimizer_lab-sm$arch.gz"
fi

if [ ! -f .jdk.tgz ] || [ "${FRESH_JDK:-0}" = 1 ]; then
  echo "prepare: packing the Java runtime with $pack ..."
  JAVA_HOME_25=${JAVA_HOME_25:-$JAVA_HOME} "$pack" .jdk.tgz
else
  echo "prepare: keeping the existing .jdk.tgz (FRESH_JDK=1 repacks it)"
fi

# The runtime must hold jdk.incubator.vector: gpu-check.sh and the OptimizerStep and TrainingIteration JMH forks
# start the JVM with --add-modules=jdk.incubator.vector (the CPU optimizer's centring sums, io.gcgan.backend.cpu.
# VectorSums), and a runtime without the module refuses to start. If the pack script left it out, the runtime is
# linked again from $JAVA_HOME with the same modules plus that one.
mkdir -p "$tmp/runtime"
tar xzf .jdk.tgz -C "$tmp/runtime"
[ -x "$tmp/runtime/jdk/bin/java" ] || die ".jdk.tgz holds no jdk/bin/java"
if ! "$tmp/runtime/jdk/bin/java" --list-modules | grep -q '^jdk\.incubator\.vector@'; then
  modules=$("$tmp/runtime/jdk/bin/java" --list-modules | sed 's/@.*//' | paste -sd, -)
  echo "prepare: adding jdk.incubator.vector to the runtime's modules ($modules) ..."
  rm -rf "$tmp/runtime/jdk"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules,jdk.incubator.vector" --strip-debug --no-header-files \
    --no-man-pages --compress=zip-9 --output "$tmp/runtime/jdk"
  tar czf .jdk.tgz -C "$tmp/runtime" jdk
fi
"$tmp/runtime/jdk/bin/java" --add-modules=jdk.incubator.vector -version >/dev/null 2>&1 \
  || die "the runtime in .jdk.tgz does not start with --add-modules=jdk.incubator.vector"

# Smoke test with the collected class path: the CPU backend must load OpenBLAS from the trimmed jar (exit 2 =
# "CUDA unavailable" is the expected answer on a machine without a GPU).
smoke_rc=0
"$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules=jdk.incubator.vector -Dgcgan.native.cache="$tmp/native" \
  -cp "$lib/*" io.gcgan.bench.gpu.GpuProbe >"$tmp/probe.log" 2>&1 || smoke_rc=$?
if ! grep -q '^CPU backend: cpu' "$tmp/probe.log"; then
  cat "$tmp/probe.log" >&2
  die "the collected class path does not load the CPU backend"
fi
echo "prepare: GpuProbe here (exit $smoke_rc): $(grep '^CPU backend' "$tmp/probe.log")"

commit=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
changed=$( (git -C "$root" status --porcelain 2>/dev/null || true) | wc -l | tr -d ' ')
jdk_bytes=$(stat -c %s .jdk.tgz)
device_bytes=$(du -sb .device | cut -f1)
# The GPU run's 64 MiB hold the working tree too (tracked files and untracked ones git does not ignore).
tree_bytes=$(git -C "$root" ls-files -z -c -o --exclude-standard | (cd "$root" && xargs -0 -r stat -c %s 2>/dev/null) \
             | awk '{ s += $1 } END { print s + 0 }')
total=$((jdk_bytes + device_bytes + tree_bytes))
{
  echo "commit $commit ($changed paths changed or untracked in the working tree)"
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) with $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1)"
  echo "carried: .jdk.tgz $jdk_bytes bytes, .device $device_bytes bytes, working tree $tree_bytes bytes," \
    "total $total of $limit_bytes"
  (cd .device && ls -l lib | awk 'NR > 1 { print "  lib/" $9 "  " $5 }')
  if [ -d .device/kernels ]; then
    (cd .device && ls -l kernels | awk 'NR > 1 { print "  kernels/" $9 "  " $5 }')
  fi
  echo "  test-classes/java $(find .device/test-classes/java -name '*.class' | wc -l) classes," \
    "test-classes/bindings $(find .device/test-classes/bindings -name '*.class' | wc -l) classes"
} > .device/MANIFEST.txt

awk -v j="$jdk_bytes" -v d="$device_bytes" -v t="$tree_bytes" 'BEGIN { m = 1048576
  printf "prepare: .jdk.tgz %.1f MiB + .device %.1f MiB + working tree %.1f MiB = %.1f MiB (limit 64 MiB)\n",
         j / m, d / m, t / m, (j + d + t) / m }'
[ "$total" -le "$limit_bytes" ] || die "the working tree and the carried paths exceed 64 MiB"
echo 'prepare: done. Run on the GPU machine: command "bash bench/gpu-check.sh", carry [".jdk.tgz", ".device"]'
