#!/usr/bin/env bash
# Builds the small Fashion-MNIST subset that NetDsl.Datasets ships as embedded resources
# (data/fashion-mnist-subset/, read by FashionMnist.LoadSubset()).
#
#   data/make-fashion-subset.sh [SOURCE_DIR]
#
# SOURCE_DIR holds the four original IDX files, plain or .gz
# (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
# t10k-labels-idx1-ubyte). Default: $FASHION_MNIST_DIR, else
# /usr/share/datasets/fashion-mnist (Debian: apt-get install dataset-fashion-mnist).
#
# The subset is class-balanced: 600 training images per class (6000) drawn from
# the training set and 100 test images per class (1000) drawn from the test set,
# chosen by a fixed seed with a PRNG implemented here (SplitMix64), so the choice
# does not depend on the Python version. The chosen images keep their original
# relative order. The output is gzip with mtime 0 and no file name, so running
# this again gives byte-for-byte the same files (given the same zlib).
# Needs only bash and python3 with its standard library.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source_dir="${1:-${FASHION_MNIST_DIR:-/usr/share/datasets/fashion-mnist}}"
out_dir="$here/fashion-mnist-subset"

if [[ ! -d "$source_dir" ]]; then
    echo "error: Fashion-MNIST folder '$source_dir' not found." >&2
    echo "Install it (Debian: apt-get install dataset-fashion-mnist) or pass the folder holding the four IDX files." >&2
    exit 1
fi
mkdir -p "$out_dir"

python3 - "$source_dir" "$out_dir" <<'PY'
import gzip
import os
import struct
import sys

SEED = 20170825          # Fashion-MNIST's release date; any fixed number would do
TRAIN_PER_CLASS = 600
TEST_PER_CLASS = 100
CLASSES = 10
MASK64 = (1 << 64) - 1

source_dir, out_dir = sys.argv[1], sys.argv[2]


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        """Uniform integer in [0, n) (Lemire's multiply-shift, bias < n / 2^64)."""
        return (self.next() * n) >> 64


def read_file(name):
    for candidate in (name, name + ".gz"):
        path = os.path.join(source_dir, candidate)
        if os.path.exists(path):
            with open(path, "rb") as f:
                data = f.read()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            return path, data
    sys.exit(f"error: neither {name} nor {name}.gz in {source_dir}")


def read_idx(name, expected_magic):
    path, data = read_file(name)
    magic = struct.unpack(">I", data[:4])[0]
    if magic != expected_magic:
        sys.exit(f"error: {path}: expected IDX magic 0x{expected_magic:08X}, found 0x{magic:08X}")
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    body = data[4 + 4 * ndim:]
    item = 1
    for d in dims[1:]:
        item *= d
    if len(body) != dims[0] * item:
        sys.exit(f"error: {path}: expected {dims[0] * item} bytes of data, got {len(body)}")
    return dims, item, body


def choose(labels, per_class, rng):
    """Per class, a partial Fisher-Yates shuffle of that class's indices picks per_class of them."""
    chosen = []
    for c in range(CLASSES):
        pool = [i for i, label in enumerate(labels) if label == c]
        if len(pool) < per_class:
            sys.exit(f"error: class {c} has only {len(pool)} samples, {per_class} wanted")
        for k in range(per_class):
            j = k + rng.below(len(pool) - k)
            pool[k], pool[j] = pool[j], pool[k]
        chosen.extend(pool[:per_class])
    return sorted(chosen)


def write_gz(name, payload):
    path = os.path.join(out_dir, name)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as gz:
            gz.write(payload)
    print(f"  {name}: {os.path.getsize(path)} bytes")


def subset(prefix, per_class, rng):
    image_dims, image_size, pixels = read_idx(f"{prefix}-images-idx3-ubyte", 0x00000803)
    label_dims, _, labels = read_idx(f"{prefix}-labels-idx1-ubyte", 0x00000801)
    if image_dims[0] != label_dims[0]:
        sys.exit(f"error: {prefix}: {image_dims[0]} images but {label_dims[0]} labels")
    chosen = choose(labels, per_class, rng)
    rows, columns = image_dims[1], image_dims[2]
    images = bytearray(struct.pack(">IIII", 0x00000803, len(chosen), rows, columns))
    for i in chosen:
        images += pixels[i * image_size:(i + 1) * image_size]
    label_bytes = bytearray(struct.pack(">II", 0x00000801, len(chosen)))
    label_bytes += bytes(labels[i] for i in chosen)
    print(f"{prefix}: {len(chosen)} of {image_dims[0]} images ({per_class} per class), {rows}x{columns}")
    write_gz(f"{prefix}-images-idx3-ubyte.gz", bytes(images))
    write_gz(f"{prefix}-labels-idx1-ubyte.gz", bytes(label_bytes))


rng = SplitMix64(SEED)
subset("train", TRAIN_PER_CLASS, rng)
subset("t10k", TEST_PER_CLASS, rng)
PY

echo "written to $out_dir"
