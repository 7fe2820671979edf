"""The direct feedback loop at scale: wall time, and the ratio to a plain numpy loop.

Runs the scenario's greedy baseline (one replicate) at USERS × ITEMS × DAYS through the full
engine (scenario validation, SimPy processes, signals, recorder), then the same workload written
as one plain numpy loop with no engine, in the same process.

    python bench/direct_feedback_loop_scale.py [--users 100000] [--items 200] [--days 365]
"""

from __future__ import annotations

import argparse
import resource
import time

import numpy as np

import sim
from sim.learn.estimators import sigmoid
from sim.scenario.resolve import load_scenario


def plain_numpy_loop(users: int, items: int, days: int, visit: float, slate: int) -> float:
    """Greedy on Beta(0.5, 9.5) item estimates, per-segment, no engine, no metrics beyond CTR."""
    rng = np.random.default_rng(0)
    segments, factors = 4, 8
    seg = rng.integers(0, segments, users)
    uf = rng.standard_normal((users, factors))
    vf = rng.standard_normal((items, factors)) / np.sqrt(factors)
    logit = np.log(0.05 / 0.95) + 0.5 * rng.standard_normal(items)
    imps = np.zeros((segments, items))
    clicks = np.zeros((segments, items))
    started = time.perf_counter()
    for _ in range(days):
        who = np.flatnonzero(rng.random(users) < visit)
        mean = (0.5 + clicks) / (10.0 + imps)
        top = np.argsort(-mean, axis=1)[:, :slate]
        shown = top[seg[who]]
        p = sigmoid(logit[shown] + np.einsum("nd,nkd->nk", uf[who], vf[shown]))
        c = rng.random(p.shape) < p
        cells = seg[who][:, None] * items + shown
        imps += np.bincount(cells.ravel(), minlength=segments * items).reshape(segments, items)
        clicks += np.bincount(cells.ravel(), c.ravel(), segments * items).reshape(segments, items)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--variant", default="greedy")
    args = parser.parse_args()
    overrides = [f"world.users={args.users}", f"world.items={args.items}"]
    scenario = load_scenario("direct_feedback_loop", overrides, [args.variant])
    visit = scenario.configs[args.variant]["world"]["visit_prob_per_day"]
    sim.run(scenario, reps=1, horizon_days=2)  # warm-up: imports and caches, not timed
    started = time.perf_counter()
    result = sim.run(scenario, reps=1, horizon_days=args.days)
    engine = time.perf_counter() - started
    plain = plain_numpy_loop(args.users, args.items, args.days, visit, 5)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    requests = int(args.users * visit * args.days)
    print(
        f"workload: {args.users:,} users × {args.items} items × {args.days} days "
        f"(~{requests:,} requests, variant {args.variant})"
    )
    print(f"debtsim (full engine, all metrics): {engine:8.2f} s")
    print(f"plain numpy loop (no engine, CTR only): {plain:8.2f} s")
    print(f"ratio debtsim / plain loop: {engine / plain:.2f}")
    print(f"peak resident memory of this process: {peak_mib:,.0f} MiB")
    print(f"rows recorded: {len(result.metrics):,}")


if __name__ == "__main__":
    main()
