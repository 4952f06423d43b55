#!/usr/bin/env bash
# NetDsl's benchmark workloads and its peers', back to back on this machine, and the ratios: the
# TorchSharp peer for tiny, fashion and gemm (libtorch's sgemm), the ONNX Runtime peer for infer. The
# machine may be shared and noisy: compare ratios from one run, not times across runs.
#   bench/compare.sh tiny|fashion|infer|gemm|all      (fashion needs the full Fashion-MNIST set, see README)
# Env: PEER_EPOCHS (default 5) and BENCH_SEED (default 0) for both sides of fashion (their accuracies over
# several seeds: bench/accuracy.sh); ROUNDS (default 3 for gemm, else 1): the sides
# run alternately that many times and each keeps its best value (shortest time, most GFLOP/s).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
which=${1:-all}
case "$which" in tiny|fashion|infer|gemm|all) ;; *) echo "usage: bench/compare.sh tiny|fashion|infer|gemm|all" >&2; exit 2 ;; esac
rounds=${ROUNDS:-$([ "$which" = gemm ] && echo 3 || echo 1)}
simd=$(grep -m1 -o -w -E 'avx512f' /proc/cpuinfo || grep -m1 -o -w -E 'avx2' /proc/cpuinfo || echo "no AVX2")
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, widest SIMD: $simd"
ours=$(mktemp) torch=$(mktemp) ort=$(mktemp)
trap 'rm -f "$ours" "$torch" "$ort"' EXIT
dotnet build -c Release -nologo -v q "$repo/Examples" >&2
for ((round = 1; round <= rounds; round++)); do
  dotnet run -c Release --no-build --project "$repo/Examples" -- bench "$which" | tee -a "$ours"
  case "$which" in tiny|fashion|gemm|all) "$repo/bench/torchsharp.sh" "$which" | tee -a "$torch" ;; esac
  case "$which" in infer|all) "$repo/bench/onnxruntime.sh" "$which" | tee -a "$ort" ;; esac
done
# Lines are {"workload":"w","metric":"m","value":v}. Each side's best over the rounds; times: ratio =
# peer / NetDsl, GFLOP/s: NetDsl / peer (either way >1: NetDsl faster). With several rounds, the
# lowest and highest of the rounds' own ratios follow in brackets.
compare() { # compare PEER-NAME PEER-FILE
  awk -F'"' -v peer="$1" '
    function better(metric, a, b) { return metric == "gflops" ? a > b : a < b }
    function ratio(metric, o, p) { return metric == "gflops" ? o / p : p / o }
    { key = $4 " " $8; v = $0; sub(/.*"value":/, "", v); sub(/}.*/, "", v); v += 0 }
    FNR == NR { n = ++oursRound[key]; ours[key, n] = v; if (!(key in ours) || better($8, v, ours[key])) ours[key] = v; next }
    key in ours {
      n = ++peerRound[key]; theirs[key, n] = v
      if (!(key in theirs) || better($8, v, theirs[key])) theirs[key] = v
      if (!(key in seen)) { seen[key] = 1; order[++count] = key }
    }
    END {
      for (i = 1; i <= count; i++) {
        key = order[i]; split(key, part, " "); metric = part[2]
        if (metric ~ /^(test_acc|simd_bits|vector_bits)/) { printf "%-32s %-26s NetDsl %-9s %s %s\n", part[1], metric, ours[key], peer, theirs[key]; continue }
        spread = ""
        if (peerRound[key] > 1) {
          low = 1e30; high = 0
          for (r = 1; r <= peerRound[key] && r <= oursRound[key]; r++) {
            x = ratio(metric, ours[key, r], theirs[key, r]); if (x < low) low = x; if (x > high) high = x
          }
          spread = sprintf(" [%.2f-%.2f]", low, high)
        }
        if (metric == "gflops") printf "%-32s %-26s NetDsl %-9s %s %-9s NetDsl at %.2fx%s\n", part[1], metric, ours[key], peer, theirs[key], ratio(metric, ours[key], theirs[key]), spread
        else printf "%-32s %-26s NetDsl %-9s %s %-9s NetDsl is %.2fx faster%s\n", part[1], metric, ours[key], peer, theirs[key], ratio(metric, ours[key], theirs[key]), spread
      }
    }' "$ours" "$2"
}
compare TorchSharp "$torch"
compare "ONNX Runtime" "$ort"
