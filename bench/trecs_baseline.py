"""The peer baseline: T-RECS's content-filtering simulation at the homogenization workload sizes.

T-RECS (Lucherini et al.) pins pandas 1.0.5, which does not build on Python 3.11, so it cannot
share debtsim's environment; run this script in its own virtual environment:

    python3 -m venv /tmp/trecs && /tmp/trecs/bin/pip install --no-deps trecs==0.2.1 \
        && /tmp/trecs/bin/pip install numpy scipy networkx tqdm pandas "lenskit>=0.11,<0.15"
    /tmp/trecs/bin/python bench/trecs_baseline.py [--users 1000 --items 500]

and compare with ``bench/homogenization_scale.py`` run on the same machine at the same load.
It times ``ContentFiltering(num_users, num_items, num_attributes=20)`` run for 50 steps with
retraining between steps and the paired-users interaction similarity measured every step.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--items", type=int, default=500)
    parser.add_argument("--steps", type=int, default=50)
    args = parser.parse_args()
    from trecs.metrics import InteractionMeasurement, InteractionSimilarity
    from trecs.models import ContentFiltering

    rng = np.random.default_rng(1)
    started = time.perf_counter()
    model = ContentFiltering(num_users=args.users, num_items=args.items, num_attributes=20, seed=1)
    pairs = [tuple(p) for p in rng.permutation(args.users)[: args.users // 2 * 2].reshape(-1, 2)]
    model.add_metrics(InteractionSimilarity(pairs), InteractionMeasurement())
    model.run(timesteps=args.steps, train_between_steps=True, disable_tqdm=True)
    print(
        f"T-RECS content filtering, {args.users:,} users × {args.items:,} items × 20 "
        f"attributes × {args.steps} steps: {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
