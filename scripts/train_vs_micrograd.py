#!/usr/bin/env python3
"""Trains micrograd (PyPI `micrograd`, Karpathy's engine) on the network and
data of `scripts/moons.md` and times each step, for comparison with `seen`.

The same network (MLP 2-16-16-1, relu in the hidden layers, linear output),
the same initial weights (SplitMix64 at seed 1, drawn as docs/language.md
says, written over micrograd's random ones), the same 100 points
(content/moons.csv), the same loss (mean hinge loss relu(1 - y * s), no
regularisation) and the same 100 steps of gradient descent with lr 0.05.
Each step, as in micrograd's demo: zero_grad, forward over every example
(micrograd builds its graph anew), backward, update.

    python3 scripts/train_vs_micrograd.py [--steps N] [--trace TRACE.json]

With --trace, the losses are checked against `seen trace`'s `training`.
"""

import argparse
import csv
import json
import os
import time

from micrograd.engine import Value
from micrograd.nn import MLP

M64 = (1 << 64) - 1


def splitmix64(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & M64
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
        yield z ^ (z >> 31)


def init(model, seed):
    """Weights 2u - 1, u = (next >> 11) * 2^-53, layer by layer, neuron by
    neuron, input by input; biases 0."""
    rng = splitmix64(seed)
    for layer in model.layers:
        for n in layer.neurons:
            for w in n.w:
                w.data = 2.0 * ((next(rng) >> 11) * 2.0**-53) - 1.0
            n.b.data = 0.0


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(here, "..", "content", "moons.csv"))
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--lr", type=float, default=0.05)
    ap.add_argument("--trace", help="seen trace JSON to compare losses with")
    args = ap.parse_args()

    with open(args.data) as f:
        rows = [(float(r["x1"]), float(r["x2"]), float(r["y"])) for r in csv.DictReader(f)]
    model = MLP(2, [16, 16, 1])
    init(model, 1)
    params = model.parameters()

    losses, times = [], []
    for k in range(args.steps + 1):
        start = time.perf_counter()
        model.zero_grad()
        scores = [model([Value(x1), Value(x2)]) for x1, x2, _ in rows]
        terms = [(1 + -y * s).relu() for (_, _, y), s in zip(rows, scores)]
        loss = sum(terms) * (1.0 / len(terms))
        losses.append(loss.data)
        if k == args.steps:
            break
        loss.backward()
        for p in params:
            p.data -= args.lr * p.grad
        times.append(time.perf_counter() - start)

    per_step = sum(times) / len(times)
    print(
        f"micrograd: {args.steps} steps: {1e3 * per_step:.1f} ms per step; "
        f"loss {losses[0]:.6f} -> {losses[-1]:.6f}"
    )
    if args.trace:
        with open(args.trace) as f:
            doc = json.load(f)
        seen = [s["loss"] for s in doc["scenarios"][0]["training"]["steps"]]
        worst = max(abs(a - b) for a, b in zip(seen, losses))
        print(f"largest difference from seen's losses over {len(seen)} steps: {worst:.3g}")
        if len(seen) != len(losses) or worst > 1e-9:
            raise SystemExit("seen and micrograd disagree")


if __name__ == "__main__":
    main()
