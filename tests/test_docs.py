"""Docs are part of the contract: every hook is documented (with its exact arguments) and tested."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from mvae_core import hookspecs

ROOT = Path(__file__).resolve().parents[1]
HOOKS = [
    (name, function)
    for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
    if name.startswith("mvae_") and hasattr(function, "mvae_spec")
]


def test_there_are_hooks():
    assert len(HOOKS) >= 7


@pytest.mark.parametrize("name,function", HOOKS, ids=[n for n, _ in HOOKS])
def test_hook_is_documented_with_its_arguments(name, function):
    docs = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    arguments = ", ".join(inspect.signature(function).parameters)
    assert f"## {name}({arguments})" in docs, f"docs/hooks.md needs a heading '## {name}({arguments})'"


@pytest.mark.parametrize("name,function", HOOKS, ids=[n for n, _ in HOOKS])
def test_hookspec_docstring_states_the_contract(name, function):
    doc = inspect.getdoc(function) or ""
    for argument in inspect.signature(function).parameters:
        assert f":param {argument}:" in doc, f"{name}: docstring lacks ':param {argument}:'"
    assert "Return value" in doc and "Example::" in doc, f"{name}: docstring needs 'Return value' and 'Example::'"


@pytest.mark.parametrize("name,function", HOOKS, ids=[n for n, _ in HOOKS])
def test_hook_has_a_test(name, function):
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").glob("test_*.py"))
    assert re.search(rf"def test_hook_{name}\b", sources), f"no test named test_hook_{name}"


def test_call_sequence_in_hookspecs_names_every_hook():
    module_doc = hookspecs.__doc__ or ""
    for name, _ in HOOKS:
        assert name in module_doc, f"the call sequence in hookspecs.py does not mention {name}"


def test_readme_gives_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
