#!/usr/bin/env python3
"""Per-class distribution of the q values an RL-Mix policy chose, from a comparison's cell metrics.

Usage: python3 experiments/tools/q_by_class.py RUN_DIR/ENTRY  (the entry's folder holding seedS/metrics.json)
Prints a markdown table: one row per class, the fraction of that class's images given each q, summed
over seeds and epochs (metrics.json history keys q_classC_K written by the rlmix method).
"""
import glob
import json
import sys

Q = [round(0.99 * i / 9, 2) for i in range(10)]
counts = {}
for path in sorted(glob.glob(f"{sys.argv[1]}/seed*/metrics.json")):
    for epoch in json.load(open(path))["history"]:
        for key, value in (epoch.get("extra") or {}).items():
            if key.startswith("q_class"):
                c, k = key[len("q_class"):].split("_")
                counts.setdefault(int(c), [0] * 10)[int(k)] += value
print("| class | " + " | ".join(f"q={q:.2f}" for q in Q) + " | mean q |")
print("|---|" + "---:|" * 11)
for c in sorted(counts):
    row = counts[c]
    total = sum(row) or 1
    mean_q = sum(n * q for n, q in zip(row, Q)) / total
    print(f"| {c} | " + " | ".join(f"{n / total:.2f}" for n in row) + f" | {mean_q:.3f} |")
