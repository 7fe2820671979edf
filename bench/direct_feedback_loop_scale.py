"""The direct feedback loop at scale: debtsim against the same computation as one numpy loop.

Runs the scenario's greedy baseline (one replicate) at USERS × ITEMS × DAYS through the full
engine (scenario validation, SimPy processes, signals, recorder), then the same computation
written as one plain numpy loop with no engine, in the same process, on the same two clocks
(CPU seconds of this process and wall seconds, both printed, each the best of ``--repeat``),
both with one BLAS thread (debtsim's tasks limit BLAS to one thread).

The plain loop computes what the run computes: the marketplace's truth (user and item factors,
per-segment mean CTR, each user's best CTRs for the oracle), each day's visitors, greedy slates
per segment from Beta-Bernoulli posterior means with ties broken at random, clicks, regret
against the oracle, realised CTR, the Gini of cumulative impressions, the estimate error over
all items and over the rarely shown quarter, and a retrain (posterior update) every day. It
leaves out only the engine itself: SimPy processes and events, signal contracts, retrain and
deploy events, the ``model_version`` metric, tidy frames and summary (it keeps the metric values
in lists). Its random draws differ from debtsim's (one stream instead of name-keyed ones).

    python bench/direct_feedback_loop_scale.py [--users 100000] [--items 200] [--days 365]
"""

from __future__ import annotations

import argparse
import resource
import time
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits

import sim
from sim.analysis.inequality import gini
from sim.core.startup_cache import startup_cache_disabled
from sim.learn.estimators import sigmoid
from sim.scenario.resolve import load_scenario

SLATE, PRIOR_ALPHA, PRIOR_BETA, ORACLE_DEPTH = 5, 0.5, 9.5, 10


