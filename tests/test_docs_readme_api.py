"""README.md's Status and python_api.md's table name every function of ``mvae_core`` (the README listed train, load,
generate and evaluate after encode, interpolate and ablate had joined them)."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import mvae_core

ROOT = Path(__file__).resolve().parents[1]
FUNCTIONS = {name for name in mvae_core.__all__ if inspect.isfunction(getattr(mvae_core, name))}


def test_there_are_functions():
    assert {"train", "generate", "ablate"} <= FUNCTIONS


def test_the_readme_status_names_every_function_of_the_python_api():
    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    listed = text.split("the Python API under them (", 1)[1].split(")", 1)[0]
    named = {name.removeprefix("mvae_core.") for name in re.findall(r"`([\w.]+)`", listed)}
    assert named == FUNCTIONS, f"README.md's Status names {sorted(named)}; mvae_core has {sorted(FUNCTIONS)}"


def test_python_api_md_has_a_row_for_every_function():
    text = (ROOT / "docs" / "python_api.md").read_text(encoding="utf-8")
    rows = set(re.findall(r"^\| `mvae_core\.(\w+)\(", text, flags=re.M))
    assert rows == FUNCTIONS, f"python_api.md's table has {sorted(rows)}; mvae_core has {sorted(FUNCTIONS)}"
