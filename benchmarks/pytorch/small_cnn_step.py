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
"""
import argparse
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
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall")
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

    for _ in range(a.warmup):
        step()
    clock = time.process_time if a.clock == "cpu" else time.perf_counter
    times = []
    for _ in range(a.steps):
        t0 = clock()
        step()
        times.append(1000 * (clock() - t0))
    q = statistics.quantiles(times, n=4)
    print(f"pytorch {torch.__version__} {a.memory_format}, {torch.get_num_threads()} threads, {a.clock} clock, batch {a.batch}x{a.channels}x{a.side}x{a.side}: "
          f"median {statistics.median(times):.1f} ms/step (quartiles {q[0]:.1f}-{q[2]:.1f}, {a.steps} steps)")


if __name__ == "__main__":
    main()
