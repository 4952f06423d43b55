#!/usr/bin/env bash
# The TorchSharp (libtorch CPU) peer: the same benchmark workloads as the project's
# `Examples -- bench`, so the two can be compared side by side on one machine.
#   bench/torchsharp.sh tiny|mlp|fashion|<one fashion workload>|gemm|peak|all
# Prints one JSON object a line: {"workload":...,"metric":...,"value":...}
# Env: FASHION_MNIST_DIR (default /usr/share/datasets/fashion-mnist, from Debian's
# dataset-fashion-mnist package), PEER_EPOCHS (default 5), BENCH_SEED (default 0: the fashion runs'
# weights, shuffles and dropout masks, as in Examples), PEER_THREADS.
#
# Debian 12's libstdc++ lacks GLIBCXX_3.4.32, of which TorchSharp's glue library needs one symbol
# (std::ios_base_library_init). The build marks that version need weak and supplies the symbol
# from a two-line shim, in a build folder outside this one.
set -euo pipefail
src=$(cd "$(dirname "$0")" && pwd)/TorchPeer
work=${NETDSL_PEER_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/netdsl-peer}
mkdir -p "$work"
if ! cmp -s "$src/Program.cs" "$work/Program.cs" || ! cmp -s "$src/TorchPeer.csproj" "$work/TorchPeer.csproj"; then
  cp "$src/Program.cs" "$src/TorchPeer.csproj" "$work/"
  rm -rf "$work/bin" "$work/obj"
fi
out=$work/bin/Release/net10.0
if [ ! -f "$out/.patched" ]; then
  command -v patchelf >/dev/null || { apt-get update -qq >/dev/null; apt-get install -y -qq patchelf >/dev/null; }
  (cd "$work" && dotnet build -c Release -nologo -v q >&2)
  native=$out/runtimes/linux-x64/native
  printf '#include <iostream>\nnamespace std { void ios_base_library_init() { static std::ios_base::Init init; } }\n' > "$work/shim.cpp"
  g++ -shared -fPIC -O2 -o "$work/libiosshim.so" "$work/shim.cpp"
  patchelf --clear-symbol-version _ZSt21ios_base_library_initv "$native/libLibTorchSharp.so"
  patchelf --add-needed "$work/libiosshim.so" "$native/libLibTorchSharp.so"
  python3 - "$native/libLibTorchSharp.so" <<'PY'
import re, struct, subprocess, sys
f = sys.argv[1]
sec = subprocess.check_output(['readelf', '-S', '-W', f]).decode()
off = int(re.search(r'\.gnu\.version_r\s+\S+\s+[0-9a-f]+\s+([0-9a-f]+)', sec).group(1), 16)
ver = subprocess.check_output(['readelf', '-V', '-W', f]).decode()
m = re.search(r'(0x[0-9a-f]+):\s+Name: GLIBCXX_3\.4\.32', ver)
if m:
    data = bytearray(open(f, 'rb').read())
    struct.pack_into('<H', data, off + int(m.group(1), 16) + 4, 2)  # vna_flags = VER_FLG_WEAK
    open(f, 'wb').write(data)
PY
  rm -rf "$out/cpu"
  touch "$out/.patched"
fi
exec dotnet "$out/TorchPeer.dll" "$@"
