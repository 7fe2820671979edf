"""How the CLI tests call ``debtsim`` in-process and check a refusal (shared test helpers)."""

from __future__ import annotations

from pathlib import Path

from sim.cli import main

ROOT = Path(__file__).resolve().parents[1]


def one_error(capsys, argv: list[str], code: int = 2) -> str:
    """Run ``argv``; assert exit ``code`` and one error line, no traceback; return that line."""
    returned = main(argv)
    out, err = capsys.readouterr()
    assert returned == code, (argv, out, err)
    assert "Traceback" not in err + out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    prefix = "debtsim: error: " if code == 2 else "debtsim: "
    assert lines[0].startswith(prefix), err
    assert lines[0].count("debtsim:") == 1, err
    return lines[0]
