"""Population scale: the direct feedback loop at 10⁴, 10⁵ and 10⁶ users × 365 days.

Each size runs in a fresh process (so peak memory is that run's own), greedy baseline, one
replicate, through the full engine. Prints wall time, peak resident memory, and the cost per
user-day, whose flatness across sizes shows that cost grows linearly in users × days.

    python bench/population_scale.py [--sizes 10000 100000 1000000] [--days 365]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def one_run(users: int, days: int) -> dict[str, float]:
    import sim

    sim.run(
        "direct_feedback_loop",
        reps=1,
        horizon_days=2,
        variants=["greedy"],
        overrides=["world.users=1000"],
    )  # warm-up: imports, not timed
    started = time.perf_counter()
    sim.run(
        "direct_feedback_loop",
        reps=1,
        horizon_days=days,
        variants=["greedy"],
        overrides=[f"world.users={users}"],
    )
    wall = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"users": users, "days": days, "wall_s": wall, "peak_mib": peak}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_run(args.child, args.days)))
        return
    rows = []
    for users in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(users), "--days", str(args.days)],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    base = rows[0]["wall_s"] / (rows[0]["users"] * rows[0]["days"])
    print(
        f"{'users':>10} {'days':>5} {'wall (s)':>9} {'peak (MiB)':>11} "
        f"{'µs per user-day':>16} {'vs smallest':>12}"
    )
    for r in rows:
        per = r["wall_s"] / (r["users"] * r["days"])
        print(
            f"{r['users']:>10,} {r['days']:>5} {r['wall_s']:>9.2f} {r['peak_mib']:>11,.0f} "
            f"{per * 1e6:>16.3f} {per / base:>12.2f}"
        )


if __name__ == "__main__":
    main()
