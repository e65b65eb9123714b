#!/bin/sh
# Two-moons training, seen against micrograd, side by side: the same MLP
# 2-16-16-1 (relu), the same 100 points (content/moons.csv, from
# scripts/moons.py), the same initial weights, mean hinge loss, 100 steps
# of gradient descent with lr 0.05 (scripts/moons.md).
#
#   pip install micrograd       # once
#   scripts/train_vs_micrograd.sh
#
# Prints the milliseconds per step of each, checks that both give the same
# losses (to 1e-9), and the speed-up.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin seen --example train_speed
out=$(mktemp)
trap 'rm -f "$out"' EXIT
./target/release/seen trace scripts/moons.md > "$out"
seen_line=$(./target/release/examples/train_speed scripts/moons.md)
micro_line=$(python3 scripts/train_vs_micrograd.py --trace "$out")
echo "seen:      ${seen_line#*: }"
echo "$micro_line"
seen_ms=$(echo "$seen_line" | sed -n 's/.* \([0-9.]*\) ms per step.*/\1/p')
micro_ms=$(echo "$micro_line" | sed -n 's/.* \([0-9.]*\) ms per step.*/\1/p' | head -1)
echo "speed-up per step: $(echo "$micro_ms $seen_ms" | awk '{ printf "%.0fx", $1 / $2 }')"
