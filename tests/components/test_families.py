"""Families: the registry is assembled from them, they keep to their own modules, and a new
family is added through the public extension points alone (the template in ``docs/template``)."""

from __future__ import annotations

import ast
import importlib
import json
import shutil
import sys
from pathlib import Path

import pytest

import sim
from sim.components import registry
from sim.components.base import Family, MLSystem, World
from sim.scenario.loader import catalogue
from sim.scenario.resolve import load_scenario
from sim.testing import check_components

ROOT = Path(__file__).resolve().parents[2]
COMPONENTS = ROOT / "sim" / "components"
TEMPLATE = ROOT / "docs" / "template"


def _family_dirs() -> list[Path]:
    return sorted(p for p in COMPONENTS.iterdir() if (p / "__init__.py").is_file())


def _imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
    return found


def test_every_family_package_declares_a_family_naming_its_scenarios() -> None:
    for folder in _family_dirs():
        module = importlib.import_module(f"sim.components.{folder.name}")
        family = getattr(module, "FAMILY", None)
        assert isinstance(family, Family), f"{folder.name} declares no FAMILY"
        for scenario in family.scenarios:
            assert scenario in catalogue(), f"{folder.name} names unknown scenario {scenario!r}"
            assert scenario in (module.__doc__ or ""), f"{folder.name}'s docstring omits {scenario}"


def test_a_family_imports_only_base_its_own_modules_and_lower_layers() -> None:
    offenders = []
    for folder in _family_dirs():
        allowed = {"base", folder.name}
        for path in folder.rglob("*.py"):
            for module in _imports(path):
                parts = module.split(".")
                if parts[:2] == ["sim", "components"] and (
                    len(parts) < 3 or parts[2] not in allowed
                ):
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
                if parts[0] == "sim" and len(parts) > 1 and parts[1] in ("scenario", "experiment"):
                    offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert not offenders, "\n".join(offenders)


def test_components_hold_only_families_and_the_registry() -> None:
    flat = {p.stem for p in COMPONENTS.glob("*.py")} - {"__init__", "registry"}
    assert not flat, f"modules outside a family: {sorted(flat)}"


def test_every_component_class_is_registered_exactly_once() -> None:
    seen: dict[type, str] = {}
    for section, kinds in registry.sections().items():
        for kind, cls in kinds.items():
            assert cls not in seen, f"{cls.__name__} registered as {seen[cls]} and {kind}"
            assert cls.kind == kind
            assert cls.section == section
            seen[cls] = kind
    assert any(issubclass(c, World) for c in seen) and any(issubclass(c, MLSystem) for c in seen)


def test_a_kind_claimed_twice_is_refused(monkeypatch) -> None:
    from sim.components.recsys.marketplace import Marketplace

    class Impostor(Marketplace):
        """Another marketplace."""

    monkeypatch.setattr(registry, "_registered", [Family("impostor", (Impostor,))])
    monkeypatch.setattr(registry, "_cache", None)
    with pytest.raises(TypeError, match="claimed by both"):
        registry.sections()


@pytest.fixture
def toy_family(tmp_path, monkeypatch) -> Path:
    """The template family and scenario copied to a folder outside the repository."""
    shutil.copytree(TEMPLATE / "toyfam", tmp_path / "toyfam")
    for name in ("toy_drift.toml", "test_toy_drift.py"):
        shutil.copy(TEMPLATE / name, tmp_path / name)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(registry, "_registered", [])
    monkeypatch.setattr(registry, "_cache", None)
    yield tmp_path
    for module in [m for m in sys.modules if m == "toyfam" or m.startswith("toyfam.")]:
        del sys.modules[module]


def test_a_new_family_is_added_without_editing_any_module(toy_family: Path) -> None:
    before = {p: p.stat().st_mtime_ns for p in (ROOT / "sim").rglob("*.py")}
    result = sim.run(toy_family / "toy_drift.toml", reps=2, horizon_days=12)
    assert set(result.metrics.variant) == {"long_window", "short_window"}
    deploys = result.events[result.events.event == "deploy"]
    assert deploys.detail.map(lambda d: json.loads(d)["version"]).max() >= 9
    assert "tracker" in set(result.metrics.query("metric == 'model_version'").system)
    assert {p: p.stat().st_mtime_ns for p in (ROOT / "sim").rglob("*.py")} == before
    from toyfam.system import Tracker
    from toyfam.world import DriftingLevel

    config = load_scenario(toy_family / "toy_drift.toml").configs["long_window"]
    assert check_components(config, [DriftingLevel, Tracker], horizon_days=6)


def test_the_template_scenario_test_passes(toy_family: Path) -> None:
    module = importlib.import_module("test_toy_drift")
    module.test_a_short_window_tracks_the_drift_better()