def _truth(world: dict[str, Any], rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """The marketplace's draws and truth: segments, factors, item logits, segment CTR, best CTRs."""
    users, items, factors, segments = (world[k] for k in ("users", "items", "factors", "segments"))
    centroids = rng.standard_normal((segments, factors))
    seg = rng.integers(0, segments, users)
    w = world["segment_weight"]
    uf = np.sqrt(w) * centroids[seg] + np.sqrt(1 - w) * rng.standard_normal((users, factors))
    vf = rng.standard_normal((items, factors)) / np.sqrt(factors)
    base = np.log(world["base_ctr"] / (1 - world["base_ctr"]))
    logit = base + world["quality_scale"] * rng.standard_normal(items)
    sums = np.zeros((segments, items))
    best = np.empty((users, min(items, ORACLE_DEPTH)))
    step = max(1, 4_000_000 // items)
    for start in range(0, users, step):
        rows = slice(start, min(start + step, users))
        ctr = sigmoid(logit + world["taste_scale"] * (uf[rows] @ vf.T))
        sums += (seg[rows] == np.arange(segments)[:, None]).astype(float) @ ctr
        top = np.partition(ctr, items - best.shape[1], axis=1)[:, -best.shape[1] :]
        best[rows] = -np.sort(-top, axis=1)
    segment_ctr = sums / np.maximum(np.bincount(seg, minlength=segments), 1)[:, None]
    return seg, uf, vf, logit, segment_ctr, best[:, :SLATE].sum(axis=1)


def plain_numpy_loop(world: dict[str, Any], days: int) -> dict[str, list[float]]:
    """The greedy run as one loop: the same truth, policy, learning and metrics (see above)."""
    rng = np.random.default_rng(0)
    seg, uf, vf, logit, segment_ctr, oracle = _truth(world, rng)
    segments, items = segment_ctr.shape
    imps = np.zeros((segments, items))
    clicks = np.zeros((segments, items))
    shown_total = np.zeros(items, dtype=np.int64)
    regret, metrics = 0.0, {"regret": [], "ctr": [], "gini": [], "error": [], "rare": []}
    for _ in range(days):
        mean = (PRIOR_ALPHA + clicks) / (PRIOR_ALPHA + PRIOR_BETA + imps)  # yesterday's retrain
        who = np.flatnonzero(rng.random(world["users"]) < world["visit_prob_per_day"])
        ids, inverse = np.unique(seg[who], return_inverse=True)
        keys = rng.random((ids.size, items))  # ties at random
        top = np.lexsort((keys, -mean[ids]), axis=-1)[:, :SLATE]
        shown = top[inverse.reshape(-1)]
        p = sigmoid(
            logit[shown] + world["taste_scale"] * np.einsum("nd,nkd->nk", uf[who], vf[shown])
        )
        c = rng.random(p.shape) < p
        regret += float(np.maximum(oracle[who] - p.sum(axis=1), 0.0).sum())
        shown_total += np.bincount(shown.ravel(), minlength=items)
        cells = np.ravel_multi_index(
            (np.broadcast_to(seg[who][:, None], shown.shape), shown), imps.shape
        )
        imps += np.bincount(cells.ravel(), minlength=imps.size).reshape(imps.shape)
        clicks += np.bincount(cells.ravel(), c.ravel(), imps.size).reshape(imps.shape)
        error = np.abs(mean - segment_ctr)  # the deployed model: the start of day's retrain
        rare = np.argsort(imps.ravel(), kind="stable")[: max(1, imps.size // 4)]
        for name, value in (
            ("regret", regret),
            ("ctr", float(c.mean()) if c.size else float("nan")),
            ("gini", gini(shown_total)),
            ("error", float(error.mean())),
            ("rare", float(error.ravel()[rare].mean())),
        ):
            metrics[name].append(value)
    return metrics


def _best(runs: list[tuple[float, float, Any]]) -> tuple[float, float, Any]:
    return min(r[0] for r in runs), min(r[1] for r in runs), runs[0][2]


def _timed(fn: Any) -> tuple[float, float, Any]:
    """CPU and wall seconds of ``fn()``, and what it returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    value = fn()
    return time.process_time() - cpu, time.perf_counter() - wall, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=1, help="runs per side; the best is shown")
    args = parser.parse_args()
    overrides = [f"world.users={args.users}", f"world.items={args.items}"]
    scenario = load_scenario("direct_feedback_loop", overrides, ["greedy"])
    world = scenario.configs["greedy"]["world"]
    sim.run(scenario, reps=1, horizon_days=2)  # warm-up: imports and caches, not timed
    with startup_cache_disabled():  # each run builds its world, as the plain loop does
        engine = _best(
            [
                _timed(lambda: sim.run(scenario, reps=1, horizon_days=args.days))
                for _ in range(args.repeat)
            ]
        )
    with threadpool_limits(limits=1, user_api="blas"):  # as debtsim's tasks run
        plain = _best(
            [_timed(lambda: plain_numpy_loop(world, args.days)) for _ in range(args.repeat)]
        )
    rows = len(engine[2].metrics)
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    requests = int(args.users * world["visit_prob_per_day"] * args.days)
    print(
        f"workload: {args.users:,} users × {args.items} items × {args.days} days "
        f"(~{requests:,} requests, variant greedy, best of {args.repeat})"
    )
    print(f"{'':44s} {'cpu s':>8} {'wall s':>8}")
    print(f"{'debtsim (full engine, all metrics)':44s} {engine[0]:8.2f} {engine[1]:8.2f}")
    print(f"{'plain numpy loop (same computation, no engine)':44s} {plain[0]:8.2f} {plain[1]:8.2f}")
    cpu_ratio, wall_ratio = engine[0] / plain[0], engine[1] / plain[1]
    print(f"ratio debtsim / plain loop: cpu {cpu_ratio:.2f}, wall {wall_ratio:.2f}")
    print("the plain loop leaves out: SimPy processes and events, signal contracts, retrain/deploy")
    print("events, the model_version metric, tidy frames and the summary")
    print(f"peak resident memory of this process: {peak_mib:,.0f} MiB")
    print(f"rows recorded by debtsim: {rows:,}")


if __name__ == "__main__":
    main()
