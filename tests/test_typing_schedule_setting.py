"""A schedule setting as a type checker reads it: after validation it is always the full table, so the built-in
plugins' ``config.schedule`` is typed ``dict[str, Any]`` (it was ``str | dict``, and ``config.schedule["name"]``
failed type checks), while their ``Config(schedule=...)`` still takes a bare name (an ``__init__`` declared for
type checkers alone). docs/schedules.md and docs/hooks.md type their example settings the same way."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
import typing
from pathlib import Path
from typing import Any

import pytest

import schedules
from mvae_plugins import scheduled
from tests.test_docs import run_block

SCHEDULED = ["kl_anneal", "lr_step_decay", "ts_ramp"]
DOCS = Path(__file__).resolve().parents[1] / "docs"


def _config(module: str) -> type[scheduled.ScheduledConfig]:
    return importlib.import_module(f"mvae_plugins.{module}").Config


@pytest.mark.parametrize("module", SCHEDULED)
def test_the_stored_schedule_is_typed_as_the_table(module: str) -> None:
    hint = typing.get_type_hints(_config(module), include_extras=True)["schedule"]
    assert typing.get_args(hint)[0] == dict[str, Any]


@pytest.mark.parametrize("module", SCHEDULED)
def test_a_checkers_constructor_takes_every_setting_and_a_schedule_name(module: str) -> None:
    """The ``__init__`` under ``if TYPE_CHECKING:`` names each field of the ``Config`` (a field added without it
    would be a type error to pass), keyword-only, and takes a :data:`~mvae_plugins.scheduled.ScheduleSetting`."""
    config = _config(module)
    body = ast.parse(textwrap.dedent(inspect.getsource(config))).body[0]
    assert isinstance(body, ast.ClassDef)
    checking = [n for n in body.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"]
    (init,) = [n for block in checking for n in block.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"]
    keywords = {arg.arg: ast.unparse(arg.annotation) for arg in init.args.kwonlyargs if arg.annotation}
    assert set(keywords) == set(config.model_fields) and not init.args.args[1:]
    assert keywords["schedule"] == "ScheduleSetting"
    assert set(typing.get_args(scheduled.ScheduleSetting)) == {str, dict[str, Any]}


@pytest.mark.parametrize("module", SCHEDULED)
@pytest.mark.parametrize("given", ["default", "cosine", {"name": "cosine"}, "partial"])
def test_a_validated_schedule_is_always_the_full_table(module: str, given: Any) -> None:
    """The default, a bare name, a table and a table without ``name`` (a parameter of the default changed): each is
    stored as the table with every parameter of its schedule."""
    config = _config(module)
    default = config.model_validate({}).schedule
    if given == "partial":
        parameter = next(key for key in default if key != "name")
        given = {parameter: default[parameter] + 1}
    stored = default if given == "default" else config.model_validate({"schedule": given}).schedule
    assert isinstance(stored, dict)
    assert stored == schedules.from_spec(stored).spec()  # every parameter filled in


def _example_config(page: str, marker: str) -> type:
    """The ``Config`` of the Python block of ``docs/<page>`` that contains ``marker``, as the page's code defines it."""
    text = (DOCS / page).read_text(encoding="utf-8")
    (block,) = [b for b in re.findall(r"```python\n(.*?)```", text, flags=re.S) if marker in b]
    namespace: dict[str, Any] = {}
    run_block(block, page, namespace)
    return namespace["Config"] if "Config" in namespace else namespace[marker.split()[-1].rstrip(":")].Config


@pytest.mark.parametrize(
    ("page", "marker", "field"),
    [("schedules.md", "weight = schedules.from_spec", "weight"), ("hooks.md", "class MuPenalty(", "schedule")],
)
def test_the_docs_example_settings_are_typed_as_the_table(page: str, marker: str, field: str) -> None:
    config = _example_config(page, marker)
    assert typing.get_type_hints(config)[field] == dict[str, Any]
