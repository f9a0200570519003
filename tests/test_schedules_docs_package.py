"""docs/schedules.md, "Writing a schedule for another package", as the page shows it: its ``mvae_sawtooth`` module
exposed through the ``mvae.schedules`` entry point its ``pyproject.toml`` names, the page's own test passing, and
the schedule usable by name in a plugin's config. (tests/test_schedules.py has a Sawtooth of its own, so the page's
could drift unnoticed.)"""

from __future__ import annotations

import importlib.metadata
import re
import sys
import types
from collections.abc import Callable
from pathlib import Path

import pytest

import schedules
from tests.test_docs import run_block

PAGE = Path(__file__).resolve().parents[1] / "docs" / "schedules.md"


def section_blocks(language: str) -> list[str]:
    """The ``language`` blocks of the page's section on writing a schedule, in order."""
    section = PAGE.read_text(encoding="utf-8").split("## Writing a schedule for another package", 1)[1]
    return re.findall(rf"```{language}\n(.*?)```", section, flags=re.S)


class EntryPoint:
    """One ``mvae.schedules`` entry point of the page's package, as importlib.metadata gives it."""

    def __init__(self, name: str, target: str) -> None:
        module, _, attribute = target.partition(":")
        self.name, self.module, self.attribute = name, module, attribute
        self.dist = types.SimpleNamespace(name="mvae-sawtooth", version="0.1.0")

    def load(self) -> type:
        return getattr(importlib.import_module(self.module), self.attribute)


@pytest.fixture
def page_test(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """The page's package as if installed (its module importable, the entry point its pyproject.toml names found),
    and the page's own test of it."""
    module_block, test_block = [b for b in section_blocks("python") if "Sawtooth" in b]
    module = types.ModuleType("mvae_sawtooth")
    run_block(module_block, "schedules.md", module.__dict__)
    monkeypatch.setitem(sys.modules, "mvae_sawtooth", module)
    (pyproject,) = section_blocks("toml")[-1:]
    points = re.findall(r'^(\w+) = "([\w.]+:\w+)"', pyproject.split('[project.entry-points."mvae.schedules"]', 1)[1],
                        flags=re.M)  # fmt: skip
    assert points == [("sawtooth", "mvae_sawtooth:Sawtooth")]
    found = [EntryPoint(name, target) for name, target in points]
    monkeypatch.setattr(
        importlib.metadata, "entry_points", lambda group: found if group == schedules.ENTRY_POINT_GROUP else []
    )
    tests: dict = {"__name__": "test_sawtooth"}
    run_block(test_block, "schedules.md", tests)
    return tests["test_sawtooth"]


def test_the_pages_package_passes_the_pages_test(page_test):
    page_test()


def test_the_pages_schedule_works_by_name_in_a_plugins_config(page_test):
    assert schedules.names()["sawtooth"] == "mvae-sawtooth"
    spec = schedules.validate_setting({"name": "sawtooth", "period": 4}, {"name": "linear"})
    assert spec == {"name": "sawtooth", "low": 0.0, "high": 1.0, "period": 4.0}
    assert schedules.from_spec(spec)(6) == 0.5
