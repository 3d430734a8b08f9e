#!/usr/bin/env python3
"""numpy.bincount baseline for label counting (compare with bench/class_weights_bench.cc).

Same data as the C++ benchmark: 100M int32 token labels, about 85% O, 4% -100 (special tokens,
padding), the rest entity labels. The counted work matches count_labels: drop -100, check the
range, count. Reports the median of 5 runs in labels/s (wall and process CPU time).

Run: /usr/bin/python3 bench/count_labels_numpy.py [--n 100000000]
"""
import argparse
import statistics
import time

import numpy as np

NUM_LABELS = 53
IGNORE = -100


def make_labels(n, seed=2024):
    rng = np.random.default_rng(seed)
    values = np.array([0, IGNORE, 1, 2, 3, 4, 9, 10, 27, 28, 43, 44, 47, 48, 13, 14, 21, 22],
                      dtype=np.int32)
    weights = np.array([86.0, 4.0, 2.4, 1.0, 2.5, 1.2, 0.5, 1.5, 0.12, 0.36, 0.08, 0.4, 0.05, 0.2,
                        0.2, 0.3, 0.1, 0.09])
    return values[rng.choice(len(values), size=n, p=weights / weights.sum())]


def count(labels):
    kept = labels[labels != IGNORE]
    if kept.size and (kept.min() < 0 or kept.max() >= NUM_LABELS):
        raise ValueError("label out of range")
    return np.bincount(kept, minlength=NUM_LABELS)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    labels = make_labels(args.n)
    walls, cpus = [], []
    for _ in range(args.runs):
        w, c = time.perf_counter(), time.process_time()
        counts = count(labels)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    raw_w, raw_c = [], []
    for _ in range(args.runs):  # bincount alone, without the -100 filter and range check
        w, c = time.perf_counter(), time.process_time()
        np.bincount(labels + 128, minlength=256)
        raw_w.append(time.perf_counter() - w)
        raw_c.append(time.process_time() - c)
    print(f"numpy {np.__version__}, {args.n} labels, O = {counts[0]}")
    print(f"filter+check+bincount: {args.n / statistics.median(walls) / 1e9:.3f} G labels/s wall, "
          f"{args.n / statistics.median(cpus) / 1e9:.3f} G labels/s CPU")
    print(f"bincount(labels+128) only: {args.n / statistics.median(raw_w) / 1e9:.3f} G labels/s "
          f"wall, {args.n / statistics.median(raw_c) / 1e9:.3f} G labels/s CPU")


if __name__ == "__main__":
    main()
