"""Record the official Co-Mixup solver on blob-shaped saliency, for RLMix's replay test.

Runs snu-mllab/Co-Mixup's own `mixup.mixup_process` (which calls `match.get_onehot_matrix` and
pyGCO) on the CPU and records, for every partition: the cost matrix and compatibility A it passes
to `get_onehot_matrix`, the Dirichlet prior and the random initial labeling drawn inside it, the
three inputs torch.topk chose in each multi-label cut (ties), and the final labeling it returns. RLMix's test `OfficialReplayTests` feeds the same cost, A, prior,
initial labeling and top-three choices to `CoMixupSolver` and checks it ends on the same labeling.

Not part of the tests (pyGCO's gco library is for research use only and is not redistributed).
To rerun (Debian 12: apt-get install python3-torch python3-numpy g++):

    git clone https://github.com/snu-mllab/Co-Mixup            # match.py, mixup.py
    git clone https://github.com/Borda/pyGCO && cd pyGCO/src
    g++ -O2 -shared -fPIC -I gco_cpp gco/cgco.cpp gco_cpp/GCoptimization.cpp \
        gco_cpp/LinkedBlockList.cpp gco_cpp/graph.cpp gco_cpp/maxflow.cpp -o gco/libcgco.so
    PYTHONPATH=$PWD python3 record.py --official ../../Co-Mixup --out official-replay.json.gz
"""
import argparse
import gzip
import json
import sys
import types

import numpy as np
import torch
import torch.nn.functional as F

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--official", required=True, help="checkout of snu-mllab/Co-Mixup")
parser.add_argument("--out", required=True, help="output .json.gz")
parser.add_argument("--seed", type=int, default=0)
cli = parser.parse_args()
sys.path.insert(0, cli.official)

import match  # noqa: E402  (official)
import mixup  # noqa: E402  (official)
import gco    # noqa: E402  (pyGCO)


def blob_saliency(rng, batch, size):
    """Saliency maps made of 1-3 Gaussian blobs plus a little noise, like a trained model's."""
    ys, xs = np.mgrid[0:size, 0:size]
    maps = np.zeros((batch, size, size), dtype=np.float64)
    for b in range(batch):
        for _ in range(rng.integers(1, 4)):
            cy, cx = rng.uniform(0, size, 2)
            s = rng.uniform(2.0, 7.0)
            maps[b] += rng.uniform(0.3, 1.0) * np.exp(-((ys - cy) ** 2 + (xs - cx) ** 2) / (2 * s * s))
        maps[b] += 0.02 * rng.random((size, size))
    return torch.tensor(maps, dtype=torch.float32)


def compatibility_distance(sc):
    """main.py: L1 distance between the argmax locations of the saliency pooled with kernel 8, stride 1."""
    z = F.avg_pool2d(sc.unsqueeze(1), kernel_size=8, stride=1).squeeze(1)
    idx = torch.argmax(z.reshape(sc.shape[0], -1), dim=1)
    loc = torch.stack([idx // z.shape[-1], idx % z.shape[-1]], dim=1).float()
    return (loc.unsqueeze(1) - loc.unsqueeze(0)).abs().sum(-1)


records = []
current = {}

# Capture the two random draws made inside get_onehot_matrix.
original_init = match.random_initialize


def recording_init(n_input, n_output, height, width):
    init = original_init(n_input, n_output, height, width)
    current["initial"] = init.reshape(-1).tolist()
    return init


match.random_initialize = recording_init
original_sample = torch.distributions.dirichlet.Dirichlet.sample


def recording_sample(self, *args, **kwargs):
    value = original_sample(self, *args, **kwargs)
    current["prior"] = value.reshape(-1).tolist()
    return value


torch.distributions.dirichlet.Dirichlet.sample = recording_sample
# Record which three inputs torch.topk picks in each multi-label cut: among equal counts its order
# depends on the device and library version, so the replay takes the recorded choice.
original_wrapper = match.graphcut_wrapper


def recording_wrapper(cost_penalty, label_count, n_input, height, width, beta, device, iter_idx=0):
    if iter_idx > 0 and int((label_count > 0).sum()) >= 3:
        current["top_three"].append(sorted(torch.topk(label_count, k=3).indices.tolist()))
    return original_wrapper(cost_penalty, label_count, n_input, height, width, beta, device, iter_idx)


match.graphcut_wrapper = recording_wrapper
original_solver = match.get_onehot_matrix


def recording_solver(cost_matrix, A, n_output, **kwargs):
    kwargs["device"] = "cpu"
    m, h, w = cost_matrix.shape
    current.clear()
    current.update(m=m, height=h, width=w, cost=cost_matrix.reshape(-1).tolist(), compatibility=A.reshape(-1).tolist(),
                   top_three=[])
    mask = original_solver(cost_matrix, A, n_output, **kwargs)  # [m', h, w, m], entries 0, 0.5, 1
    first = mask.argmax(-1)
    rest = mask.clone()
    rest.scatter_(-1, first.unsqueeze(-1), rest.gather(-1, first.unsqueeze(-1)) - 0.5)
    second = torch.where(mask.max(-1).values >= 1.0, first, rest.argmax(-1))
    assert torch.all((mask.sum(-1) - 1).abs() < 1e-6), "each cell's weights sum to 1"
    current.update(final_first=first.reshape(-1).tolist(), final_second=second.reshape(-1).tolist())
    records[-1]["partitions"].append(dict(current))
    return mask


mixup.get_onehot_matrix = recording_solver

np.random.seed(cli.seed)
torch.manual_seed(cli.seed)
rng = np.random.default_rng(cli.seed)
runs = [(4, "hard", 100), (4, "soft", 100), (2, "hard", 100), (8, "hard", 40)]
for block_num, thres_type, batch in runs:
    args = types.SimpleNamespace(m_block_num=block_num, m_part=20, m_beta=0.32, m_gamma=1.0, m_thres=0.83,
                                 m_thres_type=thres_type, m_eta=0.05, mixup_alpha=2.0, m_omega=0.001,
                                 set_resolve=True, m_niter=4)
    sc = blob_saliency(rng, batch, 32)
    images = torch.rand(batch, 3, 32, 32)
    targets = torch.eye(10)[torch.arange(batch) % 10]
    records.append(dict(settings={k: v for k, v in vars(args).items()}, partitions=[]))
    mixup.mixup_process(images, targets, args=args, sc=sc, A_dist=compatibility_distance(sc))

with gzip.open(cli.out, "wt") as f:
    json.dump(dict(source="snu-mllab/Co-Mixup 2a7681601ee972892435ae080494a4f0907e595a (match.py, mixup.py) "
                          "with pyGCO (Borda/pyGCO) on CPU, torch " + torch.__version__,
                   seed=cli.seed, runs=records), f)
print("recorded", sum(len(r["partitions"]) for r in records), "partitions to", cli.out)
