"""Architecture rules of DESIGN.md, enforced by parsing every module of ``sim/``.

Layers (each imports only from its own folder or from lower layers):
L0 core < L1 engine, learn, analysis < L2 components < L3 scenario < L4 experiment, report
< L5 cli. Siblings within a layer are independent, except that ``experiment`` may import
``report``. Pure layers (core, learn, analysis) never import SimPy; nothing in ``sim/`` uses
global random state or prints (the CLI prints); every module opens with a docstring.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SIM = ROOT / "sim"

LAYER = {
    "core": 0,
    "engine": 1,
    "learn": 1,
    "analysis": 1,
    "components": 2,
    "scenario": 3,
    "experiment": 4,
    "report": 4,
    "testing": 4,
    "cli": 5,
}
# Same-layer imports that DESIGN.md allows (importer, imported).
SIBLINGS_ALLOWED = {("experiment", "report")}
# The package root exports these lazily from sim.experiment.api; anything else is the root.
ROOT_LAZY_API = {"run": "experiment", "load": "experiment", "RunResult": "experiment"}
ROOT_HARMLESS = {"__version__"}
EXEMPT = {"sim/__init__.py", "sim/__main__.py"}
PURE = {"core", "learn", "analysis"}
# numpy.random names that do not touch the global legacy state.
NP_RANDOM_ALLOWED = {
    "Generator",
    "SeedSequence",
    "default_rng",
    "BitGenerator",
    "PCG64",
    "PCG64DXSM",
    "Philox",
    "SFC64",
    "MT19937",
}
NP_RANDOM_BANNED_TEXT = (
    "np.random.seed",
    "np.random.rand(",
    "np.random.randint(",
    "np.random.normal(",
    "np.random.choice(",
    "np.random.uniform(",
    "np.random.random(",
)


@dataclass(frozen=True)
class Import:
    """One ``import`` of a module (``sim.x.y`` or a third-party name) at a line."""

    module: str
    names: tuple[str, ...]
    line: int
    level: int


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@cache
def modules() -> tuple[Path, ...]:
    return tuple(sorted(SIM.rglob("*.py")))


@cache
def tree_of(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imports_of(path: Path) -> list[Import]:
    """Every import statement anywhere in the module (functions, TYPE_CHECKING blocks)."""
    found = []
    for node in ast.walk(tree_of(path)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(alias.name, (), node.lineno, 0))
        elif isinstance(node, ast.ImportFrom):
            names = tuple(alias.name for alias in node.names)
            found.append(Import(node.module or "", names, node.lineno, node.level))
    return found


def folder_of(path: Path) -> str:
    """The layer folder of a module: ``sim/engine/x.py`` → ``engine``, ``sim/cli.py`` → ``cli``."""
    parts = path.relative_to(SIM).parts
    return parts[0] if len(parts) > 1 else path.stem


def imported_folders(imp: Import) -> list[str]:
    """The layer folders of ``sim`` an import statement reaches (empty for the harmless root)."""
    parts = imp.module.split(".")
    if parts[0] != "sim":
        return []
    if len(parts) > 1:
        return [parts[1]]
    out = []
    for name in imp.names or ("*",):
        if name in ROOT_HARMLESS:
            continue
        out.append(ROOT_LAZY_API.get(name, name))
    return out


def allowed(importer: str, imported: str) -> bool:
    """Whether a module in folder ``importer`` may import from folder ``imported``."""
    if importer == imported:
        return True
    if imported not in LAYER:
        return False
    if LAYER[imported] < LAYER[importer]:
        return True
    return (importer, imported) in SIBLINGS_ALLOWED


CHECKED = [p for p in modules() if _rel(p) not in EXEMPT]


def test_the_package_is_found():
    names = {_rel(p) for p in modules()}
    assert "sim/cli.py" in names
    assert {folder_of(p) for p in CHECKED} >= set(LAYER)
    assert all(folder_of(p) in LAYER for p in CHECKED), sorted(
        {folder_of(p) for p in CHECKED} - set(LAYER)
    )


@pytest.mark.parametrize(
    ("importer", "imported", "ok"),
    [
        ("components", "engine", True),
        ("components", "analysis", True),
        ("engine", "components", False),
        ("engine", "learn", False),
        ("learn", "engine", False),
        ("learn", "analysis", False),
        ("analysis", "learn", False),
        ("experiment", "report", True),
        ("report", "experiment", False),
        ("scenario", "experiment", False),
        ("core", "engine", False),
        ("cli", "experiment", True),
        ("experiment", "cli", False),
        ("scenario", "nonexistent", False),
    ],
)
def test_the_layer_rule_itself(importer, imported, ok):
    assert allowed(importer, imported) is ok


def test_imported_folders_of_the_root_package():
    assert imported_folders(Import("sim", ("__version__",), 1, 0)) == []
    assert imported_folders(Import("sim", ("run",), 1, 0)) == ["experiment"]
    assert imported_folders(Import("sim", ("core",), 1, 0)) == ["core"]
    assert imported_folders(Import("sim.engine.signals", ("SignalBus",), 1, 0)) == ["engine"]
    assert imported_folders(Import("numpy", (), 1, 0)) == []


def test_no_relative_imports():
    relative = [
        f"{_rel(p)}:{imp.line}" for p in modules() for imp in imports_of(p) if imp.level > 0
    ]
    assert not relative, f"relative imports (use absolute sim.* imports): {relative}"


def test_layers_import_only_downwards():
    violations = []
    for path in CHECKED:
        importer = folder_of(path)
        for imp in imports_of(path):
            for imported in imported_folders(imp):
                if not allowed(importer, imported):
                    violations.append(
                        f"{_rel(path)}:{imp.line} ({importer}, L{LAYER[importer]}) imports "
                        f"{imp.module or 'sim'} ({imported}, L{LAYER.get(imported, '?')})"
                    )
    assert not violations, "layer violations:\n" + "\n".join(violations)


def test_pure_layers_never_import_simpy():
    offenders = [
        f"{_rel(p)}:{imp.line}"
        for p in CHECKED
        if folder_of(p) in PURE
        for imp in imports_of(p)
        if imp.module.split(".")[0] == "simpy"
    ]
    assert not offenders, f"pure layers import simpy: {offenders}"


def _global_random_uses(path: Path) -> list[str]:
    found = []
    text = path.read_text(encoding="utf-8")
    for needle in NP_RANDOM_BANNED_TEXT:
        if needle in text:
            found.append(needle)
    for imp in imports_of(path):
        root = imp.module.split(".")[0]
        if root == "random":
            found.append(f"line {imp.line}: imports random")
        if imp.module == "numpy.random":
            banned = [n for n in imp.names if n not in NP_RANDOM_ALLOWED]
            if banned:
                found.append(f"line {imp.line}: from numpy.random import {banned}")
    for node in ast.walk(tree_of(path)):
        # np.random.<attr> / numpy.random.<attr> with a legacy (global-state) attribute
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "random"
            and isinstance(node.value.value, ast.Name)
            and node.value.value.id in ("np", "numpy")
            and node.attr not in NP_RANDOM_ALLOWED
        ):
            found.append(f"line {node.lineno}: np.random.{node.attr}")
    return found


def test_global_random_detector_catches_legacy_calls(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        '"""x."""\nimport random\nimport numpy as np\nnp.random.seed(1)\nx = np.random.rand(3)\n'
    )
    tree_of.cache_clear()
    try:
        found = _global_random_uses(bad)
    finally:
        tree_of.cache_clear()
    assert any("imports random" in f for f in found)
    assert any("np.random.seed" in f for f in found)
    assert any("np.random.rand" in f for f in found)


def test_no_global_random_state():
    offenders = {_rel(p): found for p in modules() if (found := _global_random_uses(p))}
    assert not offenders, f"global random state used: {offenders}"


def _print_calls(path: Path) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree_of(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "print"
    ]


def test_only_the_cli_prints():
    offenders = {
        _rel(p): lines for p in modules() if _rel(p) != "sim/cli.py" and (lines := _print_calls(p))
    }
    assert not offenders, f"print() outside sim/cli.py: {offenders}"
    assert _print_calls(SIM / "cli.py"), "the detector should see the CLI's prints"


def test_every_module_opens_with_a_docstring():
    missing = [_rel(p) for p in modules() if not (ast.get_docstring(tree_of(p)) or "").strip()]
    assert not missing, f"modules without an opening docstring: {missing}"
