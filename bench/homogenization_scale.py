"""The homogenization scenario at scale: wall times of its baseline at T-RECS's sizes.

Runs the baseline variant (content filtering retrained every step, plus the world's ideal twin
and every metric) through the full engine, one replicate, at two sizes:

* T-RECS's content-filtering benchmark: 1,000 users, 500 items, 20 attributes, 50 steps
  (T-RECS needs about 30 s on this machine);
* 10,000 users × 1,000 items, 50 steps (T-RECS: about 9 minutes).

"Items" maps to the model in two ways, both printed. *fixed*: the catalogue holds ``items``
items from the first step and none are added (T-RECS's setting: every step ranks all of
them for every user). *grown*: the catalogue starts empty and grows by ``items / steps``
items per step (the published 10 per step at the first size), so it holds ``items`` items
after the last step. Homogenization pairs every user with their nearest neighbour among all
users every step, an all-pairs search; at 10,000 users it dominates, so the 10,000-user rows
also show the scenario's ``metric_users`` option (the Jaccard average estimated on a fixed
sample of users, partners still searched among all users).

    python bench/homogenization_scale.py [--steps 50] [--only small|large]

It prints wall and CPU seconds: on a shared machine the CPU time is what an idle core takes.
"""

from __future__ import annotations

import argparse
import os
import resource
import time

import sim
from sim.scenario.resolve import load_scenario

TRECS_SECONDS = {1_000: 30.0, 10_000: 9 * 60.0}  # measured by the team on this machine


def run_once(
    users: int, items: int, steps: int, mode: str, metric_users: int
) -> tuple[float, float]:
    """Wall and CPU seconds of one replicate of the baseline (scenario loading included)."""
    if mode == "grown":
        catalogue = ["world.initial_items=0", f"world.new_items_per_step={items // steps}"]
    else:
        catalogue = [f"world.initial_items={items}", "world.new_items_per_step=0"]
    overrides = [
        f"world.users={users}",
        "world.attributes=20",
        f"world.metric_users={metric_users}",
        *catalogue,
    ]
    started, cpu = time.perf_counter(), time.process_time()
    scenario = load_scenario("homogenization", overrides, ["repeated"])
    sim.run(scenario, reps=1, horizon_days=steps)
    return time.perf_counter() - started, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--only", choices=["small", "large"], default=None)
    args = parser.parse_args()
    sim.run(load_scenario("homogenization", [], ["repeated"]), reps=1, horizon_days=3)  # warm-up
    cases = []
    if args.only in (None, "small"):
        cases += [(1_000, 500, "fixed", 0), (1_000, 500, "grown", 0)]
    if args.only in (None, "large"):
        cases += [
            (10_000, 1_000, "fixed", 0),
            (10_000, 1_000, "fixed", 1_000),
            (10_000, 1_000, "grown", 0),
            (10_000, 1_000, "grown", 1_000),
        ]
    print(f"baseline 'repeated' (content filtering retrained every step), {args.steps} steps")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    header = f"{'users':>7} {'items':>6} {'catalogue':>9} {'measured':>9}"
    print(f"{header} {'wall s':>7} {'cpu s':>7} {'T-RECS/wall':>12} {'T-RECS/cpu':>11}")
    for users, items, mode, measured in cases:
        wall, cpu = run_once(users, items, args.steps, mode, measured)
        label = "all" if measured == 0 else f"{measured:,}"
        trecs = TRECS_SECONDS[users]
        print(
            f"{users:>7,} {items:>6,} {mode:>9} {label:>9} {wall:7.2f} {cpu:7.2f}"
            f" {trecs / wall:11.0f}× {trecs / cpu:10.0f}×"
        )
    print("T-RECS: about 30 s (1,000 users) and 9 min (10,000 users) on this machine.")
    print("cpu s is this process's CPU time: the wall time on an idle core (BLAS runs on one")
    print("thread here), a fair figure when other jobs share the machine.")
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of this process: {peak_mib:,.0f} MiB")


if __name__ == "__main__":
    main()
