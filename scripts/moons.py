#!/usr/bin/env python3
"""Writes the two-moons data set of micrograd's demo as CSV, without numpy
or scikit-learn: 100 points, two interleaved half circles with Gaussian
noise 0.1 (as sklearn's make_moons(n_samples=100, noise=0.1)), and labels
y in {-1, 1} for the hinge loss. Python's own Mersenne Twister with a fixed
seed makes the file the same on every run and machine.

    python3 scripts/moons.py > content/moons.csv
"""

import math
import random
import sys

SEED = 1
N = 100
NOISE = 0.1


def moons(n=N, noise=NOISE, seed=SEED):
    rng = random.Random(seed)
    n_out = n // 2
    n_in = n - n_out
    points = []
    for i in range(n_out):  # the upper moon: label -1
        t = math.pi * i / (n_out - 1)
        points.append((math.cos(t), math.sin(t), -1))
    for i in range(n_in):  # the lower moon, shifted: label 1
        t = math.pi * i / (n_in - 1)
        points.append((1 - math.cos(t), 1 - math.sin(t) - 0.5, 1))
    rng.shuffle(points)
    return [
        (x + rng.gauss(0, noise), y + rng.gauss(0, noise), label)
        for x, y, label in points
    ]


def main():
    out = sys.stdout
    out.write("x1,x2,y\n")
    for x1, x2, y in moons():
        out.write(f"{x1:.6f},{x2:.6f},{y}\n")


if __name__ == "__main__":
    main()
