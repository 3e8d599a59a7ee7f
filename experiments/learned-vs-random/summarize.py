#!/usr/bin/env python3
"""Helpers of experiments/learned-vs-random/run.sh (standard library only).

  summarize.py best-fixed SWEEP/results.json CONFIG.json
      The sweep's entry with the lowest mean top-1 error; exit 1 if CONFIG's "fixed-best" arm uses another q.
  summarize.py updates AGENT_DIR...
      Per agent: timesteps, PPO iterations and gradient updates from agent.rlmix's description, and the
      number of train/ rows in progress.csv (an untrained control must show 0 and 0).
  summarize.py rebase CONFIG.json BASELINE
      The comparison config with another baseline, on stdout (same cells, so `rlmix compare` reuses them).
  summarize.py same-weights AGENT_DIR AGENT_DIR
      Whether two agents hold byte-identical network weights (exit 1 if not).
  summarize.py reward COMPARE_DIR BASELINE...
      Mean reward per step of every arm (mean +- SD over seeds, from each cell's metrics.json history), and
      its paired difference to each BASELINE arm (mean, paired-t 95% interval, p; n - 1 degrees of freedom).
"""
import csv
import glob
import hashlib
import json
import math
import os
import re
import sys


def mean_sd(xs):
    m = sum(xs) / len(xs)
    sd = math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1)) if len(xs) > 1 else float("nan")
    return m, sd


def betacf(a, b, x):
    # Continued fraction of the regularized incomplete beta function (Numerical Recipes, 6.4).
    qab, qap, qam = a + b, a + 1, a - 1
    c, d = 1.0, 1 - qab * x / qap
    d = 1 / (d if abs(d) > 1e-300 else 1e-300)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        for aa in (m * (b - m) * x / ((qam + m2) * (a + m2)), -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))):
            d = 1 + aa * d
            d = 1 / (d if abs(d) > 1e-300 else 1e-300)
            c = 1 + aa / c
            c = c if abs(c) > 1e-300 else 1e-300
            h *= d * c
        if abs(d * c - 1) < 1e-15:
            break
    return h


def betai(a, b, x):
    if x <= 0 or x >= 1:
        return 0.0 if x <= 0 else 1.0
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log(1 - x))
    return front * betacf(a, b, x) / a if x < (a + 1) / (a + b + 2) else 1 - front * betacf(b, a, 1 - x) / b


def t_two_sided_p(t, df):
    return betai(df / 2, 0.5, df / (df + t * t))


def t_quantile(p, df):
    # Bisection on the two-sided tail: the t with P(|T| > t) = 2 (1 - p).
    lo, hi = 0.0, 1000.0
    for _ in range(200):
        mid = (lo + hi) / 2
        if t_two_sided_p(mid, df) > 2 * (1 - p):
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def paired(a, b):
    """Mean of a - b over common keys, paired-t 95% interval and p."""
    seeds = sorted(set(a) & set(b))
    d = [a[s] - b[s] for s in seeds]
    m, sd = mean_sd(d)
    n = len(d)
    if n < 2:
        return m, float("nan"), float("nan"), float("nan"), n
    if sd == 0:
        return m, m, m, (1.0 if m == 0 else 0.0), n
    se = sd / math.sqrt(n)
    half = t_quantile(0.975, n - 1) * se
    return m, m - half, m + half, t_two_sided_p(m / se, n - 1), n


def best_fixed(results_path, config_path):
    rows = json.load(open(results_path))["rows"]
    for r in sorted(rows, key=lambda r: r["top1_error"]["mean"]):
        print(f"{r['entry']}: top-1 error {r['top1_error']['mean']:.2f} (seeds {r['seeds']})")
    best = min(rows, key=lambda r: r["top1_error"]["mean"])["entry"]
    q = float(best.split("-")[1])
    text = re.sub(r"//[^\n]*", "", open(config_path).read())
    arms = {e["name"]: e for e in json.loads(text)["entries"]}
    if "fixed-best" not in arms:
        print(f"best fixed q: {q:.2f}; {config_path} has no fixed-best arm yet")
        return 0
    used = float(arms["fixed-best"]["policy"].split(":")[1])
    print(f"best fixed q on the sweep: {q:.2f}; {config_path}'s fixed-best uses {used:.2f}")
    return 0 if abs(used - q) < 5e-3 else 1


