"""Where a scenario's time goes: CPU seconds per replicate and their split by layer.

For each scenario (default: the whole catalogue) one replicate of every variant runs in this
process, serially, under ``cProfile``, at the scenario's default settings (or ``--quick``).
Imports and first-call costs are paid by a warm-up run of one simulated day before profiling.
Printed per scenario: the CPU seconds of one replicate (mean over variants and the slowest
variant) and the share of profiled time spent in each layer, then the functions with the most
own time. Time inside numpy, scipy or a builtin is charged to the debtsim function that called
it (the caller that spent the most time in it), so "learning" includes the numpy work a learner
asks for. Profiling slows Python-heavy code more than numpy-heavy code: read the shares, not
the seconds, as the profile's finding (``bench/scenario_times.py`` has the unprofiled times).

    python bench/scenario_profile.py [NAME ...] [--quick] [--top 3]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time
from collections import defaultdict
from collections.abc import Iterable

import sim
from sim.scenario.loader import catalogue
from sim.scenario.resolve import load_scenario

Key = tuple[str, int, str]

LAYERS = (
    ("sim/engine/recorder", "recording metrics"),
    ("sim/engine/", "engine (SimPy, signals)"),
    ("simpy/", "engine (SimPy, signals)"),
    ("sim/components/base/", "lifecycle (base classes)"),
    ("sim/components/", "worlds & systems (families)"),
    ("sim/learn/", "learning (models, policies)"),
    ("sim/analysis/summary", "pipeline (build, store, report)"),
    ("sim/analysis/", "metrics & closed forms"),
    ("sim/", "pipeline (build, store, report)"),
)


def layer_of(filename: str) -> str | None:
    """The layer a debtsim source file belongs to; ``None`` for code outside debtsim."""
    path = filename.replace("\\", "/")
    if "/sim/" not in path and "simpy/" not in path:
        return None
    for marker, layer in LAYERS:
        if marker in path and (marker != "sim/" or "/site-packages/" not in path):
            return layer
    return None


def charge(stats: pstats.Stats) -> tuple[dict[str, float], dict[Key, float]]:
    """Own time per layer and per debtsim function, with library time charged to its caller."""
    table = stats.stats  # type: ignore[attr-defined]
    owner: dict[Key, Key | None] = {}

    def debtsim_owner(key: Key, seen: frozenset[Key] = frozenset()) -> Key | None:
        if key in owner:
            return owner[key]
        if layer_of(key[0]) is not None:
            owner[key] = key
            return key
        callers = table[key][4]
        found = None
        if callers and key not in seen:
            caller = max(callers, key=lambda c: callers[c][3])  # the one that spent most in it
            found = debtsim_owner(caller, seen | {key})
        owner[key] = found
        return found

    per_layer: dict[str, float] = defaultdict(float)
    per_function: dict[Key, float] = defaultdict(float)
    for key, (_, _, own, _, _) in table.items():
        home = debtsim_owner(key)
        if home is None:
            per_layer["outside debtsim (no debtsim caller)"] += own
            continue
        per_layer[layer_of(home[0]) or "?"] += own
        per_function[home] += own
    return per_layer, per_function


def short(key: Key) -> str:
    path = key[0].replace("\\", "/")
    return f"{path[path.rfind('/sim/') + 1 :]}:{key[1]}({key[2]})"


def profile_scenario(name: str, quick: bool, top: int) -> Iterable[str]:
    variants = list(load_scenario(name, quick=quick).variants)
    sim.run(name, reps=1, horizon_days=1, figures=False, variants=variants[:1], quick=quick)
    seconds: dict[str, float] = {}
    profiler = cProfile.Profile()
    for variant in variants:
        started = time.process_time()
        profiler.enable()
        sim.run(name, reps=1, figures=False, variants=[variant], quick=quick)
        profiler.disable()
        seconds[variant] = time.process_time() - started
    per_layer, per_function = charge(pstats.Stats(profiler))
    total = sum(per_layer.values()) or 1.0
    slowest = max(seconds, key=seconds.__getitem__)
    mean = sum(seconds.values()) / len(seconds)
    yield (
        f"{name}: {mean:.2f} s CPU per replicate (profiled; {len(variants)} variants, slowest "
        f"{slowest} {seconds[slowest]:.2f} s)"
    )
    for layer, own in sorted(per_layer.items(), key=lambda item: -item[1]):
        if own / total >= 0.02:
            yield f"    {100 * own / total:5.1f}%  {layer}"
    for key, own in sorted(per_function.items(), key=lambda item: -item[1])[:top]:
        yield f"      {100 * own / total:5.1f}%  {short(key)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="scenarios (default: the whole catalogue)")
    parser.add_argument("--quick", action="store_true", help="profile the [quick] presets")
    parser.add_argument("--top", type=int, default=3, help="functions listed per scenario")
    args = parser.parse_args()
    mode = "--quick" if args.quick else "default settings"
    print(f"one replicate of every variant, serial, under cProfile ({mode}); CPU seconds")
    for name in args.names or sorted(catalogue()):
        for line in profile_scenario(name, args.quick, args.top):
            print(line, flush=True)


if __name__ == "__main__":
    main()
