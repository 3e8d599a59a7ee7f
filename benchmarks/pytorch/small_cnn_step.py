#!/usr/bin/env python3
"""Times RLMix's small CNN vanilla training step in PyTorch eager, for a side-by-side reference.

The network is RLMix's SmallCnn (src/RLMix.Core/Models/SmallCnn.cs): three stages of 3x3 conv
(no bias; 32, 64, 128 channels) + BatchNorm + ReLU + 2x2 max-pool, global average pooling, one
linear layer. The step is RLMix's vanilla step (Training/Trainer.cs): train mode, soft-target
cross-entropy against one-hot targets, backward, SGD with Nesterov momentum 0.9 and weight decay
1e-4. The batch is synthetic (randn inputs, random labels), as in `rlmix bench`.

Usage (Debian: apt-get install python3-torch; not part of the tests):
    python3 benchmarks/pytorch/small_cnn_step.py [--batch 100] [--threads 2] [--steps 30]
        [--warmup 5] [--memory-format contiguous|channels_last] [--clock wall|cpu]
Prints one line: the median and the quartiles of the per-step time in ms. --clock cpu times the
process's CPU time (time.process_time) instead of the wall clock: on a machine loaded beyond its
cores, with --threads 1, that is the step's work rather than the time spent waiting for a core.

--comixup-parts [--rounds 20] [--reps 3] times, instead, the inherent parts of the official Co-Mixup
step (CIFAR code, clean_lambda 1) against this vanilla step, in alternating rounds with a vanilla block
between any two others (each ratio is to the mean of the two vanilla blocks around it, as `rlmix bench`):
  clean      forward with the input requiring its gradient, loss 2 * CE / N (N classes), backward into
             the weights and the input, saliency sqrt(mean over channels of grad^2);
  bce-step   forward of a mixed batch, BCELoss(softmax(out), soft targets), backward, SGD step;
  clean-no-input-grad  the clean pass without the input gradient (weights only), to isolate its cost;
  clean+bce  both in one step, the clean weight gradient kept and added to (the official step without
             its mixing: the floor of any faithful implementation).
The mixed batch is a fixed 2x2-block mix of the batch with soft area-share targets (the cost of the
step does not depend on the pixels). Prints each part's median per-round ratio to vanilla with a
percentile-bootstrap 95% interval. --clock thread (time.thread_time, with --threads 1 the one thread
that runs every op, CPU backward included) is the least sensitive to other processes.
"""
import argparse
import random
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def stage(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(), nn.MaxPool2d(2))


class SmallCnn(nn.Module):
    def __init__(self, in_channels=3, num_classes=10):
        super().__init__()
        self.features = nn.Sequential(stage(in_channels, 32), stage(32, 64), stage(64, 128),
                                      nn.AdaptiveAvgPool2d(1), nn.Flatten())
        self.classifier = nn.Linear(128, num_classes)

    def forward(self, x):
        return self.classifier(self.features(x))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--channels", type=int, default=3)
    ap.add_argument("--side", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--memory-format", choices=["contiguous", "channels_last"], default="contiguous")
    ap.add_argument("--clock", choices=["wall", "cpu", "thread"], default="wall")
    ap.add_argument("--comixup-parts", action="store_true")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--reps", type=int, default=3)
    a = ap.parse_args()

    torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(0)
    model = SmallCnn(a.channels, 10)
    x = torch.randn(a.batch, a.channels, a.side, a.side, generator=g)
    y = F.one_hot(torch.randint(0, 10, (a.batch,), generator=g), 10).float()
    if a.memory_format == "channels_last":
        model = model.to(memory_format=torch.channels_last)
        x = x.contiguous(memory_format=torch.channels_last)
    opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4)
    model.train()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = -(y * F.log_softmax(model(x), 1)).sum(1).mean()
        loss.backward()
        opt.step()

    clock = {"cpu": time.process_time, "thread": time.thread_time, "wall": time.perf_counter}[a.clock]
    if a.comixup_parts:
        comixup_parts(a, model, opt, x, y, step, clock, g)
        return
    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.steps):
        t0 = clock()
        step()
        times.append(1000 * (clock() - t0))
    q = statistics.quantiles(times, n=4)
    print(f"pytorch {torch.__version__} {a.memory_format}, {torch.get_num_threads()} threads, {a.clock} clock, batch {a.batch}x{a.channels}x{a.side}x{a.side}: "
          f"median {statistics.median(times):.1f} ms/step (quartiles {q[0]:.1f}-{q[2]:.1f}, {a.steps} steps)")


