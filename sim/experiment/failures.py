"""Failed tasks: reported in ``failures.json`` and as one :class:`TasksFailed` error.

The others' results stay in the output folder; the same call again retries only the failed ones.
"""

from __future__ import annotations

from typing import Any

from sim.experiment.pipeline import Execution, TasksFailed
from sim.experiment.plan import Plan
from sim.report.console import plural

__all__ = ["raise_failures"]


def raise_failures(execution: Execution, plan: Plan, kept: str, where: Any = None) -> None:
    """Write ``failures.json`` and raise if any task failed; else remove a stale one."""
    store = execution.store
    failures_file = store.folder / "failures.json"
    if not execution.failures:
        failures_file.unlink(missing_ok=True)
        return
    report = [
        {
            **({"point": where(f.task)} if where else {}),
            "unit": f.task.unit,
            "variant": f.task.variant,
            "replicate": f.task.replicate,
            "error": f.error,
        }
        for f in execution.failures
    ]
    store.write_json("failures.json", report)
    first = report[0]
    place = f"point {first['point']}, " if where else ""
    total, failed = len(plan.tasks), len(report)
    others = total - failed
    kept_text = (
        f"the {plural(others, 'other')} {'is' if others == 1 else 'are'} kept in {store.parts}"
        if others
        else "no other task finished"
    )
    raise TasksFailed(
        f"{failed} of {plural(total, 'task')} failed (details in {failures_file}); {kept_text}; "
        f"run the same command again to retry the failed {'one' if failed == 1 else 'ones'}. "
        f"First failure: {place}variant {first['variant']!r}, "
        f"replicate {first['replicate']}: {first['error'].splitlines()[-1]}"
    )
