#!/usr/bin/env bash
# NetDsl's benchmark workloads and its peers', back to back on this machine, and the ratios: the
# TorchSharp peer for tiny and fashion, the ONNX Runtime peer for infer. The machine may be shared
# and noisy: compare ratios from one run, not times across runs.
#   bench/compare.sh tiny|fashion|infer|all      (fashion needs the full Fashion-MNIST set, see README)
# Env: PEER_EPOCHS (default 5) for both sides of fashion.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
which=${1:-all}
case "$which" in tiny|fashion|infer|all) ;; *) echo "usage: bench/compare.sh tiny|fashion|infer|all" >&2; exit 2 ;; esac
simd=$(grep -m1 -o -w -E 'avx512f' /proc/cpuinfo || grep -m1 -o -w -E 'avx2' /proc/cpuinfo || echo "no AVX2")
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, widest SIMD: $simd"
ours=$(mktemp) torch=$(mktemp) ort=$(mktemp)
trap 'rm -f "$ours" "$torch" "$ort"' EXIT
dotnet run -c Release --project "$repo/Examples" -- bench "$which" | tee "$ours"
case "$which" in tiny|fashion|all) "$repo/bench/torchsharp.sh" "$which" | tee "$torch" ;; esac
case "$which" in infer|all) "$repo/bench/onnxruntime.sh" "$which" | tee "$ort" ;; esac
# Lines are {"workload":"w","metric":"m","value":v}; times: ratio = peer / NetDsl (>1: NetDsl faster).
compare() { # compare PEER-NAME PEER-FILE
  awk -F'"' -v peer="$1" '
    { key = $4 " " $8; v = $0; sub(/.*"value":/, "", v); sub(/}.*/, "", v) }
    FNR == NR { ours[key] = v; next }
    key in ours {
      if ($8 ~ /^(test_acc|simd_bits)/) printf "%-32s %-26s NetDsl %-9s %s %s\n", $4, $8, ours[key], peer, v
      else printf "%-32s %-26s NetDsl %-9s %s %-9s NetDsl is %.2fx faster\n", $4, $8, ours[key], peer, v, v / ours[key]
    }' "$ours" "$2"
}
compare TorchSharp "$torch"
compare "ONNX Runtime" "$ort"
