#!/usr/bin/env bash
# Test accuracy of the fashion workloads over several seeds, NetDsl and the TorchSharp peer: each side's
# mean and spread, and the difference of the means with its standard error. One run is not enough to
# compare: a seed moves a 5-epoch accuracy by about 0.01. The sides run one after the other, never at once.
#   bench/accuracy.sh [fashion|<one fashion workload>]       (needs the full Fashion-MNIST set, see README)
#   bench/accuracy.sh --summary LOG...                        (the table again, from the LOGs of earlier runs)
# Env: SEEDS (default "0 1 2 3 4"), PEER_EPOCHS (default 5), SIDES (default "netdsl torchsharp"),
# LOG (a file to keep every run's JSON lines in, each prefixed with its side and seed).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
# Lines are `side seed {"workload":"w","metric":"test_acc_after_N_epochs","value":v}`. Spread: the sample
# standard deviation and the range; the difference's standard error is √(sd₁²/n₁ + sd₂²/n₂).
summary() {
  awk -F'"' '
    $8 ~ /^test_acc/ {
      split($1, head, " "); side = head[1]; v = $0; sub(/.*"value":/, "", v); sub(/}.*/, "", v); v += 0
      key = $4 SUBSEP side
      if (!(key in n)) { lo[key] = v; hi[key] = v; if (!($4 in seen)) { seen[$4] = 1; order[++count] = $4 } }
      n[key]++; sum[key] += v; sq[key] += v * v; if (v < lo[key]) lo[key] = v; if (v > hi[key]) hi[key] = v
      values[key] = values[key] sprintf(" %.4f", v)
    }
    function sd(key) { return n[key] > 1 ? sqrt((sq[key] - sum[key] * sum[key] / n[key]) / (n[key] - 1)) : 0 }
    END {
      printf "%-32s %-10s %2s %7s %7s %15s  %s\n", "workload", "side", "n", "mean", "sd", "range", "runs"
      for (i = 1; i <= count; i++) {
        w = order[i]
        for (s = 1; s <= 2; s++) {
          side = s == 1 ? "netdsl" : "torchsharp"; key = w SUBSEP side
          if (key in n) printf "%-32s %-10s %2d %7.4f %7.4f %7.4f-%.4f %s\n", w, side, n[key], sum[key] / n[key], sd(key), lo[key], hi[key], values[key]
        }
        a = w SUBSEP "netdsl"; b = w SUBSEP "torchsharp"
        if ((a in n) && (b in n)) {
          d = sum[a] / n[a] - sum[b] / n[b]; se = sqrt(sd(a)^2 / n[a] + sd(b)^2 / n[b])
          printf "%-32s NetDsl − TorchSharp: %+.4f ± %.4f (standard error)\n", w, d, se
        }
      }
    }' "$@"
}
if [ "${1:-}" = --summary ]; then shift; summary "$@"; exit; fi
which=${1:-fashion}
case "$which" in fashion|fashion-*) ;; *) echo "usage: bench/accuracy.sh [fashion|<one fashion workload>]" >&2; exit 2 ;; esac
seeds=${SEEDS:-0 1 2 3 4}
sides=${SIDES:-netdsl torchsharp}
simd=$(grep -m1 -o -w -E 'avx512f' /proc/cpuinfo || grep -m1 -o -w -E 'avx2' /proc/cpuinfo || echo "no AVX2")
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores, widest SIMD: $simd; seeds: $seeds; epochs: ${PEER_EPOCHS:-5}"
log=${LOG:-$(mktemp)}
[ -n "${LOG:-}" ] || trap 'rm -f "$log"' EXIT
: > "$log"
for side in $sides; do
  [ "$side" = netdsl ] && dotnet build -c Release -nologo -v q "$repo/Examples" >&2
  for seed in $seeds; do
    case "$side" in
      netdsl) BENCH_SEED=$seed dotnet run -c Release --no-build --project "$repo/Examples" -- bench "$which" ;;
      torchsharp) BENCH_SEED=$seed "$repo/bench/torchsharp.sh" "$which" ;;
      *) echo "unknown side '$side' (netdsl, torchsharp)" >&2; exit 2 ;;
    esac | sed "s/^/$side $seed /" | tee -a "$log" >&2
  done
done
summary "$log"
