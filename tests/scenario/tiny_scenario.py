"""The tiny valid scenario tree the scenario-layer tests start from (shared test data), and a
small TOML writer to turn such trees into scenario files."""

from __future__ import annotations

import math
import re
from typing import Any

TINY: dict[str, Any] = {
    "scenario": {
        "title": "tiny feedback loop",
        "horizon_days": 3,
        "replicates": 1,
        "seed": 7,
        "baseline": "greedy",
    },
    "world": {
        "kind": "marketplace",
        "users": 200,
        "items": 20,
        "factors": 4,
        "segments": 2,
        "visit_prob_per_day": 0.2,
    },
    "systems": {
        "ranker": {
            "kind": "recommender",
            "owner": "feed-team",
            "serves": "world",
            "inputs": ["world.clicks"],
            "model": {"kind": "beta_bernoulli", "prior_alpha": 0.5, "prior_beta": 9.5},
            "policy": {"kind": "greedy", "slate": 3},
            "training": {"every_days": 1, "window_days": 0, "label_delay_days": 0},
        }
    },
    "variants": {
        "greedy": {"description": "the debt"},
        "thompson": {
            "description": "posterior draws",
            "systems.ranker.policy": {"kind": "thompson", "slate": 3},
        },
        "holdout": {"systems.ranker.training.holdout_share": 0.05},
    },
    "teaching": {"summary": "A tiny loop.", "questions": ["Why?"]},
    "figure": {"panels": ["regret", "ctr"]},
}


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE_KEY.fullmatch(key) else _string(key)


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def to_toml(tree: dict[str, Any]) -> str:
    """TOML text for a nested dict of str/int/float/bool/list/dict (tables become sections)."""
    lines: list[str] = []

    def table(node: dict[str, Any], path: tuple[str, ...]) -> None:
        scalars = {k: v for k, v in node.items() if not isinstance(v, dict)}
        tables = {k: v for k, v in node.items() if isinstance(v, dict)}
        if path:
            lines.append("")
            lines.append("[" + ".".join(_key(p) for p in path) + "]")
        for key, value in scalars.items():
            lines.append(f"{_key(key)} = {_value(value)}")
        for key, value in tables.items():
            table(value, (*path, key))

    table(tree, ())
    return "\n".join(lines) + "\n"
