"""Every hint of the public API resolves at run time: programs that read hints (``typing.get_type_hints``, pydantic's
``validate_call``, typer, FastAPI) can wrap ``mvae_core.train`` and the players."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest

import mvae_core
from mvae_core.session import RunFolder, RunResult


def _hinted() -> Iterator[tuple[str, Callable[..., Any] | type]]:
    """Each public function and class of ``mvae_core``, and each public method or property a class defines."""
    for name in mvae_core.__all__:
        value = getattr(mvae_core, name)
        if inspect.isclass(value):
            yield name, value
            for attribute, member in vars(value).items():
                function = member.fget if isinstance(member, property) else member
                if inspect.isfunction(function) and not attribute.startswith("_"):
                    yield f"{name}.{attribute}", function
        elif inspect.isfunction(value):
            yield name, value


HINTED = dict(_hinted())


def test_the_walk_covers_the_api() -> None:
    assert {"train", "load", "generate", "NotePlayer.notes", "Run.generate", "Generated.timed"} <= set(HINTED)


@pytest.mark.parametrize("name", sorted(HINTED))
def test_hints_resolve(name: str) -> None:
    typing.get_type_hints(HINTED[name])


def test_train_takes_a_run_object_by_its_folder(tiny_run: Path) -> None:
    """``init_from`` takes a RunResult or a loaded Run (each names its folder), not a bare path object, as a run."""
    assert RunFolder in typing.get_args(typing.get_type_hints(mvae_core.train)["init_from"])
    assert isinstance(RunResult(path=tiny_run, outcome="trained", epochs_run=1), RunFolder)
    assert isinstance(mvae_core.load(tiny_run), RunFolder)
    assert not isinstance(tiny_run, RunFolder)


def test_pydantic_wraps_train() -> None:
    """A program can validate its calls of ``train`` with pydantic (the progress ``Reporter`` protocol is checkable)."""
    checked = pydantic.validate_call(config={"arbitrary_types_allowed": True})(mvae_core.train)
    with pytest.raises(pydantic.ValidationError, match="epochs"):
        checked(data="songs", epochs="many")
