"""Progress lines for a run whose output is not a terminal: at the start, every few seconds
(even while no task finishes) and at the end."""

from __future__ import annotations

import time

from sim.experiment.progress import progress_counter


def _lines(updates: list[tuple[int, int]], pause: float, interval: float) -> list[str]:
    lines: list[str] = []
    with progress_counter(
        "demo", True, lines.append, interval_seconds=interval, terminal=False
    ) as update:
        for done, total in updates:
            update(done, total)
            time.sleep(pause)
    return lines


def test_a_long_task_still_gets_a_line_every_interval():
    lines = _lines([(0, 3)], pause=0.5, interval=0.1)
    assert lines[0] == "demo: 3 tasks, started"
    beats = [line for line in lines[1:] if line.startswith("demo: 0/3 tasks done")]
    assert len(beats) >= 2, lines  # about 5 in 0.5 s; at least 2 on a loaded machine


def test_the_end_is_reported_once_with_no_lines_after_it():
    lines = _lines([(0, 2), (1, 2), (2, 2)], pause=0.0, interval=0.05)
    time.sleep(0.2)
    finished = [line for line in lines if line.startswith("demo: 2/2 tasks done")]
    assert len(finished) == 1
    assert lines[-1] == finished[0]


def test_the_estimate_of_time_left_comes_once_a_task_has_finished():
    lines = _lines([(0, 4), (1, 4)], pause=0.3, interval=0.1)
    before = [line for line in lines if "0/4 tasks done" in line]
    after = [line for line in lines if "1/4 tasks done" in line]
    assert before and all("left" not in line for line in before)
    assert after and all("s left" in line for line in after)


def test_a_resumed_run_says_how_many_tasks_were_read_back():
    lines = _lines([(2, 5), (5, 5)], pause=0.0, interval=1.0)
    assert lines[0] == "demo: 5 tasks (2 read back), started"
    assert lines[-1].startswith("demo: 5/5 tasks done")


def test_disabled_progress_writes_nothing():
    lines: list[str] = []
    with progress_counter("demo", False, lines.append, interval_seconds=0.01) as update:
        update(0, 2)
        time.sleep(0.05)
        update(2, 2)
    assert lines == []
