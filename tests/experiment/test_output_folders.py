"""Output folders (issue 13): an unusable ``--out`` is refused (exit 2) before anything is
simulated; a disk that fills mid-run stops the run with exit 1 and one message, leaves no
temporary file, keeps every finished file complete, and the same command resumes.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pandas as pd
import pytest
from matplotlib.figure import Figure

import sim.experiment.out_folder as out_folder
from sim.cli import main
from tests.cli_checks import one_error


def run_argv(scenario: Path, out: Path | str, *extra: str) -> list[str]:
    return ["run", str(scenario), "--variant", "greedy", "--reps", "2", "--out", str(out),
            "--no-progress", *extra]  # fmt: skip


def test_out_naming_an_existing_file(capsys, tmp_path, tiny, nothing_runs):
    target = tmp_path / "results"
    target.write_text("mine", encoding="utf-8")
    line = one_error(capsys, run_argv(tiny, target))
    assert line == f"debtsim: error: --out: {target} is a file, not a folder: choose another --out"
    assert target.read_text(encoding="utf-8") == "mine"


def test_out_below_a_file(capsys, tmp_path, tiny, nothing_runs):
    (tmp_path / "file").write_text("", encoding="utf-8")
    line = one_error(capsys, run_argv(tiny, tmp_path / "file" / "run"))
    assert (
        line.startswith("debtsim: error: --out: cannot create the folder ") and "file/run" in line
    )


@pytest.mark.parametrize("command", ["run", "sweep", "cace"])
def test_out_where_nothing_can_be_written(
    capsys, tmp_path, tiny, nothing_runs, monkeypatch, command
):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(out_folder.tempfile, "mkstemp", read_only)
    extra = {
        "run": [],
        "sweep": ["--grid", "world.users=100,200"],
        "cace": ["--perturb", "world.users=100"],
    }
    argv = [
        command,
        str(tiny),
        "--variant",
        "greedy",
        "--out",
        str(tmp_path / "o"),
        *extra[command],
    ]
    line = one_error(capsys, argv)
    assert line == f"debtsim: error: --out: cannot write in {tmp_path / 'o'}: Read-only file system"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_out_in_a_read_only_folder(capsys, tmp_path, tiny, nothing_runs):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    line = one_error(capsys, run_argv(tiny, locked / "run"))
    assert "--out: cannot create the folder" in line and "Permission denied" in line


def test_out_naming_a_folder_debtsim_did_not_write(capsys, tmp_path, tiny, nothing_runs):
    mine = tmp_path / "mine"
    (mine / "parts").mkdir(parents=True)
    (mine / "parts" / "chapter1.txt").write_text("draft", encoding="utf-8")
    (mine / "notes.txt").write_text("notes", encoding="utf-8")
    line = one_error(capsys, run_argv(tiny, mine))
    assert line == (
        f"debtsim: error: --out: {mine} holds files debtsim did not write (notes.txt): "
        "choose a new or empty folder"
    )
    assert (mine / "parts" / "chapter1.txt").read_text(encoding="utf-8") == "draft"


def test_reproduce_out_naming_a_file(capsys, tmp_path):
    target = tmp_path / "figures"
    target.write_text("", encoding="utf-8")
    line = one_error(capsys, ["reproduce", "no_such_scenario_at_all", "--out", str(target)])
    assert "no scenario called" in line  # names are checked first, then --out
    line = one_error(capsys, ["reproduce", "direct_feedback_loop", "--out", str(target)])
    assert line == f"debtsim: error: --out: {target} is a file, not a folder: choose another --out"


# --- a disk that fills ------------------------------------------------------------------


def fill_the_disk_at(monkeypatch, cls, method: str, call: int) -> None:
    """From its ``call``-th call on, ``cls.method`` writes half a file and fails as a full disk
    does."""
    original = getattr(cls, method)
    calls = {"n": 0}

    def write(self, path, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] < call:
            return original(self, path, *args, **kwargs)
        Path(path).write_bytes(b"PAR1 half a file")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(cls, method, write)


def temporary_files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.name.endswith(".tmp") or ".debtsim-probe" in p.name]


def test_a_disk_that_fills_between_tasks(capsys, tmp_path, tiny, monkeypatch):
    out = tmp_path / "run"
    fill_the_disk_at(monkeypatch, pd.DataFrame, "to_parquet", call=3)  # task 1's events
    line = one_error(capsys, run_argv(tiny, out), code=1)
    assert line == (
        f"debtsim: cannot write {out}/parts/events/task-000001.parquet: No space left on device; "
        f"the finished tasks are kept in {out}: free some space and run the same command again "
        "to resume"
    )
    assert temporary_files(out) == []
    finished = pd.read_parquet(out / "parts" / "task-000000.parquet")  # complete: it reads
    assert len(finished) > 0
    assert not (out / "parts" / "task-000001.parquet").exists()

    monkeypatch.undo()
    assert main(run_argv(tiny, out)) == 0
    assert "(1 read back from an earlier session)" in capsys.readouterr().out
    assert temporary_files(out) == []


def test_a_disk_that_fills_while_saving_the_figure(capsys, tmp_path, tiny, monkeypatch):
    out = tmp_path / "run"
    fill_the_disk_at(monkeypatch, Figure, "savefig", call=1)
    line = one_error(capsys, run_argv(tiny, out), code=1)
    assert line.startswith(f"debtsim: cannot write {out}/figures/tiny.png: No space left")
    assert temporary_files(out) == []
    assert len(list((out / "parts").glob("task-*.parquet"))) == 2  # every task kept
    assert not (out / "manifest.json").exists()

    monkeypatch.undo()
    assert main(run_argv(tiny, out)) == 0
    assert "(2 read back from an earlier session)" in capsys.readouterr().out
    assert (out / "figures" / "tiny.png").stat().st_size > 1000


def test_out_whose_name_is_not_utf8(capsys, tmp_path, tiny, nothing_runs):
    """Parquet cannot write below such a name (a UnicodeEncodeError after simulating)."""
    out = tmp_path / os.fsdecode(b"run-\xff")
    line = one_error(capsys, run_argv(tiny, out))
    assert line.endswith("run-\\udcff: the folder's name is not UTF-8 text; choose another --out")
