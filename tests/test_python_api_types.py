"""A program of one's own annotates with the API's types (``def on_loop(notes: list[Note])``,
``player: NotePlayer``); ``Note``, ``DecodeOptions``, ``NotePlayer`` and ``Audio`` had to be imported from the modules
that define them (``mvae_core.generation``, ``mvae_core.models.base``, ...), which the docs did not all name."""

from __future__ import annotations

import inspect
import subprocess
import sys
import typing

import mvae_core


def _classes(hint: object) -> set[type]:
    """The classes of mvae_core that ``hint`` names, at any depth (``list[list[Note]]`` → ``{Note}``)."""
    found = {hint} if isinstance(hint, type) and hint.__module__.startswith("mvae_core") else set()
    return found.union(*(_classes(arg) for arg in typing.get_args(hint)))


def _returned() -> dict[type, str]:
    """Each mvae_core class that a public call or a method of ``Run`` or ``Generated`` returns, or that a
    ``Generated`` holds its notes and options as, with one place that names it."""
    named: dict[type, str] = {}
    calls = {
        name: getattr(mvae_core, name) for name in mvae_core.__all__ if inspect.isfunction(getattr(mvae_core, name))
    }
    for cls in (mvae_core.Run, mvae_core.Generated):
        calls |= {f"{cls.__name__}.{m}": f for m, f in vars(cls).items() if inspect.isfunction(f) and m[0] != "_"}
    for where, call in calls.items():
        if where == "train":  # session.py's hints name Run under TYPE_CHECKING only
            continue
        for cls in _classes(typing.get_type_hints(call).get("return")):
            named.setdefault(cls, where)
    fields = typing.get_type_hints(mvae_core.Generated)
    for field in ("loops", "options"):
        for cls in _classes(fields[field]):
            named.setdefault(cls, f"Generated.{field}")
    return named


def test_every_type_a_program_gets_back_is_named_by_mvae_core():
    missing = {f"{cls.__module__}.{cls.__name__} ({where})" for cls, where in _returned().items()
               if getattr(mvae_core, cls.__name__, None) is not cls}  # fmt: skip
    assert not missing, f"not importable from mvae_core: {sorted(missing)}"


def test_the_live_types_are_importable_without_torch():
    code = "import sys; from mvae_core import DecodeOptions; print('torch' in sys.modules, DecodeOptions().tempo)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "120.0"]
