"""The peer baseline: T-RECS's content-filtering simulation at the homogenization workload sizes.

T-RECS 0.2.1 (Lucherini et al.) pins pandas 1.0.5, which does not build on Python 3.11, so it
cannot share debtsim's environment. It installs with its own pins on Python 3.8, once NumPy is
held below 1.20 (pandas 1.0.5 uses ``np.bool``) and numba and csr at versions that accept it:

    python3.8 -m venv /tmp/trecs38 && /tmp/trecs38/bin/pip install trecs==0.2.1 \
        && /tmp/trecs38/bin/pip install "numpy<1.20" "numba<0.54" "csr<0.4"
    /tmp/trecs38/bin/python bench/trecs_baseline.py [--users 1000 --items 500]

``bench/homogenization_scale.py --trecs-python /tmp/trecs38/bin/python`` runs this at both
sizes and prints the ratios. It times ``ContentFiltering(num_users, num_items,
num_attributes=20)`` run for 50 steps with retraining between steps and the interaction
similarity of fixed random pairs of users measured every step. The last line prints the run's
CPU time (this process, all its threads) and its wall time, as ``cpu X s, wall Y s``.
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
    started, cpu = time.perf_counter(), time.process_time()
    model = ContentFiltering(num_users=args.users, num_items=args.items, num_attributes=20, seed=1)
    pairs = [tuple(p) for p in rng.permutation(args.users)[: args.users // 2 * 2].reshape(-1, 2)]
    model.add_metrics(InteractionSimilarity(pairs), InteractionMeasurement())
    model.run(timesteps=args.steps, train_between_steps=True, disable_tqdm=True)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        f"T-RECS content filtering, {args.users:,} users × {args.items:,} items × 20 "
        f"attributes × {args.steps} steps: cpu {cpu:.2f} s, wall {wall:.2f} s"
    )


if __name__ == "__main__":
    main()
