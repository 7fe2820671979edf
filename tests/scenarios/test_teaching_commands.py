"""Every command a scenario's ``[teaching]`` text quotes works as written.

The texts suggest options (``Try --set systems.ranker.training.window_days=30``, ``--variant
ucb1 --set variants.ucb1.…``, ``--horizon-days 2000``) and whole commands (``debtsim cace
cace_entanglement --perturb …``). Each one is extracted, parsed by the real argument parser of
the command it belongs to (``run`` for bare options), and validated the way that command
validates before running anything: ``debtsim check`` with the same ``--set`` and ``--variant``
for options (and the ``--set``s must change some variant: a suggestion that changes nothing is
stale), the CACE plan for ``debtsim cace``. A placeholder value (``--set
world.dynamic_rate=...``) is checked with the value the scenario already has.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sim.cli import build_parser, main
from sim.experiment.cace import cace_plan
from sim.experiment.options import Options
from sim.scenario.overrides import toml_value
from sim.scenario.resolve import Scenario, load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))

FLAGS = ("--set", "--variant", "--horizon-days", "--reps", "--seed", "--grid", "--perturb")
_FLAG = r"--(?:set|variant|horizon-days|reps|seed|grid|perturb)"
_VALUE = r"(?:[^\s']|'[^']*')+"  # a shell word: may hold a quoted part with spaces
_OPTIONS = rf"(?:{_FLAG}\s+{_VALUE}\s*)+"  # each flag with one value, as the texts write them
COMMAND = re.compile(rf"\bdebtsim\s+(run|sweep|cace|check)\s+([\w./-]+)\s+({_OPTIONS})")
OPTIONS = re.compile(rf"(?<![\w-])({_OPTIONS})")
PLACEHOLDER = "..."


@dataclass(frozen=True)
class Suggestion:
    """One command quoted in a teaching text: the command and its option words."""

    scenario: Path
    field: str
    command: str
    target: str
    words: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.scenario.stem} [{self.field}]: debtsim {self.command} {self.target} " + (
            " ".join(shlex.quote(w) for w in self.words)
        )


def _words(options: str) -> list[str]:
    """Shell words of an option run, without the sentence's punctuation after the last one."""
    words = shlex.split(options)
    while words and words[-1][-1] in ".,:;)" and not words[-1].endswith(PLACEHOLDER):
        words[-1] = words[-1][:-1]
    return words


def teaching_texts(path: Path) -> list[tuple[str, str]]:
    """(field, text) of every teaching text of a scenario file, questions one by one."""
    teaching = load_scenario(path).teaching
    texts = [
        ("summary", teaching.summary),
        ("mechanism", teaching.mechanism),
        ("look_at", teaching.look_at),
        ("mitigations", teaching.mitigations),
    ]
    texts += [(f"questions[{i}]", q) for i, q in enumerate(teaching.questions)]
    return [(field, " ".join(text.split())) for field, text in texts]


def extract(path: Path) -> list[Suggestion]:
    """Every command and option run quoted in a scenario's teaching texts."""
    found = []
    for field, text in teaching_texts(path):
        rest = text
        for match in COMMAND.finditer(text):
            command, target, options = match.groups()
            found.append(Suggestion(path, field, command, target, tuple(_words(options))))
            rest = rest.replace(match.group(0), " ")
        for match in OPTIONS.finditer(rest):
            found.append(Suggestion(path, field, "run", path.stem, tuple(_words(match.group(1)))))
    return found


def flag_count(path: Path) -> int:
    """How many option flags the teaching texts mention (each must be in a suggestion)."""
    pattern = re.compile(rf"(?<![\w-]){_FLAG}(?![\w-])")
    return sum(len(pattern.findall(text)) for _, text in teaching_texts(path))


SUGGESTIONS = [s for path in SCENARIOS for s in extract(path)]


def test_every_quoted_flag_is_extracted():
    """The extraction misses nothing: each flag in a text is in one extracted suggestion."""
    for path in SCENARIOS:
        extracted = sum(
            sum(word in FLAGS for word in s.words) for s in SUGGESTIONS if s.scenario == path
        )
        assert extracted == flag_count(path), path.stem
    assert len(SUGGESTIONS) >= 20  # the catalogue's texts quote many commands


def test_the_extraction_reads_sentences_as_a_reader_does():
    """Punctuation after a command ends the sentence, not the value; quotes group words."""
    words = _words("--set world.coupling='[[0.5, 0.49], [0.49, 0.5]]'. ")
    assert words == ["--set", "world.coupling=[[0.5, 0.49], [0.49, 0.5]]"]
    assert _words("--set world.attention_exponent=0.2) ") == [
        "--set",
        "world.attention_exponent=0.2",
    ]
    assert _words("--set systems.hotspots.decay=0. ") == ["--set", "systems.hotspots.decay=0"]
    assert _words("--set world.dynamic_rate=...") == ["--set", "world.dynamic_rate=..."]


def _value_at(scenario: Scenario, key: str) -> Any:
    """The value a variant of the scenario has at ``key`` (for a placeholder)."""
    for config in scenario.configs.values():
        node: Any = config
        for part in key.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is not None:
            return node
    raise AssertionError(f"placeholder for {key!r}, which no variant of the scenario sets")


def _filled(suggestion: Suggestion) -> list[str]:
    """The suggestion's words with each placeholder value replaced by the scenario's value."""
    words = list(suggestion.words)
    for i, word in enumerate(words):
        if word.endswith(f"={PLACEHOLDER}"):
            key = word.removesuffix(f"={PLACEHOLDER}")
            value = _value_at(load_scenario(suggestion.scenario), key)
            words[i] = f"{key}={toml_value(value)}"
    return words


@pytest.fixture(autouse=True)
def _in_the_repository(monkeypatch):
    """Catalogue names in the texts resolve against ./scenarios."""
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("suggestion", SUGGESTIONS, ids=str)
def test_a_quoted_command_works(suggestion: Suggestion, capsys: pytest.CaptureFixture[str]):
    words = _filled(suggestion)
    args = build_parser().parse_args([suggestion.command, suggestion.target, *words])
    options = Options.make(
        reps=getattr(args, "reps", None),
        seed=getattr(args, "seed", None),
        horizon_days=getattr(args, "horizon_days", None),
        overrides=args.set,
        variants=args.variant,
    )
    if suggestion.command == "cace":
        cace_plan(args.scenario, args.perturb, options)
        return
    check = ["check", args.scenario]
    check += [w for s in args.set for w in ("--set", s)]
    check += ["--variant", *args.variant] if args.variant else []
    code = main(check)
    out, err = capsys.readouterr()
    assert code == 0, f"{suggestion}\n{err}"
    assert out.startswith("ok  ")
    if args.set and not any(w.endswith(PLACEHOLDER) for w in suggestion.words):
        chosen = args.variant or None
        before = load_scenario(args.scenario, [], chosen).configs
        after = load_scenario(args.scenario, args.set, chosen).configs
        assert any(before[v] != after[v] for v in before), f"{suggestion} changes nothing"
