"""Text the command line prints: counts with their nouns, the run's headline table, and the
settings that did not apply to a variant. Functions return lines; the CLI prints them."""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd

__all__ = ["NO_CI", "headline_lines", "not_applied_lines", "plural"]

NO_CI = "1 replicate: no confidence interval"


def plural(count: int, word: str, many: str | None = None) -> str:
    """``1 variant``, ``2 variants`` (``many``: an irregular plural)."""
    return f"{count} {word if count == 1 else many or word + 's'}"


def not_applied_lines(
    not_applied: Mapping[str, Mapping[str, str]], prefix: str = "--set "
) -> list[str]:
    """One line per variant a setting does not apply to (a key the variant does not have)."""
    return [
        f"    {prefix}{setting} does not apply to variant {variant!r}: {reason}"
        for variant, reasons in not_applied.items()
        for setting, reason in reasons.items()
    ]


def headline_lines(summary: pd.DataFrame, variants: list[str], panels: list[str]) -> list[str]:
    """Mean and 95% CI half-width of the figure's metrics, one row per variant (and system);
    means only, and a line that says why, where the summary has one replicate."""
    lines = []
    label = summary["metric"] + summary["entity"].map(lambda e: f":{e}" if e else "")
    table = summary.assign(panel=label, half=(summary["ci_high"] - summary["ci_low"]) / 2)
    wanted = dict.fromkeys(p.split("@")[0] for p in panels)  # metric[:entity], any system
    columns = [p for p in wanted if p in set(table["panel"])] or sorted(set(table["panel"]))
    table = table[table["panel"].isin(columns)]
    several = table.groupby("variant")["system"].nunique().max() > 1
    cells = table.set_index(["variant", "system", "panel"])
    rows = [
        (variant, system)
        for variant in variants
        for system in sorted(set(table.loc[table["variant"] == variant, "system"]))
    ]
    names = [f"{v} / {s}" if several else v for v, s in rows]
    width = max(len(n) for n in names) if names else 0
    lines.append(f"{'':{width}}  " + "  ".join(f"{c:>24}" for c in columns))
    for name, (variant, system) in zip(names, rows, strict=True):
        row = []
        for column in columns:
            key = (variant, system, column)
            if key in cells.index:
                mean, half = cells.loc[key, ["mean", "half"]].to_numpy(float).ravel()
                cell = f"{mean:.4g}" if math.isnan(half) else f"{mean:.4g} ± {half:.2g}"
                row.append(f"{cell:>24}")
            else:
                row.append(f"{'':>24}")
        lines.append(f"{name:{width}}  " + "  ".join(row))
    n = int(summary["n"].max()) if len(summary) else 0
    if n == 1:
        lines.append(f"(means; {NO_CI}; all metrics in summary.csv)")
    else:
        lines.append(f"(mean ± 95% CI half-width over {n} replicates; all metrics in summary.csv)")
    return lines
