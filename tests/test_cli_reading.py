"""Reading what ``debtsim`` is given never ends in a traceback (issue 13): bytes that are not
UTF-8, nesting beyond the stated depth, ``extends`` names and chains beyond the stated limits,
numbers beyond what a float or the parser holds, dates where a value is expected. Each is one
line on stderr, exit 2, naming the file (or argument) and the key.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.cli import main
from sim.scenario.loader import MAX_EXTENDS
from sim.scenario.toml_text import MAX_DEPTH
from tests.cli_checks import ROOT, one_error
from tests.scenario.tiny_scenario import TINY, to_toml

TINY_TOML = to_toml(TINY)


@pytest.fixture(autouse=True)
def _in_the_repository(monkeypatch):
    monkeypatch.chdir(ROOT)


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


# --- bytes ------------------------------------------------------------------------------


def test_a_scenario_that_is_not_utf8_names_the_file_line_and_byte(capsys, tmp_path):
    bad = write(tmp_path / "x.toml", b'[world]\nkind = "\xff"\n')
    line = one_error(capsys, ["check", str(bad)])
    assert f"{bad}: not UTF-8 text: byte 0xff at line 2, column 9 (byte offset 16)" in line


def test_a_base_that_is_not_utf8_is_named_not_the_child(capsys, tmp_path):
    base = write(tmp_path / "base.toml", b"[world]\nusers = 3 # caf\xe9\n")
    child = write(tmp_path / "child.toml", 'extends = "base.toml"\n')
    line = one_error(capsys, ["check", str(child)])
    assert line.startswith(f"debtsim: error: {base}: not UTF-8 text: byte 0xe9 at line 2")


def test_a_design_that_is_not_utf8_is_refused_before_any_work(capsys, tmp_path):
    design = write(tmp_path / "d.csv", b"world.users\n\xff\n")
    out = tmp_path / "out"
    line = one_error(capsys, ["sweep", "direct_feedback_loop", "--design", str(design)])
    assert f"{design}: not UTF-8 text: byte 0xff at line 2, column 1" in line
    assert not out.exists()


def test_a_byte_order_mark_is_skipped(capsys, tmp_path):
    path = write(tmp_path / "bom.toml", b"\xef\xbb\xbf" + TINY_TOML.encode())
    assert main(["check", str(path)]) == 0, capsys.readouterr().err


# --- nesting ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["[" * 400 + "]" * 400, "{a=" * 400 + "1" + "}" * 400, "[" * 5000 + "]" * 5000],
    ids=["arrays", "inline tables", "arrays past the parser's recursion"],
)
def test_nesting_in_a_file_beyond_the_limit(capsys, tmp_path, value):
    path = write(tmp_path / "deep.toml", f"{TINY_TOML}\n[sweep]\nx = {value}\n")
    line = one_error(capsys, ["check", str(path)])
    assert f"{path}: nested deeper than {MAX_DEPTH} levels" in line
    assert f"at line {TINY_TOML.count(chr(10)) + 3}" in line


def test_nesting_by_dotted_keys_beyond_the_limit(capsys, tmp_path):
    path = write(tmp_path / "dotted.toml", ".".join(["a"] * (MAX_DEPTH + 5)) + " = 1\n")
    line = one_error(capsys, ["check", str(path)])
    assert f"{path}: a.a.a" in line and f"nested deeper than {MAX_DEPTH} levels" in line


def test_nesting_at_the_limit_is_read(capsys, tmp_path):
    """The limit is not off by one: the deepest allowed value reaches validation."""
    value = "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1)  # in [world]: MAX_DEPTH levels
    path = write(tmp_path / "ok.toml", TINY_TOML.replace("users = 200", f"users = {value}"))
    line = one_error(capsys, ["check", str(path)])
    assert "world.users: expected an integer, got a list" in line


@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        ("world.users=" + "[" * 400 + "]" * 400, f"nested deeper than {MAX_DEPTH} levels"),
        ("systems.ranker.policy=" + "{a=" * 400 + "1" + "}" * 400, "nested deeper than"),
        (".".join(["a"] * 2000) + "=1", f"the key path has more than {MAX_DEPTH} parts"),
    ],
    ids=["array value", "table value", "key path"],
)
def test_nesting_in_a_set_beyond_the_limit(capsys, setting, needle):
    line = one_error(capsys, ["check", "direct_feedback_loop", "--set", setting])
    assert "--set '" in line and needle in line
    assert len(line) < 400  # the value is echoed shortened


# --- extends ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a" * 5000, "a" * 300 + ".toml"], ids=["path", "file name"])
def test_an_extends_name_longer_than_the_system_allows(capsys, tmp_path, name):
    child = write(tmp_path / "child.toml", f'extends = "{name}"\n')
    line = one_error(capsys, ["check", str(child)])
    assert line.startswith(f"debtsim: error: {child}: extends: cannot look up 'aaaa")
    assert "File name too long" in line and "more characters" in line


def chain(folder: Path, files: int) -> Path:
    """``files`` scenario files, each extending the next; the last is the tiny scenario."""
    for i in range(files - 1):
        write(folder / f"c{i}.toml", f'extends = "c{i + 1}.toml"\n')
    write(folder / f"c{files - 1}.toml", TINY_TOML)
    return folder / "c0.toml"


def test_an_extends_chain_at_the_limit_is_read(capsys, tmp_path):
    assert main(["check", str(chain(tmp_path, MAX_EXTENDS))]) == 0, capsys.readouterr().err


@pytest.mark.parametrize("files", [MAX_EXTENDS + 1, 100])
def test_an_extends_chain_beyond_the_limit(capsys, tmp_path, files):
    line = one_error(capsys, ["check", str(chain(tmp_path, files))])
    last = tmp_path / f"c{MAX_EXTENDS - 1}.toml"
    assert line.startswith(f"debtsim: error: {last}: extends: a chain of more than 32 files")


def test_invalid_toml_in_a_base_is_reported_in_the_base_with_line_and_column(capsys, tmp_path):
    base = write(tmp_path / "base.toml", "[world]\nkind = 'marketplace'\nusers = \n")
    child = write(tmp_path / "child.toml", 'extends = "base.toml"\n[world]\nusers = 5\n')
    line = one_error(capsys, ["check", str(child)])
    assert line == f"debtsim: error: {base}: invalid TOML: Invalid value (at line 3, column 9)"


def test_a_bad_extends_in_a_base_is_reported_in_the_base(capsys, tmp_path):
    base = write(tmp_path / "base.toml", 'extends = "nowhere.toml"\n')
    child = write(tmp_path / "child.toml", 'extends = "base.toml"\n')
    line = one_error(capsys, ["check", str(child)])
    assert line.startswith(f"debtsim: error: {base}: extends: base 'nowhere.toml' not found")


# --- values -----------------------------------------------------------------------------


def test_an_integer_beyond_the_largest_float_in_a_float_field(capsys, tmp_path):
    huge = "1" + "0" * 400
    text = TINY_TOML.replace("visit_prob_per_day = 0.2", f"visit_prob_per_day = {huge}")
    path = write(tmp_path / "huge.toml", text)
    line = one_error(capsys, ["check", str(path)])
    assert line == (
        f"debtsim: error: {path}: world.visit_prob_per_day: expected a finite number "
        "(within ±1.8e308), got an integer of 401 digits"
    )


def test_an_integer_beyond_64_bits_in_an_integer_field(capsys):
    line = one_error(capsys, ["check", "direct_feedback_loop", "--set", f"world.users={2**64}"])
    assert "world.users: got 18446744073709551616; an integer must lie within ±9.2e18" in line


def test_an_integer_beyond_the_parsers_digit_limit(capsys, tmp_path):
    path = write(
        tmp_path / "digits.toml", TINY_TOML.replace("users = 200", "users = 1" + "0" * 5000)
    )
    line = one_error(capsys, ["check", str(path)])
    assert f"{path}: invalid TOML: Exceeds the limit (4300 digits)" in line


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "direct_feedback_loop", "--set", "world.users=1979-05-27"],
        ["sweep", "direct_feedback_loop", "--grid", "world.users=1979-05-27,300"],
        ["sweep", "direct_feedback_loop", "--grid", "world.users=[1979-05-27, 300]"],
        ["sweep", "direct_feedback_loop", "--grid", "world.users=1979-05-27"],
    ],
)
def test_a_toml_date_where_a_value_is_expected(capsys, argv):
    line = one_error(capsys, argv)
    assert "1979-05-27 is a TOML date or time, which no setting takes" in line
    assert ("--set 'world.users=1979-05-27'" in line) or ("--grid world.users: " in line)


def test_a_toml_date_in_a_design_cell_names_the_row_and_key(capsys, tmp_path):
    design = write(tmp_path / "d.csv", "world.users,world.items\n300,20\n07:32:00,20\n")
    line = one_error(capsys, ["sweep", "direct_feedback_loop", "--design", str(design)])
    assert line == (
        f"debtsim: error: {design}: row 3, world.users: 07:32:00 is a TOML date or time, "
        'which no setting takes; quote it to give a string ("...")'
    )


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ("world.users,world.users\n1,2\n", "header: the key world.users is given twice"),
        ("world.users\n", "the design has no rows"),
        ("", "the design is empty"),
        ("world.users\n1,2\n", "row 2 has 2 cells; the header has 1"),
        ("wo rld\n1\n", "header, column 1: 'wo rld' is not a key path"),
    ],
)
def test_a_malformed_design_names_the_file_and_what_is_wrong(capsys, tmp_path, content, needle):
    design = write(tmp_path / "d.csv", content)
    line = one_error(capsys, ["sweep", "direct_feedback_loop", "--design", str(design)])
    assert line.startswith(f"debtsim: error: {design}: ") and needle in line


def test_a_set_value_cannot_smuggle_in_more_toml(capsys):
    line = one_error(capsys, ["check", "direct_feedback_loop", "--set", "world.users=3\n[x]"])
    assert "--set 'world.users=3\\n[x]': '3\\n[x]' is not a TOML value" in line


# --- files that are not files -----------------------------------------------------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_design_that_never_ends_is_refused(capsys):
    line = one_error(capsys, ["sweep", "direct_feedback_loop", "--design", "/dev/zero"])
    assert line == "debtsim: error: /dev/zero: larger than 64 MiB: not a file debtsim reads"


def test_a_design_that_is_a_folder(capsys, tmp_path):
    line = one_error(capsys, ["sweep", "direct_feedback_loop", "--design", str(tmp_path)])
    assert line == f"debtsim: error: {tmp_path}: cannot read: Is a directory"
