"""The hints a plugin or model author's type checker reads from the installed mvae (``py.typed``): the public names of
``mvae_core`` are typed and a misspelt one is an error, ``MAY_CHANGE_ON_RESUME`` is what pydantic's ``Field`` takes,
and a hook's ``trainer.model`` is the ``MelodyModel`` docs/hooks.md promises."""

from __future__ import annotations

import ast
import inspect
import typing
from pathlib import Path

import torch
from pydantic import BaseModel
from pydantic.config import JsonDict

import mvae_core
import mvae_core.plugins
from mvae_core.models.base import MelodyModel
from mvae_core.view import TrainerView

INIT = Path(mvae_core.__file__)


def _type_checking_block(module: ast.Module, negated: bool) -> ast.If:
    """The module's top-level ``if TYPE_CHECKING:`` (or ``if not TYPE_CHECKING:``) block."""
    for node in module.body:
        test = node.test if isinstance(node, ast.If) else None
        if negated and isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            test = test.operand
        elif negated:
            continue
        if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
            return typing.cast(ast.If, node)
    raise AssertionError(f"no top-level 'if {'not ' if negated else ''}TYPE_CHECKING:' in {INIT}")


def test_type_checkers_see_every_lazy_name_and_no_module_getattr() -> None:
    """A module ``__getattr__`` typed ``-> Any`` made every attribute of ``mvae_core`` Any to mypy and pyright, so
    ``mvae_core.genrate(...)`` passed both; it is defined for run time only, and each lazy name is imported for the
    checkers instead."""
    module = ast.parse(INIT.read_text(encoding="utf-8"))
    top_level = {node.name for node in module.body if isinstance(node, ast.FunctionDef)}
    assert "__getattr__" not in top_level
    runtime_only = _type_checking_block(module, negated=True)
    assert [n.name for n in runtime_only.body if isinstance(n, ast.FunctionDef)] == ["__getattr__"]
    typed = {
        alias.asname or alias.name
        for node in _type_checking_block(module, negated=False).body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    assert set(mvae_core._LAZY) <= typed


def test_may_change_on_resume_is_typed_as_fields_json_schema_extra() -> None:
    """Inferred as ``dict[str, str]``, it was refused by mypy and pyright in ``Field(json_schema_extra=...)``
    (``dict`` is invariant; pydantic takes ``JsonDict``), in every plugin that marks a setting."""
    annotation = mvae_core.plugins.__annotations__["MAY_CHANGE_ON_RESUME"]  # a string: postponed evaluation
    assert eval(annotation, vars(mvae_core.plugins)) is JsonDict  # not get_type_hints: JsonDict recurses by name


def test_trainer_view_model_is_the_melody_model() -> None:
    """Typed ``torch.nn.Module``, ``trainer.model.loss_terms(...)`` or ``.latent_dim`` in a hook failed type checks."""
    hints = typing.get_type_hints(TrainerView, localns={"torch": torch, "MelodyModel": MelodyModel})
    assert hints["model"] is MelodyModel


ROOT = INIT.parents[1]
TYPED_PACKAGES = ("mvae_core", "mvae_plugins", "schedules")
"""The packages a plugin, schedule or model author imports from (docs/hooks.md's example imports ``schedules``)."""


def test_every_package_a_plugin_imports_is_marked_typed() -> None:
    """Without ``py.typed``, mypy refused ``import schedules`` (import-untyped) and pyright strict reported a missing
    stub, in docs/hooks.md's own example."""
    assert [name for name in TYPED_PACKAGES if not (ROOT / name / "py.typed").is_file()] == []


def test_settings_defaults_are_given_by_keyword() -> None:
    """Type checkers read a pydantic default only from ``Field(default=...)`` (the dataclass_transform rule): with
    ``Field(512, ...)``, ``ModelConfig(hidden=64)`` or ``EarlyStopping.Config(patience=3)`` was reported as missing
    every other setting."""
    sources = {
        path: path.read_text(encoding="utf-8") for name in TYPED_PACKAGES for path in (ROOT / name).rglob("*.py")
    }
    positional = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path, text in sorted(sources.items())
        if "Field(" in text
        for node in ast.walk(ast.parse(text))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Field" and node.args
    ]
    assert positional == []


def test_a_player_may_give_latent_dim_as_a_property() -> None:
    """docs/models.md: a player is any object with an attribute ``latent_dim`` and a method ``notes``. Declared as a
    mutable ``latent_dim: int``, the protocol refused (in mypy and pyright) a player whose ``latent_dim`` is a
    property; a read-only protocol property takes both."""
    assert isinstance(inspect.getattr_static(mvae_core.NotePlayer, "latent_dim"), property)


def test_the_model_registry_returns_melody_models() -> None:
    """A model package's tests build and resolve its model through the registry (examples/mvae-wide-seed);
    ``build_model`` returned ``Any`` and ``resolve_model`` a bare ``type``, hiding the contract's methods."""
    import mvae_core.models as registry

    def returned(function: object) -> object:
        return typing.get_type_hints(function, localns={"MelodyModel": MelodyModel})["return"]

    assert returned(registry.build_model) is MelodyModel
    assert returned(registry.resolve_model) == tuple[type[MelodyModel], BaseModel]
    assert returned(registry.ModelInfo.model_class) == type[MelodyModel]
