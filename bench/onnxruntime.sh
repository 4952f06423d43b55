#!/usr/bin/env bash
# The ONNX Runtime (CPU provider) peer: the infer-* workloads of `Examples -- bench` on the same
# network, exported with NetDsl.Onnx, so the two can be compared side by side on one machine.
#   bench/onnxruntime.sh infer|all|infer-784-128-10-b1|infer-784-128-10-b256
# Prints one JSON object a line: {"workload":...,"metric":...,"value":...}
set -euo pipefail
exec dotnet run -c Release --project "$(cd "$(dirname "$0")" && pwd)/OnnxPeer" -- "$@"