def agent_sections(path):
    """The named sections of an agent.rlmix file (RLMix checkpoint format: 52-byte header, then the sections)."""
    data = open(path, "rb").read()
    if data[:8] != b"RLMIXCKP":
        raise SystemExit(f"{path} is not an RLMix agent file")
    payload, pos, sections = data[52:], 4, {}
    for _ in range(int.from_bytes(payload[:4], "little")):
        length, shift = 0, 0
        while True:  # .NET BinaryWriter's 7-bit encoded string length
            b = payload[pos]
            pos += 1
            length |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                break
        name = payload[pos:pos + length].decode()
        pos += length
        size = int.from_bytes(payload[pos:pos + 8], "little")
        pos += 8
        sections[name] = payload[pos:pos + size]
        pos += size
    return sections


def agent_description(path):
    return json.loads(agent_sections(path)["description"])


def updates(dirs):
    print("| agent | timesteps | PPO iterations | gradient updates | train/ metric rows in progress.csv |")
    print("|---|---:|---:|---:|---:|")
    for d in dirs:
        desc = agent_description(os.path.join(d, "agent.rlmix"))
        progress = os.path.join(d, "progress.csv")
        rows = 0
        if os.path.exists(progress):
            with open(progress) as f:
                rows = sum(1 for r in csv.reader(f) if any(c.startswith("train/") for c in r))
        print(f"| {d} | {desc['num_timesteps']} | {desc['iterations']} | {desc['n_updates']} | {rows} |")
    return 0


def same_weights(a, b):
    """Whether two agent files hold the same network weights (e.g. an untrained control and its rebuild)."""
    wa, wb = (hashlib.sha256(agent_sections(os.path.join(d, "agent.rlmix"))["weights"]).hexdigest() for d in (a, b))
    print(f"{a}: {wa[:16]}\n{b}: {wb[:16]}\n{'same weights' if wa == wb else 'DIFFERENT weights'}")
    return 0 if wa == wb else 1


def rewards(compare_dir):
    arms = {}
    for path in sorted(glob.glob(os.path.join(compare_dir, "*", "seed*", "metrics.json"))):
        arm = os.path.basename(os.path.dirname(os.path.dirname(path)))
        m = json.load(open(path))
        values = [h["extra"]["mean_reward"] for h in m["history"] if (h.get("extra") or {}).get("mean_reward") is not None]
        if values:
            arms.setdefault(arm, {})[m["seed"]] = sum(values) / len(values)
    return arms


def reward(compare_dir, baselines):
    arms = rewards(compare_dir)
    head = "| arm | seeds | mean reward per step |" + "".join(f" Δ vs {b} [95% CI] | p |" for b in baselines)
    print(head)
    print("|---|---:|---:|" + "---|---:|" * len(baselines))
    for arm, by_seed in arms.items():
        m, sd = mean_sd(list(by_seed.values()))
        cells = ""
        for b in baselines:
            if b == arm or b not in arms:
                cells += " | |"
                continue
            d, lo, hi, p, _ = paired(by_seed, arms[b])
            cells += f" {d:+.4f} [{lo:+.4f}, {hi:+.4f}] | {p:.3f} |"
        print(f"| {arm} | {len(by_seed)} | {m:.4f} ± {sd:.4f} |{cells}")
    return 0


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "best-fixed":
        sys.exit(best_fixed(*args))
    if cmd == "updates":
        sys.exit(updates(args))
    if cmd == "rebase":
        # The comparison config with another baseline (and name), as JSON on stdout.
        config = json.loads(re.sub(r"//[^\n]*", "", open(args[0]).read()))
        config["baseline"], config["name"] = args[1], f"{config['name']}-vs-{args[1]}"
        print(json.dumps(config, indent=1))
        sys.exit(0)
    if cmd == "same-weights":
        sys.exit(same_weights(*args))
    if cmd == "reward":
        sys.exit(reward(args[0], args[1:]))
    if cmd == "selftest":
        # Checks of the t distribution against published table values.
        assert abs(t_quantile(0.975, 5) - 2.5706) < 1e-3, t_quantile(0.975, 5)
        assert abs(t_quantile(0.975, 2) - 4.3027) < 1e-3
        assert abs(t_two_sided_p(2.0, 10) - 0.07339) < 1e-4, t_two_sided_p(2.0, 10)
        print("ok")
        sys.exit(0)
    sys.exit(f"unknown command {cmd}; see the docstring")
