#!/usr/bin/env python3
"""Builds fashion-mnist-mini: a deterministic, class-balanced subset of Fashion-MNIST.

600 train images per class (6,000) from the 60,000 training images and 100 test images per class
(1,000) from the 10,000 test images, written as gzip IDX files next to this script.

Selection: for each class, the indices of that class in file order are shuffled by a Fisher-Yates
shuffle driven by SplitMix64 with a fixed seed, the first k are kept, and the kept indices of all
classes are written in ascending (original file) order. The generator is written out here rather
than taken from Python's `random`, so the pick does not depend on the Python version; the gzip
output uses mtime 0 and no file name, so the files are byte-identical on every run.

Usage: python3 make-mini.py [SOURCE_DIR]
SOURCE_DIR defaults to /usr/share/datasets/fashion-mnist (Debian package dataset-fashion-mnist).
Pure standard library: no numpy needed.
"""

import gzip
import hashlib
import os
import struct
import sys

SEED = 20170828  # the Fashion-MNIST paper's arXiv date, 2017-08-28
TRAIN_PER_CLASS = 600
TEST_PER_CLASS = 100
NUM_CLASSES = 10
MASK64 = (1 << 64) - 1


class SplitMix64:
    """Steele, Lea and Flood's SplitMix64; the same generator as RLMix.Data.SplitMix64."""

    def __init__(self, seed):
        self.state = seed & MASK64

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        """Uniform integer in [0, n) by rejection (no modulo bias)."""
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            x = self.next_u64()
            if x < limit:
                return x % n


def read_idx(path, expected_magic):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[0:4])[0]
    if magic != expected_magic:
        sys.exit(f"{path}: magic 0x{magic:08X}, expected 0x{expected_magic:08X}")
    ndim = data[3]
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    header = data[:4 + 4 * ndim]
    payload = data[4 + 4 * ndim:]
    return header, dims, payload


def pick(labels, per_class, rng):
    chosen = []
    for c in range(NUM_CLASSES):
        idx = [i for i, y in enumerate(labels) if y == c]
        if len(idx) < per_class:
            sys.exit(f"class {c} has only {len(idx)} images, need {per_class}")
        for i in range(len(idx) - 1, 0, -1):  # Fisher-Yates
            j = rng.below(i + 1)
            idx[i], idx[j] = idx[j], idx[i]
        chosen.extend(idx[:per_class])
    return sorted(chosen)


def write_gz(path, raw):
    with open(path, "wb") as f:
        f.write(gzip.compress(raw, compresslevel=9, mtime=0))
    print(f"{os.path.basename(path)}: {len(raw)} bytes raw, sha256 {hashlib.sha256(raw).hexdigest()}")


def make_split(src, out, prefix, per_class, rng):
    _, (n_img, rows, cols), pixels = read_idx(os.path.join(src, f"{prefix}-images-idx3-ubyte.gz"), 0x00000803)
    _, (n_lab,), labels = read_idx(os.path.join(src, f"{prefix}-labels-idx1-ubyte.gz"), 0x00000801)
    if n_img != n_lab:
        sys.exit(f"{prefix}: {n_img} images but {n_lab} labels")
    chosen = pick(labels, per_class, rng)
    size = rows * cols
    img = bytearray(struct.pack(">IIII", 0x00000803, len(chosen), rows, cols))
    lab = bytearray(struct.pack(">II", 0x00000801, len(chosen)))
    for i in chosen:
        img += pixels[i * size:(i + 1) * size]
        lab.append(labels[i])
    write_gz(os.path.join(out, f"{prefix}-images-idx3-ubyte.gz"), bytes(img))
    write_gz(os.path.join(out, f"{prefix}-labels-idx1-ubyte.gz"), bytes(lab))


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
    out = os.path.dirname(os.path.abspath(__file__))
    rng = SplitMix64(SEED)  # one stream: train pick first, then test pick
    make_split(src, out, "train", TRAIN_PER_CLASS, rng)
    make_split(src, out, "t10k", TEST_PER_CLASS, rng)


if __name__ == "__main__":
    main()
