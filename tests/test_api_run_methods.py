"""``Run``'s generate, evaluate, encode, interpolate and compare are the module's functions of a run (``api.run_method``), each
declared ``Final`` at module level so that every type checker takes the type run_method gives, the function's own
signature, as declared: assigned unannotated in Run's body, pyright ``--verifytypes`` counted the four (and through
them ``Run``, ``load`` and every call taking a run) "ambiguous", since another checker may infer them otherwise; an
annotation in Run's body would have made dataclass fields of them. At run time they stay what they were."""

from __future__ import annotations

import dataclasses
import inspect
import typing

import pytest

from mvae_core import api

METHODS = ("generate", "evaluate", "encode", "interpolate", "compare")


@pytest.mark.parametrize("name", METHODS)
def test_each_method_is_declared_final_where_a_dataclass_body_does_not_see_it(name: str) -> None:
    declared = f"_run_{name}"
    assert api.__annotations__[declared] == "Final"  # a string: postponed evaluation
    assert vars(api.Run)[name] is getattr(api, declared)


@pytest.mark.parametrize("name", METHODS)
def test_each_method_is_the_function_of_a_run(name: str) -> None:
    method = vars(api.Run)[name]
    assert method.__qualname__ == f"Run.{name}" and method.__wrapped__ is getattr(api, name)
    assert inspect.signature(method) == inspect.signature(getattr(api, name))  # help() shows the function's own


def test_the_run_keeps_its_fields_and_hints() -> None:
    assert [field.name for field in dataclasses.fields(api.Run)] == ["path", "model", "config", "model_metadata"]
    assert set(typing.get_type_hints(api.Run)) == {"path", "model", "config", "model_metadata"}