def comixup_parts(a, model, opt, x, y, vanilla, clock, g):
    labels = y.argmax(1)
    n = y.shape[1]
    # A fixed mix: each image's four 16x16 quadrants from itself and three other images; area-share targets.
    h = a.side // 2
    perm = [torch.randperm(a.batch, generator=g) for _ in range(3)]
    mixed = x.clone()
    mixed[:, :, :h, h:] = x[perm[0]][:, :, :h, h:]
    mixed[:, :, h:, :h] = x[perm[1]][:, :, h:, :h]
    mixed[:, :, h:, h:] = x[perm[2]][:, :, h:, h:]
    y_mix = 0.25 * (y + y[perm[0]] + y[perm[1]] + y[perm[2]])
    bce = nn.BCELoss()

    def clean():
        opt.zero_grad(set_to_none=True)
        xv = x.detach().requires_grad_(True)
        loss = 2 * F.cross_entropy(model(xv), labels) / n
        loss.backward()
        return torch.sqrt(torch.mean(xv.grad ** 2, dim=1))

    def bce_step(keep=False):
        if not keep:
            opt.zero_grad(set_to_none=True)
        loss = bce(F.softmax(model(mixed), dim=1), y_mix)
        loss.backward()
        opt.step()

    def clean_bce():
        clean()
        bce_step(keep=True)

    def part_clean():
        clean()
        opt.zero_grad(set_to_none=True)

    def part_clean_no_input_grad():
        opt.zero_grad(set_to_none=True)
        (2 * F.cross_entropy(model(x), labels) / n).backward()
        opt.zero_grad(set_to_none=True)

    entries = [("vanilla", vanilla), ("clean", part_clean), ("clean-no-input-grad", part_clean_no_input_grad),
               ("bce-step", bce_step), ("clean+bce", clean_bce)]

    def block(f):
        t0 = clock()
        for _ in range(a.reps):
            f()
        return 1000 * (clock() - t0) / a.reps

    ratios = {name: [] for name, _ in entries[1:]}
    vanilla_ms = []
    warm = 3
    for r in range(-warm, a.rounds):
        order = entries[1:] if r % 2 == 0 else entries[:0:-1]
        before = block(vanilla)
        for name, f in order:
            t = block(f)
            after = block(vanilla)
            if r >= 0:
                ratios[name].append(2 * t / (before + after))
                vanilla_ms.append(0.5 * (before + after))
            before = after
    rng = random.Random(1)

    def interval(xs):
        meds = sorted(statistics.median(rng.choices(xs, k=len(xs))) for _ in range(2000))
        return f"{statistics.median(xs):.3f} [{meds[49]:.3f}, {meds[1949]:.3f}]"

    print(f"pytorch {torch.__version__} {a.memory_format}, {torch.get_num_threads()} threads, {a.clock} clock, batch {a.batch}x{a.channels}x{a.side}x{a.side}, "
          f"{a.rounds} rounds of {a.reps} steps per entry; vanilla median {statistics.median(vanilla_ms):.1f} ms/step")
    for name, xs in ratios.items():
        print(f"  {name} / vanilla: {interval(xs)}")
    rounds = range(a.rounds)
    print(f"  clean - clean-no-input-grad, per round: {interval([ratios['clean'][i] - ratios['clean-no-input-grad'][i] for i in rounds])}")
    print(f"  clean+bce - (clean + bce-step), per round: {interval([ratios['clean+bce'][i] - ratios['clean'][i] - ratios['bce-step'][i] for i in rounds])}")


if __name__ == "__main__":
    main()
