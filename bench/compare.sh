#!/usr/bin/env bash
# NetDsl's benchmark workloads and the TorchSharp peer's, back to back on this machine, and the
# ratios. The machine may be shared and noisy: compare ratios from one run, not times across runs.
#   bench/compare.sh tiny|fashion|all      (fashion needs the full Fashion-MNIST set, see README)
# Env: PEER_EPOCHS (default 5) for both sides.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
which=${1:-all}
case "$which" in tiny|fashion|all) ;; *) echo "usage: bench/compare.sh tiny|fashion|all" >&2; exit 2 ;; esac
simd=$(grep -m1 -o -w -E 'avx512f' /proc/cpuinfo || grep -m1 -o -w -E 'avx2' /proc/cpuinfo || echo "no AVX2")
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, widest SIMD: $simd"
ours=$(mktemp) peer=$(mktemp)
trap 'rm -f "$ours" "$peer"' EXIT
dotnet run -c Release --project "$repo/Examples" -- bench "$which" | tee "$ours"
"$repo/bench/torchsharp.sh" "$which" | tee "$peer"
# Lines are {"workload":"w","metric":"m","value":v}; times: ratio = TorchSharp / NetDsl (>1: NetDsl faster).
awk -F'"' '
  { key = $4 " " $8; v = $0; sub(/.*"value":/, "", v); sub(/}.*/, "", v) }
  FNR == NR { ours[key] = v; next }
  key in ours {
    if ($8 ~ /^test_acc/) printf "%-32s %-26s NetDsl %-9s TorchSharp %s\n", $4, $8, ours[key], v
    else printf "%-32s %-26s NetDsl %-9s TorchSharp %-9s NetDsl is %.2fx faster\n", $4, $8, ours[key], v, v / ours[key]
  }' "$ours" "$peer"
