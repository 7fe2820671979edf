"""The tiny valid scenario tree the scenario-layer tests start from (shared test data)."""

from __future__ import annotations

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
