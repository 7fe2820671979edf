"""What ``debtsim`` prints from a file is escaped and short (issue 13): terminal escape
sequences and other control characters in a scenario never reach the terminal raw (in error
messages, ``list``, ``explain``, ``check``), and an error about a file an ``extends`` pulled in
echoes the key path and a short value, never the file's contents.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sim.cli import main
from tests.cli_checks import ROOT, one_error
from tests.scenario.tiny_scenario import TINY, to_toml

ESC = "\x1b"
NASTY = "\x1b]0;owned\x07\x1b[2J\r\u202eevil\x9b"  # title, clear screen, CR, bidi override, CSI
RAW = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def nasty_scenario(folder: Path) -> Path:
    tree = to_toml(TINY) + "\n"
    tree = tree.replace('title = "tiny feedback loop"', f"title = {toml_string(NASTY)}")
    tree = tree.replace('summary = "A tiny loop."', f"summary = {toml_string('Look ' + NASTY)}")
    tree = tree.replace('description = "the debt"', f"description = {toml_string(NASTY)}")
    tree = tree.replace('questions = ["Why?"]', f"questions = [{toml_string('Why' + NASTY)}]")
    path = folder / "scenarios" / "nasty.toml"
    path.parent.mkdir()
    path.write_text(tree, encoding="utf-8")
    return path


def toml_string(text: str) -> str:
    return '"' + "".join(c if c.isprintable() else f"\\u{ord(c):04x}" for c in text) + '"'


def assert_escaped(text: str) -> None:
    assert not RAW.search(text), repr(text)
    assert "\\x1b]0;owned\\x07\\x1b[2J\\x0d\\u202eevil\\x9b" in text, text


def test_list_escapes_a_title(capsys, tmp_path, monkeypatch):
    nasty_scenario(tmp_path)
    monkeypatch.chdir(tmp_path)  # ./scenarios comes first in the catalogue
    assert main(["list"]) == 0
    out, _ = capsys.readouterr()
    line = next(line for line in out.splitlines() if line.startswith("nasty "))
    assert_escaped(line)
    assert_escaped(out)


def test_explain_escapes_every_text_from_the_file(capsys, tmp_path):
    path = nasty_scenario(tmp_path)
    assert main(["explain", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert_escaped(out)
    assert out.count("\\x1b]0;owned") == 4  # title, summary, description, question


def test_check_escapes_variant_names(capsys, tmp_path):
    path = tmp_path / "v.toml"
    tree = to_toml(TINY).replace("[variants.holdout]", f"[variants.{toml_string('h' + ESC)}]")
    path.write_text(tree, encoding="utf-8")
    assert main(["check", str(path)]) == 0
    out, _ = capsys.readouterr()
    assert "h\\x1b" in out and ESC not in out


def test_an_error_message_escapes_a_value_from_the_file(capsys, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(to_toml(TINY).replace('kind = "marketplace"', 'kind = "\\u001b[2J"'), "utf-8")
    line = one_error(capsys, ["check", str(path)])
    assert "world.kind: unknown kind '\\x1b[2J'" in line and ESC not in line


def test_an_error_message_escapes_a_key_from_the_file(capsys, tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(to_toml(TINY) + '\n["\\u001b[31mred"]\nx = 1\n', encoding="utf-8")
    line = one_error(capsys, ["check", str(path)])
    assert "\\x1b[31mred: unknown top-level key" in line and ESC not in line


SECRET = "sk_live_" + "0123456789abcdef" * 4


@pytest.mark.parametrize(
    ("content", "key"),
    [
        (f'[world]\nkind = "{SECRET}"\n', "world.kind"),
        (f'[scenario]\ntitle = ["{SECRET}"]\n', "scenario.title"),
        (f'[world]\nkind = "marketplace"\nusers = "{SECRET}"\n', "world.users"),
    ],
)
def test_an_extended_secrets_file_is_echoed_only_as_key_and_short_value(
    capsys, tmp_path, content, key
):
    (tmp_path / "secrets.toml").write_text(content, encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text('extends = "secrets.toml"\n', encoding="utf-8")
    line = one_error(capsys, ["check", str(child)])
    assert f"{key}: " in line
    assert SECRET not in line and SECRET[:30] in line  # a short prefix, then how much is left
    assert "more characters" in line


def test_extends_of_a_file_that_is_not_a_scenario_is_refused_unread(capsys, tmp_path):
    secrets = tmp_path / "etc" / "passwd"
    secrets.parent.mkdir()
    secrets.write_text(f'password = "{SECRET}"\n', encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text('extends = "etc/passwd"\n', encoding="utf-8")
    line = one_error(capsys, ["check", str(child)])
    assert line == (
        f"debtsim: error: {child}: extends: got 'etc/passwd': a base is a scenario file "
        "(a path ending in .toml, relative to this file's folder) or a catalogue name"
    )


def test_a_file_that_is_not_toml_is_not_echoed(capsys, tmp_path):
    passwd = tmp_path / "passwd"  # a bare name next to the child: extends may name it
    passwd.write_text(f"root:{SECRET}:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text('extends = "passwd"\n', encoding="utf-8")
    line = one_error(capsys, ["check", str(child)])
    assert line.startswith(f"debtsim: error: {passwd}: invalid TOML")
    assert "root" not in line.split(str(passwd))[1] and SECRET[:8] not in line


def test_a_long_value_is_shortened(capsys):
    value = "x" * 5000
    line = one_error(capsys, ["check", "direct_feedback_loop", "--set", f'world.users="{value}"'])
    assert "world.users: expected an integer, got a string 'xxxxxxxx" in line
    assert len(line) < 600


@pytest.fixture(autouse=True)
def _in_the_repository(monkeypatch):
    monkeypatch.chdir(ROOT)
