"""The ``Class.attribute`` names and ``Class(...)`` calls that docs/benchmarks.md, data.md, evaluation.md, models.md,
schedules.md, timing.md and tools.md put in code spans name a class of mvae's code and an attribute it has
(benchmarks.md still named ``LoopSet.note_weights``, ``MelodyVAE`` and ``Player(model)``, which the code had
renamed)."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ["benchmarks.md", "data.md", "evaluation.md", "models.md", "schedules.md", "timing.md", "tools.md"]
PACKAGES = ["mvae_core", "mvae_plugins", "schedules"]
NOT_MVAE = {"Adam", "F", "Math", "Var"}  # torch's optimiser, torch.nn.functional; JavaScript's (tools.md); Var(μ), math


def class_attributes() -> dict[str, set[str]]:
    """Every class of mvae's packages by name, with the names it defines: methods, class attributes and fields, and
    the attributes its methods assign on ``self``."""
    found: dict[str, set[str]] = defaultdict(set)
    for package in PACKAGES:
        for file in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.ClassDef):
                    continue
                names = found[node.name]
                for item in ast.walk(node):
                    if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and item is not node:
                        names.add(item.name)
                    elif isinstance(item, ast.AnnAssign | ast.Assign):
                        for target in item.targets if isinstance(item, ast.Assign) else [item.target]:
                            if isinstance(target, ast.Name):
                                names.add(target.id)
                            elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                                names.add(target.attr)
    return found


CLASSES = class_attributes()


def named(page: str) -> list[str]:
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    return sorted(set(re.findall(r"`([A-Z][A-Za-z0-9]*\.[a-z_][A-Za-z0-9_]*)(?:\(\))?`", text)) - {"README.md"})


def constructed(page: str) -> list[str]:
    """The classes a page's code spans call: ``SeedPlayer(model)``."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    return sorted(set(re.findall(r"`(?:[\w.]+\.)?([A-Z][A-Za-z0-9]*)\(", text)))


@pytest.mark.parametrize("page", PAGES)
def test_the_classes_and_attributes_a_page_names_exist(page):
    wrong = []
    for name in named(page):
        cls, attribute = name.split(".")
        if cls in NOT_MVAE:
            continue
        if cls not in CLASSES:
            wrong.append(f"{name} (no class {cls})")
        elif attribute not in CLASSES[cls]:
            wrong.append(f"{name} ({cls} has no {attribute})")
    wrong += [
        f"{name}(...) (no class {name})" for name in constructed(page) if name not in CLASSES and name not in NOT_MVAE
    ]
    assert not wrong, f"docs/{page} names {wrong}"
