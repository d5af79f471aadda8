#!/usr/bin/python3
"""Forward-only rows of W3-W5 on PyTorch eager, beside Flint's mnist-mlp-forward / lenet-forward /
transformer-block-forward rows. Reuses the model definitions of ../shared/peers/pytorch/bench.py.

usage: /usr/bin/python3 bench/pytorch/forward.py [W3 W4 W5]   (run with the same environment as run.sh's 'tuned' config)
"""
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "shared", "peers", "pytorch"))
import bench  # noqa: E402  (the shared peer benchmark: measure, report, models)
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(bench.THREADS)


def forward(model, x):
    def run():
        with torch.no_grad():
            model(x)
    return run


which = sys.argv[1:] or ["W3", "W4", "W5"]
if "W3" in which:
    torch.manual_seed(0)
    bench.report("W3", "mnist-mlp-forward", bench.measure(forward(bench.mnist_mlp(), torch.randn(128, 784)), 10, 200))
if "W4" in which:
    torch.manual_seed(0)
    lenet = nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
        nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    bench.report("W4", "lenet-forward", bench.measure(forward(lenet, torch.randn(64, 1, 28, 28)), 10, 200))
if "W5" in which:
    torch.manual_seed(0)
    bench.report("W5", "transformer-block-forward", bench.measure(forward(bench.Block(), torch.randn(128, 8, 256)), 5, 50))
